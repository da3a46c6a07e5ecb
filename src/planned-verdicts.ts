// A subscription decided twice when the run weighs planned changes (`planned-changes`): the estate
// as it is now, and as it will be once the plan is applied (src/plan/overlay.ts lays the changes
// over). A value the plan knows only after apply that the verdict depends on makes the verdict
// after `error`, "cannot be decided before apply"; one that changes nothing is not counted.
import {
  collectionErrorResult,
  evaluateSubscription,
  type EvaluationOptions
} from './evaluate/index.ts'
import type { PlannedResource, SubscriptionResult, SubscriptionSnapshot } from './model.ts'
import type { Declaration } from './plan/locate.ts'
import { isWhollyUnknown, plannedResourceLabel, type Overlaid } from './plan/overlay.ts'
import type { PlannedChange } from './plan/types.ts'

/** The run's planned changes, as the reads need them. */
export interface Overlay {
  /** Lays the planned changes over one subscription's snapshot (overlayChanges with the run's
   * plans and the subscription's management groups). */
  lay: (snapshot: SubscriptionSnapshot) => Overlaid
  /** Where a change is declared in the repository (src/plan/locate.ts), or null. */
  declaredAt: (change: PlannedChange) => Declaration | null
}

/** How a result names a planned change declared at `declaredAt` (null: not found). */
export function plannedResource(
  change: PlannedChange,
  declaredAt: Declaration | null
): PlannedResource {
  const { address, file, format } = change.source
  return { address, file, format, action: change.action, ...(declaredAt ? { declaredAt } : {}) }
}

/**
 * The result of `snapshot` after the changes `overlay` lays over it (`verdict`, evidence and
 * reason of the estate after), with `currentVerdict` the verdict of the estate now and, when the
 * two differ, `plannedChanges` the changes that touch the subscription (where each is declared). The verdict after is `error`
 * (`undecidable`) when a change cannot be laid over, or when a value known only after apply
 * gives different verdicts for the values it could take; it names the resource and the field.
 * Pure.
 */
export function decideNowAndAfter(
  snapshot: SubscriptionSnapshot,
  overlay: Overlay,
  options: EvaluationOptions
): SubscriptionResult {
  const now = evaluateSubscription(snapshot, options)
  const overlaid = overlay.lay(snapshot)
  const changes = overlaid.changes.map((change) =>
    plannedResource(change, overlay.declaredAt(change))
  )
  // The changes are named where they change the verdict: there they are its cause.
  const withNow = (after: SubscriptionResult): SubscriptionResult => ({
    ...after,
    currentVerdict: now.verdict,
    ...(changes.length > 0 && after.verdict !== now.verdict ? { plannedChanges: changes } : {})
  })
  const { subscriptionId } = snapshot
  if (overlaid.unreadable.length > 0) {
    return withNow(
      collectionErrorResult(
        subscriptionId,
        `The planned changes to /subscriptions/${subscriptionId} cannot be laid over the estate: ${overlaid.unreadable.join('; ')}.`,
        'undecidable'
      )
    )
  }
  const after = evaluateSubscription(overlaid.after, options)
  for (const unknown of overlaid.unknowns) {
    const verdicts = new Set(
      unknown.variants.map((variant) => evaluateSubscription(variant, options).verdict)
    )
    verdicts.add(after.verdict)
    if (verdicts.size > 1) {
      const label = plannedResourceLabel(unknown.change)
      const depends = `the verdict depends on it (${[...verdicts].sort().join(' or ')})`
      const reason = isWhollyUnknown(unknown.change)
        ? `The verdict after the change cannot be decided before apply: the plan does not say what ${label} becomes, and ${depends}. ${unknown.change.notes.join(' ')}`.trim()
        : `The verdict after the change cannot be decided before apply: ${label} sets ${unknown.path === '$.id' ? 'where it is (its subscription or scope)' : `\`${unknown.path}\``} only on apply, and ${depends}. Give the value in the configuration, or check again after apply.`
      return withNow(collectionErrorResult(subscriptionId, reason, 'undecidable'))
    }
  }
  return withNow(after)
}
