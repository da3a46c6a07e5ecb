// The resource-graph engine (docs/design.md, "Architecture"): the scope's subscriptions, and the
// whole scope's assignments, exemptions, custom set definitions and ancestry in a few paged
// Resource Graph queries (discover.ts, read.ts), handed on per subscription in the shape the
// resource-manager engine gives, so both engines are decided by the same evaluator. What Resource
// Graph does not hold comes from Resource Manager through the run's subscription reader, whose
// shared reads both engines use: built-in set definitions, the versions of any set an assignment
// names one of (Resource Graph's rows carry neither the version an assignment runs nor a set's
// other versions), the JIT definition, and the subscriptions Resource Graph did not return. Its
// verdicts short of compliant are read again through Resource Manager (src/collect/index.ts),
// since Resource Graph can lag behind Resource Manager.
import type { TokenCredential } from '@azure/identity'
import { isSetDefinitionId, normalizeId, setDefinitionKey } from '../../azure-ids.ts'
import type { Log } from '../../log.ts'
import type { DefenderForServersPlan, PolicySetDefinition } from '../../model.ts'
import type { Scope } from '../../inputs/scope.ts'
import { readDefenderForServers } from '../defender-plan.ts'
import type { Discovery } from '../discover.ts'
import { failureDetail } from '../errors.ts'
import { mapAssignment, mapExemption, mapPricing, mapSetDefinition } from '../map.ts'
import type { ResourceManager } from '../resource-manager.ts'
import { collectSubscriptions, type CollectedAt } from '../resource-manager-engine.ts'
import {
  failedRead,
  type Collected,
  type PartialSnapshot,
  type SubscriptionReader
} from '../subscription.ts'
import { createGraphQuery, type SendGraphQuery } from './client.ts'
import {
  GraphScopeTooLargeError,
  discoverThroughResourceGraph,
  type GraphDiscovery
} from './discover.ts'
import type { GraphSubscription } from './group.ts'
import { QuotaGate } from './paging.ts'
import { readResourceGraph, type ReadGraphOptions, type ResourceGraphRead } from './read.ts'

/** The resource-graph engine of a run, once it has resolved the scope. */
export interface ResourceGraphEngine {
  /** The scope's subscriptions as Resource Graph listed them; absent when a management group or
   * the tenant is over Resource Graph's cap, for Resource Manager's lists to resolve. */
  discovery?: Discovery
  /** The engine's Resource Graph connection and quota, for other reads of the run to share. */
  connection: { send: SendGraphQuery; gate: QuotaGate }
  /** Reads `subscriptionIds` as collectThroughResourceGraph does, with the quota and subscription
   * rows discovery left. */
  collect(
    subscriptionIds: readonly string[],
    options: Omit<ResourceGraphEngineOptions, 'discovered'>
  ): AsyncGenerator<EngineRead, void, undefined>
}

/**
 * Opens the resource-graph engine over `resourceManager`'s endpoint, limits and deadline, with
 * `credential` and `userAgentPrefix`, and resolves `scope` through Resource Graph
 * (discover.ts). Returns undefined, having logged why, when Resource Graph refused a query or
 * could not be read: Resource Manager then resolves the scope and reads every subscription.
 * Rejects only when the Resource Graph SDK cannot be loaded.
 */
export async function openResourceGraph(
  credential: TokenCredential,
  resourceManager: ResourceManager,
  scope: Scope,
  userAgentPrefix: string,
  log: Log
): Promise<ResourceGraphEngine | undefined> {
  const { endpoint, limits } = resourceManager
  const send = await createGraphQuery(credential, endpoint, limits, userAgentPrefix)
  const gate = new QuotaGate(limits.maxRetryAfterMs, limits.deadline)
  let discovered: GraphDiscovery | undefined
  try {
    discovered = await discoverThroughResourceGraph(send, scope, gate)
  } catch (error) {
    if (!(error instanceof GraphScopeTooLargeError)) {
      log.info(
        `Azure Resource Graph could not be read (${failureDetail(error)}); resolving the scope and reading every subscription through Resource Manager instead.`
      )
      return undefined
    }
    log.info(`${error.message}: resolving the scope through Resource Manager's lists.`)
  }
  return {
    ...(discovered ? { discovery: discovered.discovery } : {}),
    connection: { send, gate },
    collect: (subscriptionIds, options) =>
      collectThroughResourceGraph(resourceManager, send, subscriptionIds, {
        ...options,
        discovered: discovered && { gate, subscriptionRows: discovered.subscriptionRows }
      })
  }
}

