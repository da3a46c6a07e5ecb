// Planned moves in the management-group hierarchy. A subscription inherits the assignments and
// exemptions of every management group above it (Learn, "What are Azure management groups?":
// policy is inherited down the hierarchy), so moving a subscription to another group, or a group
// under another parent, changes what audits JIT there. The check does not lay a move over the
// estate: the subscriptions it reaches are decided again after apply (overlay.ts makes their
// verdict after `error`), never passed as they are now. Read from:
// - Terraform: azurerm_management_group_subscription_association (a subscription into a group;
//   destroying it returns the subscription to the root group), azurerm_management_group
//   (`subscription_ids`, `parent_management_group_id`), and azapi_resource of types
//   Microsoft.Management/managementGroups/subscriptions ("to move an existing subscription to a
//   new management group") and Microsoft.Management/managementGroups (`details.parent`);
// - what-if: the same two resource types by their resource ids.
import { managementGroupId, managementGroupName, normalizeId } from '../azure-ids.ts'
import { nonEmptyString, objectOrUndefined } from './arm.ts'
import { markOf } from './terraform-object.ts'
import type { PlanFormat, PlannedAction, PlannedChange } from './types.ts'

const GROUP_ID = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i
const MEMBERSHIP_ID =
  /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/subscriptions\/([^/]+)$/i
const SUBSCRIPTION_ID = /^\/subscriptions\/([^/]+)$/i

/** The Terraform resource types that move subscriptions or management groups. */
export const PLACEMENT_TYPES: ReadonlySet<string> = new Set([
  'azurerm_management_group_subscription_association',
  'azurerm_management_group',
  'azapi_resource'
])

/** What a placement change moves: a subscription (lower-cased id), a management group (lower-cased
 * name), or, for a null id, what the plan does not say. */
export function movedBy(change: PlannedChange): {
  subscriptionId?: string
  managementGroup?: string
} {
  if (change.id === null) return {}
  const membership = MEMBERSHIP_ID.exec(change.id)
  if (membership) return { subscriptionId: (membership[2] as string).toLowerCase() }
  const group = managementGroupName(change.id)
  return group === null ? {} : { managementGroup: group }
}

/** Whether the placement change `change` reaches the subscription `subscriptionId`, whose management
 * groups above are `above` (normalized ids): it moves that subscription or a group above it, or the
 * plan does not say what it moves. */
export function placementReaches(
  change: PlannedChange,
  subscriptionId: string,
  above: ReadonlySet<string>
): boolean {
  if (change.id === null) return true
  const { subscriptionId: moved, managementGroup } = movedBy(change)
  if (moved !== undefined) return moved === subscriptionId.toLowerCase()
  return managementGroup !== undefined && above.has(normalizeId(managementGroupId(managementGroup)))
}

/** The sentence a verdict after gives for a move that reaches a subscription. */
export function placementReason(change: PlannedChange, label: string): string {
  const { subscriptionId, managementGroup } = movedBy(change)
  const what =
    subscriptionId !== undefined
      ? `moves /subscriptions/${subscriptionId} to another management group`
      : managementGroup !== undefined
        ? `moves management group ${managementGroup}, and the subscriptions below it, under another parent`
        : 'moves subscriptions or management groups the plan does not name'
  return `${label} ${what}, which changes the assignments and exemptions they inherit; the check does not lay moves in the management-group hierarchy over the estate, so decide the verdict again after apply`
}

function placement(
  action: PlannedAction,
  id: string | null,
  source: { format: PlanFormat; file: string; address: string },
  note: string
): PlannedChange {
  return {
    action,
    kind: 'placement',
    id,
    before: null,
    after: null,
    unknown: id === null ? ['$.id'] : [],
    sensitive: [],
    notes: [note],
    source
  }
}

const membershipId = (group: string, subscription: string) =>
  `${managementGroupId(group)}/subscriptions/${subscription}`

/** The subscription GUID of `/subscriptions/GUID` or a bare GUID. */
function subscriptionOf(value: unknown): string | undefined {
  const text = nonEmptyString(value)
  if (text === undefined) return undefined
  return SUBSCRIPTION_ID.exec(text)?.[1] ?? (text.includes('/') ? undefined : text)
}

/** A management group's name from its id or name. */
function groupOf(value: unknown): string | undefined {
  const text = nonEmptyString(value)
  if (text === undefined) return undefined
  return GROUP_ID.exec(text)?.[1] ?? (text.includes('/') ? undefined : text)
}

/** `properties.details.parent.id` of a management group in ARM's shape. */
const parentIdOf = (resource: unknown) =>
  nonEmptyString(
    objectOrUndefined(
      objectOrUndefined(objectOrUndefined(objectOrUndefined(resource)?.properties)?.details)?.parent
    )?.id
  )

/** The parent of an azapi_resource's body: an object, or a JSON string up to azapi 1.12. */
const parentOfBody = (values: Record<string, unknown> | undefined) => {
  const body = values?.body
  return parentIdOf(typeof body === 'string' ? safeJson(body) : body)
}

