// Maps Resource Manager's answers (the SDK's models, or raw JSON where the SDK has no API) into
// the plain data the evaluator reads. Anything malformed is refused here, not guessed at.
import type {
  PolicyDefinition as SdkPolicyDefinition,
  PolicySetDefinition as SdkPolicySetDefinition
} from '@azure/arm-policy'
import type {
  DefenderForServersPlan,
  Override,
  ParameterDefinition,
  ParameterValues,
  PolicyAssignment,
  PolicyDefinition,
  PolicyExemption,
  PolicySetDefinition,
  ResourceSelector,
  Selector
} from '../model.ts'
import { ArmRequestError } from './errors.ts'

function malformed(what: string): ArmRequestError {
  return new ArmRequestError(200, 'MalformedResponse', `${what} lacked required fields`)
}

/** The scope an ARM resource id was created at: the id before `/providers/Microsoft.Authorization/`. */
export function scopeOfResourceId(id: string): string {
  const index = id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/')
  return index > 0 ? id.slice(0, index) : ''
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : []
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** `{ [key]: value }` when value is a non-empty string, else `{}` (ARM writes null or leaves out). */
function optionalText<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {}
}

/** `value` when it is a JSON object, else an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function parameterValues(value: unknown): ParameterValues {
  const values: ParameterValues = {}
  for (const [name, entry] of Object.entries(record(value))) {
    values[name] = { value: record(entry).value }
  }
  return values
}

function parameterDefinitions(value: unknown): Record<string, ParameterDefinition> {
  const definitions: Record<string, ParameterDefinition> = {}
  for (const [name, entry] of Object.entries(record(value))) {
    const definition = record(entry)
    definitions[name] = {
      type: text(definition.type),
      defaultValue: definition.defaultValue,
      allowedValues: Array.isArray(definition.allowedValues) ? definition.allowedValues : undefined
    }
  }
  return definitions
}

function selectors(value: unknown): Selector[] {
  return (Array.isArray(value) ? value : []).map((entry) => {
    const selector = record(entry)
    return {
      kind: text(selector.kind) ?? '',
      ...(Array.isArray(selector.in) ? { in: strings(selector.in) } : {}),
      ...(Array.isArray(selector.notIn) ? { notIn: strings(selector.notIn) } : {})
    }
  })
}

/** An ARM resource's `id`, `name` and `properties`, with the one property it cannot go without
 * (`required`, a string); throws a MalformedResponse ArmRequestError naming `what` otherwise. */
function armResource(raw: unknown, required: string, what: string) {
  const resource = record(raw)
  const properties = record(resource.properties)
  const { id, name } = resource
  const value = properties[required]
  if (typeof id !== 'string' || typeof name !== 'string' || typeof value !== 'string') {
    throw malformed(what)
  }
  return { id, name, properties, required: value }
}

/** A policy assignment as ARM's REST API returns it (`id`, `name`, `properties`). */
export function mapAssignment(raw: unknown): PolicyAssignment {
  const { id, name, properties, required } = armResource(
    raw,
    'policyDefinitionId',
    'A policy assignment'
  )
  const policyDefinitionId = required
  const overrides: Override[] = (
    Array.isArray(properties.overrides) ? properties.overrides : []
  ).map((entry) => {
    const override = record(entry)
    return {
      kind: text(override.kind) ?? '',
      value: text(override.value) ?? '',
      selectors: selectors(override.selectors)
    }
  })
  const resourceSelectors = mapResourceSelectors(properties.resourceSelectors)
  return {
    id,
    name,
    displayName: text(properties.displayName),
    scope: text(properties.scope) || scopeOfResourceId(id),
    policyDefinitionId,
    ...optionalText('definitionVersion', properties.definitionVersion),
    ...optionalText('effectiveDefinitionVersion', properties.effectiveDefinitionVersion),
    ...optionalText('latestDefinitionVersion', properties.latestDefinitionVersion),
    notScopes: strings(properties.notScopes),
    parameters: parameterValues(properties.parameters),
    enforcementMode: text(properties.enforcementMode) ?? 'Default',
    overrides,
    resourceSelectors
  }
}

/** The fields of a policy set definition the rule reads: the SDK's model, or a version of it. */
type SetDefinitionFields = Pick<
  SdkPolicySetDefinition,
  'id' | 'name' | 'displayName' | 'version' | 'parameters' | 'policyDefinitions'
>

