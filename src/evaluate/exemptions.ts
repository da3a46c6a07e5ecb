// Exemptions of an assignment: unexpired ones for this reference take the assignment off the
// subscription (at it or above) or off part of it (below it).
import type { PolicyExemption } from '../model.ts'
import { managementGroupName, normalizeId, sameId } from '../azure-ids.ts'
import { includesIgnoringCase, isInside } from './ids.ts'
import { virtualMachineAdmission } from './resource-selectors.ts'
import type { JitReference, Limit, SubscriptionContext } from './types.ts'

export interface ExemptionOutcome {
  limits: Limit[]
  notes: string[]
  /** Ids of the exemptions behind the limits. */
  exemptionIds: string[]
}

export function exemptionOutcome(
  reference: JitReference,
  exemptions: readonly PolicyExemption[],
  context: SubscriptionContext
): ExemptionOutcome {
  const outcome: ExemptionOutcome = { limits: [], notes: [], exemptionIds: [] }
  for (const exemption of exemptions) {
    if (!sameId(exemption.policyAssignmentId, reference.assignment.id)) continue
    if (!exemptsReference(exemption, reference.referenceId)) {
      outcome.notes.push(
        `The ${named(exemption)} exempts other references only; it does not exempt ${reference.referenceId}.`
      )
    } else if (expired(exemption, context.collectedAt)) {
      outcome.notes.push(
        `The ${named(exemption)} expired on ${exemption.expiresOn}, before this check; it is ignored.`
      )
    } else {
      addLimit(outcome, exemption, context)
    }
  }
  return outcome
}

/** With no reference ids an exemption covers the whole assignment; the definition assigned alone
 * has no reference id, so every exemption of its assignment covers it. */
function exemptsReference(exemption: PolicyExemption, referenceId: string | null): boolean {
  const ids = exemption.policyDefinitionReferenceIds
  return referenceId === null || ids.length === 0 || includesIgnoringCase(ids, referenceId)
}

function expired(exemption: PolicyExemption, collectedAt: string): boolean {
  if (exemption.expiresOn === undefined) return false
  return Date.parse(exemption.expiresOn) < Date.parse(collectedAt)
}

function addLimit(
  outcome: ExemptionOutcome,
  exemption: PolicyExemption,
  context: SubscriptionContext
): void {
  const place = placeOf(exemption.scope, context.scope)
  if (place === 'elsewhere') return
  const { admits, names, why } = virtualMachineAdmission(exemption.resourceSelectors)
  if (admits === 'none') {
    outcome.notes.push(
      `The ${named(exemption)} exempts no virtual machines (its resource selectors ${names} leave them out); it is ignored.`
    )
    return
  }
  const fix = `delete exemption ${exemption.id} or let it expire`
  const where =
    place === 'above'
      ? `from /subscriptions/${context.subscriptionId} by ${named(exemption)} at ${exemption.scope}`
      : `from ${exemption.scope} by ${named(exemption)}`
  const limit: Limit =
    admits === 'unknown'
      ? {
          coverage: 'unknown',
          cause: `is exempted ${where}, whose resource selectors (${names}) this check cannot decide (${why})`,
          fix: "check the exemption's resource selectors",
          errorCause: 'undecidable'
        }
      : {
          coverage: place === 'above' && admits === 'all' ? 'none' : 'partial',
          cause: `is exempted ${where}${admits === 'some' ? ` for the virtual machines in the locations its resource selectors (${names}) choose` : ''}`,
          fix
        }
  outcome.limits.push(limit)
  outcome.exemptionIds.push(exemption.id)
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
