// Bounds on the work against Resource Manager: how many requests are in flight, how long one
// attempt may take, how often it is retried, and the run's deadline (src/deadline.ts), which
// every request and wait keeps. The semaphore (concurrency.ts) and the retry policy
// (retry-policy.ts) enforce them.

export interface RequestLimits {
  /** Requests in flight at once, across every subscription. */
  maxConcurrency: number
  /** How long one attempt may take before it is abandoned and retried. */
  requestTimeoutMs: number
  /** Retries after the first attempt, for throttling, 5xx answers, resets and time-outs. */
  maxRetries: number
  /** First back-off when the answer gives no Retry-After; doubles with each retry. */
  retryDelayMs: number
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number
  /** The run's deadline (src/deadline.ts): aborts every request and wait when it passes. */
  deadline: AbortSignal
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_RETRIES = 4
export const DEFAULT_RETRY_DELAY_MS = 500
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000

/** The limits of one run from the settings (`max-concurrency`), the run's `deadline` and the
 * defaults above. */
export function requestLimits(
  settings: { maxConcurrency: number },
  deadline: AbortSignal
): RequestLimits {
  return {
    maxConcurrency: settings.maxConcurrency,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    maxRetries: DEFAULT_MAX_RETRIES,
    retryDelayMs: DEFAULT_RETRY_DELAY_MS,
    maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
    deadline
  }
}
