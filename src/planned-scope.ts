// Where planned changes reach (issue 22, "Now and after"): the subscriptions and management
// groups they are at, the scope a run checks when the scope inputs name none, and the management
// groups above each subscription, which the overlay needs to place a change at a management group.
import { GUID_SOURCE, managementGroupId, managementGroupName, normalizeId } from './azure-ids.ts'
import { ALL_SUBSCRIPTIONS, type Scope } from './inputs/scope.ts'
import type { PolicyAssignment, SubscriptionSnapshot } from './model.ts'
import type { DeclarationIndex } from './plan/locate.ts'
import { mapAssignment } from './collect/map.ts'
import { scopeOfPlannedId } from './plan/arm.ts'
import { overlayChanges, plannedResourceLabel } from './plan/overlay.ts'
import { movedBy } from './plan/placement.ts'
import { InputError } from './inputs/index.ts'
import type { PlannedChange } from './plan/types.ts'
import type { Overlay } from './planned-verdicts.ts'

const SUBSCRIPTION_SCOPE = new RegExp(`^/subscriptions/(${GUID_SOURCE})(/|$)`, 'i')

/** Where `changes` are: the subscriptions (lower-cased ids; a resource group's, a resource's) and
 * the management groups (lower-cased names), each once, in plan order. A change whose place the
 * plan does not say adds nothing. */
export function changeScopes(changes: readonly PlannedChange[]): {
  subscriptionIds: string[]
  managementGroups: string[]
} {
  const subscriptionIds = new Set<string>()
  const managementGroups = new Set<string>()
  for (const change of changes) {
    if (change.id === null) continue
    if (change.kind === 'placement') {
      const moved = movedBy(change)
      if (moved.subscriptionId !== undefined) subscriptionIds.add(moved.subscriptionId)
      if (moved.managementGroup !== undefined) managementGroups.add(moved.managementGroup)
      continue
    }
    const scope = scopeOfPlannedId(change.id)
    const subscription = SUBSCRIPTION_SCOPE.exec(scope)?.[1]
    if (subscription !== undefined) subscriptionIds.add(subscription.toLowerCase())
    const group = managementGroupName(scope)
    if (group !== null) managementGroups.add(group)
  }
  return { subscriptionIds: [...subscriptionIds], managementGroups: [...managementGroups] }
}

/**
 * Throws InputError when the scope inputs name nothing (`scope`) and some of `changes` does not
 * say where it is (an azurerm pricing whose provider names no subscription, an assignment whose
 * scope is known only after apply): the scope would be only what the other changes name, and
 * the subscriptions that change reaches would never be checked. What the plan does not say is
 * not guessed: the inputs must name where to try it.
 */
export function requireChangesPlaced(scope: Scope, changes: readonly PlannedChange[]): void {
  if (scope.allSubscriptions || scope.subscriptionIds.length > 0) return
  if (scope.managementGroups.length > 0) return
  const unplaced = changes.filter((change) => change.id === null && change.kind !== 'definition')
  if (unplaced.length === 0) return
  const named = unplaced.slice(0, 3).map(plannedResourceLabel).join(', ')
  const more = unplaced.length > 3 ? ` and ${unplaced.length - 3} more` : ''
  const verb = unplaced.length === 1 ? 'does' : 'do'
  throw new InputError([
    `planned-changes: ${named}${more} ${verb} not say which subscription or scope ${unplaced.length === 1 ? 'it is' : 'they are'} in, and \`subscriptions\` and \`management-groups\` are empty, so the subscriptions ${unplaced.length === 1 ? 'it reaches' : 'they reach'} are not known. Name the subscriptions or management groups ${unplaced.length === 1 ? 'it' : 'they'} may reach (for a Terraform plan, the provider's subscription), or \`subscriptions: '${ALL_SUBSCRIPTIONS}'\`, so that each is tried there.`
  ])
}

/** The scope to check: `scope` as the inputs give it, or, when they name nothing, every
 * subscription the changes reach (changeScopes: their subscriptions, and their management groups'
 * descendants through discovery). */
export function scopeOfChanges(scope: Scope, changes: readonly PlannedChange[]): Scope {
  if (scope.allSubscriptions || scope.subscriptionIds.length > 0) return scope
  if (scope.managementGroups.length > 0) return scope
  return { ...scope, ...changeScopes(changes) }
}

/**
 * The management groups above the subscription of `snapshot` (normalized ids), from what the run
 * knows: the snapshot's ancestry, the management groups its inherited assignments and exemptions
 * are at, and `members` (management group id -> the subscription ids under it, lower-cased).
 */
export function managementGroupsAbove(
  snapshot: SubscriptionSnapshot,
  members: ReadonlyMap<string, ReadonlySet<string>>
): Set<string> {
  const above = new Set((snapshot.managementGroupAncestry ?? []).map(normalizeId))
  for (const { scope } of [...snapshot.assignments, ...snapshot.exemptions]) {
    if (managementGroupName(scope) !== null) above.add(normalizeId(scope))
  }
  const subscription = snapshot.subscriptionId.toLowerCase()
  for (const [group, subscriptions] of members) {
    if (subscriptions.has(subscription)) above.add(normalizeId(group))
  }
  return above
}

/** The scope of the management group named `name` alone, to list the subscriptions under it. */
export function groupScope(name: string): Scope {
  return {
    subscriptionIds: [],
    allSubscriptions: false,
    managementGroups: [name],
    excludeSubscriptionIds: []
  }
}

/** Lays `changes` over each subscription's snapshot, knowing which subscriptions lie under each
 * management group the changes are at (`listGroup`: the ids of those under the group named), and
 * where each change is declared in the repository (`declarations`). */
export async function plannedOverlay(
  changes: readonly PlannedChange[],
  declarations: DeclarationIndex,
  listGroup: (name: string) => Promise<string[]>
): Promise<Overlay> {
  const members = new Map<string, Set<string>>()
  for (const name of changeScopes(changes).managementGroups) {
    const ids = await listGroup(name)
    members.set(managementGroupId(name), new Set(ids.map((id) => id.toLowerCase())))
  }
  return {
    lay: (snapshot) => overlayChanges(snapshot, changes, managementGroupsAbove(snapshot, members)),
    declaredAt: (change) => declarations.find(change)
  }
}

/**
 * The assignments `changes` create, update or replace, as the collector maps Azure's (collect/
 * map.ts), so that the initiatives they run are read with the estate: an initiative no assignment
 * of the estate runs yet would otherwise leave the verdict after the change undecidable. One whose
 * shape cannot be read is left out; the overlay then says why (overlay.ts).
 */
export function plannedAssignments(changes: readonly PlannedChange[]): PolicyAssignment[] {
  return changes.flatMap((change) => {
    if (change.kind !== 'assignment' || change.after === null) return []
    try {
      return [mapAssignment(change.after)]
    } catch {
      return []
    }
  })
}
