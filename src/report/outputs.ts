// The step outputs, exactly as docs/design.md ("The action's contract") and action.yml name
// them. Values are data for later steps: they keep Azure's strings as they are (JSON-encoded), not
// escaped for display. A workflow that interpolates them into a script with ${{ }} must treat them
// as untrusted text.
import type { AssignmentEvidence, SkippedSubscription, SubscriptionResult } from '../model.ts'
import { fitResults, type Fitted } from './outputs-fit.ts'

export type OutputName =
  | 'compliant'
  | 'noncompliant-subscriptions'
  | 'results'
  | 'results-trimmed'
  | 'results-file'
  | 'skipped-subscriptions'
  | 'sarif-file'

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
  'displayName',
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

/** One subscription as the `results` output and the results file give it (without `displayName`
 * when the run did not learn it). */
export function resultOutput(result: SubscriptionResult): ResultOutput {
  return {
    ...pick(result, RESULT_OUTPUT_FIELDS),
    assignments: result.assignments.map((evidence) => pick(evidence, ASSIGNMENT_OUTPUT_FIELDS))
  }
}

/** What the reports wrote, for the outputs that name it. */
export interface OutputFiles {
  /** The SARIF file written, null when none was. */
  sarifFile: string | null
  /** The results file written, null when it was not. */
  resultsFile: string | null
}

/** Characters of the results file's text written at a time (write.ts): well under the 128 KiB
 * past which V8 puts a string in its large-object space, which only a full collection frees. */
export const RESULTS_PIECE_CHARACTERS = 32 * 1024

/**
 * The results file's text, `entries` as one JSON array (not trimmed) and a newline, in pieces of
 * about RESULTS_PIECE_CHARACTERS whose concatenation is `${JSON.stringify(entries)}\n`: written
 * piece by piece, so that the whole text (megabytes at thousands of subscriptions) is never held
 * at once. Pushes each entry's JSON length onto `lengths` as it goes (fitResults takes them).
 */
export function* resultsFilePieces(
  entries: readonly ResultOutput[],
  lengths: number[]
): Generator<string, void, undefined> {
  let piece = '['
  for (const [index, entry] of entries.entries()) {
    const json = JSON.stringify(entry)
    lengths.push(json.length)
    piece += index > 0 ? `,${json}` : json
    if (piece.length >= RESULTS_PIECE_CHARACTERS) {
      yield piece
      piece = ''
    }
  }
  yield `${piece}]\n`
}

/**
 * The values of the action's outputs, and how `results` was fitted (outputs-fit.ts):
 * - `compliant`: 'true' when every subscription checked is compliant (and there is at least one),
 *   else 'false';
 * - `noncompliant-subscriptions`: JSON array of the ids whose verdict is noncompliant;
 * - `results`: JSON array, one object per subscription with RESULT_OUTPUT_FIELDS and
 *   `assignments` (ASSIGNMENT_OUTPUT_FIELDS each), within RESULTS_OUTPUT_MAX_BYTES: `assignments`
 *   null where the evidence was trimmed, subscriptions left out past that;
 * - `results-trimmed`: 'true' when `results` leaves anything out, else 'false';
 * - `results-file`: the path of the results file written, '' when it was not;
 * - `skipped-subscriptions`: JSON array of `skipped` (subscriptionId, displayName, state);
 * - `sarif-file`: the path of the SARIF file written, '' when none was.
 * `written`: the entries (resultOutput of each result) and their JSON lengths the results file
 * was written with (resultsFilePieces), to fit without serializing them again.
 */
export function buildOutputs(
  results: readonly SubscriptionResult[],
  skipped: readonly SkippedSubscription[],
  files: OutputFiles,
  written?: { entries: readonly ResultOutput[]; lengths: readonly number[] }
): { values: Record<OutputName, string>; fitted: Fitted } {
  const fitted = written
    ? fitResults(written.entries, undefined, written.lengths)
    : fitResults(results.map(resultOutput))
  const values: Record<OutputName, string> = {
    compliant: String(
      results.length > 0 && results.every((result) => result.verdict === 'compliant')
    ),
    'noncompliant-subscriptions': JSON.stringify(
      results
        .filter((result) => result.verdict === 'noncompliant')
        .map((result) => result.subscriptionId)
    ),
    results: fitted.json,
    'results-trimmed': String(fitted.evidenceTrimmed + fitted.subscriptionsLeftOut > 0),
    'results-file': files.resultsFile ?? '',
    'skipped-subscriptions': JSON.stringify(
      skipped.map(({ subscriptionId, displayName, state }) => ({
        subscriptionId,
        displayName,
        state
      }))
    ),
    'sarif-file': files.sarifFile ?? ''
  }
  return { values, fitted }
}
