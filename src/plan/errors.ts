// A plan file that cannot be read as a plan is the user's to fix (a wrong path, a step that wrote
// the human-readable output, a truncated upload), so it belongs to the UserError family: main fails
// the step with the message as it is.
import { UserError } from '../errors.ts'

/** What the readers accept, for messages that must say what was expected. */
export const EXPECTED_FORMATS =
  'a Terraform plan in JSON (`terraform show -json PLAN`), an ARM/Bicep what-if result in JSON ' +
  '(`az deployment … what-if --no-pretty-print`, or the REST result) or an EPAC policy plan ' +
  '(policy-plan.json from Build-DeploymentPlans)'

/**
 * A file named by `planned-changes` that cannot be read as a plan, or a path that is refused. The
 * message names the file, says what is wrong and what to do.
 */
export class PlanFileError extends UserError {
  readonly file: string

  constructor(file: string, problem: string, fix: string) {
    super(`planned-changes: ${file}: ${problem} ${fix}`)
    this.name = 'PlanFileError'
    this.file = file
  }
}
