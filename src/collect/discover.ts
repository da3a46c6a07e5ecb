// Discovery: resolves the scope of a run (src/inputs/scope.ts) into the subscriptions to check, each with
// its display name and state, before any subscription is read (docs/design.md, "Architecture").
// Two kinds of paged list, read at once: the subscriptions the identity can read (always, for the
// names and states) and the descendants of each management group asked for.
import { MANAGEMENT_GROUPS_API_VERSION, SUBSCRIPTIONS_API_VERSION } from '../api-versions.ts'
import { MAX_DISPLAY_NAME, azureText } from '../azure-text.ts'
import { GUID, managementGroupId } from '../azure-ids.ts'
import type { SkippedSubscription } from '../model.ts'
import type { Scope } from '../inputs/scope.ts'
import { UserError } from '../errors.ts'
import { failureCause, failureDetail } from './errors.ts'
import { Field } from './shape.ts'
import type { ResourceManager } from './resource-manager.ts'

/** The scope could not be resolved into subscriptions: the message says what and what to do. */
export class DiscoveryError extends UserError {
  constructor(message: string) {
    super(message)
    this.name = 'DiscoveryError'
  }
}

/** Subscription states whose subscriptions are listed as skipped, not checked: a disabled
 * subscription is read-only and a deleted one is going away; neither can drift into or out of
 * compliance. `Enabled`, `Warned` and `PastDue` are checked. */
export const SKIPPED_STATES: readonly string[] = ['Disabled', 'Deleted']

export interface DiscoveredSubscription {
  /** Lower case. */
  subscriptionId: string
  /** From the subscription list, else from the management group's descendants; absent when
   * neither named it. */
  displayName?: string
  /** ARM's `state` (`Enabled`, `Warned`, `PastDue`, `Disabled`, `Deleted`); absent when the
   * subscription list did not return the subscription. */
  state?: string
}

export interface DiscoveryCost {
  /** Requests sent, one per page (retries of a page not counted). */
  requests: number
  /** Lists read: the subscription list and one per management group. */
  lists: number
  /** Wall time of discovery, in milliseconds. */
  ms: number
}

export interface Discovery {
  /** To check, each once: the ids listed in `subscriptions` in their order, then the subscriptions
   * under the management groups and (for `*`) the subscription list in ARM's order (by id when
   * Resource Graph resolved the scope, resource-graph/discover.ts). */
  subscriptions: DiscoveredSubscription[]
  /** In scope but `Disabled` or `Deleted` (SKIPPED_STATES), in the same order; not checked. */
  skipped: SkippedSubscription[]
  /** Ids of `exclude-subscriptions` that were in scope and left out. */
  excluded: string[]
  /** Why the subscription list could not be read, when only names and states were lost (a
   * listed id is still checked); absent when it was read. */
  subscriptionListError?: string
  cost: DiscoveryCost
}

/** What a list says of one subscription. */
export interface Listed {
  displayName?: string
  state?: string
}

/** `value` when it is a non-empty string. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** The subscriptions of `GET /subscriptions`, by lower-cased id, in ARM's order. */
function parseSubscriptionList(items: unknown[]): Map<string, Listed> {
  const listed = new Map<string, Listed>()
  for (const item of items) {
    const { subscriptionId, displayName, state } = (item ?? {}) as Record<string, unknown>
    const id = text(subscriptionId)
    if (id === undefined || !GUID.test(id)) continue
    listed.set(id.toLowerCase(), { displayName: text(displayName), state: text(state) })
  }
  return listed
}

/**
 * The subscriptions among a management group's descendants (at any depth), by lower-cased id,
 * with the display name the descendants give ("Management Groups - Get Descendants",
 * DescendantInfo: `type`, `name`, `properties.displayName`), read strictly: an entry whose type or
 * name is not a string, or a subscription entry whose name is not a subscription id, is a
 * ShapeError naming it. The entries' parents are not read: a subscription listed is below the
 * group, wherever its parent field points.
 */
export function parseDescendants(items: unknown[]): Map<string, Listed> {
  const found = new Map<string, Listed>()
  for (const item of items) {
    const entry = Field.of(item, 'management group descendant')
    entry.object()
    // Subscriptions are typed `/subscriptions` (Microsoft.Management/managementGroups/subscriptions);
    // groups Microsoft.Management/managementGroups.
    if (!/subscriptions$/i.test(entry.at('type').string())) continue
    const name = entry.at('name')
    const id = name.string()
    if (!GUID.test(id)) name.fail('a subscription id', JSON.stringify(id))
    const properties = entry.at('properties')
    properties.optionalObject()
    found.set(id.toLowerCase(), { displayName: properties.at('displayName').optionalText() })
  }
  return found
}

/** Every entry below management group `group` (its name), groups and subscriptions at any depth:
 * `GET .../managementGroups/{group}/descendants`, paged (Management Groups - Get Descendants);
 * `onPage` is called once for each page read. Rejects as ResourceManager.listAll does. */
export function listDescendants(
  resourceManager: ResourceManager,
  group: string,
  onPage?: () => void
): Promise<unknown[]> {
  return resourceManager.listAll(
    `${managementGroupId(encodeURIComponent(group))}/descendants?api-version=${MANAGEMENT_GROUPS_API_VERSION}`,
    onPage
  )
}

