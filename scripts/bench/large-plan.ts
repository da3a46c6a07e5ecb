// A Terraform plan of a large estate, as `terraform show -json` writes it (compact): every resource
// three times over, as real plans have it (its change in `resource_changes`, its values in
// `planned_values` and in `prior_state`), mostly networking and storage, with a few policy
// assignments, exemptions and Defender for Servers pricings among them.
import { writeFile } from 'node:fs/promises'

const SUBSCRIPTIONS = 40
const JIT =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
const MCSB =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'

const subscription = (index: number) =>
  `00000000-0000-4000-8000-${String(index % SUBSCRIPTIONS).padStart(12, '0')}`

interface Resource {
  address: string
  module: string
  type: string
  name: string
  index: number
  values: Record<string, unknown>
}

function networking(index: number, module: string): Resource {
  const sub = subscription(index)
  const group = `rg-spoke-${index % 97}`
  const kind = index % 3
  const tags = { environment: 'production', owner: 'platform-team', workload: `app-${index % 500}` }
  if (kind === 0) {
    return {
      address: `${module}.azurerm_virtual_network.this[${index}]`,
      module,
      type: 'azurerm_virtual_network',
      name: 'this',
      index,
      values: {
        address_space: [`10.${index % 250}.0.0/16`],
        id: `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/vnet-${index}`,
        location: 'swedencentral',
        name: `vnet-${index}`,
        resource_group_name: group,
        tags,
        timeouts: null
      }
    }
  }
  if (kind === 1) {
    return {
      address: `${module}.azurerm_network_security_rule.allow[${index}]`,
      module,
      type: 'azurerm_network_security_rule',
      name: 'allow',
      index,
      values: {
        access: 'Allow',
        description: '',
        destination_address_prefix: 'VirtualNetwork',
        destination_port_ranges: ['443', '8443'],
        direction: 'Inbound',
        id: `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Network/networkSecurityGroups/nsg-${index}/securityRules/allow-appgw`,
        name: 'allow-appgw',
        network_security_group_name: `nsg-${index}`,
        priority: 100 + (index % 3000),
        protocol: 'Tcp',
        resource_group_name: group,
        source_address_prefix: 'GatewayManager',
        source_port_range: '*',
        timeouts: null
      }
    }
  }
  return {
    address: `${module}.azurerm_storage_account.logs[${index}]`,
    module,
    type: 'azurerm_storage_account',
    name: 'logs',
    index,
    values: {
      account_kind: 'StorageV2',
      account_replication_type: 'ZRS',
      account_tier: 'Standard',
      id: `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/stlogs${index}`,
      location: 'swedencentral',
      name: `stlogs${index}`,
      resource_group_name: group,
      tags,
      timeouts: null
    }
  }
}

/** The `ordinal`-th weighed resource: every fifth a servers pricing, the rest assignments. */
function policy(index: number, ordinal: number, module: string): Resource {
  const sub = subscription(index)
  if (ordinal % 5 === 4) {
    return {
      address: `${module}.azurerm_security_center_subscription_pricing.servers[${index}]`,
      module,
      type: 'azurerm_security_center_subscription_pricing',
      name: 'servers',
      index,
      values: {
        extension: [],
        id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/VirtualMachines`,
        resource_type: 'VirtualMachines',
        subplan: 'P2',
        tier: 'Standard',
        timeouts: null
      }
    }
  }
  return {
    address: `${module}.azurerm_subscription_policy_assignment.mcsb[${index}]`,
    module,
    type: 'azurerm_subscription_policy_assignment',
    name: 'mcsb',
    index,
    values: {
      description: '',
      display_name: 'Microsoft cloud security benchmark',
      enforce: true,
      id: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/mcsb-${index}`,
      identity: [],
      location: '',
      metadata: JSON.stringify({ assignedBy: 'platform-team' }),
      name: `mcsb-${index}`,
      non_compliance_message: [],
      not_scopes: [],
      overrides: [],
      parameters: JSON.stringify({
        jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' }
      }),
      policy_definition_id: index % 2 === 0 ? MCSB : JIT,
      resource_selectors: [],
      subscription_id: `/subscriptions/${sub}`,
      timeouts: null
    }
  }
}

function resourceChange(resource: Resource, weighed: boolean): Record<string, unknown> {
  const after = { ...resource.values }
  if (weighed && resource.type.endsWith('assignment'))
    after.parameters = JSON.stringify({ jitNetworkAccessMonitoringEffect: { value: 'Disabled' } })
  else if (weighed) after.subplan = 'P1'
  else if (after.tags)
    after.tags = { ...(after.tags as Record<string, string>), environment: 'prod' }
  return {
    address: resource.address,
    module_address: resource.module,
    mode: 'managed',
    type: resource.type,
    name: resource.name,
    index: resource.index,
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    change: {
      actions: weighed && resource.type.endsWith('pricing') ? ['delete', 'create'] : ['update'],
      before: resource.values,
      after,
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: {}
    }
  }
}

function stateResource(resource: Resource): Record<string, unknown> {
  return {
    address: resource.address,
    type: resource.type,
    name: resource.name,
    index: resource.index,
    mode: 'managed',
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    schema_version: 0,
    values: resource.values,
    sensitive_values: {}
  }
}

/** Writes to `file` a plan of `changes` resource changes, `weighed` of them to resources the check
 * weighs; returns its size in bytes. */
export async function writeLargePlan(
  file: string,
  changes: number,
  weighed: number
): Promise<number> {
  const every = Math.max(1, Math.floor(changes / Math.max(1, weighed)))
  const resources: { resource: Resource; weighed: boolean }[] = []
  let written = 0
  for (let index = 0; index < changes; index++) {
    const module = `module.landing_zone["lz-${index % 40}"]`
    const isWeighed = index % every === every - 1 && written < weighed
    resources.push({
      resource: isWeighed ? policy(index, written++, module) : networking(index, module),
      weighed: isWeighed
    })
  }
  const state = resources.map((entry) => stateResource(entry.resource))
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: { child_modules: [{ address: 'module.landing_zone', resources: state }] }
    },
    resource_changes: resources.map((entry) => resourceChange(entry.resource, entry.weighed)),
    prior_state: {
      format_version: '1.0',
      terraform_version: '1.9.8',
      values: {
        root_module: { child_modules: [{ address: 'module.landing_zone', resources: state }] }
      }
    },
    configuration: {
      provider_config: {
        azurerm: {
          name: 'azurerm',
          full_name: 'registry.terraform.io/hashicorp/azurerm',
          expressions: { features: [{}], subscription_id: { constant_value: subscription(0) } }
        }
      },
      root_module: {
        module_calls: {
          landing_zone: { source: './modules/landing-zone', module: { resources: [] } }
        }
      }
    },
    timestamp: '2026-05-04T09:12:44Z',
    applyable: true,
    complete: true,
    errored: false
  }
  const text = JSON.stringify(plan)
  await writeFile(file, text)
  return Buffer.byteLength(text)
}
