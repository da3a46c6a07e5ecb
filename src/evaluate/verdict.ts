// From every evaluated JIT reference to the subscription's verdict, deciding reference first.
import type { SubscriptionResult } from '../model.ts'
import { audits } from './effect-values.ts'
import {
  compliantReason,
  missingSetReason,
  noncompliantReason,
  nothingRunsReason,
  partialReason,
  undecidedReason
} from './reasons.ts'
import type { MissingSet } from './reasons.ts'
import type { Evaluated } from './types.ts'

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
