// Terraform plans (`terraform show -json PLAN`): the fixtures that turn JIT off in each way,
// landing-zone module addresses, azapi bodies, actions, values known only after apply, the
// subscription a provider configuration names, and the plans that are refused.
import { describe, expect, test } from '@jest/globals'
import { NAME_KNOWN_AFTER_APPLY } from '../../src/plan/arm.ts'
import { PlanFileError } from '../../src/plan/errors.ts'
import {
  byAddress,
  JIT,
  MCSB,
  mg,
  onlyChange,
  readFixture,
  readValue,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  terraformPlan,
  type TerraformChange
} from './helpers.ts'

const ASSIGNMENT = 'azurerm_subscription_policy_assignment'
const assignmentValues = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  subscription_id: `/subscriptions/${SUB1}`,
  policy_definition_id: JIT,
  enforce: true,
  ...extra
})
const assignmentId = (name: string) =>
  `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyAssignments/${name}`

describe('a plan that turns JIT off in every way azurerm allows (azurerm-jit-off.json)', () => {
  const read = readFixture('terraform/azurerm-jit-off.json')

  test('is a Terraform plan with one change per policy or servers-pricing resource changed', () => {
    expect(read.format).toBe('terraform')
    expect(read.file).toBe('fixtures/plans/terraform/azurerm-jit-off.json')
    expect(
      read.changes.map((change) => [change.source.address, change.action, change.kind])
    ).toEqual([
      ['azurerm_management_group_policy_assignment.mcsb', 'update', 'assignment'],
      ['azurerm_management_group_policy_assignment.mcsb_platform', 'update', 'assignment'],
      ['azurerm_subscription_policy_assignment.mcsb_corp', 'create', 'assignment'],
      ['azurerm_subscription_policy_exemption.jit_waiver', 'create', 'exemption'],
      ['azurerm_subscription_policy_assignment.jit', 'delete', 'assignment'],
      ['azurerm_resource_group_policy_assignment.jit_workloads', 'create', 'assignment'],
      ['azurerm_security_center_subscription_pricing.servers', 'replace', 'pricing']
    ])
    // Left out: a no-op, a data source, a resource group, and a Defender for Storage pricing.
  })

  test('a parameter that turns JIT to Disabled', () => {
    const change = byAddress(read, 'azurerm_management_group_policy_assignment.mcsb')
    expect(change.id).toBe(
      `${mg('contoso-landingzones')}/providers/Microsoft.Authorization/policyAssignments/mcsb`
    )
    expect(change.before?.properties.parameters).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' }
    })
    expect(change.after?.properties.parameters).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'Disabled' }
    })
    expect(change.unknown).toEqual([])
  })

  test('a notScope, an override, an exemption and resource selectors that leave out virtual machines', () => {
    expect(
      byAddress(read, 'azurerm_management_group_policy_assignment.mcsb_platform').after?.properties
        .notScopes
    ).toEqual([`/subscriptions/${SUB2}`])
    expect(
      byAddress(read, 'azurerm_subscription_policy_assignment.mcsb_corp').after?.properties
        .overrides
    ).toEqual([
      {
        kind: 'policyEffect',
        value: 'Disabled',
        selectors: [{ kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }]
      }
    ])
    expect(
      byAddress(read, 'azurerm_subscription_policy_exemption.jit_waiver').after?.properties
    ).toMatchObject({
      policyAssignmentId: `${mg('contoso-landingzones')}/providers/Microsoft.Authorization/policyAssignments/mcsb`,
      policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring']
    })
    expect(
      byAddress(read, 'azurerm_resource_group_policy_assignment.jit_workloads').after?.properties
        .resourceSelectors
    ).toEqual([
      {
        name: 'exclude-virtual-machines',
        selectors: [{ kind: 'resourceType', notIn: ['Microsoft.Compute/virtualMachines'] }]
      }
    ])
  })

  test('a deleted assignment: its id and the assignment before', () => {
    const change = byAddress(read, 'azurerm_subscription_policy_assignment.jit')
    expect(change).toMatchObject({
      action: 'delete',
      id: `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyAssignments/jit`,
      after: null,
      unknown: []
    })
    expect(change.before?.properties).toMatchObject({
      policyDefinitionId: JIT,
      parameters: { effect: { value: 'AuditIfNotExists' } }
    })
  })

  test('servers moved off Plan 2 by a replacement: the id built from the provider subscription, not the unknown id', () => {
    const change = byAddress(read, 'azurerm_security_center_subscription_pricing.servers')
    const id = `/subscriptions/${SUB1}/providers/Microsoft.Security/pricings/VirtualMachines`
    expect(change).toMatchObject({ action: 'replace', id, unknown: [] })
    expect(change.before).toMatchObject({
      id,
      properties: { pricingTier: 'Standard', subPlan: 'P2' }
    })
    expect(change.after).toMatchObject({
      id,
      properties: { pricingTier: 'Standard', subPlan: 'P1' }
    })
  })

  test('every change names its plan and its address', () => {
    for (const change of read.changes) {
      expect(change.source).toEqual({
        format: 'terraform',
        file: 'fixtures/plans/terraform/azurerm-jit-off.json',
        address: expect.any(String)
      })
    }
  })
})

