// Terraform resource instance addresses, as `terraform show -json` writes them.
import { describe, expect, test } from '@jest/globals'
import { parseResourceAddress } from '../../src/plan/address.ts'

describe('parseResourceAddress', () => {
  test('reads a root resource, with and without an instance key', () => {
    expect(parseResourceAddress('azurerm_subscription_policy_assignment.jit')).toEqual({
      modules: [],
      mode: 'managed',
      type: 'azurerm_subscription_policy_assignment',
      name: 'jit'
    })
    expect(parseResourceAddress('azurerm_policy_definition.custom[3]')).toMatchObject({
      name: 'custom',
      key: 3
    })
  })

  test('reads module calls with count and for_each keys, and keys holding dots, slashes and quotes', () => {
    expect(
      parseResourceAddress(
        'module.alz["root"].module.mg[0].azapi_resource.policy_assignments["alz/Deploy-ASC-Monitoring"]'
      )
    ).toEqual({
      modules: [
        { name: 'alz', key: 'root' },
        { name: 'mg', key: 0 }
      ],
      mode: 'managed',
      type: 'azapi_resource',
      name: 'policy_assignments',
      key: 'alz/Deploy-ASC-Monitoring'
    })
    expect(parseResourceAddress('azapi_resource.x["a.b \\"c\\" ]d"]')).toMatchObject({
      key: 'a.b "c" ]d'
    })
    expect(parseResourceAddress('module.landing-zones.azurerm_resource_group.rg')?.modules).toEqual(
      [{ name: 'landing-zones' }]
    )
  })

  test('reads data sources, in modules too', () => {
    expect(parseResourceAddress('module.x.data.azurerm_policy_set_definition.mcsb')).toEqual({
      modules: [{ name: 'x' }],
      mode: 'data',
      type: 'azurerm_policy_set_definition',
      name: 'mcsb'
    })
  })

  test.each([
    '',
    'azurerm_x',
    'azurerm_x.a.b',
    'module.m',
    'azurerm_x.a[',
    'azurerm_x.a["x]',
    'azurerm_x.a[x]',
    'azurerm_x[0].a',
    'azurerm_x.a.',
    '1x.a'
  ])('refuses %j', (address) => {
    expect(parseResourceAddress(address)).toBeUndefined()
  })
})
