// azapi_resource of the types the check weighs: the id from parent_id, type and name; the body as
// ARM's resource, as an object or a JSON string; Terraform's marks inside the body.
import { describe, expect, test } from '@jest/globals'
import { mapAssignment, mapExemption, mapPricing } from '../../src/collect/map.ts'
import { JIT, mg, onlyChange, readValue, SUB2, terraformPlan } from './helpers.ts'

const ADDRESS = 'module.alz.azapi_resource.policy_assignments["alz/jit"]'

const assignment = (extra: Record<string, unknown> = {}) => ({
  type: 'Microsoft.Authorization/policyAssignments@2024-04-01',
  name: 'jit',
  parent_id: mg('alz'),
  body: {
    properties: {
      policyDefinitionId: JIT,
      enforcementMode: 'Default',
      parameters: { effect: { value: 'Disabled' } }
    }
  },
  ...extra
})

describe('azapi_resource', () => {
  test('a policy assignment: the id is {parent_id}/providers/{type}/{name}; the body is read as the collector reads ARM', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment(),
      afterUnknown: { id: true, output: true }
    })
    const id = `${mg('alz')}/providers/Microsoft.Authorization/policyAssignments/jit`
    expect(change).toMatchObject({ kind: 'assignment', id, unknown: [] })
    expect(mapAssignment(change.after)).toMatchObject({
      id,
      scope: mg('alz'),
      policyDefinitionId: JIT,
      parameters: { effect: { value: 'Disabled' } }
    })
  })

  test('an exemption, and the servers pricing; another pricing is not weighed', () => {
    const exemption = onlyChange({
      address: 'azapi_resource.waiver',
      type: 'azapi_resource',
      actions: ['create'],
      after: {
        type: 'Microsoft.Authorization/policyExemptions@2022-07-01-preview',
        name: 'waiver',
        parent_id: `/subscriptions/${SUB2}/resourceGroups/rg`,
        body: {
          properties: {
            policyAssignmentId: 'a',
            exemptionCategory: 'Waiver',
            resourceSelectors: [
              { name: 'vms', selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }] }
            ]
          }
        }
      }
    })
    expect(mapExemption(exemption.after)).toMatchObject({
      scope: `/subscriptions/${SUB2}/resourceGroups/rg`,
      resourceSelectors: [
        { name: 'vms', selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }] }
      ]
    })
    const pricing = (name: string) => ({
      address: `azapi_resource.${name}`,
      type: 'azapi_resource',
      actions: ['update'],
      before: {
        type: 'Microsoft.Security/pricings@2024-01-01',
        name,
        parent_id: `/subscriptions/${SUB2}`,
        body: { properties: { pricingTier: 'Standard', subPlan: 'P2' } }
      },
      after: {
        type: 'Microsoft.Security/pricings@2024-01-01',
        name,
        parent_id: `/subscriptions/${SUB2}`,
        body: { properties: { pricingTier: 'Free' } }
      }
    })
    const { changes } = readValue(
      terraformPlan([pricing('VirtualMachines'), pricing('Containers')])
    )
    expect(changes).toHaveLength(1)
    expect(changes[0]?.id).toBe(
      `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`
    )
    expect(mapPricing(changes[0]?.after)).toEqual({ pricingTier: 'Free' })
  })

  test('the type is matched in any case and written as ARM writes it; other types are not read', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment({ type: 'microsoft.authorization/policyassignments@2022-06-01' })
    })
    expect(change.after?.type).toBe('Microsoft.Authorization/policyAssignments')
    const others = terraformPlan([
      {
        address: 'azapi_resource.a',
        type: 'azapi_resource',
        actions: ['create'],
        after: assignment({ type: 'Microsoft.Authorization/roleAssignments@2022-04-01' })
      },
      {
        address: 'azapi_resource.b',
        type: 'azapi_resource',
        actions: ['create'],
        after: assignment({ type: null }),
        afterUnknown: { type: true }
      }
    ])
    expect(readValue(others).changes).toEqual([])
  })

  test('at the tenant (`/`) the id starts at /providers', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment({ parent_id: '/' })
    })
    expect(change.id).toBe('/providers/Microsoft.Authorization/policyAssignments/jit')
  })

  test('values unknown inside the body map to the same path in the resource', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment({
        body: {
          properties: {
            policyDefinitionId: JIT,
            notScopes: ['a', null],
            parameters: { effect: { value: null } }
          }
        }
      }),
      afterUnknown: {
        id: true,
        output: true,
        body: { properties: { notScopes: [false, true], parameters: { effect: { value: true } } } }
      },
      afterSensitive: { body: { properties: { parameters: { effect: { value: true } } } } }
    })
    expect(change.unknown).toEqual([
      '$.properties.notScopes[1]',
      '$.properties.parameters.effect.value'
    ])
    expect(change.sensitive).toEqual(['$.properties.parameters.effect.value'])
  })

  test('a body unknown as a whole hides every property; a name or parent unknown hides the id', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment({ body: null, name: null, parent_id: null }),
      afterUnknown: { body: true, name: true, parent_id: true }
    })
    expect(change).toMatchObject({ id: null, unknown: ['$.name', '$.id', '$.properties'] })
    expect(change.after).toMatchObject({ id: null, name: null, properties: {} })
  })

  test('a JSON-string body that does not parse leaves the properties unknown', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['create'],
      after: assignment({ body: '{"properties": ' })
    })
    expect(change.unknown).toEqual(['$.properties'])
    expect(change.notes).toEqual([
      'The body is not valid JSON in the plan, so the properties after apply are not known.'
    ])
  })

  test('parameter names that are not identifiers are quoted in the path', () => {
    const change = onlyChange({
      address: ADDRESS,
      type: 'azapi_resource',
      actions: ['update'],
      before: assignment(),
      after: assignment(),
      afterUnknown: {
        body: {
          properties: {
            parameters: { "effect-b0f33259-77d7-4c9e-aac6-3aabcfae693c's": { value: true } }
          }
        }
      }
    })
    expect(change.unknown).toEqual([
      "$.properties.parameters['effect-b0f33259-77d7-4c9e-aac6-3aabcfae693c\\'s'].value"
    ])
  })
})

