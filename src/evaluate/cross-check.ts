// Azure's own record as a second opinion on a verdict (docs/reading-results.md, "Virtual
// machines"). The verdict is decided from the assignments and stays so; Azure Policy's policy
// states of the JIT definition (and Defender for Cloud's JIT assessment) say what Azure last
// evaluated. They disagree when:
// - the verdict is compliant but some machine has no Compliant or NonCompliant JIT policy state
//   (never evaluated: none at all, or only Exempt, Unknown, Conflict or Error; an Exempt one is
//   no disagreement when the verdict accepts exemptions, `accept-mitigated-exemptions`), or
//   Defender says the policy is off for it (assessment NotApplicable, cause OffByPolicy);
// - the verdict is noncompliant (from policy, not from the Defender for Servers plan) but Azure
//   evaluated machines against the JIT definition.
// A partial verdict says part of the subscription is not audited: any record fits it. Azure
// evaluates an assignment about five minutes after it is made and every 24 hours (Microsoft
// Learn, "Get compliance data of Azure resources", Evaluation triggers), so a change since can
// explain a disagreement. Pure.
import type {
  CrossCheck,
  SubscriptionResult,
  VirtualMachineCounts,
  VirtualMachineRecord
} from '../model.ts'

/** What a result carries of the cross-check. */
export type CrossChecked = Required<
  Pick<
    SubscriptionResult,
    'virtualMachines' | 'flaggedVirtualMachines' | 'crossCheck' | 'crossCheckReason'
  >
>

/** Why Azure's record can lag behind the assignments, for a disagreement's reason. */
export const EVALUATION_LAG =
  'Azure evaluates an assignment about 5 minutes after it is made and every 24 hours, so an assignment, exemption or machine changed since its last evaluation can explain it; if none was, check where the assignments apply.'

const machines = (count: number) => `${count} virtual machine${count === 1 ? '' : 's'}`

/**
 * The cross-check of `result` (its verdict decided from the assignments) against `record`, what
 * Azure records of its machines; `record` absent: not read, `unread` saying why. With
 * `uncompared` (why the verdict cannot be compared, e.g. a planned change changes it), the record
 * read is reported as it is, `unavailable` with that reason. Counts are null when nothing was
 * read, `notAudited` null when the machines could not be listed.
 */
export function crossCheck(
  result: Pick<SubscriptionResult, 'verdict' | 'defenderForServers' | 'acceptedExemptions'>,
  record: VirtualMachineRecord | undefined,
  unread: string,
  uncompared?: string
): CrossChecked {
  if (record === undefined || 'unavailable' in record) {
    return {
      virtualMachines: null,
      flaggedVirtualMachines: [],
      crossCheck: 'unavailable',
      crossCheckReason: record?.unavailable ?? unread
    }
  }
  const counts: VirtualMachineCounts = {
    evaluated: record.evaluated,
    flagged: record.flagged.length,
    notAudited: record.machines?.notAudited ?? null
  }
  const flaggedVirtualMachines = record.flagged
  const checked = (check: CrossCheck, reason: string): CrossChecked => ({
    virtualMachines: counts,
    flaggedVirtualMachines,
    crossCheck: check,
    crossCheckReason: reason
  })
  if (uncompared !== undefined) return checked('unavailable', uncompared)
  const evaluated = `${machines(counts.evaluated)} evaluated against the JIT policy, ${counts.flagged} flagged`
  if (result.verdict === 'error') {
    return checked('unavailable', `No verdict to compare Azure's record with (${evaluated}).`)
  }
  if (record.machines === null) {
    return checked(
      'unavailable',
      `${record.machinesUnread ?? 'The machines could not be listed'}: Azure's record was read in part (${evaluated}), so the machines with no Compliant or NonCompliant JIT policy state and those Defender for Cloud says the policy is off for are unknown.`
    )
  }
  const { total, notAudited, exempt, offByPolicy } = record.machines
  // The verdict counts the exemptions it accepts as audited: Azure records their machines Exempt.
  const accepted = (result.acceptedExemptions?.length ?? 0) > 0
  const exemptNote =
    exempt === 0
      ? ''
      : ` (${exempt} of them Exempt${accepted ? ', under exemptions this run accepts' : ''})`
  const recorded = `Azure's record: ${evaluated}, ${notAudited} of ${machines(total)} with no Compliant or NonCompliant JIT policy state${exemptNote}, ${offByPolicy} that Defender for Cloud says the policy is off for (NotApplicable, OffByPolicy)`
  switch (result.verdict) {
    case 'compliant': {
      const unexplained = notAudited - (accepted ? exempt : 0)
      if (unexplained === 0 && offByPolicy === 0) return checked('agrees', `${recorded}.`)
      return checked(
        'disagrees',
        `The assignments audit JIT on every virtual machine, but ${recorded}. ${EVALUATION_LAG}`
      )
    }
    case 'noncompliant': {
      const plan = result.defenderForServers
      const fromPlan = plan !== undefined && 'plan2' in plan && !plan.plan2
      if (counts.evaluated === 0 || fromPlan) return checked('agrees', `${recorded}.`)
      return checked(
        'disagrees',
        `No assignment audits JIT here, but ${recorded}. ${EVALUATION_LAG}`
      )
    }
    default:
      return checked('agrees', `${recorded}.`)
  }
}
