// Where planned changes reach (src/planned-scope.ts): the scope a run checks without scope inputs,
// and the management groups above a subscription.
import { describe, expect, test } from '@jest/globals'
import {
  changeScopes,
  managementGroupsAbove,
  requireChangesPlaced,
  scopeOfChanges
} from '../../src/planned-scope.ts'
import { assignment, groupId, snapshot, SUBSCRIPTION } from '../evaluate/builders.ts'
import { SUB1, SUB2, assignmentId, mg, plannedChange } from './helpers.ts'

const NO_SCOPE = {
  subscriptionIds: [],
  allSubscriptions: false,
  managementGroups: [],
  excludeSubscriptionIds: []
}

describe('changeScopes and scopeOfChanges', () => {
  const changes = [
    plannedChange({ id: assignmentId(`/subscriptions/${SUB1.toUpperCase()}`, 'a') }),
    plannedChange({ id: assignmentId(`/subscriptions/${SUB2}/resourceGroups/rg`, 'b') }),
    plannedChange({ id: assignmentId(mg('Corp'), 'c') }),
    plannedChange({ id: assignmentId(mg('corp'), 'd') }),
    plannedChange({ id: null })
  ]

  test('the subscriptions and management groups the changes are at, each once', () => {
    expect(changeScopes(changes)).toEqual({
      subscriptionIds: [SUB1, SUB2],
      managementGroups: ['corp']
    })
  })

  test('without scope inputs the changes give the scope; with them the inputs stand', () => {
    expect(scopeOfChanges(NO_SCOPE, changes)).toMatchObject({
      subscriptionIds: [SUB1, SUB2],
      managementGroups: ['corp']
    })
    const given = { ...NO_SCOPE, managementGroups: ['online'] }
    expect(scopeOfChanges(given, changes)).toBe(given)
    const all = { ...NO_SCOPE, allSubscriptions: true }
    expect(scopeOfChanges(all, changes)).toBe(all)
  })

  test('a change that does not say where it is needs the scope inputs: refused without them, naming it', () => {
    expect(() => requireChangesPlaced(NO_SCOPE, changes)).toThrow(
      /^Invalid input: planned-changes: azurerm_x\.y \(plan\.json\) does not say which subscription or scope it is in, .* or `subscriptions: '\*'`/
    )
    for (const given of [
      { ...NO_SCOPE, subscriptionIds: [SUB1] },
      { ...NO_SCOPE, managementGroups: ['corp'] },
      { ...NO_SCOPE, allSubscriptions: true }
    ]) {
      expect(() => requireChangesPlaced(given, changes)).not.toThrow()
    }
    expect(() => requireChangesPlaced(NO_SCOPE, changes.slice(0, 4))).not.toThrow()
    // A definition weighs on no verdict wherever it is.
    expect(() =>
      requireChangesPlaced(NO_SCOPE, [plannedChange({ id: null, kind: 'definition' })])
    ).not.toThrow()
  })
})

test('managementGroupsAbove: ancestry, inherited assignments and listed members', () => {
  const live = snapshot([assignment({ name: 'x', scope: groupId('Platform') })], [], {
    managementGroupAncestry: [groupId('contoso')]
  })
  const members = new Map([
    [groupId('corp'), new Set([SUBSCRIPTION])],
    [groupId('online'), new Set([SUB1])]
  ])
  expect([...managementGroupsAbove(live, members)].sort()).toEqual(
    [groupId('contoso'), groupId('corp'), groupId('platform')].map((id) => id.toLowerCase())
  )
})
