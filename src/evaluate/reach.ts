// What one JIT reference, one assignment, or all of them together audit, as regions of the
// subscription (region.ts): in each reading the rule cannot choose between (Azure does not say
// whether the first or the last override wins), where JIT is audited and where that cannot be
// decided; with what keeps JIT from being audited where (gaps), what leaves part in doubt
// (doubts) and the exemptions that take part. Assignments are united reading by reading, so that
// the subscription is decided only where every reading gives the same verdict.
import type { ErrorCause, PolicyAssignment, PolicyExemption } from '../model.ts'
import { NOWHERE, type Region } from './region.ts'

/** One reading: where JIT is audited, and where whether it is cannot be decided (disjoint). */
export interface Reading {
  audited: Region
  unknown: Region
}

/** Something that acts on a region of the subscription, said for people with the assignment as
 * subject: "excludes … in its notScopes" and its fix. */
export interface Placed {
  region: Region
  assignment: PolicyAssignment
  cause: string
  fix: string
}

/** What keeps the assignment from auditing JIT in `region`. */
export type Gap = Placed

/** What leaves `region` in doubt, and what kept it from being decided. */
export interface Doubt extends Placed {
  errorCause: ErrorCause
}

/** An unexpired exemption for the reference and the part of where it would audit that it takes;
 * `accepted` when the run accepts it (it then takes nothing: its part counts as covered). */
export interface ExemptionPart {
  exemption: PolicyExemption
  region: Region
  accepted: boolean
}

export interface Reach {
  /** The readings, the last-wins one first (the one reasons speak of). */
  readings: Reading[]
  gaps: Gap[]
  doubts: Doubt[]
  exemptions: ExemptionPart[]
}

/** Most readings kept apart; past it, they are merged into one whose unknown part is where they
 * differ (which can only turn a decided verdict into an error, never the reverse). */
export const MAX_READINGS = 16

export const NO_REACH: Reach = {
  readings: [{ audited: NOWHERE, unknown: NOWHERE }],
  gaps: [],
  doubts: [],
  exemptions: []
}

/** `reach` within `region` only: everything outside it is taken away. */
export function within(reach: Reach, region: Region): Reach {
  const placed = <T extends { region: Region }>(items: T[]) =>
    items
      .map((item) => ({ ...item, region: item.region & region }))
      .filter((item) => item.region !== NOWHERE)
  return {
    readings: distinct(
      reach.readings.map(({ audited, unknown }) => ({
        audited: audited & region,
        unknown: unknown & region
      }))
    ),
    gaps: placed(reach.gaps),
    doubts: placed(reach.doubts),
    exemptions: placed(reach.exemptions)
  }
}

/** What `a` and `b` audit together, in every pair of their readings. */
export function unite(a: Reach, b: Reach): Reach {
  const [left, right] =
    a.readings.length * b.readings.length > MAX_READINGS
      ? [merged(a.readings), merged(b.readings)]
      : [a.readings, b.readings]
  const readings = left.flatMap((x) =>
    right.map((y) => {
      const audited = x.audited | y.audited
      return { audited, unknown: (x.unknown | y.unknown) & ~audited }
    })
  )
  return joined(readings, a, b)
}

/** `a` or `b`, whichever reading holds: their readings side by side. */
export function either(a: Reach, b: Reach): Reach {
  const readings = distinct([...a.readings, ...b.readings])
  return joined(readings.length > MAX_READINGS ? merged(readings) : readings, a, b)
}

function joined(readings: Reading[], a: Reach, b: Reach): Reach {
  return {
    readings: distinct(readings),
    gaps: [...a.gaps, ...b.gaps],
    doubts: [...a.doubts, ...b.doubts],
    exemptions: [...a.exemptions, ...b.exemptions]
  }
}

/** One reading for several: audited where all audit, unknown where any other may. */
function merged(readings: readonly Reading[]): Reading[] {
  const audited = readings.reduce((all, reading) => all & reading.audited, ~NOWHERE)
  const possible = readings.reduce(
    (all, reading) => all | reading.audited | reading.unknown,
    NOWHERE
  )
  return [{ audited, unknown: possible & ~audited }]
}

function distinct(readings: Reading[]): Reading[] {
  const seen = new Set<string>()
  return readings.filter(({ audited, unknown }) => {
    const key = `${audited}/${unknown}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
