// The order of an assignment's overrides. Learn says they are "evaluated in the order in which
// they're specified", not whether the first or the last one that selects a resource wins
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides).
// Overrides of kind policyEffect (overrides.ts) and definitionVersion (versions.ts) are both
// worked out in the two readings, first wins and last wins, and decided only where they agree.
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
  union
} from './locations.ts'
import type { Locations } from './locations.ts'

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
