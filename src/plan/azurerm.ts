// The azurerm provider's policy and Defender for Cloud resources, read from Terraform's values into
// the ARM resources the provider sends: one table per resource type says which attribute becomes
// which property, so that values and Terraform's marks map alike. Attribute names and conversions
// follow the provider's documentation and its expand functions (registry.terraform.io/providers/
// hashicorp/azurerm/latest/docs/resources/<name>): `parameters`, `metadata`, `policy_rule` and
// `parameter_values` are JSON strings, `enforce` a boolean for `enforcementMode`, `overrides` and
// `resource_selectors` blocks whose `not_in` is ARM's `notIn`.
import { managementGroupId } from '../azure-ids.ts'
import {
  jsonPath,
  nonEmptyString,
  objectOrUndefined,
  parseResourceId,
  plannedId,
  setAt,
  subscriptionScope,
  type PathSegment
} from './arm.ts'
import {
  markedPaths,
  markOf,
  type ObjectContext,
  type ObjectReader,
  type ReadObject
} from './terraform-object.ts'
import { KIND_TYPES, type ArmResource, type PolicyKind } from './types.ts'

type Convert = 'string' | 'json' | 'strings' | 'enforce'

interface Field {
  /** Where the value goes in the ARM resource. */
  arm: readonly string[]
  convert?: Convert
  /** A list of nested blocks, each an object of these fields. */
  block?: Fields
  /** Properties every block of this list has in ARM whatever the configuration says. */
  fixed?: Readonly<Record<string, unknown>>
}

type Fields = Readonly<Record<string, Field>>

interface Spec {
  kind: PolicyKind
  /** The attribute that holds the scope (a management group, subscription, resource group or
   * resource id); absent: the provider's subscription. */
  scope?: string
  /** True when, without `scope` set, the resource is made in the provider's subscription. */
  providerSubscription?: boolean
  /** The attribute that holds the resource's name. */
  name: string
  fields: Fields
}

const text = (arm: readonly string[]): Field => ({ arm })
const json = (arm: readonly string[]): Field => ({ arm, convert: 'json' })
const strings = (arm: readonly string[]): Field => ({ arm, convert: 'strings' })

const SELECTOR: Fields = { kind: text(['kind']), in: strings(['in']), not_in: strings(['notIn']) }

const COMMON: Fields = {
  display_name: text(['properties', 'displayName']),
  description: text(['properties', 'description']),
  metadata: json(['properties', 'metadata'])
}

/** What every assignment resource has; `enforcementMode` from a boolean, named by the version. */
const ASSIGNMENT_CORE: Fields = {
  ...COMMON,
  policy_definition_id: text(['properties', 'policyDefinitionId']),
  not_scopes: strings(['properties', 'notScopes']),
  parameters: json(['properties', 'parameters'])
}
const enforcement: Field = { arm: ['properties', 'enforcementMode'], convert: 'enforce' }

const ASSIGNMENT: Fields = {
  ...ASSIGNMENT_CORE,
  enforce: enforcement,
  non_compliance_message: {
    arm: ['properties', 'nonComplianceMessages'],
    block: {
      content: text(['message']),
      policy_definition_reference_id: text(['policyDefinitionReferenceId'])
    }
  },
  overrides: {
    arm: ['properties', 'overrides'],
    fixed: { kind: 'policyEffect' },
    block: { value: text(['value']), selectors: { arm: ['selectors'], block: SELECTOR } }
  },
  resource_selectors: {
    arm: ['properties', 'resourceSelectors'],
    block: { name: text(['name']), selectors: { arm: ['selectors'], block: SELECTOR } }
  }
}

/** azurerm 2's one assignment resource at any `scope` (`azurerm_policy_assignment`, removed in
 * azurerm 3): `enforcement_mode` the boolean that azurerm 3 calls `enforce`. */
const LEGACY_ASSIGNMENT: Fields = { ...ASSIGNMENT_CORE, enforcement_mode: enforcement }

const EXEMPTION: Fields = {
  ...COMMON,
  policy_assignment_id: text(['properties', 'policyAssignmentId']),
  exemption_category: text(['properties', 'exemptionCategory']),
  expires_on: text(['properties', 'expiresOn']),
  policy_definition_reference_ids: strings(['properties', 'policyDefinitionReferenceIds'])
}

