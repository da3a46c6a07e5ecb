// Which version of its initiative an assignment runs, and where: its definitionVersion, and the
// overrides of kind definitionVersion that run another version in the locations they select
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides;
// Learn writes the kind `policyVersion`, the REST API and SDKs `definitionVersion`). One that
// selects by policyDefinitionReferenceId pins a definition inside the initiative, not the
// initiative (definition-pins.ts). Learn does not say whether the first or the last override that
// selects a location wins: both readings are worked out (overrides.ts), side by side in the
// assignment's reach (reach.ts), so that it is decided only where they agree.
import { isVersionOverride, pinsReferencedDefinitions } from '../definition-versions.ts'
import type { Override, PolicyAssignment, SubscriptionSnapshot } from '../model.ts'
import { audits } from './effects.ts'
import {
  describeLocations,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  selectorLocations
} from './locations.ts'
import type { Locations } from './locations.ts'
import { commonLocations, extent, lastWins, orderClause, overlappingPair } from './overrides.ts'
import type { Layering, Ordered } from './overrides.ts'
import { either, NO_REACH, unite, within, type Doubt, type Reach } from './reach.ts'
import type { MissingSet } from './reasons.ts'
import { evaluateReference } from './reference-evaluation.ts'
import { assignmentContent } from './references.ts'
import { NOWHERE, type Region, type Universe } from './region.ts'
import type { Evaluated, Limit, SubscriptionContext } from './types.ts'

export interface AssignmentOutcome {
  evaluated: Evaluated[]
  missing: MissingSet[]
  /** Where the assignment audits JIT, over every version it runs; unknown everywhere when a
   * version cannot be read. */
  reach: Reach
}

/** Where the assignment runs a version of its initiative. */
interface Placed {
  /** As the assignment or the override writes it; null: the latest. */
  version: string | null
  /** 1-based position of the override that names it; null for the assignment's own version. */
  number: number | null
  locations: Locations
}

/** A placed version with its JIT references, evaluated without the versions' limits. */
interface Version extends Placed, Ordered {
  evaluated: Evaluated[]
}

/**
 * Every JIT reference `assignment` runs, evaluated in the version it runs: its definitionVersion
 * over the subscription, and the version each override of kind definitionVersion names in the
 * locations it selects (every location without selectors). Where versions wire JIT alike (both
 * audit, or neither) an override changes nothing; where they differ, JIT is audited on part of
 * the subscription. When the first-wins and last-wins readings of overlapping overrides give
 * different verdicts, the references carry an `unknown` limit naming both. A version that cannot
 * be read is a missing set.
 */
export function evaluateAssignment(
  assignment: PolicyAssignment,
  snapshot: SubscriptionSnapshot,
  context: SubscriptionContext
): AssignmentOutcome {
  const { universe } = context
  const withLimits = (evaluated: Evaluated[], limits: Limit[]): Evaluated[] =>
    limits.length === 0
      ? evaluated
      : evaluated.map((item) => evaluateReference(item.reference, snapshot, context, limits))
  const missing: MissingSet[] = []
  const unknown: Limit[] = []
  const placed: Placed[] = []
  for (const [index, override] of assignment.overrides.entries()) {
    if (!isVersionOverride(override) || pinsReferencedDefinitions(override)) continue
    const locations = overrideLocations(override)
    if (locations === null) unknown.push(undecidable(index + 1, universe.every))
    if (locations === null || isNone(locations)) continue
    placed.push({ version: override.value, number: index + 1, locations })
  }
  const wire = (where: Placed): Version => {
    const { version } = where
    const content = assignmentContent(assignment, snapshot, version)
    if (content.kind === 'missing-set') {
      const { setId, why, status } = content
      missing.push({ assignment, setId, version, why, status })
      return { ...where, evaluated: [], audits: false }
    }
    const evaluated = content.references.map((reference) =>
      evaluateReference(reference, snapshot, context, unknown)
    )
    return { ...where, evaluated, audits: evaluated.some((item) => audits(item.effect)) }
  }
  const overrides = placed.map(wire)

  // Where an override selects every location, the assignment's own version runs nowhere, so it
  // is not read: that override stands in for it, and either reading replaces it.
  const own = { version: assignment.definitionVersion ?? null, number: null }
  const base =
    overrides.find((item) => isEvery(item.locations)) ?? wire({ ...own, locations: EVERY_LOCATION })
  // What runs where a version cannot be read is unknown: the assignment counts nowhere.
  if (missing.length > 0) {
    const reach = { ...NO_REACH, readings: [{ audited: NOWHERE, unknown: universe.every }] }
    return { evaluated: [], missing, reach }
  }

  const last = lastWins(base, overrides)
  const pair = overlappingPair(overrides)
  const lastReach = versionsReach(base, overrides, universe)
  if (pair !== null) {
    const first = lastWins(base, [...overrides].reverse())
    const whereAudited = { firstWins: first.audited, lastWins: last.audited }
    const firstReach = versionsReach(base, [...overrides].reverse(), universe)
    const reach = either(lastReach, firstReach)
    const conflict = orderConflict(pair, whereAudited, universe.every)
    const differ =
      (lastReach.readings[0]?.audited ?? NOWHERE) ^ (firstReach.readings[0]?.audited ?? NOWHERE)
    const doubt: Doubt = { ...conflict, assignment, region: differ, errorCause: 'undecidable' }
    const withConflict = differ === NOWHERE ? reach : { ...reach, doubts: [...reach.doubts, doubt] }
    if (extent(first.audited) !== extent(last.audited)) {
      return {
        evaluated: withLimits(last.everywhere.evaluated, [...unknown, conflict]),
        missing: [],
        reach: withConflict
      }
    }
    return {
      evaluated: decided(last, unknown, withLimits, universe),
      missing: [],
      reach: withConflict
    }
  }
  return { evaluated: decided(last, unknown, withLimits, universe), missing: [], reach: lastReach }
}

