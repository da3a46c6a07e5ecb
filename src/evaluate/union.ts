// The verdict of the subscription from what every assignment audits together: a virtual machine is
// audited when some assignment audits JIT where it is, so the assignments' reaches are united
// (reach.ts) and the subscription is decided in each reading; every reading must give the same
// verdict, else it is `error` (docs/how-it-decides.md, "Every rule, with its source").
import type { SubscriptionResult } from '../model.ts'
import { audits } from './effects.ts'
import {
  NO_REACH,
  unite,
  type Doubt,
  type ExemptionPart,
  type Gap,
  type Reach,
  type Reading
} from './reach.ts'
import {
  acceptedClause,
  compliantReason,
  doubtReason,
  missingSetReason,
  noncompliantReason,
  nothingRunsReason,
  togetherReason,
  uncoveredReason,
  type MissingSet
} from './reasons.ts'
import { NOWHERE, type Region, type Universe } from './region.ts'
import type { Evaluated } from './types.ts'
import type { AssignmentOutcome } from './versions.ts'

type ReadingVerdict = 'compliant' | 'partial' | 'noncompliant' | 'undecided'

/** The verdict, reason and evidence of the subscription from `outcomes`, one per assignment, and
 * the accepted exemptions the verdict rests on (the part they cover no other assignment audits). */
export function decideTogether(
  subscriptionId: string,
  outcomes: readonly AssignmentOutcome[],
  universe: Universe
): { result: SubscriptionResult; accepted: ExemptionPart[] } {
  const accepted = reliedOnAcceptance(outcomes)
  return { result: verdictOf(subscriptionId, outcomes, universe, accepted), accepted }
}

function verdictOf(
  subscriptionId: string,
  outcomes: readonly AssignmentOutcome[],
  universe: Universe,
  relied: readonly ExemptionPart[]
): SubscriptionResult {
  const subscription = `/subscriptions/${subscriptionId}`
  const missing = outcomes.flatMap((outcome) => outcome.missing)
  const reach = outcomes.map((outcome) => outcome.reach).reduce(unite, NO_REACH)
  const verdicts = new Set(reach.readings.map((reading) => readingVerdict(reading, universe)))
  const [verdict] = verdicts.size === 1 ? [...verdicts] : ['undecided' as const]
  const ranked = rank(outcomes.flatMap((outcome) => outcome.evaluated))
  addReachNotes(outcomes, universe)
  const accepted = acceptedClause(relied, universe)
  const withAccepted = (reason: string) => (accepted === '' ? reason : `${reason} ${accepted}`)

  if (verdict === 'compliant') {
    const alone = ranked.find((item) => standing(item) === 'audits')
    const reason = alone
      ? compliantReason(alone, subscription)
      : togetherReason(contributions(outcomes, universe), subscription)
    return result(subscriptionId, 'compliant', withAccepted(reason), ranked)
  }
  if (missing.length > 0) return missingResult(subscriptionId, missing, ranked)
  if (verdict === 'undecided') {
    const doubt = decisiveDoubt(reach, universe)
    return {
      ...result(subscriptionId, 'error', doubtReason(doubt, subscription), ranked),
      errorCause: doubt.errorCause
    }
  }
  if (verdict === 'partial') {
    const uncovered = uncoveredRegion(reach.readings, universe)
    const gaps = reach.gaps.filter((gap) => (gap.region & uncovered) !== NOWHERE)
    const reason = uncoveredReason(universe.describe(uncovered), distinctGaps(gaps), subscription)
    // The deciding evidence is an assignment that audits part and leaves some of the uncovered
    // part, not one whose limits other assignments make up for.
    const named = new Set(gaps.map((gap) => gap.assignment.id))
    const deciding = (item: Evaluated) =>
      standing(item) === 'audits-part' && named.has(item.reference.assignment.id) ? 0 : 1
    const ordered = [...ranked].sort((a, b) => deciding(a) - deciding(b))
    return result(subscriptionId, 'partial', withAccepted(reason), ordered)
  }
  const [decided] = ranked
  const reason =
    decided === undefined
      ? nothingRunsReason(subscription)
      : noncompliantReason(decided, subscription)
  return result(subscriptionId, 'noncompliant', reason, ranked)
}

/** A reading's verdict: audited everywhere; surely somewhere but surely not everywhere; surely
 * nowhere; or, when the unknown part could turn it either way, undecided. */
function readingVerdict({ audited, unknown }: Reading, universe: Universe): ReadingVerdict {
  if (audited === universe.every) return 'compliant'
  if (audited !== NOWHERE && (audited | unknown) !== universe.every) return 'partial'
  if (unknown === NOWHERE) return 'noncompliant'
  return 'undecided'
}

