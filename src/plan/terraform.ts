// Terraform plans in JSON (`terraform show -json PLAN`), read as the "JSON Output Format" page
// documents them (developer.hashicorp.com/terraform/internals/json-format): `format_version` (reject
// an unknown major version), `resource_changes[]` with `address`, `mode`, `type` and `change`
// (`actions`, `before`, `after`, `after_unknown`, `before_sensitive`, `after_sensitive`), and
// `configuration` for the provider configuration a resource uses. Only the managed resources the
// check weighs are parsed; the rest of the file is skimmed (json-skim.ts).
import { GUID, sameId } from '../azure-ids.ts'
import { parseResourceAddress } from './address.ts'
import { isWeighed, objectOrUndefined } from './arm.ts'
import { azapiReader, azapiUpdateReader } from './azapi.ts'
import { azurermReader, PRICING_RESOURCE_TYPE } from './azurerm.ts'
import { PlanFileError } from './errors.ts'
import { PLACEMENT_TYPES, terraformPlacements } from './placement.ts'
import type { JsonSkim, Range } from './json-skim.ts'
import type { ObjectContext, ObjectReader, ReadObject } from './terraform-object.ts'
import type { ArmResource, PlannedAction, PlannedChange } from './types.ts'

/** The members of a resource change that tell whether to parse it, and of a deferred change. */
const CHANGE_MEMBERS: ReadonlySet<string> = new Set(['mode', 'type'])
const DEFERRED_MEMBERS: ReadonlySet<string> = new Set(['reason', 'resource_change'])

/** Keys only a plan has; a state (`terraform show -json` of a state) has `values` instead. */
const PLAN_KEYS = ['resource_changes', 'planned_values', 'prior_state', 'configuration']

/**
 * The action a change's `actions` stands for, or null when it changes nothing in Azure: `no-op`,
 * `read` (data sources), `forget` (the object leaves Terraform's state and stays in Azure).
 * `["create","forget"]` creates the new object and leaves the old one in Azure: a create.
 * Undefined for a list the format does not document.
 */
function actionOf(actions: unknown): PlannedAction | null | undefined {
  const key = Array.isArray(actions) ? actions.join(',') : ''
  switch (key) {
    case 'no-op':
    case 'read':
    case 'forget':
      return null
    case 'create':
    case 'create,forget':
      return 'create'
    case 'update':
      return 'update'
    case 'delete':
      return 'delete'
    case 'delete,create':
    case 'create,delete':
      return 'replace'
    default:
      return undefined
  }
}

/** The moves in the management-group hierarchy of a resource change of a PLACEMENT_TYPES type. */
function placementsOf(type: string, raw: unknown, file: string, address: string): PlannedChange[] {
  const change = objectOrUndefined(objectOrUndefined(raw)?.change)
  const action = actionOf(change?.actions)
  if (action === undefined) {
    throw new PlanFileError(
      file,
      `${address} has change.actions ${JSON.stringify(change?.actions)}, which the Terraform JSON output format does not document.`,
      'Produce the plan with a released Terraform version, or report the actions to the action.'
    )
  }
  return change && action ? terraformPlacements(type, action, change, { file, address }) : []
}

function readerOf(type: string | undefined): ObjectReader | undefined {
  if (type === undefined) return undefined
  if (type === 'azapi_resource') return azapiReader
  if (type === 'azapi_update_resource') return azapiUpdateReader
  return azurermReader(type)
}

/**
 * The subscription `subscription_id` names, as a constant, in the provider configuration the
 * resource at `address` uses (`configuration.provider_config[KEY]`, KEY being the resource's
 * `provider_config_key`, which Terraform points at the configuration a module was passed); undefined
 * when the plan does not say.
 */
function providerSubscriptionOf(
  configuration: Record<string, unknown> | undefined,
  address: string
): string | undefined {
  const parsed = parseResourceAddress(address)
  if (!configuration || !parsed) return undefined
  let module = objectOrUndefined(configuration.root_module)
  for (const step of parsed.modules) {
    const call = objectOrUndefined(objectOrUndefined(module?.module_calls)?.[step.name])
    module = objectOrUndefined(call?.module)
  }
  const resources = Array.isArray(module?.resources) ? module.resources : []
  const resource = resources
    .map((entry) => objectOrUndefined(entry))
    .find(
      (entry) =>
        entry?.mode === 'managed' && entry.type === parsed.type && entry.name === parsed.name
    )
  const key = resource?.provider_config_key
  if (typeof key !== 'string') return undefined
  const provider = objectOrUndefined(objectOrUndefined(configuration.provider_config)?.[key])
  const expression = objectOrUndefined(objectOrUndefined(provider?.expressions)?.subscription_id)
  const value = expression?.constant_value
  return typeof value === 'string' && GUID.test(value) ? value : undefined
}

