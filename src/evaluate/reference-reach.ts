// Where one JIT reference audits, as regions of the subscription (region.ts, reach.ts): the part
// its scope limits leave (where it is assigned, notScopes, exemptions below the subscription),
// met with the locations where it audits in each reading of its overrides (location-coverage.ts);
// with what keeps it from auditing where, what leaves part in doubt, and the exemptions that take
// part of where it would audit.
import { audits } from './effects.ts'
import type { ExemptionOutcome } from './exemptions.ts'
import type { LocationCoverage } from './location-coverage.ts'
import { intersection, type Locations } from './locations.ts'
import type { OverrideOutcome } from './overrides.ts'
import type { Doubt, Gap, Reach } from './reach.ts'
import { effectClause, effectFix } from './reasons.ts'
import { NOWHERE, type Region } from './region.ts'
import type {
  JitReference,
  Limit,
  ResolvedEffect,
  SubscriptionContext,
  Undecided
} from './types.ts'

export interface ReachInputs {
  reference: JitReference
  context: SubscriptionContext
  /** What limits the reference by scope: its definition, where it is assigned, its notScopes. */
  scope: readonly Limit[]
  exempted: ExemptionOutcome
  /** Where its assignment's resource selectors let it evaluate virtual machines. */
  evaluated: Locations
  overridden: OverrideOutcome
  located: LocationCoverage
  /** Other limits that leave part in doubt (resource selectors, overrides' selectors, versions). */
  unknown: readonly Limit[]
  /** What keeps its effect from being decided, or its enforcement mode; null when nothing does. */
  effectUndecided: Undecided | null
  enforcementUndecided: Undecided | null
}

/**
 * The reach of one reference. In each reading, JIT is audited where the reference is evaluated
 * (the part its scope limits and definite exemptions leave) and its effect audits, less where an
 * unknown limit leaves it in doubt: over where it would audit, or over where it is evaluated when
 * the unknown decides the effect too.
 */
export function referenceReach(inputs: ReachInputs): Reach {
  const { context, located, exempted, reference } = inputs
  const { universe } = context
  const definite = [...inputs.scope, ...exempted.limits].filter(
    (limit) => limit.coverage === 'partial' || limit.coverage === 'none'
  )
  const base = definite.reduce((region, limit) => region & ~limit.region, universe.every)
  const evaluated = base & universe.at(located.reach)
  const unknown = [...inputs.scope, ...exempted.limits, ...inputs.unknown].filter(
    (limit) => limit.coverage === 'unknown'
  )
  const assignment = reference.assignment
  const doubtOf = (limit: Undecided & { cause: string }, region: Region): Doubt => ({
    region,
    assignment,
    cause: limit.cause,
    fix: limit.fix,
    errorCause: limit.errorCause
  })
  const readings = located.audited.map((locations) => {
    const would = base & universe.at(locations)
    const doubt =
      unknown.reduce(
        (region, limit) => region | (limit.region & (limit.decidesEffect ? evaluated : would)),
        NOWHERE
      ) |
      (inputs.effectUndecided === null ? NOWHERE : evaluated) |
      (inputs.enforcementUndecided === null ? NOWHERE : would)
    return { audited: would & ~doubt, unknown: doubt }
  })
  const [narrative] = located.audited
  const narrativeWould = base & universe.at(narrative ?? located.reach)
  const doubts: Doubt[] = [
    ...unknown.map((limit) =>
      doubtOf(
        { ...limit, errorCause: limit.errorCause ?? 'undecidable' },
        limit.region & (limit.decidesEffect ? evaluated : narrativeWould)
      )
    ),
    ...(inputs.effectUndecided === null ? [] : [doubtOf(inputs.effectUndecided, evaluated)]),
    ...(inputs.enforcementUndecided === null
      ? []
      : [doubtOf(inputs.enforcementUndecided, narrativeWould)]),
    ...(located.conflict === null
      ? []
      : [
          doubtOf(
            { ...located.conflict, errorCause: 'undecidable' },
            located.conflict.region & base
          )
        ])
  ].filter((doubt) => doubt.region !== NOWHERE)
  return {
    readings,
    gaps: gapsOf(inputs, base, evaluated),
    doubts,
    exemptions: exemptionParts(inputs)
  }
}

/** What keeps the reference from auditing where: each scope limit and exemption, each location
 * part of the last-wins reading, and its effect where it does not audit at all. */
function gapsOf(inputs: ReachInputs, base: Region, evaluated: Region): Gap[] {
  const { context, located, reference } = inputs
  const { universe } = context
  const assignment = reference.assignment
  const gaps: Gap[] = [...inputs.scope, ...inputs.exempted.limits]
    .filter((limit) => limit.coverage === 'partial' || limit.coverage === 'none')
    .map(({ region, cause, fix }) => ({ region, assignment, cause, fix }))
  for (const part of located.parts) {
    if (part.fix === undefined) continue
    gaps.push({ region: base & universe.at(part.taken), assignment, ...part, fix: part.fix })
  }
  const effect: ResolvedEffect = located.effect
  if (!audits(effect) && inputs.effectUndecided === null) {
    gaps.push({
      region: evaluated,
      assignment,
      cause: effectClause(effect, reference),
      fix: effectFix(effect, reference)
    })
  }
  return gaps.filter((gap) => gap.region !== NOWHERE)
}

/** The exemptions for the reference, each with the part of where it would audit without any
 * exemption (scope limits, resource selectors and overrides only) that it exempts. */
function exemptionParts(inputs: ReachInputs): Reach['exemptions'] {
  const { universe } = inputs.context
  const { lastWins, firstWins } = inputs.overridden
  const scoped = inputs.scope
    .filter((limit) => limit.coverage === 'partial' || limit.coverage === 'none')
    .reduce((region, limit) => region & ~limit.region, universe.every)
  const auditedLocations = [lastWins, ...(firstWins === null ? [] : [firstWins.reading])]
    .filter((reading) => audits(reading.effect))
    .map((reading) => universe.at(intersection(inputs.evaluated, reading.audited)))
    .reduce((region, located) => region | located, NOWHERE)
  const would = scoped & auditedLocations
  return inputs.exempted.considered
    .map((part) => ({ ...part, region: part.region & would }))
    .filter((part) => part.region !== NOWHERE)
}
