// Everything the rule says about one JIT reference: its effect, its coverage, its evidence.
import { AUDIT_EFFECT, JIT_POLICY_DEFINITION_ID } from '../model.ts'
import type { AssignmentEvidence, PolicyAssignment, SubscriptionSnapshot } from '../model.ts'
import { baseEffect } from './base-effect.ts'
import { limitNote, narrowestLimit } from './coverage.ts'
import { shownEffect } from './effect-phrases.ts'
import { exemptionOutcome } from './exemptions.ts'
import { isBuiltInJitDefinitionId } from './ids.ts'
import { DISABLED } from './effect-values.ts'
import { applyOverrides } from './overrides.ts'
import { resourceSelectorLimits } from './resource-selectors.ts'
import { scopeLimits } from './scopes.ts'
import type {
  Evaluated,
  JitReference,
  Limit,
  ResolvedEffect,
  SubscriptionContext
} from './types.ts'

export function evaluateReference(
  reference: JitReference,
  snapshot: SubscriptionSnapshot,
  context: SubscriptionContext
): Evaluated {
  const { assignment } = reference
  const base = baseEffect(reference, snapshot.jitPolicyDefinition)
  const overridden = applyOverrides(base, reference)
  const exempted = exemptionOutcome(reference, snapshot.exemptions, context)
  const limits: Limit[] = [
    ...definitionLimits(reference),
    ...scopeLimits(assignment, context),
    ...exempted.limits,
    ...resourceSelectorLimits(assignment),
    ...overridden.limits
  ]
  const effect = overridden.effect
  const limit = narrowestLimit(limits)
  const notes = [
    base.note,
    ...overridden.notes,
    ...unknownEffectNotes(effect),
    ...limits.map(limitNote),
    ...exempted.notes,
    ...enforcementNotes(assignment)
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
  return { reference, effect, limit, evidence }
}

// Only the built-in definition feeds Defender for Cloud's JIT recommendation. A custom definition
// given its name can hold any rule, so whoever can write policy could fake an audit with it.
function definitionLimits(reference: JitReference): Limit[] {
  if (isBuiltInJitDefinitionId(reference.definitionId)) return []
  return [
    {
      coverage: 'none',
      cause: `runs ${reference.definitionId}, a custom definition named like the JIT policy, not the built-in ${JIT_POLICY_DEFINITION_ID}`,
      fix: `assign the built-in definition ${JIT_POLICY_DEFINITION_ID} instead`
    }
  ]
}

function unknownEffectNotes(effect: ResolvedEffect): string[] {
  if (effect.known !== null) return []
  return [
    `The effect ${shownEffect(effect)} is neither ${AUDIT_EFFECT} nor ${DISABLED}: it does not count as auditing JIT.`
  ]
}

function enforcementNotes(assignment: PolicyAssignment): string[] {
  if (assignment.enforcementMode.toLowerCase() !== 'donotenforce') return []
  return [
    `enforcementMode DoNotEnforce does not stop ${AUDIT_EFFECT}: Azure still evaluates and reports compliance, so it counts as auditing.`
  ]
}
