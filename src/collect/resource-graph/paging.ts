// Reads one Resource Graph query to its last page, each page one query of the per-user quota
// (quota.ts). Microsoft Learn, "Working with large Azure resource data sets": at most 1,000 rows an
// answer, and $skipToken, which only the answer before names, asks for the next page, so one
// query's pages come one round trip after another. A query whose first answer says it holds more
// pages than are worth reading in sequence is split instead: the same query over parts of the
// rows, by the first hex digits of their subscription id, sent at once, each paged on its own
// (queryRows).
import { ArmRequestError } from '../errors.ts'
import type { GraphRequest, SendGraphQuery } from './client.ts'
import type { QuotaGate } from './quota.ts'

export { QuotaGate, parseResetsAfter } from './quota.ts'

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

/** Where a query runs: subscriptions, management groups, or neither (the tenant). */
type QueryScope = Pick<GraphRequest, 'subscriptions' | 'managementGroups'>

/** One query read page after page: `next` sends the next page, until `done`. */
class Pager {
  readonly rows: GraphRow[] = []
  requests = 0
  subscriptionLimitHit = false
  /** The rows the query holds, as its last answer said (`totalRecords`). */
  totalRecords = 0
  #skipToken: string | undefined
  readonly #tokens = new Set<string>()

  readonly #send: SendGraphQuery
  readonly #request: Omit<GraphRequest, 'options'>
  readonly #gate: QuotaGate
  readonly #pageSize: number

  constructor(
    send: SendGraphQuery,
    query: string,
    scope: QueryScope,
    gate: QuotaGate,
    pageSize: number
  ) {
    this.#send = send
    this.#request = { query, ...scope }
    this.#gate = gate
    this.#pageSize = pageSize
  }

  get done(): boolean {
    return this.requests > 0 && this.#skipToken === undefined
  }

  async next(): Promise<void> {
    if (this.requests >= MAX_PAGES) throw malformed(`kept paging past ${MAX_PAGES} pages`)
    const skipToken = this.#skipToken
    await this.#gate.beforeQuery()
    let answer: Awaited<ReturnType<SendGraphQuery>>
    try {
      answer = await this.#send({
        ...this.#request,
        options: {
          top: this.#pageSize,
          resultFormat: 'objectArray',
          ...(skipToken ? { skipToken } : {})
        }
      })
    } catch (error) {
      this.#gate.afterFailure()
      throw error
    }
    this.requests += 1
    this.#gate.afterAnswer(answer.header)
    if (answer.header('x-ms-tenant-subscription-limit-hit')?.toLowerCase() === 'true') {
      this.subscriptionLimitHit = true
    }
    if (!Array.isArray(answer.data)) throw malformed('had no `data` list of rows')
    for (const row of answer.data as unknown[]) {
      if (typeof row !== 'object' || row === null || typeof (row as GraphRow).id !== 'string') {
        throw malformed('had a row without an `id`')
      }
      this.rows.push(row as GraphRow)
    }
    this.totalRecords = Number(answer.totalRecords) || this.rows.length
    this.#skipToken = answer.skipToken || undefined
    const truncated = String(answer.resultTruncated).toLowerCase() === 'true'
    if (truncated && this.#skipToken === undefined) {
      throw malformed(
        `was truncated at ${this.rows.length} of ${answer.totalRecords} rows without a $skipToken`
      )
    }
    if (this.#skipToken !== undefined) {
      if (this.#tokens.has(this.#skipToken)) throw malformed('repeated a $skipToken')
      this.#tokens.add(this.#skipToken)
    }
  }

  async all(): Promise<PagedResult> {
    while (!this.done) await this.next()
    return {
      rows: this.rows,
      requests: this.requests,
      subscriptionLimitHit: this.subscriptionLimitHit
    }
  }
}

/**
 * Every row of `query` over `scope` (subscriptions, management groups, or neither for the
 * tenant), page after page, minding `gate`. Throws ArmRequestError when an answer is malformed, is
 * truncated without a $skipToken, or the paging does not end; the SDK's RestError on error
 * answers; what the gate throws.
 */
export async function queryAllPages(
  send: SendGraphQuery,
  query: string,
  scope: QueryScope,
  gate: QuotaGate,
  pageSize = MAX_PAGE_SIZE
): Promise<PagedResult> {
  return new Pager(send, query, scope, gate, pageSize).all()
}