describe('the landing-zone pattern with azapi (alz-azapi.json, azapi-1.12.json)', () => {
  test('resources inside modules keep their module addresses; no-ops and other azapi types are left out', () => {
    const read = readFixture('terraform/alz-azapi.json')
    expect(
      read.changes.map((change) => [change.source.address, change.action, change.kind])
    ).toEqual([
      [
        'module.alz.azapi_resource.policy_assignments["alz/Deploy-ASC-Monitoring"]',
        'update',
        'assignment'
      ],
      [
        'module.alz.azapi_resource.policy_set_definitions["alz/Contoso-Security-Baseline"]',
        'create',
        'setDefinition'
      ],
      ['azapi_resource.defender_servers', 'update', 'pricing']
    ])
    const assignment = read.changes[0]
    expect(assignment?.id).toBe(
      `${mg('alz')}/providers/Microsoft.Authorization/policyAssignments/Deploy-ASC-Monitoring`
    )
    expect(assignment?.after?.properties).toMatchObject({
      scope: mg('alz'),
      policyDefinitionId: MCSB,
      parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
    })
    expect(read.changes[1]?.id).toBe(
      `${mg('alz')}/providers/Microsoft.Authorization/policySetDefinitions/Contoso-Security-Baseline`
    )
    expect(read.changes[2]?.after?.properties).toEqual({ pricingTier: 'Standard', subPlan: 'P1' })
  })

  test('a body given as a JSON string (azapi up to 1.12) is read as the object', () => {
    const read = readFixture('terraform/azapi-1.12.json')
    const assignment = byAddress(read, 'module.sandbox.azapi_resource.jit')
    expect(assignment.before?.properties.parameters).toEqual({
      effect: { value: 'AuditIfNotExists' }
    })
    expect(assignment.after?.properties.parameters).toEqual({ effect: { value: 'Disabled' } })
    const exemption = byAddress(read, 'azapi_resource.jit_exemption')
    expect(exemption).toMatchObject({
      action: 'create',
      kind: 'exemption',
      id: `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyExemptions/jit-jump-host`
    })
  })
})