describe('azapi_update_resource', () => {
  const PRICING = `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`
  const toFree = {
    type: 'Microsoft.Security/pricings@2024-01-01',
    resource_id: PRICING,
    body: { properties: { pricingTier: 'Free' } }
  }

  test('an update of the resource at resource_id, whose resource after the plan does not describe', () => {
    for (const actions of [['create'], ['update'], ['delete', 'create']]) {
      const change = onlyChange({
        address: 'azapi_update_resource.servers',
        type: 'azapi_update_resource',
        actions,
        after: toFree
      })
      expect(change).toMatchObject({ kind: 'pricing', action: 'update', id: PRICING })
      expect(change.unknown).toContain('$')
      expect(change.notes.join(' ')).toContain('merges its body')
    }
  })

  test('the id from parent_id and name when resource_id is not given', () => {
    const change = onlyChange({
      address: 'azapi_update_resource.jit',
      type: 'azapi_update_resource',
      actions: ['create'],
      after: {
        type: 'Microsoft.Authorization/policyAssignments@2024-04-01',
        parent_id: mg('alz'),
        name: 'jit',
        body: { properties: { parameters: { effect: { value: 'Disabled' } } } }
      }
    })
    expect(change).toMatchObject({
      kind: 'assignment',
      action: 'update',
      id: `${mg('alz')}/providers/Microsoft.Authorization/policyAssignments/jit`
    })
  })

  test('destroying it changes nothing in Azure ("no operation will be performed")', () => {
    const read = readValue(
      terraformPlan([
        {
          address: 'azapi_update_resource.servers',
          type: 'azapi_update_resource',
          actions: ['delete'],
          before: toFree
        }
      ])
    )
    expect(read.changes).toEqual([])
  })
})
