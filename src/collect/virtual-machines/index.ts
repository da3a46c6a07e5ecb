// What Azure itself records of the JIT audit on the scope's virtual machines (docs/reading-
// results.md, "Virtual machines"): the machines the JIT policy flags, those it evaluated, those it
// never evaluated, and those Defender for Cloud says the policy is off for. Through Azure
// Resource Graph for the whole scope in a few queries (resource-graph.ts), on either engine;
// where Resource Graph cannot be read, each subscription's policy states through Policy Insights
// (policy-insights.ts). Nothing here changes a verdict: what cannot be read is a record saying
// why, for the cross-check (src/evaluate/cross-check.ts) to report as `unavailable`.
import type { Log } from '../../log.ts'
import type { VirtualMachineRecord } from '../../model.ts'
import { mapLimit } from '../concurrency.ts'
import { failureCause, failureDetail } from '../errors.ts'
import { MACHINE_READ_ACTIONS, listedActions } from '../permissions.ts'
import type { SendGraphQuery } from '../resource-graph/client.ts'
import type { QuotaGate } from '../resource-graph/paging.ts'
import type { ResourceManager } from '../resource-manager.ts'
import { readStatesThroughPolicyInsights } from './policy-insights.ts'
import { readMachinesThroughGraph } from './resource-graph.ts'

/** The permission a refused read asks for, in words (docs/reading-results.md, "Virtual machines"). */
export const MACHINE_READ_PERMISSION = `the Reader role on the subscription, or ${listedActions(MACHINE_READ_ACTIONS)} (Reader's \`*/read\` includes them)`

/** Where the read goes: the run's Resource Manager connection, and its Resource Graph connection
 * and quota (opened on first use: the resource-manager engine has none of its own). */
export interface MachineReadConnection {
  resourceManager: ResourceManager
  graph(): Promise<{ send: SendGraphQuery; gate: QuotaGate }>
  /** The identity the run signed in as, named in refusals. */
  clientId: string
}

/**
 * The record of each subscription of `subscriptionIds`, keyed by lower-case id: from Resource
 * Graph when it can be read, else each subscription's policy states from Policy Insights (the
 * machines without a state then unknown), else why not (with the permission to add when Azure
 * refused). Logs to `log` where it read them. Never throws.
 */
export async function readVirtualMachines(
  connection: MachineReadConnection,
  subscriptionIds: readonly string[],
  log: Log
): Promise<Map<string, VirtualMachineRecord>> {
  let graphFailure: string
  try {
    const { send, gate } = await connection.graph()
    const { records, requests } = await readMachinesThroughGraph(send, subscriptionIds, gate)
    log.info(
      `Virtual machines: ${subscriptionIds.length} subscription(s) read from Azure Resource Graph in ${requests} query request(s).`
    )
    return records
  } catch (error) {
    graphFailure = failureDetail(error)
  }
  log.info(
    `Azure Resource Graph could not be read for the virtual machines (${graphFailure}); reading each subscription's JIT policy states through Policy Insights instead.`
  )
  const { resourceManager, clientId } = connection
  const records = await mapLimit(
    subscriptionIds,
    resourceManager.limits.maxConcurrency,
    async (subscriptionId): Promise<VirtualMachineRecord> => {
      try {
        const states = await readStatesThroughPolicyInsights(resourceManager, subscriptionId)
        return {
          ...states,
          machines: null,
          machinesUnread: `Azure Resource Graph could not be read (${graphFailure})`
        }
      } catch (error) {
        return { unavailable: refusal(error, subscriptionId, clientId, graphFailure) }
      }
    }
  )
  return new Map(
    records.map((record, index) => [String(subscriptionIds[index]).toLowerCase(), record])
  )
}

/** Why a subscription's machines could not be read, and what to do. */
function refusal(
  error: unknown,
  subscriptionId: string,
  clientId: string,
  graphFailure: string
): string {
  const what = `the JIT policy states of /subscriptions/${subscriptionId}`
  if (failureCause(error) === 'access-denied') {
    return `The identity ${clientId} may not read ${what} (Resource Graph: ${graphFailure}; Policy Insights: ${failureDetail(error)}); give it ${MACHINE_READ_PERMISSION}.`
  }
  return `Could not read ${what} (Resource Graph: ${graphFailure}; Policy Insights: ${failureDetail(error)}); re-run the check to compare again.`
}
