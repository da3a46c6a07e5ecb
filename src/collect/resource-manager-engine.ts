// The only code that reads Resource Manager for the run: every subscription, through a pool of
// workers, each read handed to the caller as soon as it is done (docs/design.md, "Architecture").
// The collector does not evaluate: the caller decides each subscription and lets its snapshot go.
import type { ResourceManager } from './resource-manager.ts'
import {
  subscriptionReader,
  type Collected,
  type ReaderOptions,
  type SubscriptionReader
} from './subscription.ts'

export type { Collected } from './subscription.ts'

/** One subscription's read, with its position in the list given to collectSubscriptions. */
export type CollectedAt = Collected & { index: number }

export interface CollectOptions extends ReaderOptions {
  /** Subscriptions read at once; default twice the request concurrency, which keeps every request
   * slot busy (a subscription reads two lists and its plan at once). */
  subscriptionsInFlight?: number
  /** The reader whose shared reads (definitions, descendants) the run already uses; default a
   * new one. */
  reader?: SubscriptionReader
}

/**
 * Reads every subscription of `subscriptionIds` and yields each read (its snapshot, or why it could
 * not be read) as soon as it is done, with its index in `subscriptionIds`: reads finish out of
 * order. Never throws for a subscription that cannot be read; that is a yielded failure.
 *
 * A pool of workers, each taking the next subscription when the caller has taken its last one:
 * enough to keep every request slot busy, few enough that the first request leaves at once instead
 * of after thousands have been queued, and that at most `subscriptionsInFlight` snapshots are held
 * at a time, however many subscriptions there are.
 */
export async function* collectSubscriptions(
  resourceManager: ResourceManager,
  subscriptionIds: readonly string[],
  options: CollectOptions
): AsyncGenerator<CollectedAt, void, undefined> {
  const reader = options.reader ?? subscriptionReader(resourceManager, options)
  const inFlight = options.subscriptionsInFlight ?? resourceManager.limits.maxConcurrency * 2
  // One iterator shared by the workers: each takes the next subscription from it.
  const queue = subscriptionIds.entries()
  const ready: { read: CollectedAt; taken: () => void }[] = []
  let wake: (() => void) | undefined
  let stopped = false
  let working = Math.min(subscriptionIds.length, inFlight)

  async function worker(): Promise<void> {
    for (const [index, subscriptionId] of queue) {
      const read: CollectedAt = { ...(await reader.read(subscriptionId)), index }
      if (stopped) break
      // Hold this worker until the caller has taken its read: the pool bounds the snapshots held.
      await new Promise<void>((taken) => {
        ready.push({ read, taken })
        wake?.()
      })
      if (stopped) break
    }
    working -= 1
    wake?.()
  }

  const workers = Array.from({ length: working }, worker)
  try {
    while (working > 0 || ready.length > 0) {
      const next = ready.shift()
      if (next === undefined) {
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
        continue
      }
      yield next.read
      next.taken()
    }
  } finally {
    // A caller that stops early frees the workers waiting for it; they take no more subscriptions.
    stopped = true
    for (const waiting of ready.splice(0)) waiting.taken()
  }
  await Promise.all(workers)
  // Leave no request running behind the results (all subscriptions may have failed before it).
  await reader.settled()
}
