// Defender for Servers Plan 2 behind the JIT audit. The JIT definition audits a Defender for Cloud
// assessment that exists only where Plan 2 is on ("JIT requires Defender for Servers Plan 2",
// https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage): without it no
// virtual machine can be protected with JIT and the audit flags every one.
import type {
  DefenderForServersOutcome,
  SubscriptionResult,
  SubscriptionSnapshot
} from '../model.ts'

/** How to turn Plan 2 on: the portal path and the Azure CLI command
 * (https://learn.microsoft.com/cli/azure/security/pricing#az-security-pricing-create). */
export const PLAN_2_FIX =
  'turn on Defender for Servers Plan 2 (Defender for Cloud > Environment settings > the subscription > Defender plans > Servers > Plan 2, or az security pricing create --name VirtualMachines --tier standard --subplan P2)'

/**
 * The result with the subscription's Defender for Servers plan weighed in: unchanged when the
 * check was off (`snapshot.defenderForServers` absent); `partial` instead of `compliant` when
 * JIT is audited but the plan is not Plan 2; the plan recorded in `defenderForServers` otherwise,
 * with a sentence when JIT is audited and the plan is unknown. `pricingTier` Standard with no
 * `subPlan` is Plan 2: "When not specified, full plan is applied"
 * (https://learn.microsoft.com/rest/api/defenderforcloud/pricings/get).
 */
export function weighDefenderPlan(
  result: SubscriptionResult,
  snapshot: SubscriptionSnapshot
): SubscriptionResult {
  const plan = snapshot.defenderForServers
  if (plan === undefined) return result
  const audited = result.verdict === 'compliant' || result.verdict === 'partial'
  if ('unreadable' in plan) {
    const defenderForServers: DefenderForServersOutcome = { unknown: plan.unreadable }
    const reason = audited
      ? `${result.reason} The Defender for Servers plan could not be read (${plan.unreadable}): JIT needs Plan 2, so check that it is on.`
      : result.reason
    return { ...result, reason, defenderForServers }
  }
  const standard = plan.pricingTier.toLowerCase() === 'standard'
  const subPlan = plan.subPlan === undefined || plan.subPlan === '' ? null : plan.subPlan
  const plan2 = standard && (subPlan === null || subPlan.toLowerCase() === 'p2')
  const defenderForServers: DefenderForServersOutcome = {
    pricingTier: plan.pricingTier,
    subPlan,
    plan2
  }
  if (!audited || plan2) return { ...result, defenderForServers }
  const named = standard ? `Standard with sub-plan ${subPlan}` : plan.pricingTier
  const gap = `Defender for Servers is ${named} on /subscriptions/${result.subscriptionId}, not Plan 2, which JIT requires: no virtual machine can be protected with JIT and every one will be flagged; ${PLAN_2_FIX}.`
  return {
    ...result,
    verdict: 'partial',
    reason: `${result.reason} But ${gap}`,
    defenderForServers
  }
}
