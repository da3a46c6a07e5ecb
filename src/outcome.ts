// The last step: from the verdicts, the subscriptions skipped and what the reports could not write
// to the step's outcome: the one line the step fails with, and the warnings that go with it
// (docs/design.md, "The action's contract"). Pure; main logs the warnings and fails the step.
import type { SkippedSubscription, SubscriptionResult, Verdict } from './model.ts'
import { VERDICT_PHRASES, countVerdicts, describeCounts } from './report/counts.ts'
import { worsens } from './report/planned-change.ts'

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

/** Whether the planned changes make `result` worse, in `failOn`: its verdict after is in `failOn`
 * and worse than its verdict now (`currentVerdict`; worsens: a new `error` is worse than anything
 * but `error`, and from `error` now a partial or noncompliant verdict after is worse, since what
 * could not be decided now cannot excuse it). */
export function madeWorse(result: SubscriptionResult, failOn: ReadonlySet<Verdict>): boolean {
  const now = result.currentVerdict ?? result.verdict
  return failOn.has(result.verdict) && worsens(now, result.verdict)
}

/**
 * The one-line message the step fails with when it judges a change (`planned-changes` without
 * `fail-on-existing`): how many subscriptions the change makes worse (madeWorse), e.g. `The
 * planned changes make 2 of 5 subscriptions worse: S1 compliant -> noncompliant, …`; null when
 * they make none worse.
 */
export function changeFailureMessage(
  results: readonly SubscriptionResult[],
  failOn: ReadonlySet<Verdict>
): string | null {
  const worse = results.filter((result) => madeWorse(result, failOn))
  if (worse.length === 0) return null
  const listed = worse
    .slice(0, 5)
    .map(
      (result) => `${result.subscriptionId} ${result.currentVerdict ?? '?'} -> ${result.verdict}`
    )
  const more = worse.length > listed.length ? `, and ${worse.length - listed.length} more` : ''
  const noun = results.length === 1 ? 'subscription' : 'subscriptions'
  return `The planned changes make ${worse.length} of ${results.length} ${noun} worse: ${listed.join(', ')}${more}`
}

/** The verdicts of a run's scope, as check.ts decides them. */
export interface ScopeVerdicts {
  /** One verdict per subscription checked. */
  results: readonly SubscriptionResult[]
  /** The subscriptions in scope not checked because of their state (Disabled, Deleted). */
  skipped: readonly SkippedSubscription[]
}

export interface StepOutcome {
  /** The line the step fails with; null when it passes. */
  failure: string | null
  /** Lines to log as warnings, whether the step fails or not. */
  warnings: string[]
}

// A security gate must not pass on a scope that holds nothing: the inputs can cancel each other
// out (an id also in `exclude-subscriptions`) or name an empty management group.
const EMPTY_SCOPE =
  "The scope resolved to no subscription, so nothing was checked: check that `exclude-subscriptions` does not leave out every subscription in `subscriptions`, that each of `management-groups` holds subscriptions (at any depth), and, for `subscriptions: '*'`, that the identity has a role on at least one subscription"

/**
 * The step's outcome for what was `checked`, the verdicts that fail the step (`failOn`, empty for
 * `fail-on: none`) and what the reports could not write (`unwritten`, each "the SARIF file F
 * (why)"). With `plans` (the run weighs planned changes) and not `plans.failOnExisting`, the
 * verdicts fail the step only where the change makes them worse (changeFailureMessage):
 * - `failure`: the failureMessage of the verdicts listed in `failOn`; or, when no subscription was
 *   checked and none was skipped, that the scope resolved to no subscription (a warning instead
 *   under `fail-on: none`); followed by what could not be written, which fails the step on its own;
 * - `warnings`: when every subscription in scope was skipped for its state, that nothing was
 *   checked (skipped subscriptions never fail the step).
 */
export function stepOutcome(
  checked: ScopeVerdicts,
  failOn: ReadonlySet<Verdict>,
  unwritten: readonly string[],
  plans: { failOnExisting: boolean } | null = null
): StepOutcome {
  const { results, skipped } = checked
  const warnings: string[] = []
  let failure =
    plans !== null && !plans.failOnExisting
      ? changeFailureMessage(results, failOn)
      : failureMessage(results, failOn)
  if (results.length === 0 && skipped.length === 0) {
    if (failOn.size > 0) failure = `${EMPTY_SCOPE}. \`fail-on: none\` lets an empty scope pass.`
    else warnings.push(`${EMPTY_SCOPE}.`)
  } else if (results.length === 0) {
    warnings.push(
      `No subscription was checked: ${skipped.length === 1 ? 'the one' : `all ${skipped.length}`} in scope ${skipped.length === 1 ? 'is' : 'are'} Disabled or Deleted (the \`skipped-subscriptions\` output lists ${skipped.length === 1 ? 'it' : 'them'}). Skipped subscriptions do not fail the step.`
    )
  }
  if (unwritten.length === 0) return { failure, warnings }
  const notWritten = `Could not write ${unwritten.join(' or ')}`
  return { failure: failure === null ? notWritten : `${failure}. ${notWritten}`, warnings }
}

/**
 * The run's headline, the last line of its log, outside every group: how many subscriptions were
 * checked, how many had each verdict (those that occurred, compliant first), how many were
 * skipped, and whether the step fails, e.g. `Checked 12 subscriptions: 6 compliant, 4
 * noncompliant, 2 could not be checked. The step fails.`. `failure` is the StepOutcome's.
 */
export function runHeadline(checked: ScopeVerdicts, failure: string | null): string {
  const counts = countVerdicts(checked.results)
  const clauses = [
    ...(counts.compliant > 0 ? [`${counts.compliant} compliant`] : []),
    ...(['noncompliant', 'partial', 'error'] as const)
      .filter((verdict) => counts[verdict] > 0)
      .map((verdict) => `${counts[verdict]} ${VERDICT_PHRASES[verdict]}`)
  ]
  const noun = counts.total === 1 ? 'subscription' : 'subscriptions'
  const skipped = checked.skipped.length > 0 ? `; ${checked.skipped.length} skipped` : ''
  const verdicts = clauses.length > 0 ? `: ${clauses.join(', ')}` : ''
  return `Checked ${counts.total} ${noun}${verdicts}${skipped}. The step ${failure === null ? 'passes' : 'fails'}.`
}