describe('values known only after apply (unknowns.json)', () => {
  const read = readFixture('terraform/unknowns.json')

  test('a scope known only after apply: no id, and the paths that are unknown', () => {
    const change = byAddress(read, 'azurerm_management_group_policy_assignment.jit_security')
    expect(change.id).toBeNull()
    expect(change.after?.id).toBeNull()
    expect(change.unknown).toEqual(['$.id', '$.properties.scope', '$.properties.metadata'])
  })

  test('parameters known only after apply are absent after and listed unknown', () => {
    const change = byAddress(read, 'azurerm_subscription_policy_assignment.mcsb_sandbox')
    expect(change.after?.properties.parameters).toBeUndefined()
    expect(change.unknown).toEqual(['$.properties.parameters'])
  })

  test('sensitive values are read and listed, so that they are never printed', () => {
    const change = byAddress(read, 'azurerm_subscription_policy_assignment.mcsb_dev')
    expect(change.after?.properties.parameters).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'Disabled' }
    })
    expect(change.sensitive).toEqual(['$.properties.parameters'])
  })

  test('a created pricing takes the subscription from its provider configuration when it is a constant', () => {
    expect(byAddress(read, 'azurerm_security_center_subscription_pricing.servers')).toMatchObject({
      id: `/subscriptions/${SUB4}/providers/Microsoft.Security/pricings/VirtualMachines`,
      unknown: [],
      notes: []
    })
  })

  test('else the subscription is unknown, and says why: never guessed', () => {
    const change = byAddress(
      read,
      'module.spoke.azurerm_security_center_subscription_pricing.servers'
    )
    expect(change.id).toBeNull()
    expect(change.unknown).toEqual(['$.id'])
    expect(change.notes[0]).toMatch(/does not say which subscription/)
    expect(change.after?.properties).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
  })

  test('a version Azure picks at apply', () => {
    const change = byAddress(read, 'azurerm_policy_set_definition.baseline')
    expect(change.id).toBe(
      `/subscriptions/${SUB4}/providers/Microsoft.Authorization/policySetDefinitions/contoso-baseline`
    )
    expect(change.unknown).toEqual([
      '$.properties.metadata',
      '$.properties.policyDefinitions[0].definitionVersion'
    ])
  })

  test('a deferred change is unknown as a whole', () => {
    const change = byAddress(read, 'module.late.azurerm_subscription_policy_assignment.jit')
    expect(change.unknown[0]).toBe('$')
    expect(change.notes.join(' ')).toMatch(
      /deferred this change to a later plan \(provider_config_unknown\)/
    )
  })
})

test('a plan with no policy or pricing resource changes nothing (unrelated.json)', () => {
  expect(readFixture('terraform/unrelated.json')).toEqual({
    file: 'fixtures/plans/terraform/unrelated.json',
    format: 'terraform',
    changes: []
  })
  expect(readValue({ format_version: '1.0', planned_values: {} }).changes).toEqual([])
})

