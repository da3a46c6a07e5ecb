// Azure's second opinion, as a phase of the run (docs/reading-results.md, "Virtual machines"):
// what Azure records of the scope's virtual machines is read while the verdicts are read
// (collect/virtual-machines/), then each verdict is cross-checked with it (evaluate/
// cross-check.ts). The verdicts do not change; a compliant subscription Azure's record disagrees
// with gets a warning. Bounded by the run's deadline like every read: a record not read by then
// is `unavailable`.
import type { ScopeReader } from './collect/index.ts'
import { settledBefore, type RunDeadline } from './deadline.ts'
import { crossCheck } from './evaluate/index.ts'
import type { Log } from './log.ts'
import { MACHINES_NOT_ASKED, type SubscriptionResult, type VirtualMachineRecord } from './model.ts'
import { inertLogText, subscriptionLabel } from './report/text.ts'

/** Warnings for compliant subscriptions Azure's record disagrees with, named one by one; past
 * this many, one more counts the rest (GitHub shows 10 warning annotations a step). */
export const MAX_DISAGREEMENT_WARNINGS = 5

/** Why a verdict the planned changes change is not compared with Azure's record. */
export const PLANNED_CHANGE_UNCOMPARED =
  "Azure's record is of the estate as it is, and the verdict is the one after the planned changes, which change it: the record is compared again after apply."

/** Starts reading Azure's record of the machines of `scope` when `asked` (the
 * `virtual-machines` input); undefined when not. Never rejects. */
export function startMachineRead(
  scope: Pick<ScopeReader, 'readVirtualMachines'>,
  asked: boolean,
  log: Log
): Promise<Map<string, VirtualMachineRecord>> | undefined {
  return asked ? scope.readVirtualMachines(log) : undefined
}

/**
 * `results` with each cross-checked against what `reading` (startMachineRead) gives, waiting for
 * it no longer than `deadline`; logs how many agree, one line per disagreement, and a warning per
 * compliant subscription Azure's record disagrees with (MAX_DISAGREEMENT_WARNINGS named). Never
 * throws.
 */
export async function crossCheckEach(
  results: readonly SubscriptionResult[],
  reading: Promise<Map<string, VirtualMachineRecord>> | undefined,
  deadline: RunDeadline,
  log: Log
): Promise<SubscriptionResult[]> {
  let records: Map<string, VirtualMachineRecord> | undefined
  let unread = MACHINES_NOT_ASKED
  if (reading !== undefined) {
    unread =
      "The run's deadline passed before Azure's record of the virtual machines was read; re-run the check, or raise `deadline-minutes`."
    if (await settledBefore(reading, deadline.signal)) records = await reading
  }
  // Azure's record is of the estate now: it cannot speak to a verdict a planned change changes,
  // but what it holds is reported as read.
  const changed = (result: SubscriptionResult) =>
    result.currentVerdict !== undefined && result.currentVerdict !== result.verdict
  const checked = results.map((result) => ({
    ...result,
    ...crossCheck(
      result,
      records?.get(result.subscriptionId.toLowerCase()),
      unread,
      changed(result) ? PLANNED_CHANGE_UNCOMPARED : undefined
    )
  }))
  if (reading === undefined) return checked
  const count = (check: string) => checked.filter((result) => result.crossCheck === check).length
  log.info(
    `Azure's record of the virtual machines: ${count('agrees')} subscription(s) agree with their verdict, ${count('disagrees')} disagree, ${count('unavailable')} could not be compared.`
  )
  const disagreeing = checked.filter((result) => result.crossCheck === 'disagrees')
  for (const result of disagreeing) {
    log.info(inertLogText(`↔️ ${subscriptionLabel(result)}: ${result.crossCheckReason}`))
  }
  const compliant = disagreeing.filter((result) => result.verdict === 'compliant')
  for (const result of compliant.slice(0, MAX_DISAGREEMENT_WARNINGS)) {
    log.warning(
      inertLogText(
        `Subscription ${subscriptionLabel(result)} is compliant by its assignments, but Azure's own record disagrees: ${result.crossCheckReason}`
      )
    )
  }
  if (compliant.length > MAX_DISAGREEMENT_WARNINGS) {
    log.warning(
      `Azure's own record disagrees with ${compliant.length - MAX_DISAGREEMENT_WARNINGS} more compliant subscription(s); the job summary and the results name them.`
    )
  }
  return checked
}