/** Whether Terraform's marks object `mark` marks anything (a `true` anywhere in it). */
function hasUnknown(mark: unknown): boolean {
  if (mark === true) return true
  if (typeof mark !== 'object' || mark === null) return false
  return Object.values(mark).some(hasUnknown)
}

/** The mark at `path` of a marks object: `true` when an object on the way is marked whole. */
function markAt(marks: unknown, path: readonly string[]): unknown {
  let mark = marks
  for (const step of path) {
    if (mark === true) return true
    mark = markOf(mark, step)
  }
  return mark
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The moves of one Terraform resource change of a PLACEMENT_TYPES type (`type`, its `change`
 * with `actions` already read as `action`); none for one that moves nothing (an azapi_resource of
 * another type, a group whose members and parent stay).
 */
export function terraformPlacements(
  type: string,
  action: PlannedAction,
  change: Record<string, unknown>,
  source: { file: string; address: string }
): PlannedChange[] {
  const before = objectOrUndefined(change.before)
  const after = objectOrUndefined(change.after)
  const unknown = change.after_unknown
  const at = { format: 'terraform' as const, ...source }
  const note = 'It moves a subscription or management group in the management-group hierarchy.'
  if (type === 'azurerm_management_group_subscription_association') {
    const sides = [before, after].filter((side) => side !== undefined)
    return sides.map((side) => {
      const group = groupOf(side.management_group_id)
      const subscription = subscriptionOf(side.subscription_id)
      const known = group !== undefined && subscription !== undefined
      return placement(action, known ? membershipId(group, subscription) : null, at, note)
    })
  }
  if (type === 'azurerm_management_group') {
    const name = groupOf(after?.name) ?? groupOf(before?.name) ?? groupOf(after?.id ?? before?.id)
    const members = (side: Record<string, unknown> | undefined) =>
      new Set(
        (Array.isArray(side?.subscription_ids) ? side.subscription_ids : [])
          .map(subscriptionOf)
          .filter((id): id is string => id !== undefined)
          .map((id) => id.toLowerCase())
      )
    const [was, will] = [members(before), members(after)]
    const moves: PlannedChange[] = []
    if (hasUnknown(markOf(unknown, 'subscription_ids')))
      moves.push(placement(action, null, at, note))
    for (const id of new Set([...was, ...will])) {
      if (was.has(id) !== will.has(id) || action === 'delete')
        moves.push(placement(action, membershipId(name ?? '', id), at, note))
    }
    const parentChanged =
      action !== 'create' &&
      (hasUnknown(markOf(unknown, 'parent_management_group_id')) ||
        normalizeId(String(before?.parent_management_group_id ?? '')) !==
          normalizeId(String(after?.parent_management_group_id ?? '')))
    if (parentChanged || action === 'delete') {
      moves.push(placement(action, name === undefined ? null : managementGroupId(name), at, note))
    }
    return moves
  }
  // azapi_resource
  const typeName = (nonEmptyString(after?.type) ?? nonEmptyString(before?.type) ?? '')
    .split('@')[0]
    ?.toLowerCase()
  if (typeName === 'microsoft.management/managementgroups/subscriptions') {
    return [before, after]
      .filter((side) => side !== undefined)
      .map((side) => {
        const group = groupOf(side.parent_id)
        const subscription = subscriptionOf(side.name)
        const known = group !== undefined && subscription !== undefined
        return placement(action, known ? membershipId(group, subscription) : null, at, note)
      })
  }
  if (typeName === 'microsoft.management/managementgroups') {
    const name = groupOf(after?.name) ?? groupOf(before?.name)
    const moved =
      action === 'delete' ||
      (action !== 'create' &&
        (hasUnknown(markAt(unknown, ['body', 'properties', 'details', 'parent'])) ||
          normalizeId(parentOfBody(before) ?? '') !== normalizeId(parentOfBody(after) ?? '')))
    return moved
      ? [placement(action, name === undefined ? null : managementGroupId(name), at, note)]
      : []
  }
  return []
}

/**
 * The move of one what-if change (`resourceId`, `action` read from its change type, `before` and
 * `after` as what-if gives them), or null when it is no move: another resource type, or a group
 * created, or changed without a new parent.
 */
export function whatIfPlacement(
  resourceId: string,
  action: PlannedAction,
  before: unknown,
  after: unknown,
  file: string
): PlannedChange | null {
  const at = { format: 'what-if' as const, file, address: resourceId }
  const note = 'It moves a subscription or management group in the management-group hierarchy.'
  if (MEMBERSHIP_ID.test(resourceId)) return placement(action, resourceId, at, note)
  if (!GROUP_ID.test(resourceId) || action === 'create') return null
  const moved =
    action === 'delete' ||
    after === undefined ||
    after === null ||
    normalizeId(parentIdOf(before) ?? '') !== normalizeId(parentIdOf(after) ?? '')
  return moved ? placement(action, resourceId, at, note) : null
}
