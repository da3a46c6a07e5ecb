// How the run reads Azure (docs/design.md, "Architecture"): the one entry of src/collect/. It
// holds the strategy: the Resource Manager connection and its limits, the engine the settings
// ask for, discovery through Resource Graph with Resource Manager's lists behind it, and the rule
// that what Resource Graph finds short of compliant is read again through Resource Manager, whose
// verdict is the one reported (README, "Engines"). The caller hands in how a read is decided, so
// that data still flows one way: collect reads, the evaluator decides.
import type { TokenCredential } from '@azure/identity'
import type { Engine } from '../defaults.ts'
import type { Log } from '../log.ts'
import type { PolicyAssignment, Verdict } from '../model.ts'
import type { Scope } from '../inputs/scope.ts'
import { discoverSubscriptions, type Discovery } from './discover.ts'
import { requestLimits } from './limits.ts'
import { createGraphQuery, type SendGraphQuery } from './resource-graph/client.ts'
import { exemptionCheck } from './resource-graph/exemptions.ts'
import { openResourceGraph } from './resource-graph/index.ts'
import { QuotaGate } from './resource-graph/paging.ts'
import { createResourceManager } from './resource-manager.ts'
import { collectSubscriptions, type CollectedAt } from './resource-manager-engine.ts'
import { subscriptionReader, type Collected } from './subscription.ts'
import { readVirtualMachines } from './virtual-machines/index.ts'
import type { VirtualMachineRecord } from '../model.ts'

export type { Collected } from './subscription.ts'
export type { DiscoveredSubscription, Discovery } from './discover.ts'
export { DiscoveryError } from './discover.ts'

/** What reading a scope takes from the run's settings (src/inputs/index.ts). */
export interface ScopeSettings {
  scope: Scope
  engine: Engine
  /** The identity the run signed in as, named in failure messages. */
  clientId: string
  /** Read each subscription's Defender for Servers plan (`defender-plan-check`). */
  defenderPlanCheck: boolean
  /** Resource Manager requests in flight at once (`max-concurrency`). */
  maxConcurrency: number
  cloud: { resourceManagerEndpoint: string }
  /** The run's deadline (src/deadline.ts): every request and wait ends when it aborts. */
  deadline: AbortSignal
  /** Assignments planned changes make, whose initiatives are read too (subscription.ts). */
  plannedAssignments?: readonly PolicyAssignment[]
}

/** A subscription to read again through Resource Manager, with its index in
 * `Discovery.subscriptions`. */
interface Recheck {
  index: number
  subscriptionId: string
}

/** One subscription's final verdict, with its index in `Discovery.subscriptions`. */
export interface DecidedAt<R> {
  index: number
  decided: R
}

/** The scope of a run, resolved, ready to be read. */
export interface ScopeReader {
  /** The subscriptions to check, skip and exclude. */
  discovery: Discovery
  /**
   * Reads every subscription of `discovery.subscriptions`, decides each read with `decide` and
   * yields each final decision as soon as it is final, with the subscription's index: reads
   * finish out of order. A read from Resource Graph decided short of `compliant`, or decided
   * `compliant` when Resource Manager cannot confirm that Resource Graph showed every exemption
   * of the subscription, is read again through Resource Manager and decided again; that decision
   * is the one yielded. Never throws for a subscription that cannot be read: `decide` gets the
   * failure.
   */
  decideEach<R extends { verdict: Verdict }>(
    decide: (read: Collected) => R
  ): AsyncGenerator<DecidedAt<R>, void, undefined>
  /** What Azure records of the virtual machines of every subscription of `discovery`, by
   * lower-case id (virtual-machines/index.ts); logs to `log` where it read them. Never throws. */
  readVirtualMachines(log: Log): Promise<Map<string, VirtualMachineRecord>>
}

/**
 * Opens the run's reads of Azure with `credential` (Resource Manager's token), at the settings'
 * Resource Manager endpoint, each request carrying `userAgentPrefix`, and resolves the settings'
 * scope into subscriptions: through Resource Graph for `engine: resource-graph` (Resource
 * Manager's lists when Resource Graph refuses, or a scope is over its cap), else Resource
 * Manager's lists. Every request keeps the run's limits and `settings.deadline`. Logs to `log`
 * what it falls back on and why.
 *
 * Throws DiscoveryError when the scope cannot be resolved (discover.ts).
 */
