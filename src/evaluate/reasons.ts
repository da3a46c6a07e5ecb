// The one sentence a person reads first: what decided the verdict and what to change.
// Strings from Azure go in as they are; reporters escape them for their format.
import { JIT_POLICY_DEFINITION_NAME } from '../model.ts'
import { effectClause, effectFix } from './effects.ts'
import { audits } from './effects.ts'
import type { PolicyAssignment } from '../model.ts'
import type { Evaluated } from './types.ts'

/** A set definition an assignment names that the collector could not read. */
export interface MissingSet {
  assignment: PolicyAssignment
  setId: string
  /** The version asked for, as written; null: the latest. */
  version: string | null
  why: string | undefined
  /** Resource Manager's HTTP status for it; null when there was no answer or it is unknown. */
  status: number | null
}

export function compliantReason(decided: Evaluated, subscription: string): string {
  return `Assignment ${who(decided)} audits JIT network access on ${subscription}: it ${effectClause(decided.effect, decided.reference)}.`
}

export function partialReason(decided: Evaluated, subscription: string): string {
  const { limit } = decided
  return `Assignment ${who(decided)} audits JIT only on part of ${subscription}: it ${limit.cause}; ${limit.fix}.`
}

export function undecidedReason(decided: Evaluated, subscription: string): string {
  const { cause, fix } = decided.undecided ?? decided.limit
  return `Could not decide whether JIT is audited on ${subscription}: assignment ${who(decided)} ${cause}; ${fix}.`
}

export function missingSetReason(missing: readonly MissingSet[], subscription: string): string {
  const sets = missing.map(
    ({ assignment, setId, version, why }) =>
      `initiative ${setId}${version === null ? '' : ` version ${version}`}, assigned by '${displayName(assignment)}' at ${assignment.scope}${why === undefined ? '' : ` (${why})`}`
  )
  return `Could not decide whether JIT is audited on ${subscription}: ${sets.join(', and ')} could not be read; ${missingSetFix(missing)}.`
}

/** What to do about the unreadable sets: restore a missing one (404), grant read where one is
 * defined (403), re-run after any other answer, check both when the collector did not say why;
 * each kind once, in that order. */
function missingSetFix(missing: readonly MissingSet[]): string {
  const statuses = new Set(missing.map((set) => set.status))
  const fixes: string[] = []
  if (statuses.has(404)) {
    fixes.push(
      'an initiative that answers 404 is missing (deleted, or moved): restore it, or point the assignment that names it at one that exists'
    )
  }
  if (statuses.has(403)) {
    fixes.push(
      "grant the action's identity read access to policy set definitions (Microsoft.Authorization/policySetDefinitions/read) at the scope where the initiative is defined"
    )
  }
  if (missing.some((set) => set.why !== undefined && set.status !== 403 && set.status !== 404)) {
    fixes.push('re-run the check (Resource Manager did not answer it this time)')
  }
  if (missing.some((set) => set.why === undefined)) {
    fixes.push(
      "check that the initiative exists and that the action's identity may read it (Microsoft.Authorization/policySetDefinitions/read) where it is defined"
    )
  }
  return fixes.join('; ')
}

export function nothingRunsReason(subscription: string): string {
  return `No policy assignment that applies to ${subscription} runs the JIT definition (${JIT_POLICY_DEFINITION_NAME}); assign the Microsoft cloud security benchmark or the definition itself.`
}

export function noncompliantReason(decided: Evaluated, subscription: string): string {
  const { effect, reference } = decided
  if (decided.evidence.coverage !== 'none') {
    return `Assignment ${who(decided)} ${effectClause(effect, reference)}; ${effectFix(effect, reference)}.`
  }
  const { limit } = decided
  const alsoEffect = audits(effect) ? '' : `, and ${effectFix(effect, reference)}`
  return `Assignment ${who(decided)} does not audit JIT on ${subscription}: it ${limit.cause}; ${limit.fix}${alsoEffect}.`
}

function who(evaluated: Evaluated): string {
  return `'${evaluated.evidence.displayName}' at ${evaluated.evidence.scope}`
}

function displayName(assignment: PolicyAssignment): string {
  return assignment.displayName ?? assignment.name
}
