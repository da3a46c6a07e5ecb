// The one sentence a person reads first: what decided the verdict and what to change, and how it
// names an effect, where the effect came from, and what would make it audit. Strings from Azure go
// in as they are; reporters escape them for their format.
import {
  acceptedExemptionLabel,
  AUDIT_EFFECT,
  JIT_POLICY_DEFINITION_NAME,
  type PolicyAssignment
} from '../model.ts'
import { audits, describeEffect } from './effects.ts'
import { exemptionSummary } from './exemptions.ts'
import type { Doubt, ExemptionPart, Gap } from './reach.ts'
import type { Universe } from './region.ts'
import type { Evaluated, JitReference, ResolvedEffect } from './types.ts'

/** Most assignments whose causes a partial reason names, and most causes of each; the evidence
 * has the rest. */
export const MAX_CAUSES_NAMED = 4

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

/** JIT audited over all of the subscription by several assignments together, each with where. */
export function togetherReason(
  parts: readonly { evaluated: Evaluated; where: string }[],
  subscription: string
): string {
  const each = parts.map(({ evaluated, where }) => `${who(evaluated)} in ${where}`)
  return `Assignments together audit JIT network access on all of ${subscription}: ${each.join(', and ')}.`
}

/** The part no assignment audits (`where`, described), and what leaves it so: the gaps of each
 * assignment, as its causes and fixes, for at most MAX_CAUSES_NAMED assignments. */
export function uncoveredReason(where: string, gaps: readonly Gap[], subscription: string): string {
  const head = `JIT is audited on only part of ${subscription}: no assignment audits it in ${where}.`
  const byAssignment = new Map<string, Gap[]>()
  for (const gap of gaps) {
    byAssignment.set(gap.assignment.id, [...(byAssignment.get(gap.assignment.id) ?? []), gap])
  }
  const groups = [...byAssignment.values()]
  const named = groups.slice(0, MAX_CAUSES_NAMED).map((group) => {
    const shown = group.slice(0, MAX_CAUSES_NAMED)
    const more = group.length - shown.length
    const causes = [...shown.map((gap) => gap.cause), ...(more > 0 ? [`${more} more`] : [])]
    const fixes = [...new Set(shown.map((gap) => gap.fix))].join(', and ')
    return `Assignment ${placedBy((group[0] as Gap).assignment)} ${causes.join(', and ')}; ${fixes}.`
  })
  const more = groups.length - named.length
  const rest =
    more > 0
      ? ` ${more} more assignment${more === 1 ? ' leaves' : 's leave'} it too (see the evidence).`
      : ''
  return [head, ...named].join(' ') + rest
}

/** What keeps part of the subscription from being decided. */
export function doubtReason(doubt: Doubt, subscription: string): string {
  return `Could not decide whether JIT is audited on ${subscription}: assignment ${placedBy(doubt.assignment)} ${doubt.cause}; ${doubt.fix}.`
}

/** "The run accepts part as covered: accepted: exemption 'X' (Mitigated, expires …) for resource
 * group rg-bastion in every location." for the accepted exemptions the verdict rests on; '' when
 * there are none. */
export function acceptedClause(parts: readonly ExemptionPart[], universe: Universe): string {
  const byExemption = new Map<string, ExemptionPart>()
  for (const part of parts) {
    const known = byExemption.get(part.exemption.id)
    byExemption.set(part.exemption.id, {
      ...part,
      region: part.region | (known?.region ?? part.region)
    })
  }
  if (byExemption.size === 0) return ''
  const each = [...byExemption.values()].map(
    (part) =>
      `${acceptedExemptionLabel(exemptionSummary(part.exemption))} for ${universe.describe(part.region)}`
  )
  return `The run accepts part as covered (accept-mitigated-exemptions): ${each.join(', and ')}.`
}

export function missingSetReason(missing: readonly MissingSet[], subscription: string): string {
  const sets = missing.map(
    ({ assignment, setId, version, why }) =>
      `initiative ${setId}${version === null ? '' : ` version ${version}`}, assigned by '${displayName(assignment)}' at ${assignment.scope}${why === undefined ? '' : ` (${why})`}`
  )
  return `Could not decide whether JIT is audited on ${subscription}: ${sets.join(', and ')} could not be read; ${missingSetFix(missing)}.`
}

/** What to do about the unreadable sets: restore a missing one (404), grant read where one is
 * defined (403), look for what rewrites answers when one was refused for its shape (200), re-run
 * after any other answer, check both when the collector did not say why; each kind once, in that
 * order. */
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
  // 200: it was answered, in a shape the collector refused (the reason names the field).
  if (statuses.has(200)) {
    fixes.push(
      'an initiative answered without the shape Azure documents cannot be read: check whether something between the runner and Azure rewrites the answers'
    )
  }
  const answered = [200, 403, 404]
  if (missing.some((set) => set.why !== undefined && !answered.includes(set.status ?? 0))) {
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

function placedBy(assignment: PolicyAssignment): string {
  return `'${displayName(assignment)}' at ${assignment.scope}`
}

function displayName(assignment: PolicyAssignment): string {
  return assignment.displayName ?? assignment.name
}

/** The effect for a sentence: known effects as written, anything else quoted (describeEffect). */
export function shownEffect(effect: ResolvedEffect): string {
  const described = describeEffect(effect)
  return effect.text !== '' && effect.known === null ? `'${described}'` : described
}

/** A verb phrase, with the assignment as subject, that says which effect it runs and whence. */
export function effectClause(effect: ResolvedEffect, reference: JitReference): string {
  return `${origin(effect, reference)}${effect.known === null ? `, which does not audit JIT (only ${AUDIT_EFFECT} does)` : ''}`
}

function origin(effect: ResolvedEffect, reference: JitReference): string {
  const shown = shownEffect(effect)
  switch (effect.source) {
    case 'parameter':
      return `sets parameter ${effect.parameter} to ${shown}`
    case 'initiative-default':
      return effect.text === ''
        ? `leaves parameter ${effect.parameter} without a value and its initiative gives it no default`
        : `leaves parameter ${effect.parameter} at its initiative default ${shown}`
    case 'definition-default':
      return `runs the JIT definition with its default effect ${shown}`
    case 'literal':
      return `assigns an initiative whose reference ${reference.referenceId} sets the JIT effect to ${shown}`
    case 'override':
      return `overrides the JIT effect to ${shown} (override #${effect.overrideNumber})`
  }
}

/** An imperative phrase that would make this effect AuditIfNotExists. */
export function effectFix(effect: ResolvedEffect, reference: JitReference): string {
  if (effect.source === 'override') {
    return `remove override #${effect.overrideNumber} or set its value to ${AUDIT_EFFECT}`
  }
  if (effect.parameter !== null) return `set parameter ${effect.parameter} to ${AUDIT_EFFECT}`
  return `add a policyEffect override with value ${AUDIT_EFFECT} for reference ${reference.referenceId}`
}
