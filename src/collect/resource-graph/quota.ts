// Resource Graph's per-user quota, shared by every query of a run (Microsoft Learn, "Guidance for
// throttled requests in Azure Resource Graph"): each answer says in x-ms-user-quota-remaining how
// many queries the identity may still send in the current window and in
// x-ms-user-quota-resets-after (hh:mm:ss) when the window resets; each page is one query. The
// gate lets a query start only while the quota it has been told of is not spent, counting the
// queries in flight against it, and otherwise waits for the reset: a 429 is never asked for.
import { ArmRequestError } from '../errors.ts'
import { sleep } from '../concurrency.ts'

/**
 * Queries a window holds in Microsoft's example ("a user can send at most 15 queries within every
 * 5-second window without being throttled"; the quota "is determined by many factors and is
 * subject to change"): what the gate lets start before any answer has told it the quota. Fewer
 * would hold back the first queries of every run by a round trip to guard against an identity
 * given less, which the first answer reveals anyway; a 429 that still comes is retried after its
 * Retry-After (src/collect/retry-policy.ts).
 */
export const DOCUMENTED_QUERIES_PER_WINDOW = 15

/** x-ms-user-quota-resets-after is given to the second: answers of one window may put its reset
 * up to this far apart. */
const RESETS_AFTER_RESOLUTION_MS = 1000

/** The longest delay a timer takes: a wait for an answer, which ends when the answer comes. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/** x-ms-user-quota-resets-after, `hh:mm:ss` (seconds may carry a fraction), in milliseconds;
 * undefined when absent or not in that form. */
