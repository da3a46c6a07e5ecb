// Maps Azure's answers (Resource Manager's JSON, and Resource Graph's rows, which hold the same
// resources in the same shape) into the plain data the evaluator reads. Every field the rule reads
// is read here, strictly (shape.ts): a field of another type than Azure's REST specification
// gives it is refused with a ShapeError naming it, never guessed at or defaulted. The
// specification's types: azure-rest-api-specs, specification/resources/resource-manager/
// Microsoft.Authorization (policyAssignments.json, policySetDefinitions.json,
// policyDefinitions.json, common/v1/types.json for Override, Selector and ResourceSelector;
// policyExemptions.json of 2022-07-01-preview) and specification/security/.../pricings.json.
import {
  OVERRIDE_KINDS,
  type DefenderForServersPlan,
  type Override,
  type ParameterDefinition,
  type ParameterValues,
  type PolicyAssignment,
  type PolicyDefinition,
  type PolicyExemption,
  type PolicySetDefinition,
  type ResourceSelector,
  type Selector
} from '../model.ts'
import { Field } from './shape.ts'

/** The scope an ARM resource id was created at: the id before `/providers/Microsoft.Authorization/`. */
export function scopeOfResourceId(id: string): string {
  const index = id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/')
  return index > 0 ? id.slice(0, index) : ''
}

/** `value` when it is a JSON object, else an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** `{ [key]: value }` when the field is a non-empty string, `{}` when it is absent or ''. */
function optionalText<K extends string>(key: K, field: Field): Partial<Record<K, string>> {
  const text = field.optionalText()
  return text === undefined ? {} : ({ [key]: text } as Record<K, string>)
}

/** An ARM resource (`id`, `name`, `properties`, each required) of kind `what`. */
function armResource(raw: unknown, what: string) {
  const resource = Field.of(raw, what)
  resource.object()
  return {
    id: resource.at('id').string(),
    name: resource.at('name').string(),
    properties: resource.at('properties')
  }
}

/** ParameterValues: each entry an object whose `value` is the parameter's value (ParameterValuesValue;
 * the rule cannot read an entry without it, so it is required here). */
function parameterValues(field: Field): ParameterValues {
  const values: ParameterValues = {}
  for (const [name, entry] of field.optionalEntries()) {
    if (!('value' in entry.object()))
      entry.fail('an object with a value', 'an object without value')
    values[name] = { value: entry.at('value').value }
  }
  return values
}

/** ParameterDefinitions: each entry an object with an optional `type` (a string), `defaultValue`
 * (any JSON) and `allowedValues` (a list). */
function parameterDefinitions(field: Field): Record<string, ParameterDefinition> {
  const definitions: Record<string, ParameterDefinition> = {}
  for (const [name, entry] of field.optionalEntries()) {
    entry.object()
    const allowed = entry.at('allowedValues')
    definitions[name] = {
      type: entry.at('type').optionalString(),
      defaultValue: entry.at('defaultValue').value,
      allowedValues: allowed.absent ? undefined : allowed.list().map((item) => item.value)
    }
  }
  return definitions
}

/** Selector: `kind` (required here: a selector of no kind selects nothing the rule can name), `in`
 * and `notIn`, each an optional list of strings. */
function selectors(field: Field): Selector[] {
  return field.optionalList().map((entry) => {
    entry.object()
    // Learn's assignment structure: each selector has `in` or `notIn`, and either "can't be used
    // with" the other. A selector with both, or neither, is not one Azure would apply as written.
    const given = (['in', 'notIn'] as const).filter((key) => !entry.at(key).absent)
    if (given.length !== 1) {
      entry.fail(
        'a selector with one list, `in` or `notIn`',
        given.length === 0
          ? 'a selector with neither `in` nor `notIn`'
          : 'a selector with both `in` and `notIn`'
      )
    }
    const listed = (key: 'in' | 'notIn') =>
      entry.at(key).absent ? {} : { [key]: entry.at(key).optionalStrings() }
    return { kind: entry.at('kind').string(), ...listed('in'), ...listed('notIn') }
  })
}

/** ResourceSelector: an optional `name` and optional `selectors`, the same on assignments and
 * exemptions. */
function resourceSelectors(field: Field): ResourceSelector[] {
  return field.optionalList().map((entry) => {
    entry.object()
    return {
      name: entry.at('name').optionalString() ?? '',
      selectors: selectors(entry.at('selectors'))
    }
  })
}

/** Override: `kind` and `value` (required here: an override of no kind or no value changes what
 * the rule cannot know), optional `selectors`. A kind Azure does not document is refused: it could
 * change the effect in a way the rule cannot read. */
function override(entry: Field): Override {
  entry.object()
  const kindField = entry.at('kind')
  const kind = kindField.string()
  if (!OVERRIDE_KINDS.some((known) => known.toLowerCase() === kind.toLowerCase())) {
    kindField.fail(
      `one of ${OVERRIDE_KINDS.join(', ')}`,
      `${JSON.stringify(kind).replace(/^"|"$/g, "'")}, which Azure does not document`
    )
  }
  return {
    kind,
    value: entry.at('value').string(),
    selectors: selectors(entry.at('selectors'))
  }
}

/** A policy assignment as ARM's REST API returns it (`id`, `name`, `properties`). Throws a
 * ShapeError naming the first field that does not have its documented type. */
