// Each azurerm resource type the check weighs, read into the ARM resource the provider sends, with
// the id built from scope and name; and the resources read the way the collector maps Azure's
// answers (src/collect/map.ts), unchanged.
import { describe, expect, test } from '@jest/globals'
import {
  mapAssignment,
  mapExemption,
  mapPricing,
  mapSetDefinitionVersion
} from '../../src/collect/map.ts'
import { JIT, MCSB, mg, onlyChange, readValue, SUB1, SUB2, SUB4, terraformPlan } from './helpers.ts'

const PROVIDER = {
  configuration: {
    provider_config: {
      azurerm: { name: 'azurerm', expressions: { subscription_id: { constant_value: SUB4 } } }
    },
    root_module: {
      resources: [
        {
          address: 'azurerm_policy_set_definition.set',
          mode: 'managed',
          type: 'azurerm_policy_set_definition',
          name: 'set',
          provider_config_key: 'azurerm'
        },
        {
          address: 'azurerm_policy_definition.definition',
          mode: 'managed',
          type: 'azurerm_policy_definition',
          name: 'definition',
          provider_config_key: 'azurerm'
        },
        {
          address: 'azurerm_security_center_subscription_pricing.servers',
          mode: 'managed',
          type: 'azurerm_security_center_subscription_pricing',
          name: 'servers',
          provider_config_key: 'azurerm'
        }
      ]
    }
  }
}

