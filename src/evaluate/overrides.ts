// The assignment's `overrides` of kind policyEffect, applied in order as Azure applies them: for
// each resource the last override that selects it wins.
import type { Override, Selector } from '../model.ts'
import { effectClause, effectFix } from './effect-phrases.ts'
import { audits, effectValue } from './effect-values.ts'
import { includesIgnoringCase } from './ids.ts'
import type { JitReference, Limit, ResolvedEffect } from './types.ts'

/** How much of the subscription a selector (or an override) reaches. */
type Reach = 'all' | 'part' | 'none'

export interface OverrideOutcome {
  /** The effect where the reference audits, else the effect over the rest of the subscription. */
  effect: ResolvedEffect
  limits: Limit[]
  notes: string[]
}

export function applyOverrides(base: ResolvedEffect, reference: JitReference): OverrideOutcome {
  let everywhere = base
  let somewhere: ResolvedEffect[] = []
  const notes: string[] = []
  const selectingAll: ResolvedEffect[] = []
  for (const [index, override] of reference.assignment.overrides.entries()) {
    if (override.kind.toLowerCase() !== 'policyeffect') continue
    const number = index + 1
    const reach = overrideReach(override, reference.referenceId)
    if (reach === 'none') {
      notes.push(unselectedNote(override, number, reference))
      continue
    }
    const effect = overrideEffect(override, number, reach)
    notes.push(effect.note)
    if (reach === 'all') {
      everywhere = effect
      somewhere = []
      selectingAll.push(effect)
    } else {
      // Whether two location selectors overlap is not worked out: an override that does not
      // audit is taken to win over every earlier partial one that does, so overlapping overrides
      // cannot leave an audit that Azure would not run.
      if (!audits(effect)) somewhere = somewhere.filter((earlier) => !audits(earlier))
      somewhere.push(effect)
    }
  }
  const combined = combine(everywhere, somewhere, reference)
  const conflict = orderConflict(selectingAll, reference)
  return { ...combined, limits: conflict ? [...combined.limits, conflict] : combined.limits, notes }
}

/**
 * Learn says overrides are "evaluated in the order in which they're specified" but not whether
 * the first or the last one that selects a reference wins. Two that both select the JIT reference
 * with values on either side of auditing leave the effect to that unstated rule: undecidable.
 * (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides)
 */
function orderConflict(selecting: ResolvedEffect[], reference: JitReference): Limit | null {
  const first = selecting[0]
  const last = selecting[selecting.length - 1]
  if (first === undefined || last === undefined || audits(first) === audits(last)) return null
  const which =
    reference.referenceId === null ? 'the JIT definition' : `reference ${reference.referenceId}`
  return {
    coverage: 'unknown',
    decidesEffect: true,
    errorCause: 'undecidable',
    cause: `has overrides #${first.overrideNumber} (${first.text}) and #${last.overrideNumber} (${last.text}) that both select ${which}; Azure documents that overrides are evaluated in order, but not whether the first or the last one wins`,
    fix: `keep one policyEffect override that selects ${which}`
  }
}

function overrideReach(override: Override, referenceId: string | null): Reach {
  const reaches = (override.selectors ?? []).map((selector) => selectorReach(selector, referenceId))
  if (reaches.includes('none')) return 'none'
  return reaches.includes('part') ? 'part' : 'all'
}

function selectorReach(selector: Selector, referenceId: string | null): Reach {
  const kind = selector.kind.toLowerCase()
  if (kind === 'policydefinitionreferenceid') return referenceReach(selector, referenceId)
  if (kind === 'resourcelocation') return locationReach(selector)
  // A kind this check does not know: assume it narrows the override to part of the subscription.
  return 'part'
}

/** Azure documents this selector as choosing definitions within an initiative assignment. The
 * definition assigned alone has no reference id: an `in` list cannot name it, and a `notIn` list
 * leaves it out of nothing, so such an override is taken to reach it (the side that cannot pass a
 * disabled audit as enforced). */
function referenceReach(selector: Selector, referenceId: string | null): Reach {
  if (referenceId === null) return selector.in !== undefined ? 'none' : 'all'
  if (selector.in !== undefined)
    return includesIgnoringCase(selector.in, referenceId) ? 'all' : 'none'
  if (selector.notIn !== undefined) {
    return includesIgnoringCase(selector.notIn, referenceId) ? 'none' : 'all'
  }
  return 'all'
}

function locationReach(selector: Selector): Reach {
  if (selector.in !== undefined) return selector.in.length === 0 ? 'none' : 'part'
  if (selector.notIn !== undefined) return selector.notIn.length === 0 ? 'all' : 'part'
  return 'all'
}

function overrideEffect(override: Override, number: number, reach: Reach): ResolvedEffect {
  const value = effectValue(override.value)
  const where =
    reach === 'all' ? '' : ' for the resources its selectors choose, part of the subscription'
  return {
    ...value,
    source: 'override',
    parameter: null,
    overrideNumber: number,
    note: `Override #${number} sets the effect to ${value.text}${where}.`
  }
}

function unselectedNote(override: Override, number: number, reference: JitReference): string {
  if (reference.referenceId === null) {
    return `Override #${number} (${override.value}) selects by policyDefinitionReferenceId in a list, which cannot name the JIT definition assigned alone: it does not apply to it.`
  }
  return `Override #${number} (${override.value}) does not select reference ${reference.referenceId}.`
}

/** The effect that counts and, when only part of the subscription audits, a partial limit. */
function combine(
  everywhere: ResolvedEffect,
  somewhere: ResolvedEffect[],
  reference: JitReference
): { effect: ResolvedEffect; limits: Limit[] } {
  const effects = [everywhere, ...somewhere.filter((effect) => !sameEffect(effect, everywhere))]
  const auditing = effects.find(audits)
  const gap = effects.find((effect) => !audits(effect))
  if (auditing === undefined || gap === undefined) return { effect: everywhere, limits: [] }
  const cause =
    auditing === everywhere
      ? `${effectClause(gap, reference)} for the resources that override selects`
      : `audits only the resources override #${auditing.overrideNumber} selects, and elsewhere ${effectClause(gap, reference)}`
  return {
    effect: auditing,
    limits: [{ coverage: 'partial', cause, fix: effectFix(gap, reference) }]
  }
}

function sameEffect(a: ResolvedEffect, b: ResolvedEffect): boolean {
  if (a.known !== null || b.known !== null) return a.known === b.known
  return a.text.toLowerCase() === b.text.toLowerCase()
}
