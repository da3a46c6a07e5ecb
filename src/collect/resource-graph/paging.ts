// Runs one Resource Graph query to its last page, minding the per-user quota. Microsoft Learn,
// "Guidance for throttled requests in Azure Resource Graph": every answer carries
// x-ms-user-quota-remaining (queries left in the window) and x-ms-user-quota-resets-after
// (hh:mm:ss until the window resets); when none are left, wait that long before the next query.
// Each page is one query of the quota. "Working with large Azure resource data sets": at most
// 1,000 rows an answer; $skipToken asks for the next page.
import { ArmRequestError } from '../errors.ts'
import type { GraphRequest, SendGraphQuery } from './client.ts'
import { sleep } from '../concurrency.ts'

/** Rows one answer holds at most ($top's upper bound). */
export const MAX_PAGE_SIZE = 1000
/** A $skipToken chain this long is broken, not big (a million rows at 1,000 a page). */
export const MAX_PAGES = 1000

/** A row as Resource Graph's objectArray format gives it: a resource in ARM's shape. */
export interface GraphRow {
  id: string
  name?: string
  type?: string
  subscriptionId?: string
  properties?: Record<string, unknown>
  [column: string]: unknown
}

/** x-ms-user-quota-resets-after, `hh:mm:ss` (seconds may carry a fraction), in milliseconds;
 * undefined when absent or not in that form. */
export function parseResetsAfter(value: string | undefined): number | undefined {
  const match = /^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(value?.trim() ?? '')
  if (!match) return undefined
  return Math.round((Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000)
}

/** The quota shared by every query of a run. An answer says how many queries are left in the
 * window; queries started since count against that, and once none are left the next query
 * waits for the window to reset. A reset further off than `maxWaitMs` fails the query instead. */
export class QuotaGate {
  #remaining: number | undefined
  #resetAt = 0
  #startedSinceAnswer = 0
  readonly #maxWaitMs: number
  readonly #signal: AbortSignal | undefined
  /** Milliseconds spent waiting for the quota. */
  waitedMs = 0

  constructor(maxWaitMs: number, signal?: AbortSignal) {
    this.#maxWaitMs = maxWaitMs
    this.#signal = signal
  }

  async beforeQuery(): Promise<void> {
    while (this.#remaining !== undefined && this.#startedSinceAnswer >= this.#remaining) {
      const wait = this.#resetAt - Date.now()
      if (wait > 0) {
        const started = Date.now()
        await sleep(wait, this.#signal)
        this.waitedMs += Date.now() - started
      }
      // The run's deadline: the query goes ahead and fails on the aborted signal.
      if (this.#signal?.aborted) break
      if (Date.now() >= this.#resetAt) {
        this.#remaining = undefined
        this.#startedSinceAnswer = 0
      }
    }
    this.#startedSinceAnswer += 1
  }

  afterAnswer(header: (name: string) => string | undefined): void {
    const remaining = Number(header('x-ms-user-quota-remaining') ?? Number.NaN)
    const resetsAfter = parseResetsAfter(header('x-ms-user-quota-resets-after'))
    if (!Number.isFinite(remaining) || resetsAfter === undefined) return
    if (remaining <= 0 && resetsAfter > this.#maxWaitMs) {
      throw new ArmRequestError(
        429,
        'QuotaExhausted',
        `Resource Graph's query quota for this identity is used up and resets after ${Math.ceil(resetsAfter / 1000)} s, longer than the ${Math.round(this.#maxWaitMs / 1000)} s the check waits`
      )
    }
    this.#remaining = Math.max(0, remaining)
    this.#resetAt = Date.now() + resetsAfter
    this.#startedSinceAnswer = 0
  }
}

export interface PagedResult {
  rows: GraphRow[]
  /** Requests sent (pages). */
  requests: number
  /** The answer said the scope held more than 10,000 subscriptions and only the first 10,000
   * were queried (header x-ms-tenant-subscription-limit-hit). */
  subscriptionLimitHit: boolean
}

function malformed(what: string): ArmRequestError {
  return new ArmRequestError(200, 'MalformedResponse', `Resource Graph's answer ${what}`)
}

/**
 * Every row of `query` over the scope of `scope` (subscriptions, management groups, or neither
 * for the tenant), page after page. Throws ArmRequestError when an answer is malformed, is
 * truncated without a $skipToken, or the paging does not end; the SDK's RestError on error
 * answers.
 */
export async function queryAllPages(
  send: SendGraphQuery,
  query: string,
  scope: Pick<GraphRequest, 'subscriptions' | 'managementGroups'>,
  gate: QuotaGate,
  pageSize = MAX_PAGE_SIZE
): Promise<PagedResult> {
  const rows: GraphRow[] = []
  const tokens = new Set<string>()
  let skipToken: string | undefined
  let requests = 0
  let subscriptionLimitHit = false
  do {
    if (requests >= MAX_PAGES) throw malformed(`kept paging past ${MAX_PAGES} pages`)
    await gate.beforeQuery()
    const answer = await send({
      query,
      ...scope,
      options: { top: pageSize, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) }
    })
    requests += 1
    gate.afterAnswer(answer.header)
    if (answer.header('x-ms-tenant-subscription-limit-hit')?.toLowerCase() === 'true') {
      subscriptionLimitHit = true
    }
    if (!Array.isArray(answer.data)) throw malformed('had no `data` list of rows')
    for (const row of answer.data as unknown[]) {
      if (typeof row !== 'object' || row === null || typeof (row as GraphRow).id !== 'string') {
        throw malformed('had a row without an `id`')
      }
      rows.push(row as GraphRow)
    }
    skipToken = answer.skipToken || undefined
    const truncated = String(answer.resultTruncated).toLowerCase() === 'true'
    if (truncated && skipToken === undefined) {
      throw malformed(
        `was truncated at ${rows.length} of ${answer.totalRecords} rows without a $skipToken`
      )
    }
    if (skipToken !== undefined) {
      if (tokens.has(skipToken)) throw malformed('repeated a $skipToken')
      tokens.add(skipToken)
    }
  } while (skipToken !== undefined)
  return { rows, requests, subscriptionLimitHit }
}