const ASSIGNMENT_ATTRIBUTES = {
  name: 'mcsb',
  policy_definition_id: MCSB,
  display_name: 'MCSB',
  description: '',
  enforce: false,
  not_scopes: [`/subscriptions/${SUB2}`],
  parameters: JSON.stringify({ jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }),
  metadata: JSON.stringify({ assignedBy: 'platform' }),
  location: '',
  identity: [],
  non_compliance_message: [
    { content: 'JIT must be audited', policy_definition_reference_id: 'jitNetworkAccessMonitoring' }
  ],
  overrides: [
    {
      value: 'Disabled',
      selectors: [
        { kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'], not_in: [] }
      ]
    }
  ],
  resource_selectors: [
    {
      name: 'no-vms',
      selectors: [{ kind: 'resourceType', in: [], not_in: ['Microsoft.Compute/virtualMachines'] }]
    }
  ]
}

describe('azurerm policy assignments', () => {
  test.each([
    [
      'azurerm_management_group_policy_assignment',
      'management_group_id',
      mg('contoso'),
      mg('contoso')
    ],
    [
      'azurerm_subscription_policy_assignment',
      'subscription_id',
      `/subscriptions/${SUB1}`,
      `/subscriptions/${SUB1}`
    ],
    [
      'azurerm_resource_group_policy_assignment',
      'resource_group_id',
      `/subscriptions/${SUB1}/resourceGroups/rg`,
      `/subscriptions/${SUB1}/resourceGroups/rg`
    ],
    [
      'azurerm_resource_policy_assignment',
      'resource_id',
      `/subscriptions/${SUB1}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`,
      `/subscriptions/${SUB1}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`
    ]
  ])(
    '%s: its id from %s and name, every property as ARM writes it',
    (type, scopeAttribute, scope, expectedScope) => {
      const change = onlyChange({
        address: `${type}.a`,
        type,
        actions: ['create'],
        after: { ...ASSIGNMENT_ATTRIBUTES, [scopeAttribute]: scope, id: null },
        afterUnknown: { id: true }
      })
      const id = `${expectedScope}/providers/Microsoft.Authorization/policyAssignments/mcsb`
      expect(change).toMatchObject({
        action: 'create',
        kind: 'assignment',
        id,
        before: null,
        unknown: []
      })
      expect(change.after).toEqual({
        id,
        name: 'mcsb',
        type: 'Microsoft.Authorization/policyAssignments',
        properties: {
          scope: expectedScope,
          policyDefinitionId: MCSB,
          displayName: 'MCSB',
          enforcementMode: 'DoNotEnforce',
          notScopes: [`/subscriptions/${SUB2}`],
          parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
          metadata: { assignedBy: 'platform' },
          nonComplianceMessages: [
            {
              message: 'JIT must be audited',
              policyDefinitionReferenceId: 'jitNetworkAccessMonitoring'
            }
          ],
          overrides: [
            {
              kind: 'policyEffect',
              value: 'Disabled',
              selectors: [
                { kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }
              ]
            }
          ],
          resourceSelectors: [
            {
              name: 'no-vms',
              selectors: [{ kind: 'resourceType', notIn: ['Microsoft.Compute/virtualMachines'] }]
            }
          ]
        }
      })
      expect(mapAssignment(change.after)).toEqual({
        id,
        name: 'mcsb',
        displayName: 'MCSB',
        scope: expectedScope,
        policyDefinitionId: MCSB,
        notScopes: [`/subscriptions/${SUB2}`],
        parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
        enforcementMode: 'DoNotEnforce',
        overrides: [
          {
            kind: 'policyEffect',
            value: 'Disabled',
            selectors: [{ kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }]
          }
        ],
        resourceSelectors: [
          {
            name: 'no-vms',
            selectors: [{ kind: 'resourceType', notIn: ['Microsoft.Compute/virtualMachines'] }]
          }
        ]
      })
    }
  )

  test('enforce true is the Default mode; empty parameters, lists and blocks are left out as the provider leaves them out', () => {
    const change = onlyChange({
      address: 'azurerm_subscription_policy_assignment.jit',
      type: 'azurerm_subscription_policy_assignment',
      actions: ['create'],
      after: {
        name: 'jit',
        subscription_id: SUB1,
        policy_definition_id: JIT,
        enforce: true,
        parameters: '',
        metadata: null,
        not_scopes: [],
        overrides: [],
        resource_selectors: [],
        display_name: ''
      }
    })
    // A bare subscription GUID is the subscription's scope.
    expect(change.id).toBe(
      `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyAssignments/jit`
    )
    expect(change.after?.properties).toEqual({
      scope: `/subscriptions/${SUB1}`,
      policyDefinitionId: JIT,
      enforcementMode: 'Default'
    })
    expect(mapAssignment(change.after).parameters).toEqual({})
  })

  test('a management group given by name (azurerm 2) is the management group id', () => {
    const change = onlyChange({
      address: 'azurerm_management_group_policy_assignment.a',
      type: 'azurerm_management_group_policy_assignment',
      actions: ['create'],
      after: { name: 'a', management_group_id: 'contoso', policy_definition_id: JIT }
    })
    expect(change.id).toBe(`${mg('contoso')}/providers/Microsoft.Authorization/policyAssignments/a`)
  })
})

describe('azurerm policy exemptions', () => {
  test.each([
    ['azurerm_management_group_policy_exemption', 'management_group_id', mg('contoso')],
    ['azurerm_subscription_policy_exemption', 'subscription_id', `/subscriptions/${SUB1}`],
    [
      'azurerm_resource_group_policy_exemption',
      'resource_group_id',
      `/subscriptions/${SUB1}/resourceGroups/rg`
    ],
    [
      'azurerm_resource_policy_exemption',
      'resource_id',
      `/subscriptions/${SUB1}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`
    ]
  ])(
    '%s: its id from %s and name; read as the collector reads exemptions',
    (type, scopeAttribute, scope) => {
      const assignmentId = `${mg('contoso')}/providers/Microsoft.Authorization/policyAssignments/mcsb`
      const change = onlyChange({
        address: `${type}.waiver`,
        type,
        actions: ['create'],
        after: {
          name: 'jit-waiver',
          [scopeAttribute]: scope,
          policy_assignment_id: assignmentId,
          exemption_category: 'Waiver',
          expires_on: '2027-01-31T00:00:00Z',
          policy_definition_reference_ids: ['jitNetworkAccessMonitoring'],
          display_name: 'JIT waiver',
          description: null,
          metadata: null
        }
      })
      const id = `${scope}/providers/Microsoft.Authorization/policyExemptions/jit-waiver`
      expect(change).toMatchObject({ kind: 'exemption', id })
      expect(mapExemption(change.after)).toEqual({
        id,
        name: 'jit-waiver',
        displayName: 'JIT waiver',
        scope,
        policyAssignmentId: assignmentId,
        policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring'],
        exemptionCategory: 'Waiver',
        resourceSelectors: [],
        expiresOn: '2027-01-31T00:00:00Z'
      })
    }
  )

  test('an exemption that never expires has no expiresOn', () => {
    const change = onlyChange({
      address: 'azurerm_subscription_policy_exemption.w',
      type: 'azurerm_subscription_policy_exemption',
      actions: ['create'],
      after: {
        name: 'w',
        subscription_id: `/subscriptions/${SUB1}`,
        policy_assignment_id: 'x',
        exemption_category: 'Mitigated',
        expires_on: '',
        policy_definition_reference_ids: []
      }
    })
    expect(change.after?.properties).toEqual({
      policyAssignmentId: 'x',
      exemptionCategory: 'Mitigated'
    })
  })
})

const SET_ATTRIBUTES = {
  name: 'baseline',
  display_name: 'Baseline',
  policy_type: 'Custom',
  description: '',
  metadata: null,
  parameters: JSON.stringify({
    jitEffect: {
      type: 'String',
      defaultValue: 'Disabled',
      allowedValues: ['AuditIfNotExists', 'Disabled']
    }
  }),
  policy_definition_group: [
    {
      name: 'network',
      display_name: 'Network',
      category: '',
      description: null,
      additional_metadata_resource_id: null
    }
  ],
  policy_definition_reference: [
    {
      policy_definition_id: JIT,
      parameter_values: JSON.stringify({ effect: { value: "[parameters('jitEffect')]" } }),
      reference_id: 'jit',
      policy_group_names: ['network'],
      version: '3.*.*'
    }
  ]
}

describe('azurerm policy set definitions and definitions', () => {
  test('azurerm_management_group_policy_set_definition: at its management group, read as the collector reads a set', () => {
    const change = onlyChange({
      address: 'azurerm_management_group_policy_set_definition.set',
      type: 'azurerm_management_group_policy_set_definition',
      actions: ['create'],
      after: { ...SET_ATTRIBUTES, management_group_id: mg('contoso') }
    })
    const id = `${mg('contoso')}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
    expect(change).toMatchObject({ kind: 'setDefinition', id })
    expect(change.after?.properties).toMatchObject({
      displayName: 'Baseline',
      policyType: 'Custom',
      policyDefinitionGroups: [{ name: 'network', displayName: 'Network' }],
      policyDefinitions: [
        {
          policyDefinitionId: JIT,
          parameters: { effect: { value: "[parameters('jitEffect')]" } },
          policyDefinitionReferenceId: 'jit',
          groupNames: ['network'],
          definitionVersion: '3.*.*'
        }
      ]
    })
    const set = mapSetDefinitionVersion(
      { ...change.after, properties: { ...change.after?.properties, version: '1.0.0' } },
      id
    )
    expect(set.parameters.jitEffect?.defaultValue).toBe('Disabled')
    expect(set.policyDefinitions[0]).toMatchObject({
      policyDefinitionReferenceId: 'jit',
      definitionVersion: '3.*.*'
    })
  })

  test('azurerm_policy_set_definition: in the subscription the provider configuration names', () => {
    const change = onlyChange(
      {
        address: 'azurerm_policy_set_definition.set',
        type: 'azurerm_policy_set_definition',
        actions: ['create'],
        after: SET_ATTRIBUTES,
        afterUnknown: { id: true }
      },
      PROVIDER
    )
    expect(change.id).toBe(
      `/subscriptions/${SUB4}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
    )
  })

  test('azurerm_policy_definition: at its management group, or in the provider subscription', () => {
    const values = {
      name: 'definition',
      display_name: 'JIT (custom)',
      policy_type: 'Custom',
      mode: 'All',
      policy_rule: JSON.stringify({
        if: { field: 'type', equals: 'Microsoft.Compute/virtualMachines' },
        then: { effect: "[parameters('effect')]" }
      }),
      parameters: JSON.stringify({ effect: { type: 'String', defaultValue: 'Disabled' } }),
      metadata: JSON.stringify({ category: 'Security Center' })
    }
    const atGroup = onlyChange({
      address: 'azurerm_policy_definition.definition',
      type: 'azurerm_policy_definition',
      actions: ['create'],
      after: { ...values, management_group_id: mg('contoso') }
    })
    expect(atGroup).toMatchObject({
      kind: 'definition',
      id: `${mg('contoso')}/providers/Microsoft.Authorization/policyDefinitions/definition`
    })
    expect(atGroup.after?.properties).toMatchObject({
      mode: 'All',
      policyType: 'Custom',
      parameters: { effect: { type: 'String', defaultValue: 'Disabled' } },
      policyRule: { then: { effect: "[parameters('effect')]" } }
    })
    const inSubscription = onlyChange(
      {
        address: 'azurerm_policy_definition.definition',
        type: 'azurerm_policy_definition',
        actions: ['create'],
        after: { ...values, management_group_id: null }
      },
      PROVIDER
    )
    expect(inSubscription.id).toBe(
      `/subscriptions/${SUB4}/providers/Microsoft.Authorization/policyDefinitions/definition`
    )
  })
})

