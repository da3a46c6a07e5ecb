// The rule (docs/design.md, "The rule") as a pure function, the entry of src/evaluate/: a
// snapshot of what applies to one subscription in, its verdict with evidence out, deciding
// reference first. No I/O, no clock, no Azure.
import { managementGroupName, normalizeId } from '../azure-ids.ts'
import type {
  ErrorCause,
  ExemptionRules,
  ExpiringExemption,
  SubscriptionResult,
  SubscriptionSnapshot,
  Verdict
} from '../model.ts'
import { weighDefenderPlan } from './defender-plan.ts'
import { distinctExemptions, endingWithin, justAfter } from './exemption-ends.ts'
import { exemptionSummary } from './exemptions.ts'
import { subscriptionScope } from './ids.ts'
import { universeOf } from './region.ts'
import type { SubscriptionContext } from './types.ts'
import { decideTogether } from './union.ts'
import { evaluateAssignment } from './versions.ts'

export { crossCheck, type CrossChecked } from './cross-check.ts'

/** The rules when the caller gives none: no exemption is accepted, no exemption's end named. */
export const STRICT_EXEMPTION_RULES: ExemptionRules = { acceptMitigated: 'none', expiryDays: 0 }

/** What the run decides verdicts for, beside the snapshot: its exemption rules (absent ones are
 * STRICT_EXEMPTION_RULES') and the verdicts that fail the step (`fail-on`: a Defender for Servers
 * plan that could not be read is `error` instead of `partial` where `fail-on` lists both,
 * defender-plan.ts; absent: `partial`). */
export interface EvaluationOptions extends Partial<ExemptionRules> {
  failOn?: ReadonlySet<Verdict>
}

/**
 * The verdict of one subscription from its snapshot, with the evidence of every assignment that
 * runs the JIT definition, deciding reference first: what the assignments audit together, then
 * the Defender for Servers plan weighed in for `options.failOn`. The exemption rules of `options`
 * say which exemptions of category Mitigated count as covering their part, and how far ahead
 * exemptions' ends are named with the verdict each leaves (`expiringExemptions`). Pure; throws only on a defect (the caller turns that into
 * an `internal` error verdict).
 */
export function evaluateSubscription(
  snapshot: SubscriptionSnapshot,
  options: EvaluationOptions = {}
): SubscriptionResult {
  const { failOn, ...given } = options
  const rules: ExemptionRules = { ...STRICT_EXEMPTION_RULES, ...given }
  const { result, exemptions } = policyVerdict(snapshot, rules)
  const weighed = weighDefenderPlan(result, snapshot, failOn)
  const endings = endingWithin(exemptions, snapshot.collectedAt, rules.expiryDays)
  if (endings.length === 0) return weighed
  const expiringExemptions = endings.map(({ exemption, accepted, endsAt }): ExpiringExemption => {
    const later = { ...snapshot, collectedAt: justAfter(endsAt) }
    const ended = weighDefenderPlan(policyVerdict(later, rules).result, later, failOn)
    return { ...exemptionSummary(exemption), accepted, verdictWhenEnded: ended.verdict }
  })
  return { ...weighed, expiringExemptions }
}

/** The verdict from policy alone, and every exemption that takes part of where JIT would be
 * audited. */
function policyVerdict(snapshot: SubscriptionSnapshot, rules: ExemptionRules) {
  const context = subscriptionContext(snapshot, rules)
  const outcomes = snapshot.assignments.map((assignment) =>
    evaluateAssignment(assignment, snapshot, context)
  )
  const { result, accepted } = decideTogether(snapshot.subscriptionId, outcomes, context.universe)
  const exemptions = outcomes.flatMap((outcome) => outcome.reach.exemptions)
  if (accepted.length === 0) return { result, exemptions }
  const acceptedExemptions = distinctExemptions(accepted).map(exemptionSummary)
  return { result: { ...result, acceptedExemptions }, exemptions }
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

function subscriptionContext(
  snapshot: SubscriptionSnapshot,
  rules: ExemptionRules
): SubscriptionContext {
  const ancestry = snapshot.managementGroupAncestry
  const assignedGroups = snapshot.assignments.map((assignment) =>
    managementGroupName(assignment.scope)
  )
  const scope = subscriptionScope(snapshot.subscriptionId)
  return {
    subscriptionId: snapshot.subscriptionId,
    scope,
    ancestry: ancestry === undefined ? null : new Set(ancestry.map(groupKey)),
    knownAncestors: new Set(assignedGroups.filter((name) => name !== null)),
    ancestryError: snapshot.managementGroupAncestryError,
    collectedAt: snapshot.collectedAt,
    universe: universeOf(snapshot, scope),
    rules
  }
}

/** Ancestry entries are management group ids; a bare name is accepted too. */
function groupKey(entry: string): string {
  return managementGroupName(entry) ?? normalizeId(entry)
}
