// The resource-graph engine's reads: the whole scope in a few paged queries instead of a few
// requests per subscription. Built-in set definitions are not read here: Microsoft documents no
// Resource Graph table that holds them or their versions, so they come from Resource Manager, once
// per run, as with the resource-manager engine (docs/design.md, "Architecture"). Each query starts
// as soon as what it needs is known, all of them at once under the per-user quota (quota.ts):
// the rows at management groups and, for subscriptions known ahead, their policy rows at once;
// a wide scope's policy rows once its subscriptions are known to be under the cap; the custom
// set definitions once the assignments are in (docs/performance.md, "Resource Graph's queries").
import { isSetDefinitionId, normalizeId } from '../../azure-ids.ts'
import type { SendGraphQuery } from './client.ts'
import { groupBySubscription, type GraphSubscription } from './group.ts'
import type { GraphRow, PagedResult } from './paging.ts'
import { QuotaGate } from './quota.ts'
import { RunQueries, type GraphQueryScope } from './run-queries.ts'

/** Subscriptions one request may name: Microsoft Learn, "Troubleshoot errors using Azure Resource
 * Graph", scenario "Too many subscriptions" (batch them under 1,000). */
export const MAX_SUBSCRIPTIONS_PER_REQUEST = 1000
/** Set ids one query names: keeps each query's text short. */
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
  /** Queries in flight at once; default no bound but the quota's. */
  concurrency?: number
  /** Rows a page; default 1,000 (Resource Graph's most). */
  pageSize?: number
  /** Ends a quota wait early (the run's deadline). */
  signal?: AbortSignal
  /** The quota as discovery left it (src/collect/resource-graph/discover.ts); a new one when absent. */
  gate?: QuotaGate
  /** The run's queries, those discovery and the engine started ahead among them
   * (run-queries.ts); new ones over `gate` (and `concurrency`, `pageSize`) when absent. */
  queries?: RunQueries
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
  /** Query requests sent for the read (pages included; discovery's apart). */
  requests: number
  /** Milliseconds spent waiting for the quota to reset. */
  quotaWaitedMs: number
}

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
 * src/collect/map.ts. Throws what queryRows throws (one failed query fails the read: the caller
 * falls back to Resource Manager), once every query started has ended; the quota's exhaustion
 * when an answer said so (quota.ts), whatever else failed with it.
 */
export async function readResourceGraph(
  send: SendGraphQuery,
  scope: GraphScope,
  options: ReadGraphOptions
): Promise<ResourceGraphRead> {
  const queries =
    options.queries ??
    new RunQueries(send, options.gate ?? new QuotaGate(options.maxQuotaWaitMs, options.signal), {
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency })
    })
  try {
    const read = await readScope(queries, scope, options.subscriptionRows)
    // A query started ahead that the read did not need ends before the read is reported.
    await queries.settled()
    return { ...read, requests: queries.requests('read'), quotaWaitedMs: queries.gate.waitedMs }
  } catch (error) {
    queries.close()
    await queries.settled()
    throw queries.gate.exhausted ?? error
  }
}

