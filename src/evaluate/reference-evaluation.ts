// Everything the rule says about one JIT reference: its effect, its coverage, its evidence.
import { AUDIT_EFFECT, JIT_POLICY_DEFINITION_ID } from '../model.ts'
import type { AssignmentEvidence, PolicyAssignment, SubscriptionSnapshot } from '../model.ts'
import { baseEffect } from './base-effect.ts'
import { limitNote, narrowestLimit } from './coverage.ts'
import { definitionPins } from './definition-pins.ts'
import { shownEffect } from './reasons.ts'
import { exemptionOutcome } from './exemptions.ts'
import { isBuiltInJitDefinitionId } from './ids.ts'
import { audits, DISABLED } from './effects.ts'
import { locationCoverage } from './location-coverage.ts'
import { EVERY_LOCATION } from './locations.ts'
import { applyOverrides } from './overrides.ts'
import { referenceReach } from './reference-reach.ts'
import type { Region } from './region.ts'
import { evaluatedLocations } from './resource-selectors.ts'
import { scopeLimits } from './coverage.ts'
import type {
  Evaluated,
  JitReference,
  Limit,
  ResolvedEffect,
  SubscriptionContext,
  Undecided
} from './types.ts'

/** The effect, coverage, evidence and reach of `reference`; `extraLimits` are limits from outside
 * it (the versions its assignment runs, versions.ts), weighed with its own in the evidence; of
 * them, only those that leave part in doubt count in its reach. */
export function evaluateReference(
  reference: JitReference,
  snapshot: SubscriptionSnapshot,
  context: SubscriptionContext,
  extraLimits: Limit[] = []
): Evaluated {
  const { assignment } = reference
  const { universe } = context
  const base = baseEffect(reference, snapshot.jitPolicyDefinition)
  const overridden = applyOverrides(base, reference, universe)
  const exempted = exemptionOutcome(reference, snapshot.exemptions, context)
  const evaluated = evaluatedLocations(assignment, universe)
  const located = locationCoverage(reference, evaluated.part, exempted.parts, overridden, universe)
  const pinned = definitionPins(reference, snapshot.jitPolicyDefinition, universe)
  const scope = [
    ...definitionLimits(reference, universe.every),
    ...scopeLimits(assignment, context)
  ]
  const limits: Limit[] = [
    ...scope,
    ...exempted.limits,
    ...evaluated.limits,
    ...located.limits,
    ...overridden.limits,
    ...pinned.limits,
    ...extraLimits
  ]
  const effect = located.effect
  const limit = narrowestLimit(limits)
  const undecided = undecidedOf(effect, limit, assignment)
  const notes = [
    base.note,
    ...overridden.notes,
    ...pinned.notes,
    ...(effect.undecidable === undefined ? unknownEffectNotes(effect) : []),
    ...limits.map(limitNote),
    ...exempted.notes,
    enforcementNote(assignment)
  ]
  const evidence: AssignmentEvidence = {
    id: assignment.id,
    displayName: assignment.displayName ?? assignment.name,
    scope: assignment.scope,
    policyDefinitionId: assignment.policyDefinitionId,
    policyDefinitionReferenceId: reference.referenceId,
    effect: effect.text,
    effectSource: effect.source,
    enforcementMode: assignment.enforcementMode,
    coverage: limit.coverage,
    effectParameter: effect.parameter,
    exemptionIds: exempted.exemptionIds,
    notes
  }
  const reach = referenceReach({
    reference,
    context,
    scope,
    exempted,
    evaluated: evaluated.part?.locations ?? EVERY_LOCATION,
    overridden,
    located,
    unknown: [...evaluated.limits, ...overridden.limits, ...pinned.limits, ...extraLimits],
    effectUndecided: effectUndecided(effect),
    enforcementUndecided: audits(effect) ? enforcementUndecided(assignment) : null
  })
  return { reference, effect, limit, undecided, evidence, reach }
}

// Only the built-in definition feeds Defender for Cloud's JIT recommendation. A custom definition
// given its name can hold any rule, so whoever can write policy could fake an audit with it.
function definitionLimits(reference: JitReference, every: Region): Limit[] {
  if (isBuiltInJitDefinitionId(reference.definitionId)) return []
  return [
    {
      coverage: 'none',
      cause: `runs ${reference.definitionId}, a custom definition named like the JIT policy, not the built-in ${JIT_POLICY_DEFINITION_ID}`,
      fix: `assign the built-in definition ${JIT_POLICY_DEFINITION_ID} instead`,
      region: every
    }
  ]
}

function unknownEffectNotes(effect: ResolvedEffect): string[] {
  if (effect.known !== null) return []
  return [
    `The effect ${shownEffect(effect)} is neither ${AUDIT_EFFECT} nor ${DISABLED}: it does not count as auditing JIT.`
  ]
}

/** What keeps the reference from being decided: an effect that cannot be evaluated, an auditing
 * effect whose coverage is unknown, or an enforcement mode Azure does not document. */
function undecidedOf(
  effect: ResolvedEffect,
  limit: Limit,
  assignment: PolicyAssignment
): Undecided | null {
  const unevaluated = effectUndecided(effect)
  if (unevaluated !== null) return unevaluated
  if (limit.coverage === 'unknown' && (audits(effect) || limit.decidesEffect === true)) {
    return { cause: limit.cause, fix: limit.fix, errorCause: limit.errorCause ?? 'undecidable' }
  }
  return audits(effect) ? enforcementUndecided(assignment) : null
}

function effectUndecided(effect: ResolvedEffect): Undecided | null {
  if (effect.undecidable === undefined) return null
  return {
    cause: `sets the JIT effect through an expression this check cannot decide (${effect.undecidable})`,
    fix: "check the initiative's effect expression and the parameters it reads, or set the effect with a policyEffect override",
    errorCause: 'undecidable'
  }
}

function enforcementUndecided(assignment: PolicyAssignment): Undecided | null {
  if (enforcementMode(assignment) !== undefined) return null
  return {
    cause: `has enforcementMode '${assignment.enforcementMode}', which Azure does not document (only ${Object.keys(ENFORCEMENT_MODES).join(', ')})`,
    fix: "check the assignment's enforcementMode",
    errorCause: 'undecidable'
  }
}

// https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#enforcement-mode
// and https://learn.microsoft.com/azure/governance/policy/concepts/enrollment-structure: every
// mode still evaluates resources and records compliance; the modes differ only in whether the
// effect is enforced at creation or update, which an audit never does.
const ENFORCEMENT_MODES: Record<string, string> = {
  Default: 'the effect is enforced',
  DoNotEnforce:
    'the effect is not enforced at creation or update, but Azure still evaluates resources and records compliance',
  Enroll:
    'the effect is enforced only on enrolled resources, but resources that are not enrolled still get compliance records'
}

function enforcementMode(assignment: PolicyAssignment): string | undefined {
  const wanted = assignment.enforcementMode.toLowerCase()
  return Object.keys(ENFORCEMENT_MODES).find((mode) => mode.toLowerCase() === wanted)
}

function enforcementNote(assignment: PolicyAssignment): string {
  const mode = enforcementMode(assignment)
  if (mode === undefined) {
    return `enforcementMode '${assignment.enforcementMode}' is not one Azure documents; whether it audits cannot be decided.`
  }
  return `enforcementMode ${mode}: ${ENFORCEMENT_MODES[mode]}, so ${AUDIT_EFFECT} still audits.`
}
