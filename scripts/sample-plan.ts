// A pull request's Terraform plan (`terraform show -json`) over the sample estate
// (sample-estate.ts), for `npm run demo`: it turns JIT off in two ways, a `Disabled` parameter on
// platform-identity's own assignment and a notScope of corp-prod on the landing zones' benchmark,
// each declared in a module of a landing-zone configuration.
import { SAMPLE_SUBSCRIPTIONS } from './sample-estate.ts'

const JIT_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
const MCSB_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
const LANDING_ZONES = '/providers/Microsoft.Management/managementGroups/landing-zones'

function subscriptionScope(name: string): string {
  const found = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === name)
  if (!found) throw new Error(`no sample subscription ${name}`)
  return `/subscriptions/${found.subscriptionId}`
}

function assignmentChange(address: string, type: string, before: object, after: object) {
  return {
    address,
    module_address: address.split('.').slice(0, 2).join('.'),
    mode: 'managed',
    type,
    name: address.split('.').pop(),
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    change: { actions: ['update'], before, after, after_unknown: {} }
  }
}

/** The plan as `terraform show -json` writes it (format 1.2): two updates of policy assignments. */
export function samplePullRequestPlan(): object {
  const identity = subscriptionScope('platform-identity')
  const jitAudit = {
    id: `${identity}/providers/Microsoft.Authorization/policyAssignments/jit-audit`,
    name: 'jit-audit',
    subscription_id: identity,
    display_name: 'Audit JIT network access',
    policy_definition_id: JIT_DEFINITION_ID,
    enforce: true,
    not_scopes: [],
    overrides: [],
    resource_selectors: [],
    parameters: JSON.stringify({ effect: { value: 'AuditIfNotExists' } })
  }
  const benchmark = {
    id: `${LANDING_ZONES}/providers/Microsoft.Authorization/policyAssignments/mcsb-landing-zones`,
    name: 'mcsb-landing-zones',
    management_group_id: LANDING_ZONES,
    display_name: 'Microsoft cloud security benchmark (landing zones)',
    policy_definition_id: MCSB_SET_DEFINITION_ID,
    enforce: true,
    not_scopes: [subscriptionScope('corp-analytics')],
    overrides: [],
    resource_selectors: [],
    parameters: '{}'
  }
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    resource_changes: [
      assignmentChange(
        'module.identity.azurerm_subscription_policy_assignment.jit_audit',
        'azurerm_subscription_policy_assignment',
        jitAudit,
        { ...jitAudit, parameters: JSON.stringify({ effect: { value: 'Disabled' } }) }
      ),
      assignmentChange(
        'module.alz.azurerm_management_group_policy_assignment.mcsb',
        'azurerm_management_group_policy_assignment',
        benchmark,
        { ...benchmark, not_scopes: [...benchmark.not_scopes, subscriptionScope('corp-prod')] }
      )
    ]
  }
}
