// A plan file's format, told from its content (never from its name): a Terraform plan has
// `format_version`; a what-if result has `changes` (at the top, or under `properties`); an EPAC
// policy plan has `assignments`, `exemptions` or definitions with `new`/`update`/`replace`/`delete`.
import { EXPECTED_FORMATS, PlanFileError } from './errors.ts'
import { isEpacPlan, readEpacPlan } from './epac.ts'
import { JsonSkim, JsonSyntaxError } from './json-skim.ts'
import { readTerraformPlan } from './terraform.ts'
import type { PlanFileRead } from './types.ts'
import { readWhatIf, whatIfResult } from './what-if.ts'

/** The start of a zip archive: `terraform plan -out` writes one. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09)
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte)
}

/** A hint for text that is a known non-JSON output of the tools that make plans. */
function hintFor(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8')
  if (/Resource and property changes are indicated|Scope: \//.test(head)) {
    return "It looks like what-if's human-readable output: run what-if with `--no-pretty-print` and give its JSON."
  }
  if (
    /Terraform (will perform|used the selected providers)|No changes\. Your infrastructure/.test(
      head
    )
  ) {
    return "It looks like `terraform plan`'s human-readable output: save the plan and give `terraform show -json PLAN`."
  }
  return `Give ${EXPECTED_FORMATS}.`
}

/**
 * Reads one plan file's bytes (UTF-8): recognises the format from the content and returns the
 * policy and pricing changes in it. `file` names it in messages and results. Throws PlanFileError
 * for an empty file, a binary Terraform plan, text that is not JSON (with the line and column), and
 * JSON that is none of the formats; and as each format's reader does.
 */
export function readPlanContent(bytes: Uint8Array, file: string): PlanFileRead {
  if (isBlank(bytes)) {
    throw new PlanFileError(
      file,
      'is empty.',
      `Check that the step that writes it succeeded; give ${EXPECTED_FORMATS}.`
    )
  }
  if (startsWith(bytes, ZIP_MAGIC)) {
    throw new PlanFileError(
      file,
      'is a binary Terraform plan (`terraform plan -out`).',
      'Convert it with `terraform show -json PLAN > plan.json` and give that file.'
    )
  }
  const skim = new JsonSkim(bytes)
  let members
  try {
    members = skim.rootMembers()
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    const { line, column } = skim.lineAndColumn(error.offset)
    throw new PlanFileError(
      file,
      `is not valid JSON: ${error.message} (line ${line}, column ${column}).`,
      hintFor(bytes)
    )
  }
  if (members === undefined) {
    throw new PlanFileError(file, 'holds JSON that is not an object.', `Give ${EXPECTED_FORMATS}.`)
  }
  if (members.has('format_version')) {
    return { file, format: 'terraform', changes: readTerraformPlan(skim, members, file) }
  }
  const document = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>
  if (whatIfResult(document))
    return { file, format: 'what-if', changes: readWhatIf(document, file) }
  if (isEpacPlan(document)) return { file, format: 'epac', changes: readEpacPlan(document, file) }
  throw new PlanFileError(file, 'is JSON in none of the formats read.', `Give ${EXPECTED_FORMATS}.`)
}
