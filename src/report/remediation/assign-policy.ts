// The fix for a subscription that nothing audits: assign the built-in JIT policy to it.
//
// `az policy assignment create --policy` takes a definition name (the built-in's GUID) and looks
// it up; a tenant-level definition id there would be misread as a management group.
import { JIT_POLICY_DEFINITION_NAME } from '../../model.ts'
import { shellQuote } from '../shell.ts'
import { AUDIT_EFFECT, JIT_POLICY_DISPLAY_NAME } from '../../model.ts'
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