/**
 * Resolves `scope` into the subscriptions to check through `resourceManager` (its request slots,
 * retries and deadline): `GET /subscriptions` (paged; always read, for display names and states,
 * Subscriptions - List) and `GET /providers/Microsoft.Management/managementGroups/{name}/descendants`
 * for each group (paged; Management Groups - Get Descendants). Leaves out `excludeSubscriptionIds`
 * and lists subscriptions in SKIPPED_STATES as skipped. An explicitly listed id the subscription
 * list does not return is still checked: its own reads say why it cannot be read.
 *
 * Throws DiscoveryError when a management group's descendants cannot be read, or when
 * `subscriptions: *` and the subscription list cannot be read; a failed subscription list
 * otherwise costs only names and states (`subscriptionListError`).
 */
export async function discoverSubscriptions(
  resourceManager: ResourceManager,
  scope: Scope
): Promise<Discovery> {
  const started = performance.now()
  let requests = 0
  const onPage = () => (requests += 1)

  const subscriptionList = resourceManager
    .listAll(`/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`, onPage)
    .then(parseSubscriptionList)
  const groups = scope.managementGroups.map((group) =>
    listDescendants(resourceManager, group, onPage)
      .then(parseDescendants)
      .catch((error: unknown) => {
        // `management-groups: Landing Zones` is two items, `Landing` and `Zones`: a 404 among
        // several groups most likely means a display name split on its spaces.
        const split =
          failureCause(error) === 'not-found' && scope.managementGroups.length > 1
            ? ' `management-groups` takes names or ids, not display names, and spaces separate items: a display name such as `Landing Zones` is read as two groups. Give each group by its name (the last segment of its id, e.g. `landing-zones`).'
            : ''
        throw new DiscoveryError(
          `Could not list the subscriptions under management group ${group} (${failureDetail(error)}). Check the name, and give the identity Reader on the management group (it includes Microsoft.Management/managementGroups/descendants/read).${split}`
        )
      })
  )
  // Wait for every list before throwing, so that no request runs on behind a failed discovery.
  const [groupReads, listRead] = await Promise.all([
    Promise.allSettled(groups),
    subscriptionList.then(
      (listed) => ({ listed }),
      (error: unknown) => ({ listed: new Map<string, Listed>(), error: failureDetail(error) })
    )
  ])
  for (const read of groupReads) if (read.status === 'rejected') throw read.reason
  const { listed } = listRead
  const subscriptionListError = 'error' in listRead ? listRead.error : undefined
  if (subscriptionListError !== undefined && scope.allSubscriptions) {
    throw new DiscoveryError(
      `Could not list the subscriptions the identity can read, which \`subscriptions: '*'\` asks for (${subscriptionListError}); re-run the check, or list subscription ids.`
    )
  }

  const groupLists = groupReads.flatMap((read) => (read.status === 'fulfilled' ? [read.value] : []))
  const everyone = scope.allSubscriptions ? listed.keys() : []
  const discovery: Omit<Discovery, 'cost'> = resolveScope(scope, groupLists, listed, everyone)
  if (subscriptionListError !== undefined) discovery.subscriptionListError = subscriptionListError
  const ms = Math.round(performance.now() - started)
  return { ...discovery, cost: { requests, lists: 1 + scope.managementGroups.length, ms } }
}

/**
 * The subscriptions of `scope` to check, skip and exclude, each once and in order: the ids listed
 * in `subscriptions`, then those of each management group (`groupLists`, one map per group, by
 * lower-case id), then (for `*`) `everyone`. Display names and states come from `listed` (by
 * lower-case id), else a group's list gives the name; names are redacted and cut at
 * MAX_DISPLAY_NAME (azure-text.ts).
 */
export function resolveScope(
  scope: Scope,
  groupLists: readonly ReadonlyMap<string, Listed>[],
  listed: ReadonlyMap<string, Listed>,
  everyone: Iterable<string>
): Omit<Discovery, 'cost'> {
  const candidates = new Map<string, Listed>()
  for (const id of scope.subscriptionIds) candidates.set(id, {})
  for (const list of groupLists) {
    for (const [id, found] of list) if (!candidates.has(id)) candidates.set(id, found)
  }
  for (const id of everyone) if (!candidates.has(id)) candidates.set(id, {})

  const excludedIds = new Set(scope.excludeSubscriptionIds)
  const discovery: Omit<Discovery, 'cost'> = { subscriptions: [], skipped: [], excluded: [] }
  for (const [subscriptionId, found] of candidates) {
    if (excludedIds.has(subscriptionId)) {
      discovery.excluded.push(subscriptionId)
      continue
    }
    const fromList = listed.get(subscriptionId)
    const named = fromList?.displayName ?? found.displayName
    // Where a subscription's display name enters the run, from either engine's lists.
    const displayName = named === undefined ? undefined : azureText(named, MAX_DISPLAY_NAME)
    const state = fromList?.state
    const subscription: DiscoveredSubscription = {
      subscriptionId,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(state !== undefined ? { state } : {})
    }
    if (state !== undefined && isSkippedState(state)) {
      discovery.skipped.push({ ...subscription, state })
    } else {
      discovery.subscriptions.push(subscription)
    }
  }
  return discovery
}

/** Whether a subscription in `state` is skipped (SKIPPED_STATES, compared case-insensitively). */
export function isSkippedState(state: string): boolean {
  return SKIPPED_STATES.some((skipped) => skipped.toLowerCase() === state.toLowerCase())
}
