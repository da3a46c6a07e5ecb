// The Resource Graph queries of one run, each sent once, all under the run's per-user quota
// (quota.ts) and paged or split as paging.ts reads them. Discovery (discover.ts) and the engine's
// read (read.ts) share them: the engine starts the queries it will need as soon as what they need
// is known, and the read then finds them under way instead of sending them again.
import { Semaphore } from '../concurrency.ts'
import type { SendGraphQuery } from './client.ts'
import { queryRows, type GraphRow, type PagedResult, type QueryRowsOptions } from './paging.ts'
import {
  managementGroupPolicyQuery,
  setDefinitionsQuery,
  subscriptionPolicyQuery,
  subscriptionsQuery
} from './queries.ts'
import type { QuotaGate } from './quota.ts'

/** A query's scope: subscriptions, management groups, or neither (the tenant). */
export type GraphQueryScope =
  { subscriptions: string[] } | { managementGroups: string[] } | Record<string, never>

/** Who a query's requests are counted for: discovery's (its cost, apart) or the engine's read. */
export type QueryPurpose = 'discovery' | 'read'

export interface RunQueriesOptions {
  /** Rows a page; default 1,000 (Resource Graph's most). */
  pageSize?: number
  /** Queries in flight at once; default no bound but the quota's. */
  concurrency?: number
}

/** The run gave up on Resource Graph: a query it had not sent yet is not sent. */
export class QueriesClosedError extends Error {
  constructor() {
    super('Resource Graph is no longer read in this run')
    this.name = 'QueriesClosedError'
  }
}

/** The queries of one run over `send`, under `gate`. */
export class RunQueries {
  readonly gate: QuotaGate
  readonly #send: SendGraphQuery
  readonly #options: RunQueriesOptions
  readonly #slots: Semaphore | undefined
  readonly #started = new Map<string, Promise<PagedResult>>()
  readonly #requests: Record<QueryPurpose, number> = { discovery: 0, read: 0 }
  #closed = false

  constructor(send: SendGraphQuery, gate: QuotaGate, options: RunQueriesOptions = {}) {
    this.#send = send
    this.gate = gate
    this.#options = options
    this.#slots = options.concurrency === undefined ? undefined : new Semaphore(options.concurrency)
  }

  /** The subscriptions at `at` (queries.ts, subscriptionsQuery), their rows as Resource Graph
   * gives them; `onFirstPage` is called with the first answer's rows when this call starts the
   * query. */
  subscriptions(
    at: GraphQueryScope,
    purpose: QueryPurpose = 'read',
    onFirstPage?: QueryRowsOptions['onFirstPage']
  ): Promise<PagedResult> {
    return this.#run(`subscriptions ${JSON.stringify(at)}`, purpose, (send) =>
      queryRows(send, subscriptionsQuery, at, this.gate, {
        ...this.#rowsOptions(at),
        ...(onFirstPage ? { onFirstPage } : {})
      })
    )
  }

  /** The policy assignments and exemptions at and inside the subscriptions at `at`
   * (subscriptionPolicyQuery). */
  policy(at: GraphQueryScope): Promise<PagedResult> {
    return this.#run(`policy ${JSON.stringify(at)}`, 'read', (send) =>
      queryRows(send, subscriptionPolicyQuery, at, this.gate, this.#rowsOptions(at))
    )
  }

  /** Whether the policy query at `at` has been started. */
  hasPolicy(at: GraphQueryScope): boolean {
    return this.#started.has(`policy ${JSON.stringify(at)}`)
  }

  /** The policy assignments and exemptions at every management group the tenant's scope shows
   * (managementGroupPolicyQuery). */
  managementGroupPolicy(): Promise<PagedResult> {
    return this.#run('management groups', 'read', (send) =>
      // Rows at management groups have no subscription id to split them by.
      queryRows(send, managementGroupPolicyQuery, {}, this.gate, this.#unsplit())
    )
  }

  /** The custom set definitions of `ids` (lower case, at most NAMES_PER_QUERY) at the tenant's
   * scope (setDefinitionsQuery). */
  setDefinitions(ids: readonly string[]): Promise<GraphRow[]> {
    const query = setDefinitionsQuery(ids)
    return this.#run(query, 'read', (send) =>
      queryRows(send, () => query, {}, this.gate, this.#unsplit())
    ).then((result) => result.rows)
  }

  /** Requests sent so far for `purpose` (pages each count). */
  requests(purpose: QueryPurpose): number {
    return this.#requests[purpose]
  }

  /** Sends no query from now on: those waiting for the quota or the next page fail with
   * QueriesClosedError. */
  close(): void {
    this.#closed = true
    this.gate.close(new QueriesClosedError())
  }

  /** Resolves once every query started has ended, answered or not. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#started.values())
  }

  #unsplit(): QueryRowsOptions {
    return { ...this.#rowsOptions({}), maxParts: 1 }
  }

  #rowsOptions(at: GraphQueryScope): QueryRowsOptions {
    return {
      ...(this.#options.pageSize === undefined ? {} : { pageSize: this.#options.pageSize }),
      // A query over a few subscriptions cannot be split finer than they are.
      ...('subscriptions' in at ? { maxParts: at.subscriptions.length } : {})
    }
  }

  /** The query of `key`, started with `start` by its first caller, its requests counted for
   * `purpose`. A rejection reaches every caller. */
  #run(
    key: string,
    purpose: QueryPurpose,
    start: (send: SendGraphQuery) => Promise<PagedResult>
  ): Promise<PagedResult> {
    let started = this.#started.get(key)
    if (!started) {
      started = start(async (request) => {
        if (this.#closed) throw new QueriesClosedError()
        const release = await this.#slots?.acquire()
        this.#requests[purpose] += 1
        try {
          return await this.#send(request)
        } finally {
          release?.()
        }
      })
      // A rejection is observed by every caller; this keeps one no caller awaits from going
      // unhandled (a query started ahead of the read that then fails).
      started.catch(() => undefined)
      this.#started.set(key, started)
    }
    return started
  }
}