const SET_DEFINITION: Fields = {
  ...COMMON,
  policy_type: text(['properties', 'policyType']),
  parameters: json(['properties', 'parameters']),
  policy_definition_reference: {
    arm: ['properties', 'policyDefinitions'],
    block: {
      policy_definition_id: text(['policyDefinitionId']),
      parameter_values: json(['parameters']),
      reference_id: text(['policyDefinitionReferenceId']),
      policy_group_names: strings(['groupNames']),
      version: text(['definitionVersion'])
    }
  },
  policy_definition_group: {
    arm: ['properties', 'policyDefinitionGroups'],
    block: {
      name: text(['name']),
      display_name: text(['displayName']),
      category: text(['category']),
      description: text(['description']),
      additional_metadata_resource_id: text(['additionalMetadataId'])
    }
  }
}

const DEFINITION: Fields = {
  ...COMMON,
  policy_type: text(['properties', 'policyType']),
  mode: text(['properties', 'mode']),
  policy_rule: json(['properties', 'policyRule']),
  parameters: json(['properties', 'parameters'])
}

const PRICING: Fields = {
  tier: text(['properties', 'pricingTier']),
  subplan: text(['properties', 'subPlan']),
  extension: {
    arm: ['properties', 'extensions'],
    fixed: { isEnabled: 'True' },
    block: {
      name: text(['name']),
      additional_extension_properties: { arm: ['additionalExtensionProperties'] }
    }
  }
}

const assignmentAt = (scope: string): Spec => ({
  kind: 'assignment',
  scope,
  name: 'name',
  fields: ASSIGNMENT
})
const exemptionAt = (scope: string): Spec => ({
  kind: 'exemption',
  scope,
  name: 'name',
  fields: EXEMPTION
})

const SPECS: Readonly<Record<string, Spec>> = {
  azurerm_management_group_policy_assignment: assignmentAt('management_group_id'),
  azurerm_subscription_policy_assignment: assignmentAt('subscription_id'),
  azurerm_resource_group_policy_assignment: assignmentAt('resource_group_id'),
  azurerm_resource_policy_assignment: assignmentAt('resource_id'),
  azurerm_policy_assignment: { ...assignmentAt('scope'), fields: LEGACY_ASSIGNMENT },
  azurerm_management_group_policy_exemption: exemptionAt('management_group_id'),
  azurerm_subscription_policy_exemption: exemptionAt('subscription_id'),
  azurerm_resource_group_policy_exemption: exemptionAt('resource_group_id'),
  azurerm_resource_policy_exemption: exemptionAt('resource_id'),
  // Without management_group_id (azurerm 3 still had it here), the provider's subscription.
  azurerm_policy_set_definition: {
    kind: 'setDefinition',
    scope: 'management_group_id',
    providerSubscription: true,
    name: 'name',
    fields: SET_DEFINITION
  },
  azurerm_management_group_policy_set_definition: {
    kind: 'setDefinition',
    scope: 'management_group_id',
    name: 'name',
    fields: SET_DEFINITION
  },
  azurerm_policy_definition: {
    kind: 'definition',
    scope: 'management_group_id',
    providerSubscription: true,
    name: 'name',
    fields: DEFINITION
  },
  azurerm_security_center_subscription_pricing: {
    kind: 'pricing',
    providerSubscription: true,
    name: 'resource_type',
    fields: PRICING
  }
}

/** The azurerm resource type whose destroy sets the plan to Free: a subscription's pricing cannot be
 * deleted, and the provider's Delete updates it to the Free tier instead. */
export const PRICING_RESOURCE_TYPE = 'azurerm_security_center_subscription_pricing'

interface Conversion {
  value: Record<string, unknown>
  /** Paths of JSON strings that do not parse. */
  unreadable: string[]
}

function convertValue(
  value: unknown,
  field: Field,
  path: readonly PathSegment[],
  unreadable: string[]
): unknown {
  if (field.block) {
    if (!Array.isArray(value) || value.length === 0) return undefined
    return value.map((element, index) => {
      const block: Record<string, unknown> = { ...field.fixed }
      convertInto(
        objectOrUndefined(element) ?? {},
        field.block as Fields,
        block,
        [...path, index],
        unreadable
      )
      return block
    })
  }
  switch (field.convert) {
    case 'json': {
      const source = nonEmptyString(value)
      if (source === undefined) return undefined
      try {
        return JSON.parse(source) as unknown
      } catch {
        unreadable.push(jsonPath(path))
        return undefined
      }
    }
    case 'strings':
      return Array.isArray(value) && value.length > 0 ? value : undefined
    case 'enforce':
      return typeof value === 'boolean' ? (value ? 'Default' : 'DoNotEnforce') : undefined
    default:
      return value === '' || value === null ? undefined : value
  }
}

