// Bounded waits (docs/design.md, "Bounded waits"): the run's one deadline, which every wait of a
// run counts against (sign-in, token renewals, Resource Manager and Resource Graph, quota waits,
// GitHub), and the means to stop waiting on work that takes no abort signal. Some waits cannot be
// cancelled (@azure/identity's client-assertion flow ignores an abort signal, a hung file system
// holds its thread): the run stops waiting for them and goes on; endProcessOnceRunOver ends the
// process when they still hold it after the reports.

/** The deadline of one run, started once, when the inputs have been read. */
export interface RunDeadline {
  /** Its length, in milliseconds, for messages. */
  readonly ms: number
  /** Aborts when the deadline passes. */
  readonly signal: AbortSignal
  /** Milliseconds left; 0 once it has passed. */
  remainingMs(): number
  /** Stops the deadline's timer (the run is over): it no longer holds the process. */
  stop(): void
}

/**
 * The run's deadline, `ms` milliseconds from now. Its timer holds the process until `stop()`, so
 * that a run awaiting something that holds nothing still reaches its deadline.
 */
export function startRunDeadline(ms: number, now: () => number = Date.now): RunDeadline {
  const at = now() + ms
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DeadlinePassedError(ms)), ms)
  return {
    ms,
    signal: controller.signal,
    remainingMs: () => (controller.signal.aborted ? 0 : Math.max(0, at - now())),
    stop: () => clearTimeout(timer)
  }
}

/** How long notifications may still take once the run's deadline has passed, in milliseconds:
 * the issue and pull-request comment then still tell of a run the deadline cut short. */
export const NOTIFICATION_GRACE_MS = 30_000

/** The reason of a run deadline's signal. */
export class DeadlinePassedError extends Error {
  constructor(ms: number) {
    super(`the run's deadline (${describeDuration(ms)}) passed`)
    this.name = 'DeadlinePassedError'
  }
}

/** `ms` in words for messages: `90 s`, `15 min`, `2.5 min`. */
export function describeDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`
  return `${Math.round(ms / 6_000) / 10} min`
}

/**
 * Whether `work` settled before `signal` aborted: true when it did (its rejection is passed on),
 * false as soon as `signal` aborts first (already aborted: false at once). `work` is left running,
 * unobserved.
 */
export function settledBefore(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) {
    work.catch(() => undefined)
    return Promise.resolve(false)
  }
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort)
        resolve(true)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

/**
 * `work`'s value, or, when `signal` (if any) aborts first, a rejection with `abandoned()`. Nothing
 * cancels `work`: it goes on unobserved, so a caller that can cancel it passes the signal to it
 * too.
 */
export async function abandonOnAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  abandoned: () => unknown
): Promise<T> {
  if (signal === undefined) return work
  if (!(await settledBefore(work, signal))) throw abandoned()
  return work
}

// File system calls given up on while still running. Each holds one of Node's threads, and
// Node's exit waits for those threads: a call that a file system never answers would hold the
// step forever (endProcessOnceRunOver ends the process by a signal instead).
const givenUpCalls = new Set<Promise<unknown>>()

/** Records `work`, file system calls given up on, until it settles (if it ever does). */
export function giveUpFileCalls(work: Promise<unknown>): void {
  givenUpCalls.add(work)
  const forget = () => givenUpCalls.delete(work)
  work.then(forget, forget)
}

/** How many file system calls given up on are still running. */
export function fileCallsStillRunning(): number {
  return givenUpCalls.size
}

/**
 * Ends the process once the run is over (index.ts and cli.ts call it last): everything is written
 * by then, and a wait the run gave up (a sign-in that timed out, a token request at the run's
 * deadline) must not keep it alive. The timer does not hold the process, and ends it after
 * `graceMs` if something else does, with process.exitCode. Node's exit waits for its file system
 * threads, so a write given up on a file system that never answers would hold it forever: then
 * the process ends by a signal (the run has failed already, on the report it could not write).
 */
export function endProcessOnceRunOver(graceMs = 2_000): void {
  setTimeout(() => {
    if (fileCallsStillRunning() > 0) process.kill(process.pid, 'SIGKILL')
    process.exit()
  }, graceMs).unref()
}

/** `work`'s value, or a rejection with `timedOut()` after `ms` milliseconds. */
export function withinMs<T>(work: Promise<T>, ms: number, timedOut: () => unknown): Promise<T> {
  return abandonOnAbort(work, AbortSignal.timeout(ms), timedOut)
}
