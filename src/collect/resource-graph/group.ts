// Sorts Resource Graph's rows to the subscriptions they concern, the way Resource Manager's
// unfiltered list of a subscription's policy assignments does: those made at the management
// groups above it, at it, and inside it (resource groups and resources).
import { managementGroupId, normalizeId } from '../../azure-ids.ts'
import { record, scopeOfResourceId } from '../map.ts'
import { Field, ShapeError } from '../shape.ts'
import type { GraphRow } from './paging.ts'
import { POLICY_ASSIGNMENT_TYPE, POLICY_EXEMPTION_TYPE, PRICING_TYPE } from './queries.ts'

/** What Resource Graph holds about one subscription, rows in ARM's raw shape. */
export interface GraphSubscription {
  subscriptionId: string
  /** The subscription's display name (`name` of its resourcecontainers row). */
  displayName?: string
  /** `Enabled`, `Warned`, `PastDue`, `Disabled`, `Deleted`. */
  state?: string
  /** Management group ids above it, nearest parent first, the tenant root group last. */
  managementGroupAncestry: string[]
  /** Why its row's ancestry cannot be read (a ShapeError naming the field): its policy rows are
   * then not all known, and it is not decided from Resource Graph. */
  malformed?: ShapeError
  /** Assignments that apply: above, at and inside the subscription (id, name, type, properties,
   * as src/collect/map.ts's mapAssignment takes them). */
  assignments: GraphRow[]
  /** Exemptions above, at and inside the subscription (for mapExemption). */
  exemptions: GraphRow[]
  /** Its Microsoft.Security/pricings/VirtualMachines row; undefined when Resource Graph has
   * none (the plan was never set, or Defender for Cloud has not written it). */
  serversPricing?: GraphRow
}

/** Names of the management groups above a subscription row, from
 * properties.managementGroupAncestorsChain (entries `{name, displayName}`, nearest parent first;
 * none when the row has no chain). Throws a ShapeError naming the field when the chain or an
 * entry's name has another type. */
export function ancestorNames(row: GraphRow): string[] {
  const chain = Field.of(row, 'Resource Graph subscription row')
    .at('properties')
    .at('managementGroupAncestorsChain')
  return chain.optionalList().map((entry) => {
    entry.object()
    return entry.at('name').string()
  })
}

/** A pricing set on the subscription itself, not on a resource inside it. */
const SUBSCRIPTION_PRICING =
  /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Security\/pricings\/[^/]+$/i

/** The subscription's own Defender for Servers pricing joined to its row (queries.ts,
 * subscriptionsQuery), in ARM's shape; undefined without one, or for a resource's. */
function ownPricing(row: GraphRow): GraphRow | undefined {
  const id = row.serversPricingId
  if (typeof id !== 'string' || !SUBSCRIPTION_PRICING.test(id)) return undefined
  return {
    id,
    name: row.serversPricingName,
    type: PRICING_TYPE,
    properties: row.serversPricing
  } as GraphRow
}

/** The subscription id a row sits in (from its id), lower case; undefined above subscriptions. */
function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase()
}

/**
 * Builds one GraphSubscription per subscription row, keyed by lower-case subscription id, and
 * hands each the policy rows that concern it: rows inside `/subscriptions/ID` go to that
 * subscription; rows at a management group go to every subscription below it. A subscription
 * row's joined pricing columns (queries.ts, subscriptionsQuery) become its `serversPricing`.
 */
export function groupBySubscription(
  subscriptionRows: readonly GraphRow[],
  policyRows: readonly GraphRow[]
): Map<string, GraphSubscription> {
  const subscriptions = new Map<string, GraphSubscription>()
  const belowGroup = new Map<string, GraphSubscription[]>()
  for (const row of subscriptionRows) {
    const id =
      (typeof row.subscriptionId === 'string' && row.subscriptionId) || subscriptionOf(row.id)
    if (!id) continue
    const pricing = ownPricing(row)
    const known = subscriptions.get(id.toLowerCase())
    if (known) {
      // A subscription on two rows (two scopes read it, or a join matched twice): one subscription.
      known.serversPricing ??= pricing
      continue
    }
    const properties = record(row.properties)
    let ancestry: string[] = []
    let malformed: ShapeError | undefined
    try {
      ancestry = ancestorNames(row).map(managementGroupId)
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error
      malformed = error
    }
    const subscription: GraphSubscription = {
      subscriptionId: id,
      displayName: typeof row.name === 'string' ? row.name : undefined,
      state: typeof properties.state === 'string' ? properties.state : undefined,
      managementGroupAncestry: ancestry,
      assignments: [],
      exemptions: [],
      ...(malformed ? { malformed } : {}),
      ...(pricing ? { serversPricing: pricing } : {})
    }
    subscriptions.set(id.toLowerCase(), subscription)
    for (const group of subscription.managementGroupAncestry) {
      const key = normalizeId(group)
      belowGroup.set(key, [...(belowGroup.get(key) ?? []), subscription])
    }
  }
  const seen = new Set<string>()
  for (const row of policyRows) {
    // A row read twice (a management group and a subscription scope overlap) counts once.
    const key = normalizeId(row.id)
    if (seen.has(key)) continue
    seen.add(key)
    const type = String(row.type ?? '').toLowerCase()
    const field =
      type === POLICY_ASSIGNMENT_TYPE
        ? 'assignments'
        : type === POLICY_EXEMPTION_TYPE
          ? 'exemptions'
          : undefined
    if (!field) continue
    const inside = subscriptionOf(row.id)
    const targets = inside
      ? [subscriptions.get(inside)].filter((s) => s !== undefined)
      : (belowGroup.get(normalizeId(scopeOfResourceId(row.id))) ?? [])
    for (const subscription of targets) subscription[field].push(row)
  }
  return subscriptions
}
