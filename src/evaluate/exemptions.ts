// Exemptions of an assignment: unexpired ones for this reference take the assignment off the
// subscription (at it or above, in the locations their resource selectors choose) or off part of
// it (below it), in the assignment they name only
// (https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure). One of
// category Mitigated that the run accepts (ExemptionRules) takes nothing: its part counts as
// covered, because "the policy intent is met through another method"; a Waiver never does.
import { acceptedExemptionLabel } from '../model.ts'
import type { ExemptionRules, ExemptionSummary, PolicyExemption } from '../model.ts'
import { managementGroupName, normalizeId, sameId } from '../azure-ids.ts'
import { includesIgnoringCase, isInside } from './ids.ts'
import { EVERY_LOCATION, isEvery, isNone } from './locations.ts'
import type { ExemptionPart } from './reach.ts'
import { virtualMachineSelection } from './resource-selectors.ts'
import type { JitReference, Limit, LocationPart, SubscriptionContext } from './types.ts'

export interface ExemptionOutcome {
  /** Exemptions at the subscription or above, by the locations they exempt. */
  parts: LocationPart[]
  /** Exemptions below the subscription, and those this check cannot decide. */
  limits: Limit[]
  notes: string[]
  /** Ids of the exemptions behind the parts and limits. */
  exemptionIds: string[]
  /** Every unexpired exemption for the reference that exempts virtual machines, with the part of
   * the subscription it exempts, accepted or not. */
  considered: ExemptionPart[]
}

export function exemptionOutcome(
  reference: JitReference,
  exemptions: readonly PolicyExemption[],
  context: SubscriptionContext
): ExemptionOutcome {
  const outcome: ExemptionOutcome = {
    parts: [],
    limits: [],
    notes: [],
    exemptionIds: [],
    considered: []
  }
  const collectedAt = isoTime(context.collectedAt)
  for (const exemption of exemptions) {
    if (!sameId(exemption.policyAssignmentId, reference.assignment.id)) continue
    const expiresOn = exemption.expiresOn === undefined ? null : isoTime(exemption.expiresOn)
    if (!exemptsReference(exemption, reference.referenceId)) {
      outcome.notes.push(
        `The ${named(exemption)} exempts other references only; it does not exempt ${reference.referenceId}.`
      )
    } else if (expiresOn !== null && expiresOn < collectedAt) {
      outcome.notes.push(
        `The ${named(exemption)} expired on ${exemption.expiresOn}, before this check; it is ignored.`
      )
    } else {
      addExemption(outcome, exemption, context, Number.isNaN(expiresOn))
    }
  }
  return outcome
}

/**
 * Milliseconds since the epoch of an ISO 8601 time; NaN when it is not one. Learn: expiresOn
 * "must be in the Universal ISO 8601 DateTime format yyyy-MM-ddTHH:mm:ss.fffffffZ", so a time
 * without an offset is UTC (JavaScript would read it as local time).
 */
export function isoTime(value: string): number {
  const match =
    /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      value.trim()
    )
  if (match === null) return Number.NaN
  const [, date, time, offset] = match
  // Date.parse rolls impossible fields over (2026-02-30 is 2026-03-02, T24:00 the next day): a
  // time that names no instant is unreadable, not another time.
  const [year, month, day] = (date ?? '').split('-').map(Number) as [number, number, number]
  const [hour = 0, minute = 0, second = 0] = (time ?? 'T00:00').slice(1).split(':').map(Number)
  const [offsetHours = 0, offsetMinutes = 0] = /^[+-]/.test(offset ?? '')
    ? (offset ?? '').slice(1).split(':').map(Number)
    : []
  const calendar = new Date(Date.UTC(year, month - 1, day))
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second >= 60 ||
    offsetHours > 14 ||
    offsetMinutes > 59
  ) {
    return Number.NaN
  }
  return Date.parse(`${date}${time ?? 'T00:00'}${offset ?? 'Z'}`)
}

/** With no reference ids an exemption covers the whole assignment; the definition assigned alone
 * has no reference id, so every exemption of its assignment covers it. */
