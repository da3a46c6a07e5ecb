// What the action's identity needs in Azure to read a subscription: the actions behind every read
// the collector makes of it (docs/setup.md, "Least-privilege role", lists the same; a test holds
// them together). Reader includes them all.

/** The Azure RBAC actions one subscription's reads need, in the order docs/setup.md lists them:
 * its policy assignments, exemptions, the initiatives and definitions they name, and its Defender
 * for Servers plan (`defender-plan-check`). */
export const SUBSCRIPTION_READ_ACTIONS: readonly string[] = [
  'Microsoft.Authorization/policyAssignments/read',
  'Microsoft.Authorization/policyExemptions/read',
  'Microsoft.Authorization/policySetDefinitions/read',
  'Microsoft.Authorization/policyDefinitions/read',
  'Microsoft.Security/pricings/read'
]

/** The Azure RBAC actions of what Azure records of a subscription's virtual machines
 * (`virtual-machines`), listed after SUBSCRIPTION_READ_ACTIONS in docs/setup.md: Policy Insights'
 * query of policy states (a POST that Azure's operations list as a read), and what Resource Graph
 * needs to show a machine and its Defender for Cloud assessment. Without them the cross-check is
 * `unavailable`; nothing else changes. */
export const MACHINE_READ_ACTIONS: readonly string[] = [
  'Microsoft.PolicyInsights/policyStates/queryResults/read',
  'Microsoft.Compute/virtualMachines/read',
  'Microsoft.Security/assessments/read'
]

/** "A, B and C": the actions as a sentence lists them. */
export function listedActions(actions: readonly string[] = SUBSCRIPTION_READ_ACTIONS): string {
  return actions.length < 2
    ? actions.join('')
    : `${actions.slice(0, -1).join(', ')} and ${actions[actions.length - 1]}`
}
