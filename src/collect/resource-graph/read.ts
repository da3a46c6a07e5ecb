// The resource-graph engine's reads: the whole scope in a few paged queries instead of a few
// requests per subscription. Built-in set definitions are not read here: Microsoft documents no
// Resource Graph table that holds them or their versions, so they come from Resource Manager, once
// per run, as with the resource-manager engine (docs/design.md, "Architecture").
import { isSetDefinitionId, normalizeId } from '../../azure-ids.ts'
import type { SendGraphQuery } from './client.ts'
import { ancestorNames, groupBySubscription, type GraphSubscription } from './group.ts'
import { mapLimit } from '../concurrency.ts'
import { QuotaGate, queryAllPages, type GraphRow, type PagedResult } from './paging.ts'
import {
  managementGroupPolicyQuery,
  setDefinitionsQuery,
  subscriptionPolicyQuery,
  subscriptionsQuery
} from './queries.ts'

/** Subscriptions one request may name: Microsoft Learn, "Troubleshoot errors using Azure Resource
 * Graph", scenario "Too many subscriptions" (batch them under 1,000). */
export const MAX_SUBSCRIPTIONS_PER_REQUEST = 1000
/** Management groups whose own assignments one query asks for, and set ids one query names:
 * keeps each query's text short. */
export const NAMES_PER_QUERY = 100

export interface GraphScope {
  /** The subscriptions to check. */
  subscriptionIds: readonly string[]
  /** Management group names to query at management-group scope (the run's `management-groups`
   * input). A group over Resource Graph's cap of 10,000 subscriptions is queried by subscription
   * batches instead; subscriptions no group covers are queried by subscription batches. Without
   * groups, more subscriptions than one batch names are queried at the tenant's scope. */
  managementGroups?: readonly string[]
}

export interface ReadGraphOptions {
  /** Longest wait for the per-user quota to reset, in milliseconds; a longer one fails the read. */
  maxQuotaWaitMs: number
  /** Queries in flight at once; default 4. */
  concurrency?: number
  /** Rows a page; default 1,000 (Resource Graph's most). */
  pageSize?: number
  /** Ends a quota wait early (the run's deadline). */
  signal?: AbortSignal
  /** The quota as discovery left it (src/collect/resource-graph/discover.ts); a new one when absent. */
  gate?: QuotaGate
  /** The subscription rows discovery already read, by the scope each query had: no
   * subscription query is sent again, and a subscription none of them returned is not found. */
  subscriptionRows?: readonly ScopedRows[]
}

/** The subscription rows one query returned, with the scope it was sent at. */
export interface ScopedRows {
  at: GraphQueryScope
  result: PagedResult
}

export interface ResourceGraphRead {
  /** The subscriptions Resource Graph returned, in the order of `subscriptionIds`. */
  subscriptions: GraphSubscription[]
  /** Subscriptions asked for that Resource Graph did not return (not visible to the identity,
   * not yet indexed, or not existing): read them through Resource Manager. */
  notFound: string[]
  /** Custom set definitions the assignments name, keyed by lower-case id, rows in ARM's shape
   * (mapSetDefinition takes them). */
  setDefinitions: Map<string, GraphRow>
  /** Custom set ids named by an assignment that Resource Graph did not return. */
  setDefinitionsNotFound: string[]
  /** Built-in set ids named by the assignments (lower case), to read from Resource Manager. */
  builtInSetDefinitionIds: string[]
  /** Query requests sent (pages included). */
  requests: number
  /** Milliseconds spent waiting for the quota to reset. */
  quotaWaitedMs: number
}

/** A query's scope: subscriptions, management groups, or neither (the tenant). */
export type GraphQueryScope =
  { subscriptions: string[] } | { managementGroups: string[] } | Record<string, never>
type Scope = GraphQueryScope

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Reads, for every subscription of `scope`, its display name, state, management group ancestry,
 * the policy assignments and exemptions that concern it, and its Defender for Servers pricing;
 * and the custom set definitions those assignments name. Rows stay in ARM's raw shape for
 * src/collect/map.ts. Throws what queryAllPages throws (one failed query fails the read: the
 * caller falls back to Resource Manager).
 */