function exemptsReference(exemption: PolicyExemption, referenceId: string | null): boolean {
  const ids = exemption.policyDefinitionReferenceIds
  return referenceId === null || ids.length === 0 || includesIgnoringCase(ids, referenceId)
}

function addExemption(
  outcome: ExemptionOutcome,
  exemption: PolicyExemption,
  context: SubscriptionContext,
  unreadableExpiry: boolean
): void {
  const place = placeOf(exemption.scope, context.scope)
  if (place === 'elsewhere') return
  const { locations, names, why } = virtualMachineSelection(exemption.resourceSelectors)
  if (locations !== null && isNone(locations)) {
    outcome.notes.push(
      `The ${named(exemption)} exempts no virtual machines (its resource selectors ${names} leave them out); it is ignored.`
    )
    return
  }
  const { universe } = context
  const region =
    (place === 'above' ? universe.every : universe.inside(exemption.scope)) &
    universe.at(locations ?? EVERY_LOCATION)
  const where =
    place === 'above'
      ? `from /subscriptions/${context.subscriptionId} by ${named(exemption)} at ${exemption.scope}`
      : `from ${exemption.scope} by ${named(exemption)}`
  if (unreadableExpiry || locations === null) {
    outcome.exemptionIds.push(exemption.id)
    const unreadable = unreadableExpiry
      ? `, whose expiresOn '${exemption.expiresOn}' this check cannot read as an ISO 8601 time, so whether it is still in force cannot be decided`
      : `, whose resource selectors (${names}) this check cannot decide (${why})`
    outcome.limits.push({
      coverage: 'unknown',
      cause: `is exempted ${where}${unreadable}`,
      fix: unreadableExpiry
        ? `check exemption ${exemption.id}: expiresOn must be a UTC time such as 2026-12-31T00:00:00Z`
        : "check the exemption's resource selectors",
      errorCause: 'undecidable',
      region
    })
    return
  }
  const accepted = accepts(context.rules, exemption)
  outcome.considered.push({ exemption, region, accepted })
  if (accepted) {
    outcome.notes.push(
      `The ${named(exemption)} is accepted (accept-mitigated-exemptions): the part it exempts counts as covered; ${acceptedExemptionLabel(exemptionSummary(exemption))}.`
    )
    return
  }
  outcome.exemptionIds.push(exemption.id)
  const fix = `delete exemption ${exemption.id} or let it expire`
  const selected = isEvery(locations)
    ? ''
    : ` for the virtual machines in the locations its resource selectors (${names}) choose`
  const cause = `is exempted ${where}${selected}`
  if (place === 'above') outcome.parts.push({ locations, taken: locations, cause, fix })
  else outcome.limits.push({ coverage: 'partial', cause, fix, region })
}

/** Whether the run accepts `exemption` as covering its part: of category Mitigated (in any case),
 * and with an expiresOn when the rules ask for one. A Waiver never is. */
function accepts(rules: ExemptionRules, exemption: PolicyExemption): boolean {
  if (exemption.exemptionCategory.toLowerCase() !== 'mitigated') return false
  return (
    rules.acceptMitigated === 'all' ||
    (rules.acceptMitigated === 'with-expiry' && exemption.expiresOn !== undefined)
  )
}

/** The exemption as results and reasons name it. */
export function exemptionSummary(exemption: PolicyExemption): ExemptionSummary {
  return {
    id: exemption.id,
    displayName: exemption.displayName ?? exemption.name,
    exemptionCategory: exemption.exemptionCategory,
    expiresOn: exemption.expiresOn ?? null
  }
}

function placeOf(scope: string, subscription: string): 'above' | 'below' | 'elsewhere' {
  const normalized = normalizeId(scope)
  if (normalized === subscription || managementGroupName(normalized) !== null) return 'above'
  if (isInside(subscription, normalized)) return 'above'
  return isInside(normalized, subscription) ? 'below' : 'elsewhere'
}

function named(exemption: PolicyExemption): string {
  return `exemption '${exemption.displayName ?? exemption.name}' (${exemption.exemptionCategory})`
}
