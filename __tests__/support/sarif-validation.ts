// Validates SARIF the way code scanning would: the OASIS 2.1.0 schema (the copy in
// fixtures/sarif), the rules GitHub adds to it, and Microsoft's SARIF Multitool.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { Log } from 'sarif'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const schema = JSON.parse(
  readFileSync(path.join(root, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')
) as { definitions: { region: { properties: Record<string, unknown>; anyOf?: unknown } } }
// This copy of the schema nests the region's `anyOf` (startLine, charOffset or byteOffset
// required) inside `properties`, where it is not a valid schema; ajv refuses it there. Moved back
// to where the OASIS schema has it, it also checks that every region has a start.
const region = schema.definitions.region
if (Array.isArray(region.properties.anyOf)) {
  region.anyOf = region.properties.anyOf
  delete region.properties.anyOf
}

const ajv = new Ajv2020({ allErrors: true, strict: false })
// The schema's formats, checked strictly enough to catch an unencoded path or a bad URL.
ajv.addFormat('uri', (value: string) => {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/[\s<>"{}|\\^`]/.test(value) && !!new URL(value)
  } catch {
    return false
  }
})
ajv.addFormat('uri-reference', (value: string) => {
  try {
    // eslint-disable-next-line no-control-regex
    return !/[\s<>"{}|\\^`\u0000-\u001f]/.test(value) && !!new URL(value, 'https://base.example/')
  } catch {
    return false
  }
})
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)))
const validate = ajv.compile(schema)

/** Where the log breaks the SARIF 2.1.0 schema, as ajv words it; empty when it is valid. */
export function schemaProblems(log: unknown): string[] {
  if (validate(log)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)
}

/** The rules GitHub code scanning adds to the schema (fixtures/sarif/README.md). */
export function githubProblems(log: Log): string[] {
  const problems: string[] = []
  if (log.runs.length > 20) problems.push('more than 20 runs')
  for (const run of log.runs) {
    if (!run.automationDetails?.id) problems.push('automationDetails.id missing')
    if ((run.results?.length ?? 0) > 25_000) problems.push('more than 25,000 results')
    for (const rule of run.tool.driver.rules ?? []) {
      if ((rule.shortDescription?.text.length ?? 0) > 1024)
        problems.push(`${rule.id}: shortDescription > 1024`)
      if ((rule.fullDescription?.text.length ?? 0) > 1024)
        problems.push(`${rule.id}: fullDescription > 1024`)
      if (!rule.help?.text) problems.push(`${rule.id}: help.text missing`)
      const severity = rule.properties?.['security-severity'] as unknown
      if (severity !== undefined) {
        const value = Number(severity)
        if (
          typeof severity !== 'string' ||
          !/^\d{1,2}(\.\d)?$/.test(severity) ||
          !(value >= 0.1 && value <= 10)
        ) {
          problems.push(`${rule.id}: security-severity ${String(severity)}`)
        }
        if (!(rule.properties?.tags ?? []).includes('security'))
          problems.push(`${rule.id}: no security tag`)
      }
    }
    for (const [index, item] of (run.results ?? []).entries()) {
      const physical = item.locations?.[0]?.physicalLocation
      if (!physical?.artifactLocation?.uri) problems.push(`result ${index}: no physical location`)
      if (!physical?.region?.startLine || physical.region.startLine < 1)
        problems.push(`result ${index}: no start line`)
    }
  }
  return problems
}

/**
 * Runs Microsoft's SARIF Multitool (`validate --rule-kind "Gh;Sarif"`: the SARIF rules and the
 * rules of GitHub Advanced Security) on each log, and returns every finding at error or warning
 * level as `name: RULE message`; empty when there is none. Notes (suggestions such as snippets)
 * are not problems. Throws when the tool cannot run.
 */
export function multitoolProblems(logs: Record<string, Log>): string[] {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'sarif-multitool-'))
  try {
    const files = Object.entries(logs).map(([name, log]) => {
      const file = path.join(directory, `${name}.sarif`)
      writeFileSync(file, `${JSON.stringify(log, null, 2)}\n`)
      return file
    })
    const output = path.join(directory, 'validation.json')
    // The package's bin.js runs the tool through a shell, which would split "Gh;Sarif" at `;`:
    // run the platform binary it points at directly.
    const binary = require('@microsoft/sarif-multitool') as string
    const run = spawnSync(
      binary,
      [
        'validate',
        '--rule-kind',
        'Gh;Sarif',
        '--level',
        'Error;Warning',
        '--output',
        output,
        ...files
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    if (run.error || !existsSync(output)) {
      throw new Error(
        `SARIF Multitool did not run: ${run.error?.message ?? run.stdout + run.stderr}`
      )
    }
    const validation = JSON.parse(readFileSync(output, 'utf8')) as Log
    const problems: string[] = []
    for (const result of validation.runs.flatMap((entry) => entry.results ?? [])) {
      if (result.level !== 'error' && result.level !== 'warning') continue
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''
      const args = (result.message.arguments ?? []).join(' | ')
      problems.push(`${path.basename(uri)}: ${result.ruleId} ${args}`)
    }
    for (const notification of validation.runs.flatMap(
      (entry) =>
        entry.invocations?.flatMap((invocation) => invocation.toolExecutionNotifications ?? []) ??
        []
    )) {
      if (notification.level === 'error') problems.push(`tool: ${notification.message.text}`)
    }
    return problems
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