/** One subscription's read, with its index in the list asked for and whether Resource Graph gave
 * its lists (true) or Resource Manager did (false: not in Resource Graph, or it failed). */
export type EngineRead = CollectedAt & { fromResourceGraph: boolean }

export interface ResourceGraphEngineOptions {
  /** The identity the run signed in as, named in failure messages. */
  clientId: string
  /** The run's subscription reader: its shared reads serve both engines and the re-checks. */
  reader: SubscriptionReader
  /** Give each snapshot its Defender for Servers plan (`defender-plan-check`); default true. */
  defenderPlanCheck?: boolean
  /** Management group names whose subscriptions are asked for (queried at their scope). */
  managementGroups?: readonly string[]
  /** Longest wait for Resource Graph's per-user quota to reset, in milliseconds. */
  maxQuotaWaitMs: number
  /** What discovery through Resource Graph read (discover.ts): its quota and
   * subscription rows, so that no subscription query is sent twice. */
  discovered?: Pick<ReadGraphOptions, 'gate' | 'subscriptionRows'>
  /** The run's log. */
  log: Log
}

/** Snapshots completed at once: their shared reads (set definitions) go out together. */
const COMPLETED_AT_ONCE = 256

/**
 * Reads every subscription of `subscriptionIds` (lower case, as the settings give them) through
 * Resource Graph (`send`) and yields each read with its index in `subscriptionIds`, those
 * Resource Graph returned first. Subscriptions Resource Graph did not return are read through
 * Resource Manager; when Resource Graph cannot be read at all (a query failed past its retries,
 * the quota resets too late), every subscription is, and the log says why. Never throws for a
 * subscription that cannot be read: that is a yielded failure.
 */
export async function* collectThroughResourceGraph(
  resourceManager: ResourceManager,
  send: SendGraphQuery,
  subscriptionIds: readonly string[],
  options: ResourceGraphEngineOptions
): AsyncGenerator<EngineRead, void, undefined> {
  const { reader, clientId, defenderPlanCheck = true } = options
  let graph: ResourceGraphRead
  try {
    graph = await readResourceGraph(
      send,
      { subscriptionIds, managementGroups: options.managementGroups },
      {
        maxQuotaWaitMs: options.maxQuotaWaitMs,
        signal: resourceManager.limits.deadline,
        ...options.discovered
      }
    )
  } catch (error) {
    options.log.info(
      `Azure Resource Graph could not be read (${failureDetail(error)}); reading every subscription through Resource Manager instead.`
    )
    yield* throughResourceManager(resourceManager, subscriptionIds, undefined, options)
    return
  }
  options.log.info(
    `Azure Resource Graph: ${graph.subscriptions.length} of ${subscriptionIds.length} subscription(s) read in ${graph.requests} query request(s)${graph.quotaWaitedMs > 0 ? `, ${Math.ceil(graph.quotaWaitedMs / 1000)} s spent waiting for the query quota` : ''}.`
  )
  const found = new Map(graph.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s]))
  const sets = customSets(graph)
  const collectedAt = new Date().toISOString()
  const inGraph = [...subscriptionIds.entries()].flatMap(([index, id]) => {
    const subscription = found.get(id.toLowerCase())
    return subscription ? [{ index, id, subscription }] : []
  })
  for (let at = 0; at < inGraph.length; at += COMPLETED_AT_ONCE) {
    const batch = inGraph
      .slice(at, at + COMPLETED_AT_ONCE)
      .map(({ index, id, subscription }) => ({ index, read: complete(id, subscription) }))
    for (const { index, read } of batch) {
      yield { ...(await read), index, fromResourceGraph: true }
    }
  }
  if (graph.notFound.length > 0) {
    options.log.info(
      `Azure Resource Graph did not return ${graph.notFound.length} subscription(s) (not visible to the identity, not indexed yet, or not existing); reading them through Resource Manager.`
    )
    const notFound = new Set(graph.notFound.map((id) => id.toLowerCase()))
    yield* throughResourceManager(resourceManager, subscriptionIds, notFound, options)
  }

  function complete(subscriptionId: string, subscription: GraphSubscription): Promise<Collected> {
    let snapshot: PartialSnapshot
    let plan: DefenderForServersPlan | undefined
    try {
      snapshot = snapshotOf(subscriptionId, subscription, sets, collectedAt)
      plan = defenderPlanCheck ? serversPlan(subscription) : undefined
    } catch (error) {
      return Promise.resolve(
        failedRead(error, {
          subscriptionId,
          clientId,
          what: 'the policy assignments and exemptions in Azure Resource Graph'
        })
      )
    }
    if (plan !== undefined) return reader.complete({ ...snapshot, defenderForServers: plan })
    // A pricing row Resource Graph gave malformed: Resource Manager's answer decides.
    const planRead = defenderPlanCheck
      ? readDefenderForServers(resourceManager, subscriptionId, clientId)
      : undefined
    return reader.complete(snapshot, planRead)
  }
}

