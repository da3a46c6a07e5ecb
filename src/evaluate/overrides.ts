// The assignment's `overrides` of kind policyEffect, by the locations each one selects, and the
// order of an assignment's overrides. Learn says they are "evaluated in the order in which they're
// specified", not whether the first or the last one that selects a resource wins
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides):
// overrides of kind policyEffect (here) and definitionVersion (versions.ts) are both worked out in
// the two readings, first wins and last wins, and location-coverage.ts decides only where they
// agree.
import type { Override, Selector } from '../model.ts'
import { audits, effectValue, quotedValue } from './effects.ts'
import { includesIgnoringCase } from './ids.ts'
import {
  describeLocations,
  difference,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  NO_LOCATION,
  overlap,
  sameLocations,
  selectorLocations,
  union,
  type Locations
} from './locations.ts'
import { effectClause, effectFix } from './reasons.ts'
import type { Region, Universe } from './region.ts'
import { listAdmits } from './resource-selectors.ts'
import type { JitReference, Limit, LocationPart, ResolvedEffect } from './types.ts'

/** A policyEffect override that selects the reference, and where. */
export interface SelectingOverride extends Ordered {
  effect: ResolvedEffect
}

/** Where the effect audits when overrides win in one order. */
export interface EffectReading {
  /** The effect where the reference audits, else the effect over the whole subscription. */
  effect: ResolvedEffect
  /** The locations where the effect audits. */
  audited: Locations
  /** The location overrides that decide `audited`, when it is not simply all or none. */
  parts: LocationPart[]
}

export interface OverrideOutcome {
  /** The reading where the last override that selects a resource wins. */
  lastWins: EffectReading
  /** The reading where the first wins, with the first auditing and non-auditing overrides whose
   * locations overlap; null when there are none, so that the order cannot matter. */
  firstWins: { reading: EffectReading; pair: [SelectingOverride, SelectingOverride] } | null
  /** `unknown` limits for overrides whose selectors this check cannot decide. */
  limits: Limit[]
  notes: string[]
}

/** The policyEffect overrides of `reference`'s assignment, read both ways; an override whose
 * selectors cannot be decided leaves every part of `universe` in doubt. */
export function applyOverrides(
  base: ResolvedEffect,
  reference: JitReference,
  universe: Universe
): OverrideOutcome {
  const selecting: SelectingOverride[] = []
  const limits: Limit[] = []
  const notes: string[] = []
  for (const [index, override] of reference.assignment.overrides.entries()) {
    if (override.kind.toLowerCase() !== 'policyeffect') continue
    const number = index + 1
    const reach = overrideReach(override, reference.referenceId)
    if (reach === 'reference') {
      notes.push(unselectedNote(override, number, reference))
    } else if (Array.isArray(reach)) {
      limits.push(unknownSelectorLimit(override, number, reach, universe.every))
    } else if (isNone(reach)) {
      notes.push(`Override #${number} (${override.value}) selects no location: it applies nowhere.`)
    } else {
      const effect = overrideEffect(override, number, reach)
      notes.push(effect.note)
      selecting.push({ effect, locations: reach, audits: audits(effect) })
    }
  }
  const pair = overlappingPair(selecting)
  return {
    lastWins: reading(base, selecting, reference),
    firstWins: pair && { reading: reading(base, [...selecting].reverse(), reference), pair },
    limits,
    notes
  }
}

/** Where the effect audits when, for each resource, the last override in `ordered` that selects
 * it wins (below), with the parts that decide it. */
function reading(
  base: ResolvedEffect,
  ordered: readonly SelectingOverride[],
  reference: JitReference
): EffectReading {
  const baseOverride = { effect: base, locations: EVERY_LOCATION, audits: audits(base) }
  const layering = lastWins(baseOverride, ordered)
  const { audited, changing } = layering
  const everywhere = layering.everywhere.effect
  const auditing = changing.find((override) => audits(override.effect))?.effect
  const effect = audits(everywhere) || isNone(audited) ? everywhere : (auditing ?? everywhere)
  const parts = changing.map((override): LocationPart => {
    const { effect: value, locations } = override
    if (!audits(value)) {
      const cause = `${effectClause(value, reference)} for the resources that override selects`
      return { locations, taken: locations, cause, fix: effectFix(value, reference) }
    }
    if (value !== auditing || audits(everywhere)) {
      const cause = `audits the resources override #${value.overrideNumber} selects`
      return { locations, taken: NO_LOCATION, cause }
    }
    const cause = `audits only the resources override #${value.overrideNumber} selects, and elsewhere ${effectClause(everywhere, reference)}`
    const taken = difference(EVERY_LOCATION, locations)
    return { locations, taken, cause, fix: effectFix(everywhere, reference) }
  })
  return { effect, audited, parts }
}

/** The order-conflict limit: the two readings differ, in `region`. */
export function orderConflict(
  [first, second]: [SelectingOverride, SelectingOverride],
  reference: JitReference,
  whereAudited: { firstWins: Locations; lastWins: Locations },
  region: Region
): Limit {
  const which =
    reference.referenceId === null ? 'the JIT definition' : `reference ${reference.referenceId}`
  const common = commonLocations([first, second])
  const where = isEvery(common) ? '' : ` ${describeLocations(common)}`
  return {
    coverage: 'unknown',
    decidesEffect: true,
    errorCause: 'undecidable',
    region,
    cause: `has overrides #${first.effect.overrideNumber} (${quotedValue(first.effect.text)}) and #${second.effect.overrideNumber} (${quotedValue(second.effect.text)}) that both select ${which}${where}; ${orderClause(whereAudited)}`,
    fix: `keep one policyEffect override that selects ${which}, or give overrides #${first.effect.overrideNumber} and #${second.effect.overrideNumber} resourceLocation selectors that do not overlap`
  }
}

