// Coverage of the subscription by one JIT reference: what limits it by scope (where the assignment
// was made and its notScopes, against the subscription and its management-group ancestry), and the
// narrowest of everything that limits it.
import { managementGroupName, normalizeId } from '../azure-ids.ts'
import type { Coverage, PolicyAssignment } from '../model.ts'
import { isInside } from './ids.ts'
import { NOWHERE } from './region.ts'
import type { Limit, SubscriptionContext } from './types.ts'

const NARROWNESS: Record<Coverage, number> = { full: 0, partial: 1, unknown: 2, none: 3 }

/** What stands when nothing limits a reference. */
const NO_LIMIT: Limit = {
  coverage: 'full',
  cause: 'covers the whole subscription',
  fix: 'keep it as it is',
  region: NOWHERE
}

/** The first of the narrowest limits, or NO_LIMIT. `none` beats `unknown` (whatever the unknown,
 * the reference does not cover the subscription), which beats `partial`. */
export function narrowestLimit(limits: readonly Limit[]): Limit {
  let narrowest = NO_LIMIT
  for (const limit of limits) {
    if (NARROWNESS[limit.coverage] > NARROWNESS[narrowest.coverage]) narrowest = limit
  }
  return narrowest
}

export function limitNote(limit: Limit): string {
  return `Coverage ${limit.coverage}: the assignment ${limit.cause}.`
}

const ANCESTRY_PERMISSION =
  "grant the action's identity Microsoft.Management/managementGroups/descendants/read (in the Reader role) on the excluded management group so the check can tell whether the subscription is below it"

/** What limits `assignment` by scope, each with the part it takes (or leaves in doubt). */
export function scopeLimits(assignment: PolicyAssignment, context: SubscriptionContext): Limit[] {
  const { every, inside } = context.universe
  const limits = assignment.notScopes.flatMap((notScope) => notScopeLimit(notScope, context))
  const scope = normalizeId(assignment.scope)
  const applies =
    scope === context.scope || managementGroupName(scope) !== null || isInside(scope, context.scope)
  if (!applies) {
    // The collector lists only assignments that apply to S; one from elsewhere is ignored, never
    // counted (https://learn.microsoft.com/azure/governance/policy/concepts/scope).
    limits.push({
      coverage: 'none',
      cause: `is assigned at ${assignment.scope}, which does not contain /subscriptions/${context.subscriptionId}, so it does not apply there; it is ignored`,
      fix: `assign it at /subscriptions/${context.subscriptionId} or a management group above it`,
      region: every
    })
  } else if (isInside(scope, context.scope)) {
    limits.push({
      coverage: 'partial',
      cause: `is assigned at ${assignment.scope}, inside /subscriptions/${context.subscriptionId}`,
      fix: `assign it at /subscriptions/${context.subscriptionId} or above`,
      region: every & ~inside(assignment.scope)
    })
  }
  return limits
}

function notScopeLimit(notScope: string, context: SubscriptionContext): Limit[] {
  const subscription = `/subscriptions/${context.subscriptionId}`
  const fix = `remove ${notScope} from its notScopes`
  const region = context.universe.every
  if (normalizeId(notScope) === context.scope) {
    return [{ coverage: 'none', cause: `excludes ${notScope} in its notScopes`, fix, region }]
  }
  if (isInside(notScope, context.scope)) {
    const cause = `excludes ${notScope} in its notScopes`
    return [{ coverage: 'partial', cause, fix, region: context.universe.inside(notScope) }]
  }
  const group = managementGroupName(notScope)
  if (group === null) return []
  if (isAncestor(group, context)) {
    const cause = `excludes management group ${notScope}, which contains ${subscription}, in its notScopes`
    return [{ coverage: 'none', cause, fix, region }]
  }
  if (context.ancestry !== null) return []
  const error = context.ancestryError === undefined ? '' : ` (${context.ancestryError})`
  const cause = `excludes management group ${notScope} in its notScopes, and the management-group ancestry of ${subscription} could not be read${error} to tell whether that group contains it`
  return [
    {
      coverage: 'unknown',
      cause,
      fix: ANCESTRY_PERMISSION,
      errorCause: 'unknown-ancestry',
      region
    }
  ]
}

function isAncestor(group: string, context: SubscriptionContext): boolean {
  return context.knownAncestors.has(group) || (context.ancestry?.has(group) ?? false)
}
