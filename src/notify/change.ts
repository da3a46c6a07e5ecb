// What changed between the failing verdicts an issue was last written with and this run's.
import type { SubscriptionResult, Verdict } from '../model.ts'
import type { DecidedVerdict, FailingState, LastState, Marker } from './marker.ts'

export interface VerdictChange {
  /** Failing now, not failing when last written. */
  newlyFailing: string[]
  /** Failing both times, with another verdict now. */
  changed: { id: string; from: Verdict; to: Verdict }[]
  /** Failing when last written, checked now and not failing. */
  fixed: string[]
  /** Failing when last written, absent from this run's results (the scope no longer holds it). */
  noLongerChecked: string[]
  /** Failing both times with the same verdict. */
  stillFailing: string[]
}

/** True when the result's verdict fails the step (is listed in `fail-on` and is not compliant). */
export function isFailing(result: SubscriptionResult, failOn: ReadonlySet<Verdict>): boolean {
  return result.verdict !== 'compliant' && failOn.has(result.verdict)
}

/** The failing subscriptions of this run, id -> verdict, in id order. */
export function failingState(
  results: readonly SubscriptionResult[],
  failOn: ReadonlySet<Verdict>
): FailingState {
  const state: FailingState = {}
  const failing = results
    .filter((result) => isFailing(result, failOn))
    .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))
  for (const result of failing) state[result.subscriptionId] = result.verdict
  return state
}

/** Compares the state last written with this run's; every list is in id order. */
export function compareStates(
  previous: FailingState,
  current: FailingState,
  results: readonly SubscriptionResult[]
): VerdictChange {
  const checked = new Set(results.map((result) => result.subscriptionId))
  const change: VerdictChange = {
    newlyFailing: [],
    changed: [],
    fixed: [],
    noLongerChecked: [],
    stillFailing: []
  }
  for (const [id, verdict] of Object.entries(current)) {
    const before = previous[id]
    if (before === undefined) change.newlyFailing.push(id)
    else if (before !== verdict) change.changed.push({ id, from: before, to: verdict })
    else change.stillFailing.push(id)
  }
  for (const id of Object.keys(previous)) {
    if (current[id] !== undefined) continue
    if (checked.has(id)) change.fixed.push(id)
    else change.noLongerChecked.push(id)
  }
  const byId = (a: string, b: string): number => a.localeCompare(b)
  change.newlyFailing.sort(byId)
  change.changed.sort((a, b) => byId(a.id, b.id))
  change.fixed.sort(byId)
  change.noLongerChecked.sort(byId)
  change.stillFailing.sort(byId)
  return change
}

/** True when anything but "still failing" is in the change. */
export function hasChanged(change: VerdictChange): boolean {
  return (
    change.newlyFailing.length +
      change.changed.length +
      change.fixed.length +
      change.noLongerChecked.length >
    0
  )
}

/**
 * The last decided verdict of each `error` result that had one: the open code scanning alert's
 * (result.lastFinding, src/notify/alerts.ts), else what `previous` (the marker the issue was last
 * written with, null for none) recorded for it: its failing verdict when that was decided, or the
 * last one it carried.
 */
export function lastDecided(
  results: readonly SubscriptionResult[],
  previous: Marker | null
): Map<string, DecidedVerdict> {
  const last = new Map<string, DecidedVerdict>()
  for (const { subscriptionId: id, verdict, lastFinding } of results) {
    if (verdict !== 'error') continue
    const before = previous?.failing?.[id]
    const decided =
      lastFinding !== undefined && lastFinding.verdict !== 'unknown'
        ? lastFinding.verdict
        : before === 'noncompliant' || before === 'partial'
          ? before
          : previous?.last?.[id]
    if (decided !== undefined) last.set(id, decided)
  }
  return last
}

/** The entries of `last` for the failing subscriptions of `state`, for the marker. */
export function lastState(
  state: FailingState,
  last: ReadonlyMap<string, DecidedVerdict>
): LastState {
  const kept: LastState = {}
  for (const id of Object.keys(state)) {
    const decided = last.get(id)
    if (decided !== undefined) kept[id] = decided
  }
  return kept
}