/** Pages a query reads one after another before it is split: up to 3 pages cost no more
 * queries of the quota than a split (which reads the first page's rows again in at least 2
 * parts), for a round trip or two more. */
export const MAX_SEQUENTIAL_PAGES = 3
/** Share of a page a part of a split query is sized to hold on average. Subscription ids are
 * random GUIDs, spread evenly over the prefixes, so a part's rows vary like a binomial count:
 * about 850 ± 30 at pages of 1,000, a second page rarely needed (a part that needs one pages
 * like any query). */
const PART_FILL = 0.85
/** The most parts: every two-hex-digit prefix of a subscription id its own. */
export const MAX_PARTS = 256

/** A query over some of its rows: those whose subscription id starts with one of `prefixes`
 * (hex digits, lower case), or every row when absent (queries.ts). */
export type SplittableQuery = (prefixes?: readonly string[]) => string

export interface QueryRowsOptions {
  /** Rows a page; default MAX_PAGE_SIZE. */
  pageSize?: number
  /** The most parts worth splitting into (a query over a few subscriptions cannot be split
   * finer than they are); default MAX_PARTS. */
  maxParts?: number
  /** Called with the first answer's rows, before the rest is read. */
  onFirstPage?(rows: readonly GraphRow[]): void
}

/**
 * Every row of `query()` over `scope`, as queryAllPages reads them, but when the first answer
 * says the query holds more than MAX_SEQUENTIAL_PAGES pages, the rest comes from `query` over
 * parts of the subscription ids instead (subscriptionIdParts), each part paged on its own and
 * all sent at once under `gate`; the first page's rows are then left for the parts' own.
 * Throws what queryAllPages throws, and ArmRequestError when the parts hold fewer rows than the
 * first answer said the whole does (a row whose subscription id is in no part, or rows deleted
 * meanwhile: what was read cannot be trusted to be whole).
 */
export async function queryRows(
  send: SendGraphQuery,
  query: SplittableQuery,
  scope: QueryScope,
  gate: QuotaGate,
  options: QueryRowsOptions = {}
): Promise<PagedResult> {
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE
  const whole = new Pager(send, query(), scope, gate, pageSize)
  await whole.next()
  options.onFirstPage?.(whole.rows)
  const pages = Math.ceil(whole.totalRecords / pageSize)
  const maxParts = Math.min(options.maxParts ?? MAX_PARTS, MAX_PARTS)
  if (whole.done || pages <= MAX_SEQUENTIAL_PAGES || maxParts < 2) return whole.all()
  const count = Math.min(maxParts, Math.ceil(whole.totalRecords / (pageSize * PART_FILL)))
  const parts = await Promise.all(
    subscriptionIdParts(count).map((prefixes) =>
      queryAllPages(send, query(prefixes), scope, gate, pageSize)
    )
  )
  const rows = parts.flatMap((part) => part.rows)
  if (rows.length < whole.totalRecords) {
    throw malformed(
      `held ${whole.totalRecords} rows, and the same query in ${parts.length} parts by subscription id ${rows.length}`
    )
  }
  return {
    rows,
    requests: whole.requests + parts.reduce((sum, part) => sum + part.requests, 0),
    subscriptionLimitHit:
      whole.subscriptionLimitHit || parts.some((part) => part.subscriptionLimitHit)
  }
}

const HEX = '0123456789abcdef'

/**
 * The two-hex-digit prefixes of subscription ids (00 to ff) in `count` runs of consecutive
 * prefixes, as even as 256 allows (`count` from 1 to MAX_PARTS), each run written shortly: a
 * whole first digit as that digit alone. Together the runs cover every id made of hex digits,
 * each once.
 */
export function subscriptionIdParts(count: number): string[][] {
  const parts: string[][] = []
  for (let part = 0; part < count; part += 1) {
    const from = Math.floor((part * 256) / count)
    const to = Math.floor(((part + 1) * 256) / count)
    const prefixes: string[] = []
    for (let at = from; at < to;) {
      const first = HEX.charAt(at >> 4)
      if (at % 16 === 0 && at + 16 <= to) {
        prefixes.push(first)
        at += 16
      } else {
        prefixes.push(first + HEX.charAt(at % 16))
        at += 1
      }
    }
    parts.push(prefixes)
  }
  return parts
}
