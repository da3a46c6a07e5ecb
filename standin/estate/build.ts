// Helpers that build estates in code, for tests, the demo and the bench: deterministic ids and
// policy resources in ARM's shape.

import { createHash } from 'node:crypto'
import type { ArmResource, VirtualMachine } from './types.ts'

/** A deterministic GUID (version-4 layout) derived from a seed. */
export function guid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex')
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The n-th deterministic subscription id of test estates. */
export function subscriptionId(n: number): string {
  return guid(`subscription/${n}`)
}

export function managementGroupScope(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`
}

export function subscriptionScope(id: string): string {
  return `/subscriptions/${id}`
}

export function resourceGroupScope(subscription: string, resourceGroup: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}`
}

/** A policy assignment in ARM's shape. `properties` is merged over the defaults (no notScopes,
 * no parameters, enforcementMode Default). */
export function policyAssignment(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyDefinitionId: string }
): ArmResource {
  return policyResource('policyAssignments', scope, name, {
    displayName: name,
    scope,
    notScopes: [],
    parameters: {},
    enforcementMode: 'Default',
    ...properties
  })
}

/** A policy exemption in ARM's shape. */
export function policyExemption(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyAssignmentId: string }
): ArmResource {
  return policyResource('policyExemptions', scope, name, {
    exemptionCategory: 'Waiver',
    ...properties
  })
}

/** A custom policy set definition in ARM's shape, at a management group or subscription scope. */
export function policySetDefinition(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyDefinitions: unknown[] }
): ArmResource {
  return policyResource('policySetDefinitions', scope, name, {
    displayName: name,
    policyType: 'Custom',
    parameters: {},
    ...properties
  })
}

/** A Microsoft.Authorization resource of `type` named `name` at `scope`, in ARM's shape. */
function policyResource(
  type: 'policyAssignments' | 'policyExemptions' | 'policySetDefinitions',
  scope: string,
  name: string,
  properties: Record<string, unknown>
): ArmResource {
  return {
    id: `${scope}/providers/Microsoft.Authorization/${type}/${name}`,
    type: `Microsoft.Authorization/${type}`,
    name,
    properties
  }
}

/** Defender for Cloud's pricing of Defender for Servers (`VirtualMachines`) on a subscription, in
 * ARM's shape: `Free`, or `Standard` with `subPlan` `P1` or `P2`. */
export function serversPricing(
  subscription: string,
  pricingTier: 'Free' | 'Standard',
  subPlan?: 'P1' | 'P2'
): ArmResource {
  return {
    id: `/subscriptions/${subscription}/providers/Microsoft.Security/pricings/VirtualMachines`,
    name: 'VirtualMachines',
    type: 'Microsoft.Security/pricings',
    properties: { pricingTier, ...(subPlan ? { subPlan } : {}) }
  }
}

/** A virtual machine `name` in `resourceGroup` of `subscription` at `location`, with its JIT
 * policy states and Defender's JIT assessment (types.ts, VirtualMachine). */
export function virtualMachine(
  subscription: string,
  resourceGroup: string,
  name: string,
  options: Omit<VirtualMachine, 'id' | 'location'> & { location?: string } = {}
): VirtualMachine {
  const { location = 'westeurope', ...rest } = options
  return {
    id: `${resourceGroupScope(subscription, resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${name}`,
    location,
    ...rest
  }
}
