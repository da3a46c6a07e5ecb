// The step outputs, exactly as docs/design.md ("The action's contract") and action.yml name
// them. Values are data for later steps: they keep Azure's strings as they entered the run
// (JSON-encoded, secrets redacted, display names and messages cut: azure-text.ts), not escaped for
// display. A workflow that interpolates them into a script with ${{ }} must treat them as
// untrusted text. The `results` output is kept within what GitHub keeps of a step's outputs: past
// the budget, the longest strings are cut first (the offender, not its neighbours), then evidence
// goes, then whole subscriptions, and the caller says so. The results file (index.ts,
// writeReports) always has everything.
import { cutText } from '../azure-text.ts'
import { mapStrings, stringsOf } from '../plain-data.ts'
import { redactDeep } from '../redact.ts'
import {
  VERDICTS,
  type AssignmentEvidence,
  type SkippedSubscription,
  type SubscriptionResult,
  type Verdict
} from '../model.ts'

export type OutputName =
  | 'compliant'
  | 'noncompliant-subscriptions'
  | 'results'
  | 'results-trimmed'
  | 'results-file'
  | 'skipped-subscriptions'
  | 'changed-subscriptions'
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

/** The fields of each subscription in the `results` output, in this order, before `assignments`
 * (the exemption lists only when a result has them; the virtual machines' counts and the
 * cross-check when the run compared). */
export const RESULT_OUTPUT_FIELDS = [
  'subscriptionId',
  'displayName',
  'verdict',
  'currentVerdict',
  'plannedChanges',
  'reason',
  'effectiveEffect',
  'acceptedExemptions',
  'expiringExemptions',
  'virtualMachines',
  'crossCheck',
  'crossCheckReason'
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
 * when the run did not learn it), every string redacted (redact.ts): the last guard before those
 * two sinks. */
export function resultOutput(result: SubscriptionResult): ResultOutput {
  return redactDeep({
    ...pick(result, RESULT_OUTPUT_FIELDS),
    assignments: result.assignments.map((evidence) => pick(evidence, ASSIGNMENT_OUTPUT_FIELDS))
  })
}

/** One subscription as the results file gives it: resultOutput, and the machines the JIT policy
 * flags when the run read them (only their count is in the `results` output: a subscription can
 * hold thousands), redacted. */
export function resultsFileEntry(
  result: SubscriptionResult
): ResultOutput & Pick<SubscriptionResult, 'flaggedVirtualMachines'> {
  const entry = resultOutput(result)
  return result.flaggedVirtualMachines === undefined
    ? entry
    : { ...entry, flaggedVirtualMachines: redactDeep(result.flaggedVirtualMachines) }
}

/** What the reports wrote, for the outputs that name it. */
export interface OutputFiles {
  /** The SARIF file written, null when none was. */
  sarifFile: string | null
  /** The results file written, null when it was not. */
  resultsFile: string | null
}

/** Characters of the results file's text written at a time (index.ts): well under the 128 KiB
 * past which V8 puts a string in its large-object space, which only a full collection frees. */
export const RESULTS_PIECE_CHARACTERS = 32 * 1024

/**
 * The results file's text, `entries` as one JSON array (not trimmed) and a newline, in pieces of
 * about RESULTS_PIECE_CHARACTERS whose concatenation is `${JSON.stringify(entries)}\n`: written
 * piece by piece, so that the whole text (megabytes at thousands of subscriptions) is never held
 * at once. Pushes each entry's JSON length onto `lengths` as it goes (fitResults takes them).
 */