describe('azurerm_security_center_subscription_pricing', () => {
  const servers = {
    resource_type: 'VirtualMachines',
    tier: 'Standard',
    subplan: 'P2',
    extension: [{ name: 'MdeDesignatedSubscription', additional_extension_properties: null }]
  }

  test('is the Defender for Servers pricing of the provider subscription; read as the collector reads pricings', () => {
    const change = onlyChange(
      {
        address: 'azurerm_security_center_subscription_pricing.servers',
        type: 'azurerm_security_center_subscription_pricing',
        actions: ['create'],
        after: servers
      },
      PROVIDER
    )
    expect(change).toMatchObject({
      kind: 'pricing',
      id: `/subscriptions/${SUB4}/providers/Microsoft.Security/pricings/VirtualMachines`,
      unknown: []
    })
    expect(change.after?.properties.extensions).toEqual([
      { isEnabled: 'True', name: 'MdeDesignatedSubscription' }
    ])
    expect(mapPricing(change.after)).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
  })

  test('an existing pricing is in the subscription its id names, whatever the provider says', () => {
    const id = `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`
    const change = onlyChange(
      {
        address: 'azurerm_security_center_subscription_pricing.servers',
        type: 'azurerm_security_center_subscription_pricing',
        actions: ['update'],
        before: { ...servers, id },
        after: { ...servers, id, tier: 'Free', subplan: '' }
      },
      PROVIDER
    )
    expect(change).toMatchObject({ action: 'update', id })
    expect(mapPricing(change.before)).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
    expect(mapPricing(change.after)).toEqual({ pricingTier: 'Free' })
  })

  test('destroying it sets the plan to Free: an update, as the provider does it', () => {
    const id = `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`
    const change = onlyChange({
      address: 'azurerm_security_center_subscription_pricing.servers',
      type: 'azurerm_security_center_subscription_pricing',
      actions: ['delete'],
      before: { ...servers, id }
    })
    expect(change).toMatchObject({ action: 'update', id })
    expect(mapPricing(change.after)).toEqual({ pricingTier: 'Free' })
    expect(change.notes.join(' ')).toMatch(/destroying it sets the plan to Free/)
  })

  test('pricings of other plans change nothing the check weighs', () => {
    const storage = {
      ...servers,
      resource_type: 'StorageAccounts',
      id: `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/StorageAccounts`
    }
    const plan = terraformPlan([
      {
        address: 'azurerm_security_center_subscription_pricing.storage',
        type: 'azurerm_security_center_subscription_pricing',
        actions: ['create'],
        after: storage
      },
      {
        address: 'azurerm_security_center_subscription_pricing.storage',
        type: 'azurerm_security_center_subscription_pricing',
        actions: ['delete'],
        before: storage
      }
    ])
    expect(readValue(plan).changes).toEqual([])
  })
})