/** What azurerm's destroy of a pricing leaves: the Free tier (its Delete updates the plan). */
function pricingSetToFree(before: ArmResource): ArmResource {
  const properties: Record<string, unknown> = { ...before.properties, pricingTier: 'Free' }
  delete properties.subPlan
  return { ...before, properties }
}

interface ChangeContext {
  file: string
  context: ObjectContext
  /** Why Terraform deferred the change, for `deferred_changes` entries. */
  deferred?: string
}

/** One resource change of a type the check weighs, as planned changes: one, or for a replacement
 * that puts the new object at another id, the delete of the old and the create of the new; null
 * when it changes nothing in Azure or is not a resource the check weighs. */
function plannedChange(
  raw: unknown,
  reader: ObjectReader,
  { file, context, deferred }: ChangeContext
): PlannedChange[] | null {
  const resourceChange = objectOrUndefined(raw)
  const address = resourceChange?.address
  const change = objectOrUndefined(resourceChange?.change)
  if (typeof address !== 'string' || !change) {
    throw new PlanFileError(
      file,
      'holds a resource change without `address` or `change`.',
      'Give the file `terraform show -json` wrote, unchanged.'
    )
  }
  let action = actionOf(change.actions)
  if (action === undefined) {
    throw new PlanFileError(
      file,
      `${address} has change.actions ${JSON.stringify(change.actions)}, which the Terraform JSON output format does not document.`,
      'Produce the plan with a released Terraform version, or report the actions to the action.'
    )
  }
  if (action === null) return null
  if (reader.merges) {
    if (action === 'delete') return null
    action = 'update'
  }
  const beforeValues = objectOrUndefined(change.before)
  const afterValues = objectOrUndefined(change.after)
  const before =
    action !== 'create' && beforeValues ? reader.read(beforeValues, undefined, context) : undefined
  const after: ReadObject | undefined =
    action !== 'delete' && afterValues
      ? reader.read(afterValues, change.after_unknown, context)
      : undefined
  const reads = [before, after].filter((read): read is ReadObject => read !== undefined)
  const kind = reads[0]?.kind
  if (!kind || !reads.some((read) => isWeighed(kind, read.resource.name))) return null
  const notes = [...(before?.notes ?? []), ...(after?.notes ?? [])]
  const unknown = after ? [...reader.paths(change.after_unknown), ...after.unknown] : []
  let afterResource = after?.resource ?? null
  if (action === 'delete' && resourceChange?.type === PRICING_RESOURCE_TYPE && before) {
    action = 'update'
    afterResource = pricingSetToFree(before.resource)
    notes.push(
      "azurerm does not delete a subscription's pricing: destroying it sets the plan to Free."
    )
  }
  if (typeof resourceChange?.deposed === 'string') {
    notes.push(
      `The change is to a deposed object (${resourceChange.deposed}) of ${address}, left by an earlier replacement.`
    )
  }
  if (deferred !== undefined) {
    unknown.unshift('$')
    notes.push(
      `Terraform deferred this change to a later plan (${deferred}): what it does is not known yet.`
    )
  }
  const sensitive = [
    ...new Set([...reader.paths(change.before_sensitive), ...reader.paths(change.after_sensitive)])
  ]
  const planned: PlannedChange = {
    action,
    kind,
    id: action === 'delete' ? (before?.resource.id ?? null) : (afterResource?.id ?? null),
    before: before?.resource ?? null,
    after: afterResource,
    unknown: [...new Set(unknown)],
    sensitive,
    notes,
    source: { format: 'terraform', file, address }
  }
  const formerId = before?.resource.id ?? null
  if (action !== 'replace' || formerId === null || sameId(formerId, planned.id ?? '')) {
    return [planned]
  }
  // A replacement destroys the object it replaces wherever the new one goes ("JSON Output
  // Format": ["delete","create"] and ["create","delete"]); a new name, scope or subscription puts
  // the new one elsewhere, so the old one is a delete of its own.
  const moved = `Terraform replaces ${formerId} with an object at ${planned.id ?? 'a place known only after apply'}: the old one is destroyed.`
  return [
    {
      ...planned,
      action: 'delete',
      id: formerId,
      after: null,
      unknown: [],
      notes: [...notes, moved]
    },
    { ...planned, action: 'create', notes: [...notes, moved] }
  ]
}

