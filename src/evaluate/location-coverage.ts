// Where one JIT reference audits, by location: the locations its assignment's resource selectors
// let it evaluate, less those its exemptions at the subscription or above exempt, intersected
// with the locations where its effect audits (docs/design.md, "The rule"). All of them: no limit;
// some: partial; none: the reference does not audit the subscription.
import { audits } from './effects.ts'
import {
  describeLocations,
  difference,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  NO_LOCATION,
  sameLocations,
  union
} from './locations.ts'
import type { Locations } from './locations.ts'
import { extent, orderConflict } from './overrides.ts'
import type { EffectReading, OverrideOutcome } from './overrides.ts'
import type { Universe } from './region.ts'
import type { JitReference, Limit, LocationPart, ResolvedEffect } from './types.ts'

export interface LocationCoverage {
  /** The effect where the reference audits, else the effect in force over the subscription. */
  effect: ResolvedEffect
  /** The location limit, or the order conflict; empty when the reference audits everywhere. */
  limits: Limit[]
  /** Where it is evaluated and not exempted at or above the subscription, whatever its effect. */
  reach: Locations
  /** Where it audits in each reading of its overrides: last wins first, then first wins when the
   * two differ. */
  audited: Locations[]
  /** What keeps it from auditing where it is evaluated, in the last-wins reading. */
  parts: LocationPart[]
  /** Why the readings differ, when they do (in the locations where they differ). */
  conflict: Limit | null
}

/**
 * The effect and location limit of `reference`, from where its assignment evaluates virtual
 * machines (`evaluated`, null: everywhere), its exemptions at the subscription or above
 * (`exempted`) and its overrides. When the overrides' two readings (first or last one wins) give
 * different verdicts, the limit is their order conflict, which is `unknown`; when they audit in
 * different locations at all, that conflict is `conflict`, over the locations where they differ.
 */
export function locationCoverage(
  reference: JitReference,
  evaluated: LocationPart | null,
  exempted: readonly LocationPart[],
  overrides: OverrideOutcome,
  universe: Universe
): LocationCoverage {
  let reach = evaluated?.locations ?? EVERY_LOCATION
  const reachParts = evaluated === null ? [] : [evaluated]
  for (const exemption of exempted) {
    const next = difference(reach, exemption.locations)
    if (!sameLocations(next, reach)) reachParts.push(exemption)
    reach = next
  }
  const last = audited(reach, reachParts, overrides.lastWins, universe)
  const decided = { effect: last.effect, reach, parts: last.parts }
  const first = overrides.firstWins
  if (first !== null) {
    const other = audited(reach, reachParts, first.reading, universe)
    if (!sameLocations(other.locations, last.locations)) {
      const whereAudited = { firstWins: other.locations, lastWins: last.locations }
      const differ = union(
        difference(other.locations, last.locations),
        difference(last.locations, other.locations)
      )
      const conflict = orderConflict(first.pair, reference, whereAudited, universe.at(differ))
      const limits =
        extent(other.locations) === extent(last.locations)
          ? optional(last.limit)
          : [orderConflict(first.pair, reference, whereAudited, universe.every)]
      return { ...decided, limits, audited: [last.locations, other.locations], conflict }
    }
  }
  return { ...decided, limits: optional(last.limit), audited: [last.locations], conflict: null }
}

interface Audited {
  effect: ResolvedEffect
  /** Where the reference audits: none when its effect does not audit anywhere. */
  locations: Locations
  /** The location limit; null when it audits everywhere, or does not audit and is evaluated
   * everywhere. */
  limit: Limit | null
  parts: LocationPart[]
}

function audited(
  reach: Locations,
  reachParts: LocationPart[],
  reading: EffectReading,
  universe: Universe
): Audited {
  const { effect } = reading
  if (!audits(effect)) {
    const limit = limitOf(reach, reachParts, universe)
    return { effect, locations: NO_LOCATION, limit, parts: reachParts }
  }
  const locations = intersection(reach, reading.audited)
  const parts = sameLocations(locations, reach) ? reachParts : [...reachParts, ...reading.parts]
  return { effect, locations, limit: limitOf(locations, parts, universe), parts }
}

function optional(limit: Limit | null): Limit[] {
  return limit === null ? [] : [limit]
}

/** One part speaks for itself; several are joined, with what they leave together. */
function limitOf(
  locations: Locations,
  parts: readonly LocationPart[],
  universe: Universe
): Limit | null {
  if (isEvery(locations)) return null
  const left = isNone(locations)
    ? 'no location where JIT is audited'
    : `JIT audited ${describeLocations(locations)}`
  const causes = parts.map((part) => part.cause)
  const fixes = [...new Set(parts.flatMap((part) => (part.fix === undefined ? [] : [part.fix])))]
  return {
    coverage: isNone(locations) ? 'none' : 'partial',
    cause:
      causes.length === 1
        ? causes.join('')
        : `${causes.join(', and ')}, which together leave ${left}`,
    fix: fixes.join(', and '),
    region: universe.every & ~universe.at(locations)
  }
}