describe('azurerm 2: azurerm_policy_assignment at any scope', () => {
  const values = {
    id: `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyAssignments/jit`,
    name: 'jit',
    scope: `/subscriptions/${SUB1}`,
    policy_definition_id: JIT,
    enforcement_mode: false,
    parameters: JSON.stringify({ effect: { value: 'AuditIfNotExists' } }),
    not_scopes: [`/subscriptions/${SUB1}/resourceGroups/lab`]
  }

  const legacy = (actions: string[], side: 'before' | 'after') =>
    onlyChange({
      address: 'azurerm_policy_assignment.jit',
      type: 'azurerm_policy_assignment',
      actions,
      [side]: values
    })

  test('created: scope, enforcement_mode and the rest as azurerm 3 sends them; destroyed: deleted', () => {
    const created = legacy(['create'], 'after')
    expect(created).toMatchObject({ kind: 'assignment', action: 'create', id: values.id })
    expect(mapAssignment(created.after)).toMatchObject({
      scope: `/subscriptions/${SUB1}`,
      policyDefinitionId: JIT,
      enforcementMode: 'DoNotEnforce',
      notScopes: values.not_scopes,
      parameters: { effect: { value: 'AuditIfNotExists' } }
    })
    expect(legacy(['delete'], 'before')).toMatchObject({
      kind: 'assignment',
      action: 'delete',
      id: values.id
    })
  })
})
