// Defender for Servers Plan 2 behind the JIT audit. The JIT definition audits a Defender for Cloud
// assessment that exists only where Plan 2 is on ("JIT requires Defender for Servers Plan 2",
// https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage): without it no
// virtual machine can be protected with JIT and the audit flags every one.
import type {
  DefenderForServersOutcome,
  SubscriptionResult,
  SubscriptionSnapshot,
  Verdict
} from '../model.ts'

/** How to turn Plan 2 on: the portal path and the Azure CLI command
 * (https://learn.microsoft.com/cli/azure/security/pricing#az-security-pricing-create). */
const PLAN_2_FIX =
  'turn on Defender for Servers Plan 2 (Defender for Cloud > Environment settings > the subscription > Defender plans > Servers > Plan 2, or az security pricing create --name VirtualMachines --tier standard --subplan P2)'

/** How to bring every virtual machine under the subscription's plan: resource-level plans support
 * only P1 ("for the resource level only 'P1' sub plan is supported", Pricings - Update), and
 * `enforce` True on the subscription "prevents overrides and forces this pricing configuration on
 * all the descendants" (https://learn.microsoft.com/rest/api/defenderforcloud/pricings/update). */
export const RESOURCE_LEVEL_FIX =
  "remove the virtual machines' resource-level Defender for Servers plans so that they inherit Plan 2, or set enforce to True on the subscription's plan (Defender for Cloud > Environment settings > the subscription > Defender plans > Servers > Settings; az security pricing show --name VirtualMachines shows resourcesCoverageStatus)"

/**
 * The result with the subscription's Defender for Servers plan weighed in: unchanged when the
 * check was off (`snapshot.defenderForServers` absent); `partial` instead of `compliant` when
 * JIT is audited but the plan is not Plan 2, or is Plan 2 with a `resourcesCoverageStatus` other
 * than `FullyCovered` (resource-level plans leave some virtual machines without it,
 * https://learn.microsoft.com/rest/api/defenderforcloud/pricings/get); the plan recorded in
 * `defenderForServers` otherwise. `pricingTier` Standard with no `subPlan` is Plan 2: "When not
 * specified, full plan is applied".
 *
 * A plan that could not be read is never better than Plan 1: where JIT is audited, the result says
 * why the plan is unknown, and a `compliant` basis becomes `partial`; or `error` (with the plan's
 * cause) when `failOn` lists both `partial` and `error`, where whether the step fails hangs on the
 * unknown plan and "could not be checked" is the truthful verdict. A `partial` basis stays
 * `partial`, whatever the plan.
 */
export function weighDefenderPlan(
  result: SubscriptionResult,
  snapshot: SubscriptionSnapshot,
  failOn?: ReadonlySet<Verdict>
): SubscriptionResult {
  const plan = snapshot.defenderForServers
  if (plan === undefined) return result
  const audited = result.verdict === 'compliant' || result.verdict === 'partial'
  if ('unreadable' in plan) {
    const defenderForServers: DefenderForServersOutcome = { unknown: plan.unreadable }
    if (!audited) return { ...result, defenderForServers }
    const unknown = `The Defender for Servers plan could not be read (${plan.unreadable}): JIT needs Plan 2, and a plan that cannot be read counts as no better than Plan 1, which cannot protect any virtual machine with JIT.`
    const reason = `${result.reason} But ${unknown.charAt(0).toLowerCase()}${unknown.slice(1)}`
    if (result.verdict === 'compliant' && failOn?.has('partial') && failOn.has('error')) {
      return {
        ...result,
        verdict: 'error',
        reason: `${reason} Whether JIT is in force therefore cannot be decided.`,
        errorCause: plan.cause,
        defenderForServers
      }
    }
    return { ...result, verdict: 'partial', reason, defenderForServers }
  }
  const standard = plan.pricingTier.toLowerCase() === 'standard'
  const subPlan = plan.subPlan === undefined || plan.subPlan === '' ? null : plan.subPlan
  const plan2 = standard && (subPlan === null || subPlan.toLowerCase() === 'p2')
  const status = plan.resourcesCoverageStatus
  const defenderForServers: DefenderForServersOutcome = {
    pricingTier: plan.pricingTier,
    subPlan,
    plan2,
    ...(status === undefined ? {} : { resourcesCoverageStatus: status })
  }
  const gap = audited ? planGap(result.subscriptionId, plan, plan2, subPlan) : null
  if (gap === null) return { ...result, defenderForServers }
  return {
    ...result,
    verdict: 'partial',
    reason: `${result.reason} But ${gap}`,
    defenderForServers
  }
}

/** Why the plan keeps virtual machines from being protected with JIT; null when it does not. */
function planGap(
  subscriptionId: string,
  plan: { pricingTier: string; resourcesCoverageStatus?: string },
  plan2: boolean,
  subPlan: string | null
): string | null {
  const subscription = `/subscriptions/${subscriptionId}`
  if (!plan2) {
    const named =
      plan.pricingTier.toLowerCase() === 'standard'
        ? `Standard with sub-plan ${subPlan}`
        : plan.pricingTier
    return `Defender for Servers is ${named} on ${subscription}, not Plan 2, which JIT requires: no virtual machine can be protected with JIT and every one will be flagged; ${PLAN_2_FIX}.`
  }
  const status = plan.resourcesCoverageStatus
  if (status === undefined || status.toLowerCase() === 'fullycovered') return null
  const which =
    status.toLowerCase() === 'notcovered'
      ? 'no virtual machine has it: resource-level plans turn it off on every one'
      : 'only some virtual machines have it: others have a resource-level plan, which is off or Plan 1 (resource-level plans support only P1)'
  return `Defender for Servers is Plan 2 on ${subscription}, but its resourcesCoverageStatus is ${status}: ${which}, and those cannot be protected with JIT; ${RESOURCE_LEVEL_FIX}.`
}
