// Regions of a subscription (scopes the snapshot names inside it, locations its selectors name)
// and reaches united and read side by side.
import { describe, expect, test } from '@jest/globals'
import { NO_REACH, either, unite, within, type Reach } from '../../src/evaluate/reach.ts'
import { NOWHERE, universeOf, type Universe } from '../../src/evaluate/region.ts'
import { EVERY_LOCATION, selectorLocations, type Locations } from '../../src/evaluate/locations.ts'
import { assignment, exemption, snapshot, SUBSCRIPTION_SCOPE } from './builders.ts'

const RG = (name: string) => `${SUBSCRIPTION_SCOPE}/resourceGroups/${name}`
const VM = `${RG('Lab')}/providers/Microsoft.Compute/virtualMachines/jump`
const only = (...names: string[]): Locations =>
  selectorLocations({ kind: 'resourceLocation', in: names })!

/** A universe naming rg-lab (as Lab), its VM jump, rg-dev, and eastus and westus. */
function universe(): Universe {
  const atGroup = assignment({
    name: 'mcsb',
    scope: '/providers/Microsoft.Management/managementGroups/corp',
    notScopes: [
      RG('rg-dev'),
      '/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/x'
    ],
    resourceSelectors: [
      { name: 'East', selectors: [{ kind: 'ResourceLocation', in: ['EastUS'] }] },
      {
        name: 'Types',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }]
      }
    ],
    overrides: [{ kind: 'policyEffect', value: 'Disabled' }]
  })
  const inside = assignment({ name: 'vm', scope: VM })
  const waiver = exemption(atGroup, {
    name: 'west',
    resourceSelectors: [
      { name: 'West', selectors: [{ kind: 'resourceLocation', notIn: ['westus'] }] }
    ]
  })
  return universeOf(
    snapshot([atGroup, inside], [], { exemptions: [waiver] }),
    SUBSCRIPTION_SCOPE.toLowerCase()
  )
}

describe('a universe', () => {
  const u = universe()

  test('names the whole subscription, and the parts by scope and location', () => {
    expect(u.describe(u.every)).toBe('the whole subscription')
    expect(u.describe(u.inside(RG('rg-dev')))).toBe('resource group rg-dev in every location')
    expect(u.describe(u.at(only('eastus')))).toBe('every resource group in eastus')
    expect(u.describe(u.inside(RG('rg-dev')) & u.at(only('eastus', 'westus')))).toBe(
      'resource group rg-dev in eastus, westus'
    )
    expect(u.describe(u.inside(RG('LAB')))).toBe('resource group Lab in every location')
    expect(u.describe(u.inside(VM))).toBe(
      'resource Microsoft.Compute/virtualMachines/jump in resource group Lab in every location'
    )
    expect(u.describe(u.inside(RG('lab')) & ~u.inside(VM))).toBe(
      'resource group Lab but resource Microsoft.Compute/virtualMachines/jump in every location'
    )
  })

  test('names the rest of the subscription, and "every location but"', () => {
    expect(u.describe(u.every & ~u.inside(RG('rg-dev')) & ~u.inside(RG('lab')))).toBe(
      'every resource group but resource groups Lab and rg-dev in every location'
    )
    expect(u.describe(u.at(EVERY_LOCATION) & ~u.at(only('eastus')))).toBe(
      'every resource group in every location but eastus'
    )
    expect(u.describe(u.inside(RG('rg-dev')) & ~u.at(only('westus')))).toBe(
      'resource group rg-dev in every location but westus'
    )
  })

  test('joins parts of different shapes, and prefers the shorter of a part and its complement', () => {
    const region = u.at(only('westus')) | u.inside(RG('rg-dev'))
    expect(u.describe(region)).toBe(
      'every resource group in westus; resource group rg-dev in every location'
    )
    expect(u.describe(u.every & ~(u.inside(VM) & u.at(only('eastus'))))).toBe(
      'every virtual machine but those in resource Microsoft.Compute/virtualMachines/jump in resource group Lab in eastus'
    )
  })

  test('refuses a scope or location the snapshot does not name (a defect, never a guess)', () => {
    expect(() => u.inside(RG('elsewhere'))).toThrow('is not among those the snapshot names')
    expect(() => u.at(only('northeurope'))).toThrow(
      'the location northeurope is not named anywhere'
    )
  })

  test('with nothing named inside the subscription, a scope part is every resource group', () => {
    const plain = universeOf(
      snapshot([assignment({ name: 'jit' })]),
      SUBSCRIPTION_SCOPE.toLowerCase()
    )
    expect(plain.every).toBe(1n)
    expect(plain.describe(NOWHERE | plain.every)).toBe('the whole subscription')
  })
})

