// The step outputs, exactly as docs/design.md ("The action's contract") and action.yml name
// them. Values are data for later steps: they keep Azure's strings as they are (JSON-encoded), not
// escaped for display. A workflow that interpolates them into a script with ${{ }} must treat them
// as untrusted text.
import type { AssignmentEvidence, SubscriptionResult } from '../model.ts'

export type OutputName = 'compliant' | 'noncompliant-subscriptions' | 'results' | 'sarif-file'

/** The fields of each assignment in the `results` output, in this order: AssignmentEvidence's,
 * less the notes and ids meant for people and the remediation. */
export const ASSIGNMENT_OUTPUT_FIELDS = [
  'id',
  'displayName',
  'scope',
  'policyDefinitionId',
  'policyDefinitionReferenceId',
  'effect',
  'effectSource',
  'enforcementMode',
  'coverage'
] as const satisfies readonly (keyof AssignmentEvidence)[]

/** The fields of each subscription in the `results` output, in this order, before `assignments`. */
export const RESULT_OUTPUT_FIELDS = [
  'subscriptionId',
  'verdict',
  'reason',
  'effectiveEffect'
] as const satisfies readonly (keyof SubscriptionResult)[]

export type AssignmentOutput = Pick<AssignmentEvidence, (typeof ASSIGNMENT_OUTPUT_FIELDS)[number]>
export type ResultOutput = Pick<SubscriptionResult, (typeof RESULT_OUTPUT_FIELDS)[number]> & {
  assignments: AssignmentOutput[]
}

/** `value` with only `fields`, in their order (JSON keeps it). */
function pick<T, K extends keyof T>(value: T, fields: readonly K[]): Pick<T, K> {
  return Object.fromEntries(fields.map((field) => [field, value[field]])) as Pick<T, K>
}

/** One subscription as the `results` output gives it. */
export function resultOutput(result: SubscriptionResult): ResultOutput {
  return {
    ...pick(result, RESULT_OUTPUT_FIELDS),
    assignments: result.assignments.map((evidence) => pick(evidence, ASSIGNMENT_OUTPUT_FIELDS))
  }
}

/**
 * The values of the action's outputs:
 * - `compliant`: 'true' when every subscription is compliant (and there is at least one), else
 *   'false';
 * - `noncompliant-subscriptions`: JSON array of the ids whose verdict is noncompliant;
 * - `results`: JSON array, one object per subscription with RESULT_OUTPUT_FIELDS and
 *   `assignments` (ASSIGNMENT_OUTPUT_FIELDS each);
 * - `sarif-file`: the path of the SARIF file written, '' when none was.
 */
export function buildOutputs(
  results: readonly SubscriptionResult[],
  sarifPath: string | null
): Record<OutputName, string> {
  return {
    compliant: String(
      results.length > 0 && results.every((result) => result.verdict === 'compliant')
    ),
    'noncompliant-subscriptions': JSON.stringify(
      results
        .filter((result) => result.verdict === 'noncompliant')
        .map((result) => result.subscriptionId)
    ),
    results: JSON.stringify(results.map(resultOutput)),
    'sarif-file': sarifPath ?? ''
  }
}