const OVERRIDE_SELECTOR_KINDS = ['policyDefinitionReferenceId', 'resourceLocation']

/** The locations an override selects; `reference` when it does not select the reference; the
 * selector kinds Learn does not list for policyEffect overrides, when it has any. */
function overrideReach(
  override: Override,
  referenceId: string | null
): Locations | 'reference' | string[] {
  const selectors = override.selectors ?? []
  const byReference = selectors.filter(
    (selector) => selector.kind.toLowerCase() === 'policydefinitionreferenceid'
  )
  if (!byReference.every((selector) => selectsReference(selector, referenceId))) return 'reference'
  const unknown = selectors
    .map((selector) => selector.kind)
    .filter((kind) => !includesIgnoringCase(OVERRIDE_SELECTOR_KINDS, kind))
  if (unknown.length > 0) return unknown
  return selectors
    .filter((selector) => selector.kind.toLowerCase() === 'resourcelocation')
    .map((selector) => selectorLocations(selector) ?? EVERY_LOCATION)
    .reduce(intersection, EVERY_LOCATION)
}

/** Azure documents this selector as choosing definitions within an initiative assignment. The
 * definition assigned alone has no reference id: an `in` list cannot name it, and a `notIn` list
 * leaves it out of nothing, so such an override is taken to reach it (the side that cannot pass a
 * disabled audit as enforced). */
function selectsReference(selector: Selector, referenceId: string | null): boolean {
  return referenceId === null ? selector.in === undefined : listAdmits(selector, referenceId)
}

function unknownSelectorLimit(
  override: Override,
  number: number,
  kinds: string[],
  region: Region
): Limit {
  return {
    coverage: 'unknown',
    decidesEffect: true,
    errorCause: 'undecidable',
    region,
    cause: `has override #${number} (${override.value}) with a selector of kind ${kinds.map((kind) => `'${kind}'`).join(', ')}, which Azure does not document for overrides of kind policyEffect (only ${OVERRIDE_SELECTOR_KINDS.join(' and ')}), so which resources it selects cannot be decided`,
    fix: `check override #${number}: select by ${OVERRIDE_SELECTOR_KINDS.join(' or ')}`
  }
}

function overrideEffect(override: Override, number: number, locations: Locations): ResolvedEffect {
  const value = effectValue(override.value)
  const where = isEvery(locations) ? '' : ` ${describeLocations(locations)}`
  return {
    ...value,
    source: 'override',
    parameter: null,
    overrideNumber: number,
    note: `Override #${number} sets the effect to ${quotedValue(value.text)}${where}.`
  }
}

function unselectedNote(override: Override, number: number, reference: JitReference): string {
  if (reference.referenceId === null) {
    return `Override #${number} (${override.value}) selects by policyDefinitionReferenceId in a list, which cannot name the JIT definition assigned alone: it does not apply to it.`
  }
  return `Override #${number} (${override.value}) does not select reference ${reference.referenceId}.`
}

/** What an override sets in the locations it selects, reduced to whether JIT is audited there. */
export interface Ordered {
  audits: boolean
  locations: Locations
}

/** Where JIT is audited in one reading. */
export interface Layering<T extends Ordered> {
  /** What holds in every location before location overrides change it: the last override that
   * selects every location, else the base. */
  everywhere: T
  /** The locations where JIT is audited. */
  audited: Locations
  /** The overrides after `everywhere` that change `audited`, in order. */
  changing: T[]
  /** The overrides after `everywhere` that change nothing, in order. */
  unchanging: T[]
}

/** How much of the subscription a set of locations is. */
export type Extent = 'full' | 'partial' | 'none'

/**
 * Where JIT is audited when, for each location, the last override in `ordered` that selects it
 * wins, and `base` holds where none does. The first-wins reading is this over `ordered` reversed.
 */
export function lastWins<T extends Ordered>(base: T, ordered: readonly T[]): Layering<T> {
  const start = ordered.findLastIndex((item) => isEvery(item.locations)) + 1
  const everywhere = ordered[start - 1] ?? base
  let audited = everywhere.audits ? EVERY_LOCATION : NO_LOCATION
  const changing: T[] = []
  const unchanging: T[] = []
  for (const item of ordered.slice(start)) {
    const next = item.audits ? union(audited, item.locations) : difference(audited, item.locations)
    ;(sameLocations(next, audited) ? unchanging : changing).push(item)
    audited = next
  }
  return { everywhere, audited, changing, unchanging }
}

/** The first auditing and non-auditing overrides that select some location in common; null when
 * there are none, so that the order cannot matter. */
export function overlappingPair<T extends Ordered>(ordered: readonly T[]): [T, T] | null {
  for (const [index, first] of ordered.entries()) {
    const second = ordered
      .slice(index + 1)
      .find((later) => later.audits !== first.audits && overlap(later.locations, first.locations))
    if (second !== undefined) return [first, second]
  }
  return null
}

export function extent(locations: Locations): Extent {
  if (isEvery(locations)) return 'full'
  return isNone(locations) ? 'none' : 'partial'
}

/** Where both overrides of `pair` select, for sentences: "only in eastus", "in every location". */
export function commonLocations([first, second]: [Ordered, Ordered]): Locations {
  return intersection(first.locations, second.locations)
}

/** The clause an order conflict's cause ends with: what each reading audits. */
export function orderClause(whereAudited: { firstWins: Locations; lastWins: Locations }): string {
  return `Azure documents that overrides are evaluated in order, but not whether the first or the last one wins: if the first wins, JIT is audited ${describeLocations(whereAudited.firstWins)}, if the last wins, ${describeLocations(whereAudited.lastWins)}`
}
