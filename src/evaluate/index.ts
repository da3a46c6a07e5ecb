// The rule (docs/design.md, "The rule") as a pure function, the entry of src/evaluate/: a
// snapshot of what applies to one subscription in, its verdict with evidence out, deciding
// reference first. No I/O, no clock, no Azure.
import { managementGroupName, normalizeId } from '../azure-ids.ts'
import type { ErrorCause, SubscriptionResult, SubscriptionSnapshot, Verdict } from '../model.ts'
import { weighDefenderPlan } from './defender-plan.ts'
import { audits } from './effects.ts'
import { subscriptionScope } from './ids.ts'
import {
  compliantReason,
  missingSetReason,
  noncompliantReason,
  nothingRunsReason,
  partialReason,
  undecidedReason,
  type MissingSet
} from './reasons.ts'
import type { Evaluated, SubscriptionContext } from './types.ts'
import { evaluateAssignment } from './versions.ts'

/** What the run decides verdicts for, beside the snapshot. */
export interface EvaluationOptions {
  /** The verdicts that fail the step (`fail-on`): a Defender for Servers plan that could not be
   * read is `error` instead of `partial` where `fail-on` lists both (defender-plan.ts). Absent:
   * `partial`. */
  failOn?: ReadonlySet<Verdict>
}

/**
 * The verdict of one subscription from its snapshot, with the evidence of every assignment that
 * runs the JIT definition, deciding reference first, for the run's `options`. Pure; throws only on
 * a defect (the caller turns that into an `internal` error verdict).
 */
export function evaluateSubscription(
  snapshot: SubscriptionSnapshot,
  options: EvaluationOptions = {}
): SubscriptionResult {
  const context = subscriptionContext(snapshot)
  const evaluated: Evaluated[] = []
  const missing: MissingSet[] = []
  for (const assignment of snapshot.assignments) {
    const outcome = evaluateAssignment(assignment, snapshot, context)
    evaluated.push(...outcome.evaluated)
    missing.push(...outcome.missing)
  }
  const decided = decide(snapshot.subscriptionId, rank(evaluated), missing)
  return weighDefenderPlan(decided, snapshot, options.failOn)
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

/** Where a reference stands, best first. */
const STANDINGS = ['audits', 'undecided', 'audits-part', 'runs', 'excluded'] as const
type Standing = (typeof STANDINGS)[number]

function standing(evaluated: Evaluated): Standing {
  const { coverage } = evaluated.evidence
  if (coverage === 'none') return 'excluded'
  if (evaluated.undecided !== null) return 'undecided'
  if (!audits(evaluated.effect)) return 'runs'
  return coverage === 'full' ? 'audits' : 'audits-part'
}

/** Stable: references that stand equally keep the order of the assignments. */
export function rank(evaluated: readonly Evaluated[]): Evaluated[] {
  const position = (item: Evaluated) => STANDINGS.indexOf(standing(item))
  return [...evaluated].sort((a, b) => position(a) - position(b))
}

export function decide(
  subscriptionId: string,
  ranked: readonly Evaluated[],
  missing: readonly MissingSet[]
): SubscriptionResult {
  const decided = ranked[0]
  const runs = decided !== undefined && standing(decided) !== 'excluded'
  return {
    subscriptionId,
    ...verdictAndReason(decided, missing, `/subscriptions/${subscriptionId}`),
    effectiveEffect: runs ? (decided.effect.known ?? decided.effect.text) : null,
    assignments: ranked.map((item) => item.evidence)
  }
}

function verdictAndReason(
  decided: Evaluated | undefined,
  missing: readonly MissingSet[],
  subscription: string
): Pick<SubscriptionResult, 'verdict' | 'reason' | 'errorCause' | 'unreadableInitiatives'> {
  if (decided !== undefined && standing(decided) === 'audits') {
    return { verdict: 'compliant', reason: compliantReason(decided, subscription) }
  }
  if (missing.length > 0)
    return {
      verdict: 'error',
      reason: missingSetReason(missing, subscription),
      errorCause: 'unreadable-initiative',
      unreadableInitiatives: missing.map((set) => ({
        policySetDefinitionId: set.setId,
        assignmentId: set.assignment.id,
        assignmentDisplayName: set.assignment.displayName ?? set.assignment.name,
        assignmentScope: set.assignment.scope,
        status: set.status
      }))
    }
  if (decided === undefined)
    return { verdict: 'noncompliant', reason: nothingRunsReason(subscription) }
  switch (standing(decided)) {
    case 'undecided':
      return {
        verdict: 'error',
        reason: undecidedReason(decided, subscription),
        errorCause: decided.undecided?.errorCause ?? 'undecidable'
      }
    case 'audits-part':
      return { verdict: 'partial', reason: partialReason(decided, subscription) }
    default:
      return { verdict: 'noncompliant', reason: noncompliantReason(decided, subscription) }
  }
}
