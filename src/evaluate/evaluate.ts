// The rule (docs/design.md, "The rule") as a pure function: a snapshot of what
// applies to one subscription in, its verdict with evidence out. No I/O, no clock, no Azure.
import type { ErrorCause, SubscriptionResult, SubscriptionSnapshot } from '../model.ts'
import { managementGroupName, normalizeId } from '../azure-ids.ts'
import { weighDefenderPlan } from './defender-plan.ts'
import { subscriptionScope } from './ids.ts'
import type { MissingSet } from './reasons.ts'
import type { Evaluated, SubscriptionContext } from './types.ts'
import { decide, rank } from './verdict.ts'
import { evaluateAssignment } from './versions.ts'

/**
 * The verdict of one subscription from its snapshot, with the evidence of every assignment that
 * runs the JIT definition, deciding reference first. Pure; throws only on a defect (the caller
 * turns that into an `internal` error verdict).
 */
export function evaluateSubscription(snapshot: SubscriptionSnapshot): SubscriptionResult {
  const context = subscriptionContext(snapshot)
  const evaluated: Evaluated[] = []
  const missing: MissingSet[] = []
  for (const assignment of snapshot.assignments) {
    const outcome = evaluateAssignment(assignment, snapshot, context)
    evaluated.push(...outcome.evaluated)
    missing.push(...outcome.missing)
  }
  return weighDefenderPlan(decide(snapshot.subscriptionId, rank(evaluated), missing), snapshot)
}

/** The verdict for a subscription the collector could not read; `message` says what to do. */
export function collectionErrorResult(
  subscriptionId: string,
  message: string,
  cause: ErrorCause
): SubscriptionResult {
  return {
    subscriptionId,
    verdict: 'error',
    reason: message,
    effectiveEffect: null,
    assignments: [],
    errorCause: cause
  }
}

function subscriptionContext(snapshot: SubscriptionSnapshot): SubscriptionContext {
  const ancestry = snapshot.managementGroupAncestry
  const assignedGroups = snapshot.assignments.map((assignment) =>
    managementGroupName(assignment.scope)
  )
  return {
    subscriptionId: snapshot.subscriptionId,
    scope: subscriptionScope(snapshot.subscriptionId),
    ancestry: ancestry === undefined ? null : new Set(ancestry.map(groupKey)),
    knownAncestors: new Set(assignedGroups.filter((name) => name !== null)),
    ancestryError: snapshot.managementGroupAncestryError,
    collectedAt: snapshot.collectedAt
  }
}

/** Ancestry entries are management group ids; a bare name is accepted too. */
function groupKey(entry: string): string {
  return managementGroupName(entry) ?? normalizeId(entry)
}