export function* resultsFilePieces(
  entries: readonly object[],
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

/** The most the `results` output may take, in bytes as GitHub counts an output: its UTF-16 code
 * units, two bytes each. */
export const RESULTS_OUTPUT_MAX_BYTES = 512 * 1024

/** A result in the output whose evidence was trimmed: `assignments` is null, and so is
 * `crossCheckReason` where the run compared (the counts and `crossCheck` stay). */
export type FittedResult = Omit<ResultOutput, 'assignments' | 'crossCheckReason'> & {
  assignments: ResultOutput['assignments'] | null
  crossCheckReason?: string | null
}

/** The shortest a string of the `results` output is cut to before evidence is trimmed, in UTF-16
 * code units: longer than any reason, id or name the run writes, so only an offender (a value of
 * Azure's far past its documented size) is ever cut. */
export const MIN_CUT_LENGTH = 2048

export interface Fitted {
  /** The `results` output: a JSON array of at most `maxBytes` bytes counted as GitHub does. */
  json: string
  /** Subscriptions whose `assignments` became null. */
  evidenceTrimmed: number
  /** Subscriptions left out of the array. */
  subscriptionsLeftOut: number
  /** `evidenceTrimmed` and `subscriptionsLeftOut` by verdict. */
  byVerdict: { evidenceTrimmed: VerdictTally; leftOut: VerdictTally }
  /** Present when strings were cut (azure-text.ts, cutText: marked `…[cut from N characters]`):
   * how many, in how many subscriptions, and the length they were cut to (UTF-16 code units). */
  cut?: { values: number; subscriptions: number; length: number }
}

export type VerdictTally = Record<Verdict, number>

const noVerdicts = (): VerdictTally => ({ compliant: 0, partial: 0, noncompliant: 0, error: 0 })

/** `json`, the entries whole: nothing trimmed or left out. */
const wholeEntries = (json: string): Fitted => ({
  json,
  evidenceTrimmed: 0,
  subscriptionsLeftOut: 0,
  byVerdict: { evidenceTrimmed: noVerdicts(), leftOut: noVerdicts() }
})

/** Bytes of `text` as GitHub counts an output (UTF-16 code units, two bytes each). */
export function outputBytes(text: string): number {
  return text.length * 2
}

// What to keep longest: the verdicts that need action before the compliant ones.
const KEEP_ORDER: Readonly<Record<Verdict, number>> = {
  error: 0,
  noncompliant: 1,
  partial: 2,
  compliant: 3
}

/**
 * The longest cut that brings `entries` (whose JSON is `wholeLength` long) within `maxLength`
 * UTF-16 code units: the greatest length, not under MIN_CUT_LENGTH, such that cutting every string
 * longer than it (cutText) makes the whole array fit; MIN_CUT_LENGTH when none does (`fits`
 * false). Null when no string is longer than MIN_CUT_LENGTH.
 */
function longestCut(
  entries: readonly ResultOutput[],
  wholeLength: number,
  maxLength: number
): { length: number; fits: boolean } | null {
  const long = [...stringsOf(entries)].filter((text) => text.length > MIN_CUT_LENGTH)
  if (long.length === 0) return null
  const jsonLengths = long.map((text) => JSON.stringify(text).length)
  const lengthAfter = (cut: number) =>
    long.reduce(
      (total, text, index) =>
        text.length > cut
          ? total - (jsonLengths[index] as number) + JSON.stringify(cutText(text, cut)).length
          : total,
      wholeLength
    )
  if (lengthAfter(MIN_CUT_LENGTH) > maxLength) return { length: MIN_CUT_LENGTH, fits: false }
  // The greatest cut that fits, between MIN_CUT_LENGTH (fits) and the longest string (does not).
  let fits = MIN_CUT_LENGTH
  let over = long.reduce((longest, text) => Math.max(longest, text.length), 0)
  while (over - fits > 1) {
    const middle = Math.floor((fits + over) / 2)
    if (lengthAfter(middle) <= maxLength) fits = middle
    else over = middle
  }
  return { length: fits, fits: true }
}

/**
 * `entries` as a JSON array within `maxBytes` (default RESULTS_OUTPUT_MAX_BYTES): whole when they
 * fit; else, first, the longest strings cut (cutText, marked) to the greatest length that makes
 * them fit, not under MIN_CUT_LENGTH, every subscription kept whole otherwise: one value of a
 * megabyte costs that value, not the others. When that is not enough (many subscriptions), every
 * entry loses its evidence (`assignments: null`, and `crossCheckReason: null`), then evidence is given back to the entries that
 * need action first (error, noncompliant, partial, compliant; in order within each) while it fits,
 * and, when even the entries without evidence do not fit, compliant entries first are left out
 * from the end. The entries kept stay in their order. `lengths`, when given, is each entry's JSON
 * length (as the results file was written), not computed again.
 */
export function fitResults(
  entries: readonly ResultOutput[],
  maxBytes: number = RESULTS_OUTPUT_MAX_BYTES,
  lengths?: readonly number[]
): Fitted {
  const maxLength = Math.floor(maxBytes / 2)
  // With each entry's JSON length known (`lengths`), an array too long is not built to learn it.
  let wholeLength = lengths && 1 + lengths.reduce((sum, length) => sum + length + 1, 0)
  if (wholeLength === undefined || wholeLength * 2 <= maxBytes + 2) {
    const whole = JSON.stringify(entries)
    if (outputBytes(whole) <= maxBytes) return wholeEntries(whole)
    wholeLength = whole.length
  }
  const cut = longestCut(entries, wholeLength, maxLength)
  if (cut === null) return trimmed(entries, maxBytes, lengths)
  const cutEntries = mapStrings(entries, (text) => cutText(text, cut.length))
  const cutValues = entries.map(
    (entry) => [...stringsOf(entry)].filter((text) => text.length > cut.length).length
  )
  const fitted = cut.fits ? wholeEntries(JSON.stringify(cutEntries)) : trimmed(cutEntries, maxBytes)
  return {
    ...fitted,
    cut: {
      values: cutValues.reduce((sum, count) => sum + count, 0),
      subscriptions: cutValues.filter((count) => count > 0).length,
      length: cut.length
    }
  }
}

/** `entries` within `maxBytes` without their evidence, or some of them (fitResults). */
function trimmed(
  entries: readonly ResultOutput[],
  maxBytes: number,
  lengths?: readonly number[]
): Fitted {
  const sized = entries.map((entry, index) => {
    const bare: FittedResult = {
      ...entry,
      assignments: null,
      ...(entry.crossCheckReason === undefined ? {} : { crossCheckReason: null })
    }
    const bareLength = JSON.stringify(bare).length
    return {
      entry,
      bare,
      bareLength,
      evidenceLength: (lengths?.[index] ?? JSON.stringify(entry).length) - bareLength,
      index
    }
  })
  const byNeed = [...sized].sort(
    (a, b) => KEEP_ORDER[a.entry.verdict] - KEEP_ORDER[b.entry.verdict] || a.index - b.index
  )

  const maxLength = Math.floor(maxBytes / 2)
  const kept = new Set(sized)
  // `[` and `]`, and a comma between two entries.
  let length = 1 + sized.reduce((sum, { bareLength }) => sum + bareLength + 1, 0)
  for (const item of [...byNeed].reverse()) {
    if (length <= maxLength) break
    kept.delete(item)
    length -= item.bareLength + 1
  }
  const withEvidence = new Set<(typeof sized)[number]>()
  for (const item of byNeed) {
    if (!kept.has(item) || length + item.evidenceLength > maxLength) continue
    length += item.evidenceLength
    withEvidence.add(item)
  }
  const fitted = sized.flatMap((item) =>
    kept.has(item) ? [withEvidence.has(item) ? item.entry : item.bare] : []
  )
  const byVerdict = { evidenceTrimmed: noVerdicts(), leftOut: noVerdicts() }
  for (const item of sized) {
    if (!kept.has(item)) byVerdict.leftOut[item.entry.verdict]++
    else if (!withEvidence.has(item)) byVerdict.evidenceTrimmed[item.entry.verdict]++
  }
  return {
    json: JSON.stringify(fitted),
    evidenceTrimmed: kept.size - withEvidence.size,
    subscriptionsLeftOut: entries.length - kept.size,
    byVerdict
  }
}

/** Whether `fitted` cut or left out anything. */
function isTrimmed({ evidenceTrimmed, subscriptionsLeftOut, cut }: Fitted): boolean {
  return cut !== undefined || evidenceTrimmed + subscriptionsLeftOut > 0
}

/** "3 error, 10 noncompliant": the verdicts counted, in the order they are kept longest. */
function tally(counts: VerdictTally): string {
  return [...VERDICTS]
    .sort((a, b) => KEEP_ORDER[a] - KEEP_ORDER[b])
    .filter((verdict) => counts[verdict] > 0)
    .map((verdict) => `${counts[verdict]} ${verdict}`)
    .join(', ')
}

/**
 * The warning the log gets when `fitted` left anything out of the `results` output, null when it
 * left out nothing: what was dropped (values cut, counted; evidence of some subscriptions and
 * other subscriptions whole, counted per verdict), and where everything is: the results file
 * `resultsFile` (null when it could not be written).
 */
export function trimmedWarning(fitted: Fitted, resultsFile: string | null): string | null {
  const { evidenceTrimmed, subscriptionsLeftOut, byVerdict, cut } = fitted
  if (!isTrimmed(fitted)) return null
  const dropped: string[] = []
  if (cut !== undefined) {
    dropped.push(
      `the end of ${cut.values} value(s) longer than ${cut.length} characters in ${cut.subscriptions} subscription(s) (marked \`…[cut from N characters]\`)`
    )
  }
  if (evidenceTrimmed > 0) {
    dropped.push(
      `the evidence (${fitted.json.includes('"crossCheckReason":null') ? "assignments, and the cross-check's reason" : 'assignments'}) of ${evidenceTrimmed} subscription(s) (${tally(byVerdict.evidenceTrimmed)})`
    )
  }
  if (subscriptionsLeftOut > 0) {
    dropped.push(`${subscriptionsLeftOut} subscription(s) whole (${tally(byVerdict.leftOut)})`)
  }
  const whereAll = resultsFile
    ? `the results file ${resultsFile} (output \`results-file\`) has every result in full.`
    : 'the results file could not be written.'
  return `The \`results\` output leaves out ${dropped.join(' and ')} to stay under ${RESULTS_OUTPUT_MAX_BYTES / 1024} KiB; ${whereAll}`
}

/**
 * The values of the action's outputs, and how `results` was fitted (fitResults):
 * - `compliant`: 'true' when every subscription checked is compliant (and there is at least one),
 *   else 'false';
 * - `noncompliant-subscriptions`: JSON array of the ids whose verdict is noncompliant;
 * - `results`: JSON array, one object per subscription with RESULT_OUTPUT_FIELDS and
 *   `assignments` (ASSIGNMENT_OUTPUT_FIELDS each), within RESULTS_OUTPUT_MAX_BYTES (fitResults):
 *   the longest strings cut, then `assignments` null where the evidence was trimmed, subscriptions
 *   left out past that;
 * - `results-trimmed`: 'true' when `results` cuts or leaves out anything, else 'false';
 * - `results-file`: the path of the results file written, '' when it was not;
 * - `skipped-subscriptions`: JSON array of `skipped` (subscriptionId, displayName, state);
 * - `changed-subscriptions`: JSON array of `{subscriptionId, from, to}`, one per subscription
 *   whose verdict the planned changes change (`currentVerdict` to `verdict`); `[]` without plans;
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
    'results-trimmed': String(isTrimmed(fitted)),
    'results-file': files.resultsFile ?? '',
    'skipped-subscriptions': JSON.stringify(
      skipped.map(({ subscriptionId, displayName, state }) => ({
        subscriptionId,
        displayName,
        state
      }))
    ),
    'changed-subscriptions': JSON.stringify(
      results
        .filter(
          (result) =>
            result.currentVerdict !== undefined && result.currentVerdict !== result.verdict
        )
        .map(({ subscriptionId, currentVerdict, verdict }) => ({
          subscriptionId,
          from: currentVerdict,
          to: verdict
        }))
    ),
    'sarif-file': files.sarifFile ?? ''
  }
  return { values, fitted }
}