describe('reaches', () => {
  const u = universe()
  const reading = (audited: bigint, unknown = NOWHERE): Reach => ({
    ...NO_REACH,
    readings: [{ audited, unknown }]
  })

  test('unite audits where either does, in every pair of readings', () => {
    const a = either(reading(u.at(only('eastus'))), reading(u.at(only('westus'))))
    const b = reading(u.inside(RG('rg-dev')), u.at(only('eastus')))
    const united = unite(a, b)
    expect(united.readings).toEqual([
      { audited: u.at(only('eastus')) | u.inside(RG('rg-dev')), unknown: NOWHERE },
      {
        audited: u.at(only('westus')) | u.inside(RG('rg-dev')),
        unknown: u.at(only('eastus')) & ~u.inside(RG('rg-dev'))
      }
    ])
  })

  test('within drops what lies outside, readings and placed items alike', () => {
    const placed: Reach = {
      ...reading(u.every, u.every),
      gaps: [
        {
          region: u.inside(RG('rg-dev')),
          assignment: assignment({ name: 'a' }),
          cause: 'c',
          fix: 'f'
        }
      ]
    }
    const kept = within(placed, u.at(only('eastus')))
    expect(kept.readings).toEqual([
      { audited: u.at(only('eastus')), unknown: u.at(only('eastus')) }
    ])
    expect(kept.gaps.map((gap) => gap.region)).toEqual([
      u.inside(RG('rg-dev')) & u.at(only('eastus'))
    ])
    expect(within(placed, NOWHERE).gaps).toEqual([])
  })

  test('past 16 readings, they merge: audited where all audit, unknown where any other may', () => {
    const parts = [RG('rg-dev'), RG('lab'), VM].map((scope) => u.inside(scope))
    const many = [only('eastus'), only('westus')].flatMap((locations) =>
      parts.map((part) => reading(part & u.at(locations)))
    )
    const sideBySide = many.reduce(either)
    expect(sideBySide.readings).toHaveLength(6)
    const merged = unite(sideBySide, sideBySide)
    expect(merged.readings).toHaveLength(1)
    const possible = many.reduce((all, item) => all | item.readings[0]!.audited, NOWHERE)
    expect(merged.readings[0]).toEqual({ audited: NOWHERE, unknown: possible })
    expect(unite(merged, sideBySide).readings).toHaveLength(6)
    const wide = Array.from({ length: 17 }, (_, index) => reading(BigInt(index + 1) & u.every))
    expect(wide.reduce(either).readings.length).toBeLessThanOrEqual(16)
  })
})

test('a description lists at most eight items in a list, and counts the rest', () => {
  const groups = Array.from({ length: 10 }, (_, index) => RG(`rg${index}`))
  const names = Array.from({ length: 10 }, (_, index) => `loc${index}`)
  const many = universeOf(
    snapshot([
      assignment({
        name: 'mcsb',
        scope: '/providers/Microsoft.Management/managementGroups/corp',
        notScopes: groups,
        resourceSelectors: [
          { name: 'Rings', selectors: [{ kind: 'resourceLocation', notIn: names }] }
        ]
      })
    ]),
    SUBSCRIPTION_SCOPE.toLowerCase()
  )
  expect(many.describe(many.at(only(...names)))).toBe(
    'every resource group in loc0, loc1, loc2, loc3, loc4, loc5, loc6, loc7, 2 more'
  )
  const inside = groups.reduce((region, group) => region | many.inside(group), NOWHERE)
  expect(many.describe(inside & many.at(only('loc0')))).toBe(
    'resource group rg0, resource group rg1, resource group rg2, resource group rg3, resource group rg4, resource group rg5, resource group rg6, resource group rg7, 2 more in loc0'
  )
  expect(many.describe(many.every & ~inside)).toBe(
    'every resource group but resource groups rg0 and rg1 and rg2 and rg3 and rg4 and rg5 and rg6 and rg7 and 2 more in every location'
  )
})