export function parseResetsAfter(value: string | undefined): number | undefined {
  const match = /^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(value?.trim() ?? '')
  if (!match) return undefined
  return Math.round((Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000)
}

/** What the answers of the current window said. */
interface KnownWindow {
  /** The lowest x-ms-user-quota-remaining of the window: the server's count only falls within a
   * window, so a higher one is an answer that was overtaken on its way. */
  remaining: number
  /** Queries that may not be counted in `remaining`: in flight when it was told, or started
   * since. */
  uncounted: number
  /** Epoch milliseconds of the reset (the latest the answers put it at). */
  resetAt: number
  /** Answers of this window so far. */
  answered: number
}

/**
 * The per-user quota of a run. `beforeQuery` resolves when a query may start; `afterAnswer` takes
 * each answer's headers, `afterFailure` a query that ended without an answer.
 *
 * The rule: in a window an answer has told of, a query starts while the lowest remaining count
 * told is above the queries that count may not hold (those in flight when it was told and those
 * started since); once none is left, it waits for the window's reset. In a window no answer has
 * told of yet (the first, or one just reset), as many queries start as a window was last seen to
 * hold (a lower bound: an answer's remaining count plus the answers of its window), or
 * DOCUMENTED_QUERIES_PER_WINDOW before any answer; when none of those is in flight, one more
 * starts, to find out. An answer that says the quota is spent until later than `maxWaitMs` throws
 * ArmRequestError (429, QuotaExhausted). `signal` (the run's deadline) ends a wait: the query then
 * goes ahead and fails on the aborted signal.
 */
export class QuotaGate {
  #known: KnownWindow | undefined
  /** Queries started since the window became unknown (those in flight then included). */
  #startedUnknown = 0
  /** Queries a window holds at least, as answers have shown; undefined before any answer. */
  #windowQuota: number | undefined
  #inFlight = 0
  /** The waits in progress: each ends when the gate's state changes. */
  readonly #waits = new Set<AbortController>()
  readonly #maxWaitMs: number
  readonly #signal: AbortSignal | undefined
  /** The end of the waits counted in `waitedMs` so far, so that waits at once count once. */
  #waitedUntil = 0
  /** Why no query starts any more: the quota spent for longer than the gate waits, or the run
   * gave up on Resource Graph (close). */
  #refusal: Error | undefined
  /** Milliseconds during which a query waited for the quota (waits at once counted once). */
  waitedMs = 0
  /** Set once an answer said the quota is spent for longer than the gate waits. */
  exhausted: ArmRequestError | undefined

  constructor(maxWaitMs: number, signal?: AbortSignal) {
    this.#maxWaitMs = maxWaitMs
    this.#signal = signal
  }

  /** Resolves when one more query may start, and counts it as started. Rejects once the quota is
   * spent for longer than the gate waits, or the gate is closed. */
  async beforeQuery(): Promise<void> {
    for (;;) {
      if (this.#refusal) throw this.#refusal
      const now = Date.now()
      if (this.#known && now >= this.#known.resetAt) {
        this.#known = undefined
        this.#startedUnknown = this.#inFlight
      }
      if (this.#mayStart() || this.#signal?.aborted) break
      // Until the reset, or (in a window no answer has told of) until an answer comes.
      const wait = new AbortController()
      this.#waits.add(wait)
      const until = this.#known?.resetAt ?? now + LONGEST_TIMER_MS
      await sleep(
        until - now,
        this.#signal ? AbortSignal.any([this.#signal, wait.signal]) : wait.signal
      )
      this.#waits.delete(wait)
      this.#countWait(now, Date.now())
    }
    if (this.#known) this.#known.uncounted += 1
    else this.#startedUnknown += 1
    this.#inFlight += 1
  }

  /** Takes the headers of a query's answer (lower-case names). Throws ArmRequestError when the
   * quota is spent until later than the gate waits. */
  afterAnswer(header: (name: string) => string | undefined): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1)
    this.#notify()
    const remaining = Number(header('x-ms-user-quota-remaining') ?? Number.NaN)
    const resetsAfter = parseResetsAfter(header('x-ms-user-quota-resets-after'))
    if (!Number.isFinite(remaining) || resetsAfter === undefined) return
    const now = Date.now()
    const resetAt = now + resetsAfter
    const known = this.#known
    if (
      known === undefined ||
      now >= known.resetAt ||
      resetAt > known.resetAt + RESETS_AFTER_RESOLUTION_MS
    ) {
      this.#known = { remaining, uncounted: this.#inFlight, resetAt, answered: 1 }
    } else {
      known.answered += 1
      known.resetAt = Math.max(known.resetAt, resetAt)
      if (remaining <= known.remaining) {
        known.remaining = remaining
        known.uncounted = this.#inFlight
      } else {
        // Told before the lowest count was: its query is in that count.
        known.uncounted = Math.max(0, known.uncounted - 1)
      }
    }
    const answered = this.#known?.answered ?? 1
    this.#windowQuota = Math.max(this.#windowQuota ?? 0, remaining + answered)
    if (remaining <= 0 && resetsAfter > this.#maxWaitMs) {
      this.exhausted = new ArmRequestError(
        429,
        'QuotaExhausted',
        `Resource Graph's query quota for this identity is used up and resets after ${Math.ceil(resetsAfter / 1000)} s, longer than the ${Math.round(this.#maxWaitMs / 1000)} s the check waits`
      )
      this.#refusal ??= this.exhausted
      this.#notify()
      throw this.exhausted
    }
  }

  /** Lets no query start from now on: those waiting and those to come reject with `reason`. */
  close(reason: Error): void {
    this.#refusal ??= reason
    this.#notify()
  }

  /** A query ended without an answer that tells the quota (it failed). */
  afterFailure(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1)
    this.#notify()
  }

  #mayStart(): boolean {
    if (this.#known) return this.#known.remaining - this.#known.uncounted > 0
    const quota = this.#windowQuota ?? DOCUMENTED_QUERIES_PER_WINDOW
    return this.#startedUnknown < quota || this.#inFlight === 0
  }

  #notify(): void {
    for (const wait of this.#waits) wait.abort()
    this.#waits.clear()
  }

  #countWait(from: number, to: number): void {
    this.waitedMs += Math.max(0, to - Math.max(from, this.#waitedUntil))
    this.#waitedUntil = Math.max(this.#waitedUntil, to)
  }
}
