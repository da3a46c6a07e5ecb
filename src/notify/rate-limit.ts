// Waiting out GitHub's rate limits within a bound. GitHub's REST documentation ("Rate limits for
// the REST API", "Exceeding the rate limit"): after a 403 or 429 for a rate limit, wait the
// `retry-after` seconds when the header is there; else, when `x-ratelimit-remaining` is 0, until
// the `x-ratelimit-reset` time (UTC epoch seconds); else at least one minute, longer on each
// repeat. A wait that would pass the bound is not started: the caller turns it into a warning.

/** Headers as Octokit gives them: lower-case names. */
export type ResponseHeaders = Record<string, string | number | undefined>

/** The wait GitHub asks for before the next request, in milliseconds, or null when the answer is
 * not a rate limit (a 403 without any of the signals is a permission refusal). `attempt` counts
 * the rate-limited answers so far (0 for the first), for the growing default wait. */
export function rateLimitWait(
  status: number,
  headers: ResponseHeaders,
  message: string,
  nowMs: number,
  attempt = 0
): number | null {
  if (status !== 403 && status !== 429) return null
  const retryAfter = headers['retry-after']
  if (retryAfter !== undefined && String(retryAfter).trim() !== '') {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
    const date = Date.parse(String(retryAfter))
    if (Number.isFinite(date)) return Math.max(0, date - nowMs)
  }
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset'])
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - nowMs) + 1000
  }
  if (status === 429 || /rate limit/i.test(message)) return 60_000 * 2 ** attempt
  return null
}

/** Thrown when GitHub asks for a wait that would pass the bound. */
export class RateLimitBoundError extends Error {
  readonly waitMs: number
  readonly waitedMs: number
  constructor(waitMs: number, waitedMs: number, boundMs: number) {
    super(
      `GitHub's rate limit asked for a wait of ${Math.ceil(waitMs / 1000)} s after ${Math.ceil(waitedMs / 1000)} s of waiting; the bound is ${Math.ceil(boundMs / 1000)} s`
    )
    this.name = 'RateLimitBoundError'
    this.waitMs = waitMs
    this.waitedMs = waitedMs
  }
}

interface HttpError {
  status?: unknown
  message?: unknown
  response?: { headers?: ResponseHeaders; data?: unknown }
}

/** The status, headers and GitHub's message of an Octokit request error that GitHub answered;
 * null for any other error, including a request that got no answer (networkFailure). */
export function describeHttpError(
  error: unknown
): { status: number; headers: ResponseHeaders; message: string } | null {
  if (typeof error !== 'object' || error === null) return null
  const { status, message, response } = error as HttpError
  if (typeof status !== 'number' || response === undefined) return null
  const data = response?.data
  const apiMessage =
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : typeof message === 'string'
        ? message
        : ''
  return { status, headers: response?.headers ?? {}, message: apiMessage }
}

/**
 * Sends `request` and, while GitHub answers with a rate limit, waits as asked and sends it again,
 * as long as the total wait stays within `boundMs` milliseconds (shared through `waited` by every
 * request of a run). Throws the request's own error when it is not a rate limit, and
 * RateLimitBoundError when the next wait would pass the bound.
 */
export async function withRateLimitWaits<T>(
  request: () => Promise<T>,
  waited: { ms: number },
  boundMs: number
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request()
    } catch (error) {
      const http = describeHttpError(error)
      const wait = http
        ? rateLimitWait(http.status, http.headers, http.message, Date.now(), attempt)
        : null
      if (wait === null) throw error
      if (waited.ms + wait > boundMs) throw new RateLimitBoundError(wait, waited.ms, boundMs)
      await new Promise((resolve) => setTimeout(resolve, wait))
      waited.ms += wait
    }
  }
}

/**
 * A request that got no answer at all (DNS, a refused or reset connection, TLS): Octokit reports
 * it as a RequestError with status 500 but no `response`, its message taken from the fetch
 * failure's cause (@octokit/request's fetch wrapper). Returns the innermost cause's message (e.g.
 * `getaddrinfo ENOTFOUND api.github.com`) and the origin of the URL asked for when known; null for an error
 * that carries GitHub's answer, or is no request error.
 */
export function networkFailure(error: unknown): { message: string; origin: string | null } | null {
  if (typeof error !== 'object' || error === null) return null
  const { status, message, response } = error as HttpError
  if (typeof status !== 'number' || response !== undefined) return null
  const url = (error as { request?: { url?: unknown } }).request?.url
  let origin: string | null = null
  if (typeof url === 'string' && URL.canParse(url)) origin = new URL(url).origin
  // The innermost cause says most (`connect ECONNREFUSED …` under undici's `fetch failed`).
  let detail = typeof message === 'string' && message !== '' ? message : 'no answer'
  let cause = (error as { cause?: unknown }).cause
  for (let depth = 0; depth < 5 && typeof cause === 'object' && cause !== null; depth++) {
    const text = (cause as { message?: unknown }).message
    if (typeof text === 'string' && text !== '') detail = text
    cause = (cause as { cause?: unknown }).cause
  }
  return { message: detail, origin }
}