/** Reads the subscriptions of `subscriptionIds` that `only` holds (lower case; all when absent)
 * through Resource Manager, with their indexes in `subscriptionIds`. */
async function* throughResourceManager(
  resourceManager: ResourceManager,
  subscriptionIds: readonly string[],
  only: ReadonlySet<string> | undefined,
  options: ResourceGraphEngineOptions
): AsyncGenerator<EngineRead, void, undefined> {
  const entries = [...subscriptionIds.entries()].filter(
    ([, id]) => only === undefined || only.has(id.toLowerCase())
  )
  const reads = collectSubscriptions(
    resourceManager,
    entries.map(([, id]) => id),
    { clientId: options.clientId, reader: options.reader }
  )
  for await (const read of reads) {
    const [index] = entries[read.index] ?? [read.index]
    yield { ...read, index, fromResourceGraph: false }
  }
}

/** The custom set definitions Resource Graph returned, mapped, by normalized id; one it returned
 * malformed is left out, for Resource Manager to read (and refuse with its reason). */
function customSets(graph: ResourceGraphRead): Map<string, PolicySetDefinition> {
  const sets = new Map<string, PolicySetDefinition>()
  for (const [id, raw] of graph.setDefinitions) {
    try {
      sets.set(id, mapSetDefinition(raw))
    } catch {
      // Left to Resource Manager.
    }
  }
  return sets
}

/** A subscription's snapshot from its Resource Graph rows; throws a ShapeError on a row without
 * Azure's documented shape (map.ts), or when its ancestry could not be read (group.ts). */
function snapshotOf(
  subscriptionId: string,
  subscription: GraphSubscription,
  sets: ReadonlyMap<string, PolicySetDefinition>,
  collectedAt: string
): PartialSnapshot {
  if (subscription.malformed) throw subscription.malformed
  const assignments = subscription.assignments.map(mapAssignment)
  // Resource Graph holds a custom set at its latest version, the one an assignment that names no
  // version runs (setDefinitionKey of the id alone); any other version is the reader's to read.
  const setDefinitions: PartialSnapshot['setDefinitions'] = {}
  for (const assignment of assignments) {
    const id = assignment.policyDefinitionId
    if (!isSetDefinitionId(id) || assignment.definitionVersion !== undefined) continue
    if (assignment.effectiveDefinitionVersion !== undefined) continue
    const set = sets.get(normalizeId(id))
    if (set) setDefinitions[setDefinitionKey(id, undefined)] = set
  }
  return {
    subscriptionId,
    assignments,
    exemptions: subscription.exemptions.map(mapExemption),
    setDefinitions,
    // Every subscription is below the tenant root group at least: an empty chain is one Resource
    // Graph does not know yet, left for Resource Manager to read when a notScope asks.
    ...(subscription.managementGroupAncestry.length > 0
      ? { managementGroupAncestry: subscription.managementGroupAncestry }
      : {}),
    collectedAt
  }
}

/**
 * A subscription's Defender for Servers plan from its `securityresources` pricing row. Without a
 * row, Free: what Resource Manager's "Pricings - Get" answers for a plan never turned on, and a
 * plan that never raises a verdict (a row Resource Graph has not indexed yet costs at worst a
 * re-check through Resource Manager, as every verdict short of compliant does). Undefined for a
 * row it cannot read (map.ts's mapPricing refuses it), for Resource Manager to read.
 */
function serversPlan(subscription: GraphSubscription): DefenderForServersPlan | undefined {
  if (subscription.serversPricing === undefined) return { pricingTier: 'Free' }
  try {
    return mapPricing(subscription.serversPricing)
  } catch {
    return undefined
  }
}
