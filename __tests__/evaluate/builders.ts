// Test data: the real built-in definitions from fixtures/azure-policy, mapped from ARM's GET shape
// ({ id, name, properties }) to the model's flattened types, and builders for the rest.
import { readFileSync } from 'node:fs'
import type {
  ParameterDefinition,
  ParameterValues,
  PolicyAssignment,
  PolicyDefinition,
  PolicyDefinitionReference,
  PolicyExemption,
  PolicySetDefinition,
  SubscriptionSnapshot
} from '../../src/model.ts'
import { JIT_POLICY_DEFINITION_ID, JIT_POLICY_DEFINITION_NAME } from '../../src/model.ts'

const FIXTURES = new URL('../../fixtures/azure-policy/', import.meta.url)

interface ArmResource<P> {
  id: string
  name: string
  properties: P
}

interface ArmSetProperties {
  displayName?: string
  version?: string
  parameters?: Record<string, ParameterDefinition>
  policyDefinitions: {
    policyDefinitionId: string
    policyDefinitionReferenceId: string
    parameters?: ParameterValues
  }[]
}

interface ArmDefinitionProperties {
  displayName?: string
  version?: string
  parameters?: Record<string, ParameterDefinition>
}

function readArm<P>(path: string): ArmResource<P> {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as ArmResource<P>
}

export function builtInSet(name: string): PolicySetDefinition {
  const { id, properties } = readArm<ArmSetProperties>(`policySetDefinitions/${name}.json`)
  return {
    id,
    name,
    displayName: properties.displayName,
    version: properties.version,
    parameters: properties.parameters ?? {},
    policyDefinitions: properties.policyDefinitions.map((reference): PolicyDefinitionReference => ({
      policyDefinitionId: reference.policyDefinitionId,
      policyDefinitionReferenceId: reference.policyDefinitionReferenceId,
      parameters: reference.parameters ?? {}
    }))
  }
}

export function jitDefinition(): PolicyDefinition {
  const { id, name, properties } = readArm<ArmDefinitionProperties>(
    `policyDefinitions/${JIT_POLICY_DEFINITION_NAME}.json`
  )
  return {
    id,
    name,
    displayName: properties.displayName,
    version: properties.version,
    parameters: properties.parameters ?? {}
  }
}

export const MCSB_V1 = '1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
export const MCSB_V2 = 'e3ec7e09-768c-4b64-882c-fcada3772047'
export const CMMC_L3 = 'b5629c75-5c77-4422-87b9-2509e680f8de'
export const CIS_110 = '1a5bb27d-173f-493e-9568-eb56638dde4d'
export const CMMC_20_L2 = '4e50fd13-098b-3206-61d6-d1d78205cb45'
export const NIST_R5 = '179d1daa-458f-4e47-8086-2a68d0d6c38f'

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555'
export const SUBSCRIPTION_SCOPE = `/subscriptions/${SUBSCRIPTION}`
export const OTHER_SUBSCRIPTION = '99999999-8888-7777-6666-555555555555'
export const TENANT = '44444444-4444-4444-4444-444444444444'
export const COLLECTED_AT = '2026-05-01T12:00:00Z'

export function setId(name: string): string {
  return `/providers/Microsoft.Authorization/policySetDefinitions/${name}`
}

export function groupId(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`
}

/** A custom initiative at a management group holding the given references. */
export function customSet(
  name: string,
  policyDefinitions: PolicyDefinitionReference[],
  parameters: Record<string, ParameterDefinition> = {}
): PolicySetDefinition {
  return {
    id: `${groupId('contoso')}/providers/Microsoft.Authorization/policySetDefinitions/${name}`,
    name,
    displayName: `Custom ${name}`,
    parameters,
    policyDefinitions
  }
}

export function jitReference(
  policyDefinitionReferenceId: string,
  parameters: ParameterValues = {},
  policyDefinitionId: string = JIT_POLICY_DEFINITION_ID
): PolicyDefinitionReference {
  return { policyDefinitionId, policyDefinitionReferenceId, parameters }
}

/** An assignment at the subscription; `policyDefinitionId` defaults to the JIT definition. */
export function assignment(fields: Partial<PolicyAssignment> & { name: string }): PolicyAssignment {
  const scope = fields.scope ?? SUBSCRIPTION_SCOPE
  return {
    id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${fields.name}`,
    displayName: `Display ${fields.name}`,
    scope,
    policyDefinitionId: JIT_POLICY_DEFINITION_ID,
    notScopes: [],
    parameters: {},
    enforcementMode: 'Default',
    overrides: [],
    resourceSelectors: [],
    ...fields
  }
}

export function exemption(
  of: PolicyAssignment,
  fields: Partial<PolicyExemption> & { name: string }
): PolicyExemption {
  const scope = fields.scope ?? SUBSCRIPTION_SCOPE
  return {
    id: `${scope}/providers/Microsoft.Authorization/policyExemptions/${fields.name}`,
    scope,
    policyAssignmentId: of.id,
    policyDefinitionReferenceIds: [],
    exemptionCategory: 'Waiver',
    resourceSelectors: [],
    ...fields
  }
}

/** A snapshot of SUBSCRIPTION; `sets` are keyed by lower-cased id as the collector keys them. */
export function snapshot(
  assignments: PolicyAssignment[],
  sets: PolicySetDefinition[] = [],
  fields: Partial<SubscriptionSnapshot> = {}
): SubscriptionSnapshot {
  return {
    subscriptionId: SUBSCRIPTION,
    assignments,
    exemptions: [],
    setDefinitions: Object.fromEntries(sets.map((set) => [set.id.toLowerCase(), set])),
    jitPolicyDefinition: jitDefinition(),
    collectedAt: COLLECTED_AT,
    ...fields
  }
}

/** Deeply frozen, so a test fails if the evaluator writes to its input. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner)
    Object.freeze(value)
  }
  return value
}