export function mapSetDefinition(definition: SetDefinitionFields): PolicySetDefinition {
  const { id, name, policyDefinitions } = definition
  if (!id || !name || !Array.isArray(policyDefinitions)) throw malformed('A policy set definition')
  // The SDK does not check required fields of what it reads; a reference without its definition
  // id cannot be judged, and must not be skipped either.
  if (policyDefinitions.some((reference) => typeof reference?.policyDefinitionId !== 'string')) {
    throw malformed(`A reference in policy set definition ${id}`)
  }
  return {
    id,
    name,
    displayName: definition.displayName,
    version: definition.version,
    parameters: parameterDefinitions(definition.parameters),
    policyDefinitions: policyDefinitions.map((reference) => ({
      policyDefinitionId: reference.policyDefinitionId,
      policyDefinitionReferenceId: reference.policyDefinitionReferenceId ?? '',
      ...optionalText('definitionVersion', reference.definitionVersion),
      parameters: parameterValues(reference.parameters)
    }))
  }
}

/**
 * One version of a policy set definition as ARM's REST API returns it (`id`, `name`,
 * `properties`: "Policy Set Definition Versions - Get" and the items of its List), as the set
 * `setId` (the version's own id and name end in `/versions/VERSION`). Throws a MalformedResponse
 * ArmRequestError when it lacks the references or its version.
 */
export function mapSetDefinitionVersion(
  raw: unknown,
  setId: string
): PolicySetDefinition & { version: string } {
  const { properties, required: version } = armResource(
    raw,
    'version',
    'A policy set definition version'
  )
  if (!Array.isArray(properties.policyDefinitions))
    throw malformed('A policy set definition version')
  const definition = mapSetDefinition({
    id: setId,
    name: setId.slice(setId.lastIndexOf('/') + 1),
    displayName: text(properties.displayName),
    parameters: record(properties.parameters) as SdkPolicySetDefinition['parameters'],
    // mapSetDefinition refuses a reference without its definition id.
    policyDefinitions: properties.policyDefinitions.map(
      record
    ) as unknown as SdkPolicySetDefinition['policyDefinitions']
  })
  return { ...definition, version }
}

export function mapPolicyDefinition(definition: SdkPolicyDefinition): PolicyDefinition {
  const { id, name } = definition
  if (!id || !name) throw malformed('A policy definition')
  return {
    id,
    name,
    displayName: definition.displayName,
    version: definition.version,
    parameters: parameterDefinitions(definition.parameters)
  }
}

/** An assignment's or exemption's `resourceSelectors`, the same shape on both. */
function mapResourceSelectors(value: unknown): ResourceSelector[] {
  return (Array.isArray(value) ? value : []).map((entry) => {
    const resourceSelector = record(entry)
    return {
      name: text(resourceSelector.name) ?? '',
      selectors: selectors(resourceSelector.selectors)
    }
  })
}

/** A policy exemption as ARM's REST API returns it (the SDK has no exemption API). */
export function mapExemption(raw: unknown): PolicyExemption {
  const { id, name, properties, required } = armResource(
    raw,
    'policyAssignmentId',
    'A policy exemption'
  )
  const policyAssignmentId = required
  return {
    id,
    name,
    displayName: text(properties.displayName),
    scope: scopeOfResourceId(id),
    policyAssignmentId,
    policyDefinitionReferenceIds: strings(properties.policyDefinitionReferenceIds),
    exemptionCategory: text(properties.exemptionCategory) ?? '',
    resourceSelectors: mapResourceSelectors(properties.resourceSelectors),
    ...(typeof properties.expiresOn === 'string' ? { expiresOn: properties.expiresOn } : {})
  }
}

/** Defender for Cloud's pricing of a plan (`Microsoft.Security/pricings/NAME`, "Pricings - Get"):
 * its `pricingTier` (`Free`, `Standard`), `subPlan` (`P1`, `P2` for VirtualMachines) and, on a
 * subscription, `resourcesCoverageStatus` (`FullyCovered`, `PartiallyCovered`, `NotCovered`). */
export function mapPricing(raw: unknown): DefenderForServersPlan & { pricingTier: string } {
  const { properties } = armResource(raw, 'pricingTier', 'A Defender for Cloud pricing')
  return {
    pricingTier: properties.pricingTier as string,
    ...optionalText('subPlan', properties.subPlan),
    ...optionalText('resourcesCoverageStatus', properties.resourcesCoverageStatus)
  }
}