/** Where no assignment audits JIT in any reading; when the readings leave no such part in
 * common, where none does in the one reasons speak of. */
function uncoveredRegion(readings: readonly Reading[], universe: Universe): Region {
  const reached = readings.map(({ audited, unknown }) => audited | unknown)
  const always = universe.every & ~reached.reduce((all, region) => all | region, NOWHERE)
  return always !== NOWHERE ? always : universe.every & ~(reached[0] ?? NOWHERE)
}

/** The first doubt over a part that is not audited for sure. Readings differ, or leave part
 * unknown, only where some doubt lies (an unknown limit, or overrides whose order decides), so
 * there is one; none would be a defect. */
function decisiveDoubt(reach: Reach, universe: Universe): Doubt {
  const sure = reach.readings.reduce((all, reading) => all & reading.audited, universe.every)
  const doubt = reach.doubts.find((item) => (item.region & ~sure) !== NOWHERE)
  if (doubt === undefined) throw new Error('the verdict is undecided, but no doubt says why')
  return doubt
}

/** One gap per assignment and cause, in order. */
function distinctGaps(gaps: readonly Gap[]): Gap[] {
  const seen = new Set<string>()
  return gaps.filter((gap) => {
    const key = `${gap.assignment.id}\n${gap.cause}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** What each assignment that audits JIT somewhere audits, in the reading reasons speak of. */
function contributions(outcomes: readonly AssignmentOutcome[], universe: Universe) {
  return outcomes.flatMap((outcome) => {
    const audited = outcome.reach.readings[0]?.audited ?? NOWHERE
    const [first] = outcome.evaluated
    if (audited === NOWHERE || first === undefined) return []
    return [{ evaluated: first, where: universe.describe(audited) }]
  })
}

/** Each assignment's evidence says where it audits JIT, when that is some of the subscription. */
function addReachNotes(outcomes: readonly AssignmentOutcome[], universe: Universe): void {
  for (const outcome of outcomes) {
    const audited = outcome.reach.readings[0]?.audited ?? NOWHERE
    if (audited === NOWHERE || audited === universe.every) continue
    const note = `The assignment audits JIT in ${universe.describe(audited)}.`
    for (const item of outcome.evaluated) item.evidence.notes.push(note)
  }
}

/** The accepted exemptions the verdict rests on: the part they cover is audited by no other
 * assignment. */
function reliedOnAcceptance(outcomes: readonly AssignmentOutcome[]): ExemptionPart[] {
  return outcomes.flatMap((outcome, index) => {
    const others = outcomes
      .filter((_, other) => other !== index)
      .reduce((all, other) => all | (other.reach.readings[0]?.audited ?? NOWHERE), NOWHERE)
    return outcome.reach.exemptions.filter(
      (part) => part.accepted && (part.region & ~others) !== NOWHERE
    )
  })
}

function missingResult(
  subscriptionId: string,
  missing: readonly MissingSet[],
  ranked: readonly Evaluated[]
): SubscriptionResult {
  return {
    ...result(
      subscriptionId,
      'error',
      missingSetReason(missing, `/subscriptions/${subscriptionId}`),
      ranked
    ),
    errorCause: 'unreadable-initiative',
    unreadableInitiatives: missing.map((set) => ({
      policySetDefinitionId: set.setId,
      assignmentId: set.assignment.id,
      assignmentDisplayName: set.assignment.displayName ?? set.assignment.name,
      assignmentScope: set.assignment.scope,
      status: set.status
    }))
  }
}

function result(
  subscriptionId: string,
  verdict: SubscriptionResult['verdict'],
  reason: string,
  ordered: readonly Evaluated[]
): SubscriptionResult {
  const [decided] = ordered
  const runs = decided !== undefined && standing(decided) !== 'excluded'
  return {
    subscriptionId,
    verdict,
    reason,
    effectiveEffect: runs ? (decided.effect.known ?? decided.effect.text) : null,
    assignments: ordered.map((item) => item.evidence)
  }
}

/** Where a reference stands on its own, best first. */
const STANDINGS = ['audits', 'undecided', 'audits-part', 'runs', 'excluded'] as const
type Standing = (typeof STANDINGS)[number]

function standing(evaluated: Evaluated): Standing {
  const { coverage } = evaluated.evidence
  if (coverage === 'none') return 'excluded'
  if (evaluated.undecided !== null) return 'undecided'
  if (!audits(evaluated.effect)) return 'runs'
  return coverage === 'full' ? 'audits' : 'audits-part'
}

/** Stable: references that stand equally keep the order of the assignments. */
function rank(evaluated: readonly Evaluated[]): Evaluated[] {
  const position = (item: Evaluated) => STANDINGS.indexOf(standing(item))
  return [...evaluated].sort((a, b) => position(a) - position(b))
}