function checkVersion(skim: JsonSkim, members: Map<string, Range>, file: string): void {
  const version = skim.string(members.get('format_version')) ?? ''
  const major = /^(\d+)\./.exec(version)?.[1]
  if (major !== '0' && major !== '1') {
    throw new PlanFileError(
      file,
      `has format_version ${JSON.stringify(version)}; this check reads the Terraform JSON output format 0.x and 1.x.`,
      'Produce the plan with `terraform show -json PLAN` of Terraform 0.12 to 1.x.'
    )
  }
  if (!PLAN_KEYS.some((key) => members.has(key))) {
    const what = members.has('values')
      ? 'a Terraform state, not a plan'
      : 'Terraform JSON, but not a plan'
    throw new PlanFileError(
      file,
      `is ${what}.`,
      'Save the plan (`terraform plan -out=tfplan`) and give the output of `terraform show -json tfplan`.'
    )
  }
  if (members.has('errored') && skim.parse(members.get('errored') as Range) === true) {
    throw new PlanFileError(
      file,
      'is a plan Terraform could not finish (`errored: true`): it does not hold every change.',
      'Fix the errors `terraform plan` reported and plan again.'
    )
  }
}

/** The ranges of the array member `name` of the plan, or none; a member that is not an array is
 * refused. */
function arrayMember(
  skim: JsonSkim,
  members: Map<string, Range>,
  name: string,
  file: string
): Range | undefined {
  const range = members.get(name)
  if (range === undefined || skim.bytes[range.start] === 0x6e /* null */) return undefined
  if (!skim.isArray(range)) {
    throw new PlanFileError(
      file,
      `has a \`${name}\` that is not an array.`,
      'Give the file `terraform show -json` wrote, unchanged.'
    )
  }
  return range
}

/**
 * The policy and pricing changes of a Terraform plan (`terraform show -json PLAN`), whose top-level
 * members `members` holds (skimmed by `skim`). `file` names the plan in messages. Throws
 * PlanFileError for a state, an unknown format version, a plan Terraform could not finish, and
 * undocumented actions on a resource the check weighs.
 */
export function readTerraformPlan(
  skim: JsonSkim,
  members: Map<string, Range>,
  file: string
): PlannedChange[] {
  checkVersion(skim, members, file)
  let configuration: Record<string, unknown> | undefined | null = null
  const changes: PlannedChange[] = []
  const collect = (
    range: Range,
    resourceChange: Map<string, Range> | undefined,
    deferred?: string
  ) => {
    if (!resourceChange || skim.string(resourceChange.get('mode')) !== 'managed') return
    const type = skim.string(resourceChange.get('type'))
    const reader = readerOf(type)
    const moves = type !== undefined && PLACEMENT_TYPES.has(type)
    if (!reader && !moves) return
    const raw = skim.parse(range)
    const address = String(objectOrUndefined(raw)?.address ?? '')
    if (moves) changes.push(...placementsOf(type, raw, file, address))
    if (!reader) return
    const context: ObjectContext = {
      providerSubscription() {
        if (configuration === null) {
          const range = members.get('configuration')
          configuration = range ? objectOrUndefined(skim.parse(range)) : undefined
        }
        return providerSubscriptionOf(configuration, address)
      }
    }
    const change = plannedChange(raw, reader, {
      file,
      context,
      ...(deferred !== undefined ? { deferred } : {})
    })
    if (change) changes.push(...change)
  }
  const resourceChanges = arrayMember(skim, members, 'resource_changes', file)
  if (resourceChanges) {
    for (const element of skim.elements(resourceChanges, CHANGE_MEMBERS))
      collect(element.range, element.members)
  }
  const deferredChanges = arrayMember(skim, members, 'deferred_changes', file)
  for (const deferred of deferredChanges ? skim.elements(deferredChanges, DEFERRED_MEMBERS) : []) {
    const inner = deferred.members?.get('resource_change')
    if (!inner || !skim.isObject(inner)) continue
    collect(
      inner,
      skim.members(inner, CHANGE_MEMBERS),
      skim.string(deferred.members?.get('reason')) ?? 'no reason given'
    )
  }
  return changes
}
