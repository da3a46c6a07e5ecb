// Defender for Servers' plan of a subscription: the JIT policy audits a Defender for Cloud
// assessment that only Plan 2 produces (docs/design.md, "The rule"). A plan that cannot be read
// (an error answer, no answer, or an answer without the documented shape) is said so, with why:
// the evaluator takes it as never better than Plan 1.
import type { DefenderForServersPlan } from '../model.ts'
import { SECURITY_PRICINGS_API_VERSION } from '../api-versions.ts'
import { describeFailure, failureCause } from './errors.ts'
import { mapPricing } from './map.ts'
import { describeShapeFailure, ShapeError } from './shape.ts'
import type { ResourceManager } from './resource-manager.ts'

/** The name of the Defender for Cloud pricing JIT needs (Defender for Servers, Plan 2). */
export const SERVERS_PRICING_NAME = 'VirtualMachines'

/**
 * GET /subscriptions/{id}/providers/Microsoft.Security/pricings/VirtualMachines ("Pricings - Get",
 * https://learn.microsoft.com/rest/api/defenderforcloud/pricings/get) as the plan, or
 * `{ unreadable, cause }` with why and what to grant (`Microsoft.Security/pricings/read`, in
 * Reader and Security Reader). Any error answer is unreadable, 404 included: the API documents
 * only 200 (a plan never turned on is answered `Free`) and an error, never 404 for Free. One
 * request (with the connection's retries); never rejects.
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
    const what = `the Defender for Servers plan (${pricing})`
    const why =
      error instanceof ShapeError
        ? describeShapeFailure(error, what, scope)
        : describeFailure(error, { subscriptionId, clientId, what, scope })
    const denied = failureCause(error) === 'access-denied'
    return {
      unreadable: denied
        ? `${why} Reading it needs Microsoft.Security/pricings/read on the subscription (the Reader or Security Reader role includes it), or set \`defender-plan-check: false\`.`
        : why,
      cause: denied ? 'access-denied' : 'transient'
    }
  }
}
