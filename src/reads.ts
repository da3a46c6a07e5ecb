// The reads phase (docs/design.md, "Bounded waits"): every subscription of the scope read and
// decided as it comes, until the run's deadline. At the deadline the watchdog stops waiting: each
// subscription not decided by then is `error`, saying why and what to do, whatever the reads
// still waiting would have found, and the run goes on to write its reports. The evaluator decides
// each read; a defect met on one subscription's data costs that subscription alone.
import type { Collected, DiscoveredSubscription, ScopeReader } from './collect/index.ts'
import { describeDuration, settledBefore, type RunDeadline } from './deadline.ts'
import {
  collectionErrorResult,
  evaluateSubscription,
  type EvaluationOptions
} from './evaluate/index.ts'
import type { Log } from './log.ts'
import type { SubscriptionResult } from './model.ts'
import { decideNowAndAfter, type Overlay } from './planned-verdicts.ts'
import { errorStack, inertErrorMessage } from './report/text.ts'

/**
 * Reads and decides (for the run's evaluation `options`; with `overlay`, now and after the planned
 * changes, decideNowAndAfter) every subscription of `scope`'s discovery, in its order, with each result's
 * display name; logs to `log` what the evaluator could not decide (debug) and, when the deadline
 * passed first, how many subscriptions it left unread (warning). Resolves by the deadline, however
 * the reads wait; never throws for a subscription (its failure is its `error` verdict).
 */
export async function readEach(
  scope: Pick<ScopeReader, 'discovery' | 'decideEach'>,
  deadline: RunDeadline,
  options: EvaluationOptions,
  log: Log,
  overlay?: Overlay
): Promise<SubscriptionResult[]> {
  const { subscriptions } = scope.discovery
  const decided = new Array<SubscriptionResult | undefined>(subscriptions.length)
  const reading = (async () => {
    // Resource Graph's reads short of compliant are read again through Resource Manager: with
    // plans, a subscription short of compliant now or after is, so both engines agree on both.
    for await (const { index, decided: weighed } of scope.decideEach((read) => {
      const result = decide(read, log, options, overlay)
      const now = result.currentVerdict ?? result.verdict
      return { verdict: now === 'compliant' ? result.verdict : now, result }
    })) {
      const { result } = weighed
      // A read that comes after the watchdog decided is not taken: the reports have the watchdog's.
      if (deadline.signal.aborted) return
      decided[index] = named(result, subscriptions[index])
    }
  })()
  // decideEach yields every subscription once: when it ends, none is missing.
  if (await settledBefore(reading, deadline.signal)) return decided as SubscriptionResult[]
  const unread = subscriptions.filter((_, index) => decided[index] === undefined).length
  log.warning(
    `The run's deadline (${describeDuration(deadline.ms)}) passed with ${unread} of ${subscriptions.length} subscription(s) not read: they are reported as error, and the reports are written now.`
  )
  return subscriptions.map(
    (subscription, index) => decided[index] ?? unreadAtDeadline(subscription, deadline.ms)
  )
}

/** The verdict of a subscription the deadline left unread. */
function unreadAtDeadline(subscription: DiscoveredSubscription, deadlineMs: number) {
  const { subscriptionId } = subscription
  return named(
    collectionErrorResult(
      subscriptionId,
      `The run's deadline (${describeDuration(deadlineMs)}, \`deadline-minutes\`) passed before /subscriptions/${subscriptionId} was read, so nothing was decided for it: Azure was slow to answer, or a request (an access token from Entra ID, Resource Manager) never came back. Re-run the check; if it happens again, check fewer subscriptions per step, lower \`max-concurrency\` when Resource Manager throttles, try \`engine: resource-graph\` for a large scope, or raise \`deadline-minutes\` (below the job's \`timeout-minutes\`).`,
      'transient'
    ),
    subscription
  )
}

/** `result` with the display name of `subscription` when discovery learnt it: the one place a
 * result gets it, since the evaluator knows only the id. */
function named(
  result: SubscriptionResult,
  subscription: DiscoveredSubscription | undefined
): SubscriptionResult {
  const displayName = subscription?.displayName
  return { ...result, ...(displayName !== undefined ? { displayName } : {}) }
}

/** The verdict of one subscription for the run's `options` (evaluate/index.ts); a defect met on
 * its data costs that subscription alone. */
function decide(
  read: Collected,
  log: Log,
  options: EvaluationOptions,
  overlay: Overlay | undefined
): SubscriptionResult {
  if (!('snapshot' in read)) {
    const failed = collectionErrorResult(read.subscriptionId, read.failure, read.cause)
    return overlay === undefined ? failed : { ...failed, currentVerdict: 'error' }
  }
  try {
    if (overlay !== undefined) return decideNowAndAfter(read.snapshot, overlay, options)
    return evaluateSubscription(read.snapshot, options)
  } catch (error) {
    log.debug(errorStack(error))
    return collectionErrorResult(
      read.subscriptionId,
      `The check failed on the policy data of /subscriptions/${read.subscriptionId} (${inertErrorMessage(error)}); please report it with the job log.`,
      'internal'
    )
  }
}