describe('actions', () => {
  const before = assignmentValues('jit', { id: assignmentId('jit') })
  const after = assignmentValues('jit', { id: assignmentId('jit'), enforce: false })
  test.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete'], 'delete'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['create', 'forget'], 'create']
  ])('%j is %s', (actions, action) => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions,
      before,
      after
    })
    expect(change.action).toBe(action)
    expect(change.id).toBe(assignmentId('jit'))
    expect(change.before === null).toBe(action === 'create')
    expect(change.after === null).toBe(action === 'delete')
  })

  test.each([[['delete', 'create']], [['create', 'delete']]])(
    '%j to a new name or subscription destroys the old object: a delete of it, then a create',
    (actions) => {
      const moved = {
        ...assignmentValues('jit-v2', { subscription_id: `/subscriptions/${SUB2}` }),
        parameters: JSON.stringify({ effect: { value: 'Disabled' } })
      }
      const { changes } = readValue(
        terraformPlan([
          {
            address: `${ASSIGNMENT}.jit`,
            type: ASSIGNMENT,
            actions,
            before,
            after: moved,
            afterUnknown: { id: true }
          }
        ])
      )
      const newId = `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyAssignments/jit-v2`
      expect(changes.map(({ action, id }) => ({ action, id }))).toEqual([
        { action: 'delete', id: assignmentId('jit') },
        { action: 'create', id: newId }
      ])
      expect(changes[0]?.notes).toContain(
        `Terraform replaces ${assignmentId('jit')} with an object at ${newId}: the old one is destroyed.`
      )
    }
  )

  test('a replacement whose new place is known only after apply still destroys the old object', () => {
    const { changes } = readValue(
      terraformPlan([
        {
          address: `${ASSIGNMENT}.jit`,
          type: ASSIGNMENT,
          actions: ['delete', 'create'],
          before,
          after: { ...after, subscription_id: null },
          afterUnknown: { id: true, subscription_id: true }
        }
      ])
    )
    expect(changes.map(({ action, id }) => ({ action, id }))).toEqual([
      { action: 'delete', id: assignmentId('jit') },
      { action: 'create', id: null }
    ])
  })

  test.each([[['no-op']], [['read']], [['forget']]])('%j changes nothing in Azure', (actions) => {
    expect(
      readValue(
        terraformPlan([
          { address: `${ASSIGNMENT}.jit`, type: ASSIGNMENT, actions, before, after: before }
        ])
      ).changes
    ).toEqual([])
  })

  test('an undocumented action on a resource the check weighs is refused; on another resource it is not read', () => {
    const plan = (type: string) =>
      terraformPlan([{ address: `${type}.x`, type, actions: ['archive'], before, after }])
    expect(() => readValue(plan(ASSIGNMENT))).toThrow(
      /azurerm_subscription_policy_assignment\.x has change\.actions \["archive"\]/
    )
    expect(readValue(plan('azurerm_storage_account')).changes).toEqual([])
  })

  test('a create builds the id from scope and name even where the plan writes an id', () => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions: ['create'],
      after: { ...after, id: 'placeholder' },
      afterUnknown: { id: true }
    })
    expect(change.id).toBe(assignmentId('jit'))
  })

  test('a deposed object is said to be one', () => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions: ['delete'],
      before,
      deposed: '1f2e3d4c'
    })
    expect(change.notes).toEqual([
      `The change is to a deposed object (1f2e3d4c) of ${ASSIGNMENT}.jit, left by an earlier replacement.`
    ])
  })

  test('data sources and other modes are not read', () => {
    expect(
      readValue(
        terraformPlan([
          {
            address: `data.${ASSIGNMENT}.jit`,
            type: ASSIGNMENT,
            actions: ['read'],
            after,
            mode: 'data'
          }
        ])
      ).changes
    ).toEqual([])
  })
})

describe('unknown and sensitive values inside blocks and lists', () => {
  test('map to the ARM path of the element', () => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions: ['create'],
      after: assignmentValues('jit', {
        not_scopes: [`/subscriptions/${SUB2}`, null],
        overrides: [
          {
            value: null,
            selectors: [{ kind: 'policyDefinitionReferenceId', in: ['a', null], not_in: [] }]
          }
        ],
        resource_selectors: [
          { name: 'r', selectors: [{ kind: 'resourceLocation', in: null, not_in: [] }] }
        ]
      }),
      afterUnknown: {
        id: true,
        not_scopes: [false, true],
        overrides: [{ value: true, selectors: [{ in: [false, true] }] }],
        resource_selectors: [{ selectors: [{ in: true }] }],
        enforce: true,
        timeouts: true
      },
      afterSensitive: { overrides: [{ value: true }] }
    })
    expect([...change.unknown].sort()).toEqual(
      [
        '$.properties.enforcementMode',
        '$.properties.notScopes[1]',
        '$.properties.overrides[0].value',
        '$.properties.overrides[0].selectors[0].in[1]',
        '$.properties.resourceSelectors[0].selectors[0].in'
      ].sort()
    )
    expect(change.sensitive).toEqual(['$.properties.overrides[0].value'])
  })

  test('a name known only after apply: placed at its known scope, the name unknown', () => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions: ['create'],
      after: assignmentValues('x', { name: null }),
      afterUnknown: { name: true }
    })
    expect(change).toMatchObject({
      id: assignmentId(NAME_KNOWN_AFTER_APPLY),
      after: { name: null },
      unknown: ['$.name', '$.id']
    })
  })

  test('a JSON attribute that does not parse is unknown, with a note', () => {
    const change = onlyChange({
      address: `${ASSIGNMENT}.jit`,
      type: ASSIGNMENT,
      actions: ['create'],
      after: assignmentValues('jit', { parameters: '{"effect": ' })
    })
    expect(change.unknown).toEqual(['$.properties.parameters'])
    expect(change.notes).toEqual([
      '$.properties.parameters is not valid JSON in the plan, so its value after apply is not known.'
    ])
  })
})

