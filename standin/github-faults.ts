// The faults the GitHub stand-in (github.ts) answers with, as GitHub words them: refused writes and
// reads (403 "Resource not accessible by integration") and rate limits, primary and secondary
// (GitHub's REST documentation, "Rate limits for the REST API").
import { randomUUID } from 'node:crypto'
import { json, type Reply } from './http.ts'

/** GitHub's REST documentation, for `documentation_url`. */
export const DOCS = 'https://docs.github.com/rest'

export interface GitHubFaults {
  /** Writes answered 403 "Resource not accessible by integration": to issues (`issues`), to pull
   * requests' comments (`pull-requests`), or all writes (`all`, a fork's read-only token). */
  refuse: 'issues' | 'pull-requests' | 'all' | null
  /** The next `count` requests are answered with a rate limit: `secondary` (403 or 429, with
   * `retry-after` seconds when given) or `primary` (403, x-ratelimit-remaining 0, reset in
   * `resetSeconds`). */
  rateLimit: {
    count: number
    kind: 'secondary' | 'primary'
    status?: 403 | 429
    retryAfter?: number
    resetSeconds?: number
  } | null
  /** Reads answered as a token without their permission: GraphQL's `viewer` (200 with a
   * FORBIDDEN error, as GitHub's GraphQL API answers), code scanning's alerts (403, as without
   * `security-events: read`). */
  refuseReads?: ('viewer' | 'code-scanning')[]
}

/** GitHub's error body: `message`, `documentation_url`, `status`. */
export function ghError(
  status: number,
  message: string,
  documentation: string,
  headers?: Record<string, string>
): Reply {
  return json(
    status,
    { message, documentation_url: documentation, status: String(status) },
    headers
  )
}

/** The rate limit `faults` answer the next request with (counted as used), or null. */
export function rateLimited(faults: GitHubFaults): Reply | null {
  const limit = faults.rateLimit
  if (!limit || limit.count <= 0) return null
  limit.count--
  if (limit.kind === 'primary') {
    const reset = Math.ceil(Date.now() / 1000) + (limit.resetSeconds ?? 60)
    return ghError(
      403,
      'API rate limit exceeded for installation ID 4242.',
      `${DOCS}/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limits`,
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core'
      }
    )
  }
  const headers: Record<string, string> =
    limit.retryAfter !== undefined ? { 'retry-after': String(limit.retryAfter) } : {}
  return ghError(
    limit.status ?? 403,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID().slice(0, 18).toUpperCase()}.`,
    `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
    headers
  )
}

/** The 403 `faults` answer a write with, on a pull request (`onPullRequest`) or an issue, or null;
 * `documentation` is the endpoint's page. */
export function refused(
  faults: GitHubFaults,
  onPullRequest: boolean,
  documentation: string
): Reply | null {
  const refuse = faults.refuse
  if (refuse === null) return null
  if (
    refuse === 'all' ||
    (refuse === 'pull-requests' && onPullRequest) ||
    (refuse === 'issues' && !onPullRequest)
  ) {
    return ghError(403, 'Resource not accessible by integration', documentation)
  }
  return null
}