/** Where the versions audit when, for each location, the last of `ordered` that selects it runs
 * there and `base` runs where none does: each version's references within where it runs. Where a
 * version that does not audit runs while another one audits, that version is the gap. */
function versionsReach(base: Version, ordered: readonly Version[], universe: Universe): Reach {
  const someAudit = base.audits || ordered.some((version) => version.audits)
  let taken: Region = NOWHERE
  let reach = NO_REACH
  const place = (version: Version, region: Region, gap: { cause: string; fix: string }) => {
    const placed = within(versionReach(version), region)
    const [first] = version.evaluated
    if (version.audits || !someAudit || first === undefined || region === NOWHERE) {
      return unite(reach, placed)
    }
    const assignment = first.reference.assignment
    return unite(reach, { ...placed, gaps: [{ region, assignment, ...gap }] })
  }
  for (const version of [...ordered].reverse()) {
    const region = universe.at(version.locations) & ~taken
    taken |= region
    reach = place(version, region, {
      cause: `does not audit JIT in ${where(version)}`,
      fix: fix(version)
    })
  }
  return place(base, universe.every & ~taken, {
    cause: `does not audit JIT outside the locations its overrides of kind definitionVersion select, where it runs ${base.version === null ? 'the latest version' : `version ${base.version}`}`,
    fix: 'set its definitionVersion to a version that audits JIT, or select those locations in an override that runs one'
  })
}

function versionReach(version: Version): Reach {
  return version.evaluated.map((item) => item.reach).reduce(unite, NO_REACH)
}

/** The references of a reading that decides: the version that runs everywhere, with the part
 * where another version wires JIT otherwise as its limit, or, when it does not audit, the
 * versions that audit in part, each limited to the part. */
function decided(
  reading: Layering<Version>,
  unknown: Limit[],
  withLimits: (evaluated: Evaluated[], limits: Limit[]) => Evaluated[],
  universe: Universe
): Evaluated[] {
  const { everywhere, changing } = reading
  const left = extent(reading.audited)
  const notes = reading.unchanging.map(
    ({ number, version, audits }) =>
      `Override #${number} runs version ${version} in the locations it selects, which wires JIT alike (${audits ? 'it audits' : 'it does not audit'} there too); it changes nothing here.`
  )
  const evaluated: Evaluated[] = []
  if (everywhere.audits) {
    const limits = changing
      .filter((item) => !item.audits && left !== 'full')
      .map((item): Limit => {
        const coverage = left === 'none' ? 'none' : 'partial'
        const region = universe.at(item.locations)
        return { coverage, cause: `does not audit JIT in ${where(item)}`, fix: fix(item), region }
      })
    evaluated.push(...withLimits(everywhere.evaluated, [...unknown, ...limits]))
  } else {
    evaluated.push(...withLimits(everywhere.evaluated, unknown))
    for (const item of changing.filter((item) => item.audits && left !== 'none')) {
      const limit: Limit = {
        coverage: 'partial',
        cause: `audits JIT only in ${where(item)}`,
        fix: fix(item),
        region: universe.every & ~universe.at(item.locations)
      }
      evaluated.push(
        ...withLimits(item.evaluated, [...unknown, ...(left === 'full' ? [] : [limit])])
      )
    }
  }
  for (const item of evaluated) item.evidence.notes.push(...notes)
  return evaluated
}

function where({ number, version }: Placed): string {
  return `the locations override #${number} selects, where it runs version ${version}`
}

function fix({ number }: Placed): string {
  return `remove override #${number} or make both versions audit JIT`
}

/** The order-conflict limit: the first-wins and last-wins readings give different verdicts. */
function orderConflict(
  pair: [Version, Version],
  whereAudited: { firstWins: Locations; lastWins: Locations },
  region: Region
): Limit {
  const [first, second] = pair
  return {
    coverage: 'unknown',
    decidesEffect: true,
    errorCause: 'undecidable',
    region,
    cause: `has overrides #${first.number} (version ${first.version}) and #${second.number} (version ${second.version}) of kind definitionVersion that both select virtual machines ${describeLocations(commonLocations(pair))}, and only one of those versions audits JIT; ${orderClause(whereAudited)}`,
    fix: `keep one of overrides #${first.number} and #${second.number}, give them resourceLocation selectors that do not overlap, or make both versions audit JIT`
  }
}

function undecidable(number: number, region: Region): Limit {
  return {
    coverage: 'unknown',
    region,
    cause: `has override #${number} of kind definitionVersion with a selector that is not a resourceLocation 'in' or 'notIn' list, whose reach this check cannot decide`,
    fix: 'check its overrides of kind definitionVersion',
    errorCause: 'undecidable',
    decidesEffect: true
  }
}

/** The locations an override of kind definitionVersion selects: every location without selectors,
 * else where all its resourceLocation selectors meet; null when it has a selector of another kind,
 * or one with neither list, unless another selects no location. */
function overrideLocations(override: Override): Locations | null {
  const selectors = override.selectors ?? []
  if (selectors.some((selector) => selector.kind.toLowerCase() !== 'resourcelocation')) {
    return null
  }
  const listed = selectors.map(selectorLocations)
  const known = listed.filter((locations) => locations !== null)
  const locations = known.reduce(intersection, EVERY_LOCATION)
  return isNone(locations) || known.length === listed.length ? locations : null
}