async function readScope(
  queries: RunQueries,
  scope: GraphScope,
  discovered: readonly ScopedRows[] | undefined
): Promise<Omit<ResourceGraphRead, 'requests' | 'quotaWaitedMs'>> {
  const wanted = new Map<string, string>()
  for (const id of scope.subscriptionIds) wanted.set(id.toLowerCase(), id)
  const batchesOf = (ids: string[]): Scope[] =>
    chunks(ids, MAX_SUBSCRIPTIONS_PER_REQUEST).map((subscriptions) => ({ subscriptions }))

  // Subscriptions: by management group where the group is under the cap, else by batches. With
  // no group and more subscriptions than one batch names, the tenant's scope reads them in pages
  // of 1,000 rows, fewer queries than a batch each per table (the per-user quota counts queries);
  // unless the tenant holds many more subscriptions than were asked for, or is over the cap.
  const wide: Scope[] = scope.managementGroups?.length
    ? scope.managementGroups.map((group) => ({ managementGroups: [group] }))
    : wanted.size > MAX_SUBSCRIPTIONS_PER_REQUEST
      ? [{}]
      : []
  const byScope: Promise<ScopedRows>[] = discovered
    ? discovered.map((rows) => Promise.resolve(rows))
    : wide.map(async (at) => ({ at, result: await queries.subscriptions(at) }))
  // Without a wide scope, every subscription is read by batch: its policy rows need nothing else.
  const ahead = discovered || wide.length > 0 ? [] : batchesOf([...wanted.values()])
  const aheadRows = ahead.map((at) => queries.subscriptions(at))
  const aheadPolicy = ahead.map((at) => queries.policy(at))
  // Assignments and exemptions at management groups: those above any subscription, whichever are
  // found. Resource Graph returns them only where the identity may read that group: an
  // assignment inherited from a group it cannot read is missing here (Resource Manager's list of
  // the subscription shows it), which is why verdicts short of compliant are re-read through
  // Resource Manager.
  const groupPolicy = queries.managementGroupPolicy()

  const subscriptionRows: GraphRow[] = []
  const listed = new Set<string>()
  const covered = new Set(
    ahead
      .flatMap((at) => ('subscriptions' in at ? at.subscriptions : []))
      .map((id) => id.toLowerCase())
  )
  const policy: Promise<PagedResult>[] = [...aheadPolicy]
  const scopesRead = byScope.map(async (rows) => {
    const { at, result } = await rows
    if (result.subscriptionLimitHit) return
    const ids = result.rows.map((row) => String(row.subscriptionId ?? '').toLowerCase())
    subscriptionRows.push(...result.rows.filter((_, n) => wanted.has(ids[n] ?? '')))
    for (const id of ids) listed.add(id)
    // A scope that holds none of them needs no policy query; one whose policy rows were started
    // ahead (src/collect/resource-graph/index.ts) is read at its scope.
    if (!ids.some((id) => wanted.has(id))) return
    if (
      'managementGroups' in at ||
      result.rows.length <= 2 * wanted.size ||
      queries.hasPolicy(at)
    ) {
      policy.push(queries.policy(at))
      for (const id of ids) covered.add(id)
    }
  })
  await Promise.all(scopesRead)
  for (const result of await Promise.all(aheadRows)) subscriptionRows.push(...result.rows)
  // Subscriptions the wide scopes did not list, by batch; the policy rows of those they did not
  // cover, by batch.
  const unlisted =
    discovered || ahead.length > 0
      ? []
      : [...wanted].filter(([key]) => !listed.has(key)).map(([, id]) => id)
  const unlistedRows = batchesOf(unlisted).map((at) => queries.subscriptions(at))
  const uncovered = [...wanted].filter(([key]) => !covered.has(key)).map(([, id]) => id)
  policy.push(...batchesOf(uncovered).map((at) => queries.policy(at)))
  for (const result of await Promise.all(unlistedRows)) subscriptionRows.push(...result.rows)

  const found = subscriptionRows.filter((row) =>
    wanted.has(String(row.subscriptionId ?? '').toLowerCase())
  )
  const policyRows = (await Promise.all([...policy, groupPolicy])).flatMap((r) => r.rows)
  const grouped = groupBySubscription(found, policyRows)
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
  const setRows = (
    await Promise.all(chunks(custom, NAMES_PER_QUERY).map((ids) => queries.setDefinitions(ids)))
  ).flat()
  const setDefinitions = new Map(setRows.map((row) => [normalizeId(row.id), row]))
  return {
    subscriptions,
    notFound: [...wanted].filter(([key]) => !grouped.has(key)).map(([, id]) => id),
    setDefinitions,
    setDefinitionsNotFound: custom.filter((id) => !setDefinitions.has(id)),
    builtInSetDefinitionIds: builtIn
  }
}