export async function openScope(
  credential: TokenCredential,
  settings: ScopeSettings,
  userAgentPrefix: string,
  log: Log
): Promise<ScopeReader> {
  const limits = requestLimits(settings, settings.deadline)
  const endpoint = settings.cloud.resourceManagerEndpoint
  const resourceManager = createResourceManager(credential, endpoint, limits, userAgentPrefix)
  const graph =
    settings.engine === 'resource-graph'
      ? await openResourceGraph(credential, resourceManager, settings.scope, userAgentPrefix, log)
      : undefined
  const discovery =
    graph?.discovery ?? (await discoverSubscriptions(resourceManager, settings.scope))
  const { clientId, defenderPlanCheck, plannedAssignments } = settings
  // One reader for the run: both engines and the re-checks share its definition reads.
  const reader = subscriptionReader(resourceManager, {
    clientId,
    defenderPlanCheck,
    ...(plannedAssignments ? { plannedAssignments } : {})
  })
  const ids = discovery.subscriptions.map((subscription) => subscription.subscriptionId)
  const exemptions = exemptionCheck(resourceManager, settings.scope.managementGroups)

  async function* decideEach<R extends { verdict: Verdict }>(
    decide: (read: Collected) => R
  ): AsyncGenerator<DecidedAt<R>, void, undefined> {
    const reads: AsyncIterable<CollectedAt & { fromResourceGraph?: boolean }> =
      graph !== undefined
        ? graph.collect(ids, {
            clientId,
            reader,
            defenderPlanCheck,
            managementGroups: settings.scope.managementGroups,
            maxQuotaWaitMs: limits.maxRetryAfterMs,
            log
          })
        : collectSubscriptions(resourceManager, ids, { clientId, reader })
    // Resource Graph can lag behind Resource Manager: what it finds short of compliant is read
    // again through Resource Manager, whose verdict is the one reported (README, "Engines").
    // What it finds compliant stands once Resource Manager confirms that Resource Graph showed
    // every exemption (resource-graph/exemptions.ts); else it is read again too.
    const recheck: Recheck[] = []
    const confirming: (Recheck & { decided: R; confirmed: Promise<boolean> })[] = []
    for await (const read of reads) {
      const decided = decide(read)
      if (!read.fromResourceGraph) yield { index: read.index, decided }
      else if (decided.verdict === 'compliant' && 'snapshot' in read)
        confirming.push({
          index: read.index,
          subscriptionId: read.subscriptionId,
          decided,
          confirmed: exemptions.confirm(read.snapshot)
        })
      else recheck.push({ index: read.index, subscriptionId: read.subscriptionId })
    }
    const unconfirmed = recheck.length
    for (const { index, subscriptionId, decided, confirmed } of confirming) {
      if (await confirmed) yield { index, decided }
      else recheck.push({ index, subscriptionId })
    }
    if (recheck.length > unconfirmed) {
      log.info(
        `Resource Manager lists exemptions that Azure Resource Graph did not show (or they could not be listed) for ${recheck.length - unconfirmed} subscription(s) it found compliant: reading them again through Resource Manager.`
      )
    }
    if (recheck.length === 0) return
    log.info(
      `Reading ${recheck.length} subscription(s) that Azure Resource Graph found not compliant, or whose exemptions it may not show, again through Resource Manager.`
    )
    const again = recheck.map((read) => read.subscriptionId)
    for await (const read of collectSubscriptions(resourceManager, again, { clientId, reader })) {
      yield { index: recheck[read.index]?.index ?? read.index, decided: decide(read) }
    }
  }

  // The machines go through the engine's Resource Graph connection and quota, else one of their
  // own, opened on first use (docs/design.md, "Architecture").
  let machineGraph: Promise<{ send: SendGraphQuery; gate: QuotaGate }> | undefined
  const machineConnection = {
    resourceManager,
    clientId,
    graph: () =>
      (machineGraph ??= graph
        ? Promise.resolve(graph.connection)
        : createGraphQuery(credential, endpoint, limits, userAgentPrefix).then((send) => ({
            send,
            gate: new QuotaGate(limits.maxRetryAfterMs, limits.deadline)
          })))
  }
  return {
    discovery,
    decideEach,
    readVirtualMachines: (machineLog) => readVirtualMachines(machineConnection, ids, machineLog)
  }
}
