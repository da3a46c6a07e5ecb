// How the collector's work runs at once and waits (docs/design.md, "Architecture"): the run's
// request slots, waits that the run's deadline cuts short, reads shared by every subscription, and
// a bounded map for a list of queries.

/** A counting semaphore, first in first out, where urgent waiters go before the others: the run's
 * request slots (RequestLimits.maxConcurrency), across every subscription and client. */
export class Semaphore {
  #available: number
  readonly #urgent: (() => void)[] = []
  readonly #waiting: (() => void)[] = []

  constructor(permits: number) {
    this.#available = permits
  }

  async acquire(urgent = false): Promise<() => void> {
    if (this.#available > 0) {
      this.#available -= 1
    } else {
      await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#waiting).push(resolve))
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#urgent.shift() ?? this.#waiting.shift()
      if (next) next()
      else this.#available += 1
    }
  }
}

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts (never rejects: the caller
 * checks the signal and says what ran out).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Reads shared by every subscription of a run (definitions, version lists, descendants): the
 * first caller of a key sends the request, every other caller of that key awaits the same one. */
export class SharedFetches<T> {
  readonly #fetches = new Map<string, Promise<T>>()

  /** The fetch of `key`, started with `fetch` by its first caller; a rejection reaches every
   * caller of that key (it is not retried within the run). */
  get(key: string, fetch: () => Promise<T>): Promise<T> {
    let pending = this.#fetches.get(key)
    if (!pending) {
      pending = fetch()
      // A rejection is observed by every caller; this keeps an early one from going unhandled.
      pending.catch(() => undefined)
      this.#fetches.set(key, pending)
    }
    return pending
  }

  /** Records `value` as the answer for `key` when no fetch of it has started (a read that
   * answered it in passing, such as a list that holds the item). */
  offer(key: string, value: T): void {
    if (!this.#fetches.has(key)) this.#fetches.set(key, Promise.resolve(value))
  }
}

/** Runs `task` over `items`, at most `limit` at once; the results keep the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  const queue = items.entries()
  const worker = async () => {
    for (const [index, item] of queue) results[index] = await task(item)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