export async function readResourceGraph(
  send: SendGraphQuery,
  scope: GraphScope,
  options: ReadGraphOptions
): Promise<ResourceGraphRead> {
  const gate = options.gate ?? new QuotaGate(options.maxQuotaWaitMs, options.signal)
  const concurrency = options.concurrency ?? 4
  let requests = 0
  const run = async (query: string, at: Scope): Promise<PagedResult> => {
    const result = await queryAllPages(send, query, at, gate, options.pageSize)
    requests += result.requests
    return result
  }
  const runAll = async (queries: [string, Scope][]): Promise<GraphRow[]> =>
    (await mapLimit(queries, concurrency, ([query, at]) => run(query, at))).flatMap((r) => r.rows)

  const wanted = new Map<string, string>()
  for (const id of scope.subscriptionIds) wanted.set(id.toLowerCase(), id)

  // Subscriptions: by management group where the group is under the cap, else by batches. With
  // no group and more subscriptions than one batch names, the tenant's scope reads them in pages
  // of 1,000 rows, fewer queries than a batch each per table (the per-user quota counts queries);
  // unless the tenant holds many more subscriptions than were asked for, or is over the cap.
  const groupScopes: Scope[] = []
  const subscriptionRows: GraphRow[] = []
  const covered = new Set<string>()
  const wide: Scope[] = scope.managementGroups?.length
    ? scope.managementGroups.map((group) => ({ managementGroups: [group] }))
    : wanted.size > MAX_SUBSCRIPTIONS_PER_REQUEST
      ? [{}]
      : []
  const byScope =
    options.subscriptionRows ??
    (await mapLimit(wide, concurrency, async (at) => ({
      at,
      result: await run(subscriptionsQuery(), at)
    })))
  const listed = new Set<string>()
  for (const { at, result } of byScope) {
    if (result.subscriptionLimitHit) continue
    const ids = result.rows.map((row) => String(row.subscriptionId ?? '').toLowerCase())
    subscriptionRows.push(...result.rows.filter((_, n) => wanted.has(ids[n] ?? '')))
    for (const id of ids) listed.add(id)
    // A scope that holds none of them needs no policy query.
    if (!ids.some((id) => wanted.has(id))) continue
    if ('managementGroups' in at || result.rows.length <= 2 * wanted.size) {
      groupScopes.push(at)
      for (const id of ids) covered.add(id)
    }
  }
  const batchesOf = (ids: string[]): Scope[] =>
    chunks(ids, MAX_SUBSCRIPTIONS_PER_REQUEST).map((subscriptions) => ({ subscriptions }))
  const unlisted = options.subscriptionRows
    ? []
    : [...wanted].filter(([key]) => !listed.has(key)).map(([, id]) => id)
  subscriptionRows.push(
    ...(await runAll(batchesOf(unlisted).map((at) => [subscriptionsQuery(), at])))
  )
  const batches = batchesOf([...wanted].filter(([key]) => !covered.has(key)).map(([, id]) => id))
  const found = subscriptionRows.filter((row) =>
    wanted.has(String(row.subscriptionId ?? '').toLowerCase())
  )
  // A row whose chain cannot be read adds no group here; its subscription is not decided from
  // Resource Graph (group.ts).
  const ancestors = [
    ...new Set(
      found.flatMap((row) => {
        try {
          return ancestorNames(row)
        } catch {
          return []
        }
      })
    )
  ]

  // Assignments and exemptions at and inside the subscriptions; those at the
  // management groups above them, at tenant scope: rows at a management group belong to no
  // subscription, so a subscription scope leaves them out, and a management-group scope reaches
  // only down. Resource Graph returns them only where the identity may read that group: an
  // assignment inherited from a group it cannot read is missing here (Resource Manager's list of
  // the subscription shows it), which is why verdicts short of compliant are re-read through
  // Resource Manager.
  const scopes = [...groupScopes, ...batches]
  const [policyRows, groupPolicyRows] = await Promise.all([
    runAll(scopes.map((at) => [subscriptionPolicyQuery(), at])),
    runAll(
      chunks(ancestors, NAMES_PER_QUERY).map((names) => [managementGroupPolicyQuery(names), {}])
    )
  ])
  const grouped = groupBySubscription(found, [...policyRows, ...groupPolicyRows])
  const subscriptions = [...wanted.keys()]
    .map((id) => grouped.get(id))
    .filter((subscription) => subscription !== undefined)

  // Set definitions the assignments name: custom ones here, built-in ones left to ARM.
  const setIds = new Set(
    subscriptions
      .flatMap((subscription) => subscription.assignments)
      .map((row) => row.properties?.policyDefinitionId)
      .filter((id): id is string => typeof id === 'string' && isSetDefinitionId(id))
      .map(normalizeId)
  )
  const builtIn = [...setIds].filter((id) => id.startsWith('/providers/microsoft.authorization/'))
  const custom = [...setIds].filter((id) => !builtIn.includes(id))
  const setRows = await runAll(
    chunks(custom, NAMES_PER_QUERY).map((ids) => [setDefinitionsQuery(ids), {}])
  )
  const setDefinitions = new Map(setRows.map((row) => [normalizeId(row.id), row]))
  return {
    subscriptions,
    notFound: [...wanted].filter(([key]) => !grouped.has(key)).map(([, id]) => id),
    setDefinitions,
    setDefinitionsNotFound: custom.filter((id) => !setDefinitions.has(id)),
    builtInSetDefinitionIds: builtIn,
    requests,
    quotaWaitedMs: gate.waitedMs
  }
}
