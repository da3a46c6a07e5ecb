// Defender for Servers' plan of a subscription: the JIT policy audits a Defender for Cloud
// assessment that only Plan 2 produces (docs/design.md, "The rule"). The plan never decides
// whether a subscription could be read: a plan that cannot be read is said so, and the verdict
// keeps its policy basis.
import type { DefenderForServersPlan } from '../model.ts'
import { SECURITY_PRICINGS_API_VERSION } from '../api-versions.ts'
import { describeFailure, failureCause } from './errors.ts'
import { mapPricing } from './map.ts'
import type { ResourceManager } from './resource-manager.ts'

/** The name of the Defender for Cloud pricing JIT needs (Defender for Servers, Plan 2). */
export const SERVERS_PRICING_NAME = 'VirtualMachines'

/**
 * GET /subscriptions/{id}/providers/Microsoft.Security/pricings/VirtualMachines ("Pricings - Get")
 * as the plan, or `{ unreadable }` with why and what to grant (`Microsoft.Security/pricings/read`,
 * in Reader and Security Reader). One request (with the connection's retries); never rejects.
 */
export async function readDefenderForServers(
  resourceManager: ResourceManager,
  subscriptionId: string,
  clientId: string
): Promise<DefenderForServersPlan> {
  const scope = `/subscriptions/${subscriptionId}`
  const pricing = `Microsoft.Security/pricings/${SERVERS_PRICING_NAME}`
  try {
    return mapPricing(
      await resourceManager.getJson(
        `${scope}/providers/${pricing}?api-version=${SECURITY_PRICINGS_API_VERSION}`
      )
    )
  } catch (error) {
    const why = describeFailure(error, {
      subscriptionId,
      clientId,
      what: `the Defender for Servers plan (${pricing})`,
      scope
    })
    return {
      unreadable:
        failureCause(error) === 'access-denied'
          ? `${why} Reading it needs Microsoft.Security/pricings/read on the subscription (the Reader or Security Reader role includes it), or set \`defender-plan-check: false\`.`
          : why
    }
  }
}
