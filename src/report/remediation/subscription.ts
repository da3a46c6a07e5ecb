// The fixes for what the subscription itself lacks: an assignment of the built-in JIT policy, when
// nothing audits it; Defender for Servers Plan 2, without which the JIT audit cannot be met: JIT
// requires Plan 2 (https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage).
//
// `az policy assignment create --policy` takes a definition name (the built-in's GUID) and looks
// it up; a tenant-level definition id there would be misread as a management group.
//
// `az security pricing create --name VirtualMachines --tier standard --subplan P2` sets the plan
// (https://learn.microsoft.com/cli/azure/security/pricing#az-security-pricing-create); the global
// `--subscription` argument picks the subscription.
import { AUDIT_EFFECT, JIT_POLICY_DEFINITION_NAME, JIT_POLICY_DISPLAY_NAME } from '../../model.ts'
import { shellQuote } from './azure-cli.ts'
import { step, type RemediationStep } from './step.ts'

/** Name the remediation gives a new assignment of the JIT policy at a subscription. */
export const NEW_ASSIGNMENT_NAME = 'jit-network-access-audit'

/**
 * The step that assigns the JIT policy to subscription `subscriptionId`: through Defender for
 * Cloud's benchmark or the definition alone, with an `az policy assignment create` command (none
 * when the id cannot go into one).
 */
export function assignPolicyStep(subscriptionId: string): RemediationStep {
  const scope = `/subscriptions/${subscriptionId}`
  return step({
    kind: 'assign-policy',
    title: 'Assign the JIT policy (or an initiative that contains it) to the subscription',
    target: null,
    portalPath: [
      'Microsoft Defender for Cloud',
      'Environment settings',
      subscriptionId,
      'Security policies'
    ],
    details: [
      'In Defender for Cloud, turn on the Microsoft cloud security benchmark for the subscription: its assignment audits JIT network access.',
      `Or assign the built-in policy alone: Azure portal > Policy > Definitions > "${JIT_POLICY_DISPLAY_NAME}" > Assign policy, with the subscription as scope and the effect ${AUDIT_EFFECT}.`
    ],
    command: {
      values: { 'subscription id': subscriptionId },
      write: () =>
        `az policy assignment create --name '${NEW_ASSIGNMENT_NAME}' --display-name ${shellQuote(JIT_POLICY_DISPLAY_NAME)} --policy '${JIT_POLICY_DEFINITION_NAME}' --scope ${shellQuote(scope)}`,
      note: `Assigns the built-in definition ${JIT_POLICY_DEFINITION_NAME}; its effect defaults to ${AUDIT_EFFECT}.`
    }
  })
}

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