export function mapAssignment(raw: unknown): PolicyAssignment {
  const { id, name, properties } = armResource(raw, 'policy assignment')
  properties.object()
  return {
    id,
    name,
    displayName: properties.at('displayName').optionalString(),
    scope: properties.at('scope').optionalText() ?? scopeOfResourceId(id),
    policyDefinitionId: properties.at('policyDefinitionId').string(),
    ...optionalText('definitionVersion', properties.at('definitionVersion')),
    ...optionalText('effectiveDefinitionVersion', properties.at('effectiveDefinitionVersion')),
    ...optionalText('latestDefinitionVersion', properties.at('latestDefinitionVersion')),
    notScopes: properties.at('notScopes').optionalStrings(),
    parameters: parameterValues(properties.at('parameters')),
    // Absent: Default ("default": "Default" in the specification).
    enforcementMode: properties.at('enforcementMode').optionalString() ?? 'Default',
    overrides: properties.at('overrides').optionalList().map(override),
    resourceSelectors: resourceSelectors(properties.at('resourceSelectors'))
  }
}

/** The references and parameters of a set definition's `properties`, as the set `id`. */
function setContent(id: string, name: string, properties: Field): PolicySetDefinition {
  properties.object()
  return {
    id,
    name,
    displayName: properties.at('displayName').optionalString(),
    version: properties.at('version').optionalString(),
    parameters: parameterDefinitions(properties.at('parameters')),
    policyDefinitions: properties
      .at('policyDefinitions')
      .list()
      .map((reference) => {
        reference.object()
        return {
          policyDefinitionId: reference.at('policyDefinitionId').string(),
          policyDefinitionReferenceId:
            reference.at('policyDefinitionReferenceId').optionalString() ?? '',
          ...optionalText('definitionVersion', reference.at('definitionVersion')),
          parameters: parameterValues(reference.at('parameters'))
        }
      })
  }
}

/** A policy set definition as ARM's REST API returns it ("Policy Set Definitions - Get", and
 * Resource Graph's row of it): `id`, `name`, `properties` with its `policyDefinitions`. */
export function mapSetDefinition(raw: unknown): PolicySetDefinition {
  const { id, name, properties } = armResource(raw, 'policy set definition')
  return setContent(id, name, properties)
}

/**
 * One version of a policy set definition as ARM's REST API returns it (`id`, `name`,
 * `properties`: "Policy Set Definition Versions - Get" and the items of its List), as the set
 * `setId` (the version's own id and name end in `/versions/VERSION`). Throws a ShapeError naming
 * the field that lacks its documented type (its `properties.version` is required).
 */
export function mapSetDefinitionVersion(
  raw: unknown,
  setId: string
): PolicySetDefinition & { version: string } {
  const { properties } = armResource(raw, 'policy set definition version')
  const version = properties.at('version').string()
  const name = setId.slice(setId.lastIndexOf('/') + 1)
  return { ...setContent(setId, name, properties), version }
}

/** A policy definition as ARM's REST API returns it ("Policy Definitions - Get Built In"): its
 * display name, version and parameters. */
export function mapPolicyDefinition(raw: unknown): PolicyDefinition {
  const { id, name, properties } = armResource(raw, 'policy definition')
  properties.object()
  return {
    id,
    name,
    displayName: properties.at('displayName').optionalString(),
    version: properties.at('version').optionalString(),
    parameters: parameterDefinitions(properties.at('parameters'))
  }
}

/** A policy exemption as ARM's REST API returns it (the SDK has no exemption API):
 * `policyAssignmentId` and `exemptionCategory` required, the rest optional; `expiresOn` absent or
 * null when it never expires. */
export function mapExemption(raw: unknown): PolicyExemption {
  const { id, name, properties } = armResource(raw, 'policy exemption')
  properties.object()
  const expiresOn = properties.at('expiresOn').optionalString()
  return {
    id,
    name,
    displayName: properties.at('displayName').optionalString(),
    scope: scopeOfResourceId(id),
    policyAssignmentId: properties.at('policyAssignmentId').string(),
    policyDefinitionReferenceIds: properties.at('policyDefinitionReferenceIds').optionalStrings(),
    exemptionCategory: properties.at('exemptionCategory').string(),
    resourceSelectors: resourceSelectors(properties.at('resourceSelectors')),
    ...(expiresOn === undefined ? {} : { expiresOn })
  }
}

/** Defender for Cloud's pricing of a plan (`Microsoft.Security/pricings/NAME`, "Pricings - Get"):
 * its `pricingTier` (required: `Free`, `Standard`), `subPlan` (`P1`, `P2` for VirtualMachines)
 * and, on a subscription, `resourcesCoverageStatus` (`FullyCovered`, `PartiallyCovered`,
 * `NotCovered`). Only `properties` is read. */
export function mapPricing(raw: unknown): DefenderForServersPlan & { pricingTier: string } {
  const pricing = Field.of(raw, 'Defender for Cloud pricing')
  pricing.object()
  const properties = pricing.at('properties')
  properties.object()
  return {
    pricingTier: properties.at('pricingTier').string(),
    ...optionalText('subPlan', properties.at('subPlan')),
    ...optionalText('resourcesCoverageStatus', properties.at('resourcesCoverageStatus'))
  }
}