function convertInto(
  values: Record<string, unknown>,
  fields: Fields,
  target: Record<string, unknown>,
  prefix: readonly PathSegment[],
  unreadable: string[]
): void {
  for (const [attribute, field] of Object.entries(fields)) {
    const converted = convertValue(values[attribute], field, [...prefix, ...field.arm], unreadable)
    if (converted !== undefined) setAt(target, field.arm, converted)
  }
}

function convert(values: Record<string, unknown>, fields: Fields): Conversion {
  const unreadable: string[] = []
  const target: Record<string, unknown> = {}
  convertInto(values, fields, target, [], unreadable)
  return { value: target, unreadable }
}

/** The paths in ARM's shape of the `true` leaves of `marks`, through the table `fields`. */
function fieldPaths(
  marks: unknown,
  fields: Fields,
  prefix: readonly PathSegment[],
  out: string[]
): void {
  for (const [attribute, field] of Object.entries(fields)) {
    const mark = markOf(marks, attribute)
    const path = [...prefix, ...field.arm]
    if (field.block && Array.isArray(mark)) {
      mark.forEach((element, index) =>
        fieldPaths(element, field.block as Fields, [...path, index], out)
      )
    } else {
      markedPaths(mark, path, out)
    }
  }
}

/** The scope the resource is made at, as an ARM scope, or undefined when it is not known. */
function scopeOf(
  spec: Spec,
  values: Record<string, unknown>,
  unknownMarks: unknown,
  context: ObjectContext
): string | undefined {
  if (spec.scope && markOf(unknownMarks, spec.scope) === true) return undefined
  const given = spec.scope ? nonEmptyString(values[spec.scope]) : undefined
  if (given !== undefined) {
    if (spec.scope === 'management_group_id' && !given.startsWith('/'))
      return managementGroupId(given)
    return spec.scope === 'subscription_id' ? subscriptionScope(given) : given
  }
  if (!spec.providerSubscription) return undefined
  // An existing resource's id is known: it says which subscription it is in.
  const id = markOf(unknownMarks, 'id') === true ? undefined : nonEmptyString(values.id)
  const existing = id !== undefined ? parseResourceId(id) : undefined
  if (existing) return existing.scope
  const subscription = context.providerSubscription()
  return subscription !== undefined ? subscriptionScope(subscription) : undefined
}

const SUBSCRIPTION_UNKNOWN =
  'The plan does not say which subscription this resource is in: the resource names none, and its ' +
  'azurerm provider configuration gives no constant `subscription_id` (it comes from a variable, ' +
  'ARM_SUBSCRIPTION_ID or the Azure CLI at apply).'

function readerFor(spec: Spec): ObjectReader {
  const type = KIND_TYPES[spec.kind]
  return {
    read(values, unknownMarks, context): ReadObject {
      const unknown: string[] = []
      const notes: string[] = []
      const name =
        markOf(unknownMarks, spec.name) === true
          ? null
          : (nonEmptyString(values[spec.name]) ?? null)
      const scope = scopeOf(spec, values, unknownMarks, context)
      if (scope === undefined && !(spec.scope && markOf(unknownMarks, spec.scope) === true)) {
        unknown.push('$.id')
        notes.push(
          spec.providerSubscription ? SUBSCRIPTION_UNKNOWN : `The plan gives no \`${spec.scope}\`.`
        )
      }
      const { value, unreadable } = convert(values, spec.fields)
      const properties = objectOrUndefined(value.properties) ?? {}
      if (spec.kind === 'assignment' && scope !== undefined) properties.scope = scope
      for (const path of unreadable) {
        unknown.push(path)
        notes.push(`${path} is not valid JSON in the plan, so its value after apply is not known.`)
      }
      const id = plannedId(scope, type, name)
      const resource: ArmResource = { id, name, type, properties }
      return { kind: spec.kind, resource, unknown, notes }
    },
    paths(marks): string[] {
      const out: string[] = []
      if (markOf(marks, spec.name) === true) out.push('$.name', '$.id')
      if (spec.scope && markOf(marks, spec.scope) === true) {
        out.push('$.id')
        if (spec.kind === 'assignment') out.push('$.properties.scope')
      }
      fieldPaths(marks, spec.fields, [], out)
      return [...new Set(out)]
    }
  }
}

const READERS = new Map(Object.entries(SPECS).map(([type, spec]) => [type, readerFor(spec)]))

/** The reader of an azurerm resource type the check weighs, or undefined for any other type. */
export function azurermReader(resourceType: string): ObjectReader | undefined {
  return READERS.get(resourceType)
}
