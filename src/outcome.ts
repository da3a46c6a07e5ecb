// The last step: from the verdicts and what the reports could not write to the step's outcome, the
// one line the step fails with (docs/design.md, "The action's contract"). Pure; main fails the step.
import type { SubscriptionResult, Verdict } from './model.ts'
import { countVerdicts, describeCounts } from './report/counts.ts'

/**
 * The one-line message the step fails with, e.g. `2 of 5 subscriptions noncompliant, 1 could not
 * be checked`: only the verdicts listed in `failOn` are counted; null when none of them occurred
 * (the step passes).
 */
export function failureMessage(
  results: readonly SubscriptionResult[],
  failOn: ReadonlySet<Verdict>
): string | null {
  return describeCounts(countVerdicts(results), failOn)
}

/**
 * The line that fails the step, or null when it passes: the failureMessage of the verdicts listed
 * in `failOn`, followed by what could not be written (`unwritten`, each "the SARIF file F (why)"),
 * which fails the step on its own too.
 */
export function stepOutcome(
  results: readonly SubscriptionResult[],
  failOn: ReadonlySet<Verdict>,
  unwritten: readonly string[]
): string | null {
  const failure = failureMessage(results, failOn)
  if (unwritten.length === 0) return failure
  const notWritten = `Could not write ${unwritten.join(' or ')}`
  return failure === null ? notWritten : `${failure}. ${notWritten}`
}
