// Verdict counts and how they read: behind the step's outcome (src/outcome.ts), the headline of
// the job summary and the annotation that counts the rest; the order every report lists verdicts
// in; and the log line of one verdict.
import { VERDICTS, VERDICT_MARKS, type SubscriptionResult, type Verdict } from '../model.ts'
import { MAX_LOG_TEXT_LENGTH, fitReason, inertLogText, subscriptionLabel } from './text.ts'

export type VerdictCounts = Record<Verdict, number> & { total: number }

const KNOWN_VERDICTS: ReadonlySet<string> = new Set(VERDICTS)

/** How many results have each verdict, and in all. */
export function countVerdicts(results: readonly SubscriptionResult[]): VerdictCounts {
  const counts: VerdictCounts = { total: 0, compliant: 0, partial: 0, noncompliant: 0, error: 0 }
  for (const result of results) {
    counts.total++
    // A verdict outside the model (should not happen) counts as one that could not be checked.
    if (KNOWN_VERDICTS.has(result.verdict)) counts[result.verdict]++
    else counts.error++
  }
  return counts
}

/** How each failing verdict reads after a count ("2 of 5 subscriptions noncompliant"). */
export const VERDICT_PHRASES: Readonly<Record<Exclude<Verdict, 'compliant'>, string>> = {
  noncompliant: 'noncompliant',
  partial: 'only partly audited',
  error: 'could not be checked'
}

/** Verdicts in the order a person should look at them: the job summary, the annotations and the
 * notifications list subscriptions in it. */
export const ATTENTION_ORDER: readonly Verdict[] = ['noncompliant', 'error', 'partial', 'compliant']

const ATTENTION_RANK = new Map(ATTENTION_ORDER.map((verdict, index) => [verdict, index]))

/** `results` in ATTENTION_ORDER (a verdict outside the model ranks as `error`), keeping the order
 * given within a verdict. */
export function byAttention(results: readonly SubscriptionResult[]): SubscriptionResult[] {
  const rank = (result: SubscriptionResult) => ATTENTION_RANK.get(result.verdict) ?? 1
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => rank(a.result) - rank(b.result) || a.index - b.index)
    .map(({ result }) => result)
}

/** How each failing verdict reads after a subscription's name ("Subscription ID is
 * noncompliant"), in the annotations and SARIF messages. */
export const VERDICT_STATES: Readonly<Record<Exclude<Verdict, 'compliant'>, string>> = {
  noncompliant: 'is noncompliant',
  partial: 'is only partly audited',
  error: 'could not be checked'
}

const FAILING_ORDER: readonly Exclude<Verdict, 'compliant'>[] = ['noncompliant', 'partial', 'error']

/**
 * "2 of 5 subscriptions noncompliant, 1 could not be checked": the counts of the listed failing
 * verdicts that occurred, in a fixed order (noncompliant, partial, error), or null when none did.
 */
export function describeCounts(counts: VerdictCounts, verdicts: Iterable<Verdict>): string | null {
  const wanted = new Set(verdicts)
  const clauses = FAILING_ORDER.filter((verdict) => wanted.has(verdict) && counts[verdict] > 0)
  if (clauses.length === 0) return null
  const noun = counts.total === 1 ? 'subscription' : 'subscriptions'
  return clauses
    .map((verdict, index) =>
      index === 0
        ? `${counts[verdict]} of ${counts.total} ${noun} ${VERDICT_PHRASES[verdict]}`
        : `${counts[verdict]} ${VERDICT_PHRASES[verdict]}`
    )
    .join(', ')
}

/** The step log's line for one subscription: its verdict's mark, its id and display name, the
 * verdict and the reason, inert and one line (`❌ ID (NAME): noncompliant. REASON`). */
export function verdictLogLine(result: SubscriptionResult): string {
  const mark = VERDICT_MARKS[result.verdict] ?? VERDICT_MARKS.error
  const head = `${mark} ${subscriptionLabel(result)}: ${result.verdict}. `
  return inertLogText(
    head + fitReason(result.reason, MAX_LOG_TEXT_LENGTH - Array.from(head).length)
  )
}
