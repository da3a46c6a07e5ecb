// Discovery through Azure Resource Graph, for the resource-graph engine: the scope's subscriptions
// (display name, state, management group ancestry) from `resourcecontainers` in a few paged
// queries at the scope asked for, instead of Resource Manager's subscription list and
// descendants, a page of which holds far fewer. The rows are handed on to the engine
// (resource-graph/read.ts), which then sends no subscription query of its own. The Discovery it
// gives is discover.ts's, assembled by the same rules (docs/design.md, "Architecture").
import type { Scope } from '../../inputs/scope.ts'
import { resolveScope, text, type Discovery, type Listed } from '../discover.ts'
import type { SendGraphQuery } from './client.ts'
import type { GraphRow } from './paging.ts'
import type { QuotaGate } from './quota.ts'
import { MAX_SUBSCRIPTIONS_PER_REQUEST, chunks, type ScopedRows } from './read.ts'
import { RunQueries, type GraphQueryScope } from './run-queries.ts'

/** A management group or the tenant holds more subscriptions than one Resource Graph scope
 * covers (10,000; header x-ms-tenant-subscription-limit-hit): Resource Manager's lists must
 * resolve it. */
export class GraphScopeTooLargeError extends Error {
  constructor(scopeName: string) {
    super(`${scopeName} holds more subscriptions than one Resource Graph query covers`)
    this.name = 'GraphScopeTooLargeError'
  }
}

export interface GraphDiscovery {
  discovery: Discovery
  /** The subscription rows of each query, for the engine (read.ts's `subscriptionRows`). */
  subscriptionRows: ScopedRows[]
}

/** The scopes discovery queries `scope` at: each management group's, the tenant's for `*`, and
 * one per batch of 1,000 listed ids. */
export function discoveryScopes(scope: Scope): GraphQueryScope[] {
  return [
    ...scope.managementGroups.map((group) => ({ managementGroups: [group] })),
    ...(scope.allSubscriptions ? [{}] : []),
    ...chunks(scope.subscriptionIds, MAX_SUBSCRIPTIONS_PER_REQUEST).map((subscriptions) => ({
      subscriptions
    }))
  ]
}

export interface GraphDiscoveryOptions {
  /** The run's queries (run-queries.ts), for the engine's read to find discovery's among them;
   * new ones over `gate` when absent. */
  queries?: RunQueries
  /** Called once, when the first of discovery's answers is in: Resource Graph answers. */
  onAnswered?(): void
}

/** The subscriptions of `rows` (resourcecontainers subscription rows), by lower-case id. */
function listedOf(rows: readonly GraphRow[]): Map<string, Listed> {
  const listed = new Map<string, Listed>()
  for (const row of rows) {
    const id = text(row.subscriptionId)?.toLowerCase()
    if (id === undefined) continue
    const state = text((row.properties as { state?: unknown } | undefined)?.state)
    listed.set(id, { displayName: text(row.name), state })
  }
  return listed
}

/**
 * Resolves `scope` through Resource Graph (`send`, minding `gate`, the run's query quota): one
 * subscriptions query at each management group's scope, one at the tenant's for `*` (every
 * subscription the identity can read), and one per batch of 1,000 listed ids (for their names
 * and states; a listed id Resource Graph does not return is still checked), all at once, each
 * read as paging.ts's queryRows reads a query. The rules are discover.ts's (resolveScope);
 * subscriptions come in Resource Graph's order (by id). Its cost counts query requests (pages)
 * and queries as lists.
 *
 * Throws GraphScopeTooLargeError when a group or the tenant is over Resource Graph's cap, and what
 * queryAllPages throws when a query fails: the caller resolves the scope through Resource Manager
 * instead (discover.ts).
 */
export async function discoverThroughResourceGraph(
  send: SendGraphQuery,
  scope: Scope,
  gate: QuotaGate,
  options: GraphDiscoveryOptions = {}
): Promise<GraphDiscovery> {
  const started = performance.now()
  const queries = options.queries ?? new RunQueries(send, gate)
  const scopes = discoveryScopes(scope)
  let answered = false
  const onFirstPage = () => {
    if (!answered) options.onAnswered?.()
    answered = true
  }
  const subscriptionRows = await Promise.all(
    scopes.map(async (at) => ({
      at,
      result: await queries.subscriptions(at, 'discovery', onFirstPage)
    }))
  )
  const listed = new Map<string, Listed>()
  const groupLists: Map<string, Listed>[] = []
  let everyone: Iterable<string> = []
  for (const { at, result } of subscriptionRows) {
    const wide = !('subscriptions' in at)
    if (wide && result.subscriptionLimitHit) {
      throw new GraphScopeTooLargeError(
        'managementGroups' in at ? `Management group ${at.managementGroups[0]}` : 'The tenant'
      )
    }
    const found = listedOf(result.rows)
    for (const [id, entry] of found) listed.set(id, entry)
    if ('managementGroups' in at) groupLists.push(found)
    else if (wide) everyone = found.keys()
  }
  const requests = subscriptionRows.reduce((sum, { result }) => sum + result.requests, 0)
  const ms = Math.round(performance.now() - started)
  return {
    discovery: {
      ...resolveScope(scope, groupLists, listed, everyone),
      cost: { requests, lists: scopes.length, ms }
    },
    subscriptionRows
  }
}
