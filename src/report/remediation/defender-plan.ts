// The fix for a subscription whose JIT audit cannot be met because Defender for Servers is not on
// Plan 2 there: JIT requires Plan 2
// (https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage).
//
// `az security pricing create --name VirtualMachines --tier standard --subplan P2` sets the plan
// (https://learn.microsoft.com/cli/azure/security/pricing#az-security-pricing-create); the global
// `--subscription` argument picks the subscription.
import { shellQuote } from '../shell.ts'
import { step, type RemediationStep } from './step.ts'

/**
 * The step that turns on Defender for Servers Plan 2 on subscription `subscriptionId`: the portal
 * path in Defender for Cloud and an `az security pricing create` command (none when the id cannot
 * go into one).
 */
export function enablePlan2Step(subscriptionId: string): RemediationStep {
  return step({
    kind: 'enable-defender-plan-2',
    title: 'Turn on Defender for Servers Plan 2 for the subscription',
    target: null,
    portalPath: [
      'Microsoft Defender for Cloud',
      'Environment settings',
      subscriptionId,
      'Defender plans',
      'Servers',
      'Plan 2'
    ],
    details: [
      'JIT network access requires Defender for Servers Plan 2: on Free or Plan 1 no virtual machine can be protected with JIT, and the JIT policy flags every one.',
      'Plan 2 is billed per server; check the price before you turn it on.'
    ],
    command: {
      values: { 'subscription id': subscriptionId },
      write: () =>
        `az security pricing create --subscription ${shellQuote(subscriptionId)} --name VirtualMachines --tier standard --subplan P2`,
      note: null
    }
  })
}