describe('the subscription of the provider configuration a resource uses', () => {
  const pricing: TerraformChange = {
    address: 'module.spoke["b"].azurerm_security_center_subscription_pricing.servers[0]',
    type: 'azurerm_security_center_subscription_pricing',
    actions: ['create'],
    after: { resource_type: 'VirtualMachines', tier: 'Standard', subplan: 'P2' }
  }
  const configuration = (key: string, expressions: Record<string, unknown>) => ({
    configuration: {
      provider_config: {
        azurerm: { name: 'azurerm' },
        'azurerm.spoke': { name: 'azurerm', alias: 'spoke', expressions }
      },
      root_module: {
        module_calls: {
          spoke: {
            module: {
              resources: [
                {
                  address: 'azurerm_security_center_subscription_pricing.servers',
                  mode: 'managed',
                  type: 'azurerm_security_center_subscription_pricing',
                  name: 'servers',
                  provider_config_key: key
                }
              ]
            }
          }
        }
      }
    }
  })

  test('follows the resource, through its module calls, to the configuration the module was passed', () => {
    const change = onlyChange(
      pricing,
      configuration('azurerm.spoke', { subscription_id: { constant_value: SUB3 } })
    )
    expect(change.id).toBe(
      `/subscriptions/${SUB3}/providers/Microsoft.Security/pricings/VirtualMachines`
    )
  })

  test.each([
    [
      'a reference to a variable',
      configuration('azurerm.spoke', { subscription_id: { references: ['var.subscription_id'] } })
    ],
    ['no subscription_id (ARM_SUBSCRIPTION_ID)', configuration('azurerm.spoke', {})],
    [
      'a constant that is no subscription id',
      configuration('azurerm.spoke', { subscription_id: { constant_value: 'prod' } })
    ],
    [
      'a key missing from provider_config',
      configuration('module.spoke:azurerm', { subscription_id: { constant_value: SUB3 } })
    ],
    ['no configuration', {}]
  ])('is unknown given %s', (_case, extra) => {
    expect(onlyChange(pricing, extra)).toMatchObject({ id: null, unknown: ['$.id'] })
  })
})

describe('refused plans', () => {
  const refuse = (plan: unknown) => {
    try {
      readValue(plan, 'plans/tf.json')
    } catch (error) {
      expect(error).toBeInstanceOf(PlanFileError)
      return (error as Error).message
    }
    throw new Error('accepted')
  }

  test('an unsupported major format version', () => {
    expect(refuse({ format_version: '2.0', resource_changes: [] })).toBe(
      'planned-changes: plans/tf.json: has format_version "2.0"; this check reads the Terraform JSON output format 0.x and 1.x. Produce the plan with `terraform show -json PLAN` of Terraform 0.12 to 1.x.'
    )
    expect(refuse({ format_version: 1 })).toMatch(/has format_version ""/)
  })

  test('a state, and Terraform JSON that is no plan', () => {
    expect(
      refuse({ format_version: '1.0', terraform_version: '1.9.8', values: { root_module: {} } })
    ).toMatch(/is a Terraform state, not a plan\. Save the plan/)
    expect(refuse({ format_version: '1.0', provider_schemas: {} })).toMatch(
      /is Terraform JSON, but not a plan/
    )
  })

  test('a plan Terraform could not finish', () => {
    expect(refuse({ ...terraformPlan([]), errored: true })).toMatch(
      /could not finish \(`errored: true`\)/
    )
  })

  test('resource changes that are not an array, or a change without its address', () => {
    expect(refuse({ format_version: '1.2', resource_changes: {} })).toMatch(
      /has a `resource_changes` that is not an array/
    )
    expect(
      refuse({
        format_version: '1.2',
        resource_changes: [{ mode: 'managed', type: ASSIGNMENT, change: {} }]
      })
    ).toMatch(/without `address` or `change`/)
  })
})
