// One planned change applied to a subscription's snapshot, as Azure would hold it after: an
// assignment, exemption or initiative put in place or removed, the Defender for Servers plan
// changed (the subscription's, or a resource's own). Pure; overlay.ts decides which changes and
// which values are applied.
import { normalizeId, sameId, setDefinitionKey } from '../azure-ids.ts'
import { mapAssignment, mapExemption, mapPricing, mapSetDefinition } from '../collect/map.ts'
import type { SubscriptionSnapshot } from '../model.ts'
import { scopeOfPlannedId } from './arm.ts'
import {
  PRICING_TYPE,
  SERVERS_PRICING_NAME,
  type ArmResource,
  type PlannedChange
} from './types.ts'

/** `snapshot` with one change applied, `after` standing for the change's resource after. Throws
 * (a ShapeError from collect/map.ts) when the resource after is not in ARM's documented shape. */
export function applyChange(
  snapshot: SubscriptionSnapshot,
  change: PlannedChange,
  after: ArmResource | null
): SubscriptionSnapshot {
  const id = change.id ?? ''
  const keep = change.action !== 'delete' && after !== null
  const resource = keep
    ? { ...after, id, name: after.name ?? id.slice(id.lastIndexOf('/') + 1) }
    : null
  switch (change.kind) {
    case 'assignment': {
      const others = snapshot.assignments.filter((assignment) => !sameId(assignment.id, id))
      return {
        ...snapshot,
        assignments: resource === null ? others : [...others, mapAssignment(resource)]
      }
    }
    case 'exemption': {
      const others = snapshot.exemptions.filter((exemption) => !sameId(exemption.id, id))
      return {
        ...snapshot,
        exemptions: resource === null ? others : [...others, mapExemption(resource)]
      }
    }
    case 'setDefinition': {
      const setDefinitions = { ...snapshot.setDefinitions }
      for (const key of Object.keys(setDefinitions)) {
        if (key === normalizeId(id) || key.startsWith(`${normalizeId(id)}@`)) {
          setDefinitions[key] = resource === null ? undefined : mapSetDefinition(resource)
        }
      }
      if (resource !== null) setDefinitions[setDefinitionKey(id, null)] = mapSetDefinition(resource)
      return { ...snapshot, setDefinitions }
    }
    case 'pricing': {
      if (!id.toLowerCase().endsWith(`/${SERVERS_PRICING_NAME.toLowerCase()}`)) return snapshot
      const live = snapshot.defenderForServers
      if (!sameId(scopeOfPlannedId(id), `/subscriptions/${snapshot.subscriptionId}`)) {
        // A resource's own plan ("Pricings - Update": a resource scope takes VirtualMachines at
        // P1): the subscription's plan stays, and a resource set apart from it leaves the
        // subscription partly covered. One removed leaves whether others remain as it was.
        if (resource === null || live === undefined || 'unreadable' in live) return snapshot
        return {
          ...snapshot,
          defenderForServers: { ...live, resourcesCoverageStatus: 'PartiallyCovered' }
        }
      }
      if (resource === null) {
        // Deleting a pricing returns the subscription to the Free tier.
        return { ...snapshot, defenderForServers: { pricingTier: 'Free' } }
      }
      const planned = mapPricing({ ...resource, type: PRICING_TYPE })
      // Pricings: without `enforce: True`, the resources' own plans stay ("it allows the
      // descendants of this scope to override"): so does the coverage Azure reports.
      const enforced = String(resource.properties.enforce ?? '').toLowerCase() === 'true'
      const coverage =
        !enforced &&
        !('unreadable' in planned) &&
        planned.resourcesCoverageStatus === undefined &&
        live !== undefined &&
        !('unreadable' in live) &&
        live.resourcesCoverageStatus !== undefined
          ? { resourcesCoverageStatus: live.resourcesCoverageStatus }
          : {}
      return { ...snapshot, defenderForServers: { ...planned, ...coverage } }
    }
    default:
      return snapshot
  }
}
