// Moves in the management-group hierarchy (src/plan/placement.ts): read from Terraform and
// what-if, and never laid over as if they changed nothing: a subscription they reach is not
// decided before apply.
import { describe, expect, test } from '@jest/globals'
import { overlayChanges } from '../../src/plan/overlay.ts'
import { decideNowAndAfter } from '../../src/planned-verdicts.ts'
import { changeScopes } from '../../src/planned-scope.ts'
import type { PlannedChange } from '../../src/plan/types.ts'
import { assignment, groupId, snapshot, SUBSCRIPTION } from '../evaluate/builders.ts'
import { mg, readValue, terraformPlan } from './helpers.ts'

const membership = (group: string, subscription = SUBSCRIPTION) =>
  `${mg(group)}/subscriptions/${subscription}`

/** The subscription, audited through an assignment at management group `landing-zones` above it. */
const inherited = assignment({ name: 'mcsb', scope: groupId('landing-zones') })
const estate = snapshot([inherited], [], {
  defenderForServers: { pricingTier: 'Standard', subPlan: 'P2' },
  managementGroupAncestry: [groupId('corp'), groupId('landing-zones')]
})

function decide(changes: PlannedChange[]) {
  const above = new Set([groupId('corp'), groupId('landing-zones')].map((id) => id.toLowerCase()))
  return decideNowAndAfter(
    estate,
    { lay: (live) => overlayChanges(live, changes, above), declaredAt: () => null },
    { failOn: new Set(['noncompliant', 'error']) }
  )
}

const moves = (plan: unknown) => readValue(plan).changes

describe('Terraform', () => {
  test.each([
    [
      'an association of the subscription with another group',
      'azurerm_management_group_subscription_association',
      ['create'],
      null,
      { management_group_id: mg('sandbox'), subscription_id: `/subscriptions/${SUBSCRIPTION}` }
    ],
    [
      'an association destroyed (the subscription returns to the root group)',
      'azurerm_management_group_subscription_association',
      ['delete'],
      { management_group_id: mg('corp'), subscription_id: `/subscriptions/${SUBSCRIPTION}` },
      null
    ],
    [
      'a group that gains the subscription',
      'azurerm_management_group',
      ['update'],
      { name: 'sandbox', subscription_ids: [] },
      { name: 'sandbox', subscription_ids: [SUBSCRIPTION] }
    ],
    [
      'azapi: Microsoft.Management/managementGroups/subscriptions',
      'azapi_resource',
      ['create'],
      null,
      {
        type: 'Microsoft.Management/managementGroups/subscriptions@2021-04-01',
        parent_id: mg('sandbox'),
        name: SUBSCRIPTION
      }
    ]
  ])('%s moves it: compliant now, not decided after', (_, type, actions, before, after) => {
    const changes = moves(
      terraformPlan([{ address: `${type}.move`, type, actions, before, after }])
    )
    expect(changes.map((change) => change.kind)).toContain('placement')
    expect(changeScopes(changes).subscriptionIds).toContain(SUBSCRIPTION)
    const result = decide(changes)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain(
      `moves /subscriptions/${SUBSCRIPTION} to another management group`
    )
  })

  test('a group above moved under another parent reaches the subscriptions below it', () => {
    const changes = moves(
      terraformPlan([
        {
          address: 'azurerm_management_group.corp',
          type: 'azurerm_management_group',
          actions: ['update'],
          before: { name: 'corp', parent_management_group_id: mg('landing-zones') },
          after: { name: 'corp', parent_management_group_id: mg('contoso') }
        }
      ])
    )
    expect(changeScopes(changes).managementGroups).toEqual(['corp'])
    const result = decide(changes)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('moves management group corp, and the subscriptions below it')
  })

  test('a group whose display name alone changes moves nothing', () => {
    const changes = moves(
      terraformPlan([
        {
          address: 'azurerm_management_group.corp',
          type: 'azurerm_management_group',
          actions: ['update'],
          before: {
            name: 'corp',
            display_name: 'Corp',
            parent_management_group_id: mg('lz'),
            subscription_ids: [SUBSCRIPTION]
          },
          after: {
            name: 'corp',
            display_name: 'Corporate',
            parent_management_group_id: mg('lz'),
            subscription_ids: [SUBSCRIPTION]
          }
        }
      ])
    )
    expect(changes).toEqual([])
  })

  test('members known only after apply: a move the plan does not place', () => {
    const changes = moves(
      terraformPlan([
        {
          address: 'azurerm_management_group.sandbox',
          type: 'azurerm_management_group',
          actions: ['update'],
          before: { name: 'sandbox', subscription_ids: [] },
          after: { name: 'sandbox', subscription_ids: [null] },
          afterUnknown: { subscription_ids: [true] }
        }
      ])
    )
    expect(changes).toMatchObject([{ kind: 'placement', id: null }])
    expect(decide(changes).verdict).toBe('error')
  })
})

describe('what-if', () => {
  const result = (changes: unknown[]) => ({ status: 'Succeeded', changes })

  test('a subscription created under another group is a move', () => {
    const changes = moves(result([{ resourceId: membership('sandbox'), changeType: 'Create' }]))
    expect(changes).toMatchObject([{ kind: 'placement', id: membership('sandbox') }])
    expect(decide(changes).verdict).toBe('error')
  })

  test("a group's new parent is a move; a new display name is not", () => {
    const group = (parent: string, displayName = 'Corp') => ({
      properties: { displayName, details: { parent: { id: mg(parent) } } }
    })
    const moved = moves(
      result([
        {
          resourceId: mg('corp'),
          changeType: 'Modify',
          before: group('landing-zones'),
          after: group('contoso')
        }
      ])
    )
    expect(decide(moved).verdict).toBe('error')
    const renamed = moves(
      result([
        {
          resourceId: mg('corp'),
          changeType: 'Modify',
          before: group('landing-zones'),
          after: group('landing-zones', 'Corporate')
        }
      ])
    )
    expect(renamed).toEqual([])
  })
})

test('a move elsewhere does not reach the subscription', () => {
  const changes = moves(
    terraformPlan([
      {
        address: 'azurerm_management_group_subscription_association.other',
        type: 'azurerm_management_group_subscription_association',
        actions: ['create'],
        after: {
          management_group_id: mg('sandbox'),
          subscription_id: '/subscriptions/99999999-8888-7777-6666-555555555555'
        }
      }
    ])
  )
  expect(decide(changes)).toMatchObject({ currentVerdict: 'compliant', verdict: 'compliant' })
})
