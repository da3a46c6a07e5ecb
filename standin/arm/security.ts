// Microsoft.Security as ARM serves it (docs/design.md, "The stand-in"): Defender for Cloud's
// pricing of a plan on a subscription ("Pricings - Get").

import type { ArmResource } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError, json } from '../http.ts'
import type { ArmRequest } from './request.ts'

/** Defender for Cloud's plans ("Pricings - List"): a plan a subscription has no entry for is
 * Free, as ARM answers it. */
const PLANS = [
  'VirtualMachines',
  'SqlServers',
  'AppServices',
  'StorageAccounts',
  'SqlServerVirtualMachines',
  'KeyVaults',
  'Dns',
  'Arm',
  'OpenSourceRelationalDatabases',
  'Containers',
  'CosmosDbs',
  'Api',
  'CloudPosture'
]

/** GET /subscriptions/{s}/providers/Microsoft.Security/pricings/{name}: the estate's pricing, or
 * Free for a known plan it does not name; 404 for a name that is no plan. */
export function getPricing(request: ArmRequest): Reply {
  const { subscriptionId, name } = request.params as Record<'subscriptionId' | 'name', string>
  const plan = PLANS.find((p) => p.toLowerCase() === name.toLowerCase())
  const id = `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${plan ?? name}`
  const found = request.model.pricings.get(id.toLowerCase())
  if (found) return json(200, { type: 'Microsoft.Security/pricings', ...found, name: plan ?? name })
  if (!plan) return armError(404, 'NotFound', `The pricing '${name}' was not found.`)
  const free: ArmResource = {
    id,
    name: plan,
    type: 'Microsoft.Security/pricings',
    properties: { pricingTier: 'Free', freeTrialRemainingTime: 'PT0S' }
  }
  return json(200, free)
}
