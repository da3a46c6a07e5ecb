// Coverage: notScopes at, above and below the subscription (with its management-group ancestry),
// the assignment's own scope, resource selectors and enforcement mode.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { PolicyAssignment, ResourceSelector, SubscriptionSnapshot } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  groupId,
  MCSB_V1,
  OTHER_SUBSCRIPTION,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE,
  TENANT
} from './builders.ts'

const PLATFORM = groupId('platform')

function atGroup(fields: Partial<PolicyAssignment> = {}): PolicyAssignment {
  return assignment({
    name: 'mcsb',
    displayName: 'MCSB',
    scope: PLATFORM,
    policyDefinitionId: setId(MCSB_V1),
    ...fields
  })
}

function evaluate(assignments: PolicyAssignment[], fields: Partial<SubscriptionSnapshot> = {}) {
  return evaluateSubscription(snapshot(assignments, [builtInSet(MCSB_V1)], fields))
}

describe('notScopes', () => {
  test.each([[SUBSCRIPTION_SCOPE], [SUBSCRIPTION_SCOPE.toUpperCase()], [`${SUBSCRIPTION_SCOPE}/`]])(
    '%s excludes the subscription: noncompliant, never a pass',
    (notScope) => {
      const result = evaluate([atGroup({ notScopes: [notScope] })])
      expect(result.verdict).toBe('noncompliant')
      expect(result.effectiveEffect).toBeNull()
      expect(result.assignments[0]).toMatchObject({ coverage: 'none', effect: 'AuditIfNotExists' })
      expect(result.reason).toBe(
        `Assignment 'MCSB' at ${PLATFORM} does not audit JIT on ${SUBSCRIPTION_SCOPE}: it excludes ${notScope} in its notScopes; remove ${notScope} from its notScopes.`
      )
    }
  )

  test.each([
    [`${SUBSCRIPTION_SCOPE}/resourceGroups/vms`, 'resource group vms'],
    [
      `${SUBSCRIPTION_SCOPE.toUpperCase()}/resourceGroups/vms/providers/Microsoft.Compute/virtualMachines/vm1`,
      'resource Microsoft.Compute/virtualMachines/vm1 in resource group vms'
    ]
  ])('%s inside the subscription: partial, naming the part left out', (notScope, part) => {
    const result = evaluate([atGroup({ notScopes: [notScope] })])
    expect(result.verdict).toBe('partial')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial' })
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in ${part} in every location. Assignment 'MCSB' at ${PLATFORM} excludes ${notScope} in its notScopes; remove ${notScope} from its notScopes.`
    )
  })

  test('the first of the narrowest limits gives the reason', () => {
    const rg = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg`
    const result = evaluate([
      atGroup({ notScopes: [rg, SUBSCRIPTION_SCOPE, `${rg}2`, SUBSCRIPTION_SCOPE.toUpperCase()] })
    ])
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.reason).toContain(`it excludes ${SUBSCRIPTION_SCOPE} in its notScopes`)
    expect(result.assignments[0]!.notes.filter((note) => note.startsWith('Coverage'))).toHaveLength(
      4
    )
  })

  test('scopes of another subscription do not matter', () => {
    const others = [
      `/subscriptions/${OTHER_SUBSCRIPTION}`,
      `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/x`
    ]
    expect(evaluate([atGroup({ notScopes: others })]).verdict).toBe('compliant')
  })

  test('a subscription whose id starts like ours is not inside ours', () => {
    expect(evaluate([atGroup({ notScopes: [`${SUBSCRIPTION_SCOPE}0`] })]).verdict).toBe('compliant')
  })
})

describe('notScopes that name a management group', () => {
  const ancestry = [groupId('landing-zones'), PLATFORM, groupId(TENANT)]

  test.each([
    ['the nearest parent', groupId('landing-zones')],
    ['in another case', groupId('LANDING-ZONES').toUpperCase()],
    ['the tenant root group', groupId(TENANT)]
  ])('%s, in the ancestry, excludes the subscription', (_name, notScope) => {
    const result = evaluate([atGroup({ notScopes: [notScope] })], {
      managementGroupAncestry: ancestry
    })
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.reason).toContain(
      `it excludes management group ${notScope}, which contains ${SUBSCRIPTION_SCOPE}, in its notScopes`
    )
  })

  test('something below a management group is not a management group', () => {
    const below = `${groupId('landing-zones')}/providers/Microsoft.Authorization/policyAssignments/x`
    const result = evaluate([atGroup({ notScopes: [below, groupId('')] })])
    expect(result.verdict).toBe('compliant')
  })

  test('a group outside the ancestry does not matter', () => {
    const result = evaluate([atGroup({ notScopes: [groupId('sandbox')] })], {
      managementGroupAncestry: ancestry
    })
    expect(result.verdict).toBe('compliant')
  })

  test('ancestry given as bare names is understood', () => {
    const result = evaluate([atGroup({ notScopes: [groupId('landing-zones')] })], {
      managementGroupAncestry: ['Landing-Zones', 'platform']
    })
    expect(result.verdict).toBe('noncompliant')
  })

  test('a group where an assignment that applies was made is a known ancestor, ancestry or not', () => {
    const excluding = atGroup({ name: 'excluding', notScopes: [groupId('Corp')] })
    const atCorp = assignment({
      name: 'other-policy',
      scope: groupId('corp'),
      policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/other'
    })
    const result = evaluate([excluding, atCorp])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments).toHaveLength(1)
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
  })

  test('a group that cannot be placed without the ancestry: error that says what to grant', () => {
    const result = evaluate([atGroup({ notScopes: [groupId('sandbox')] })], {
      managementGroupAncestryError: 'AuthorizationFailed'
    })
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unknown-ancestry')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.assignments[0]).toMatchObject({ coverage: 'unknown' })
    expect(result.reason).toContain(
      `Could not decide whether JIT is audited on ${SUBSCRIPTION_SCOPE}: assignment 'MCSB' at ${PLATFORM} excludes management group ${groupId('sandbox')} in its notScopes`
    )
    expect(result.reason).toContain('could not be read (AuthorizationFailed)')
    expect(result.reason).toContain(
      'Microsoft.Management/managementGroups/descendants/read (in the Reader role) on the excluded management group'
    )
  })

  test('without an ancestry error the reason still says the ancestry could not be read', () => {
    const result = evaluate([atGroup({ notScopes: [groupId('sandbox')] })])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unknown-ancestry')
    expect(result.reason).toContain(
      `the management-group ancestry of ${SUBSCRIPTION_SCOPE} could not be read to tell`
    )
  })

  test('an undecidable notScope does not matter when the effect is Disabled anyway', () => {
    const result = evaluate([
      atGroup({
        notScopes: [groupId('sandbox')],
        parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
      })
    ])
    expect(result.verdict).toBe('noncompliant')
  })

  test('an undecidable notScope does not matter when another assignment audits fully', () => {
    const undecided = atGroup({ notScopes: [groupId('sandbox')] })
    const full = assignment({ name: 'jit', displayName: 'JIT alone' })
    const result = evaluate([undecided, full])
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toContain("'JIT alone'")
    expect(result.assignments.map((item) => item.coverage)).toEqual(['full', 'unknown'])
  })

  test('an undecidable notScope beats a partial audit: error', () => {
    const undecided = atGroup({ notScopes: [groupId('sandbox')] })
    const partly = assignment({
      name: 'jit',
      notScopes: [`${SUBSCRIPTION_SCOPE}/resourceGroups/rg`]
    })
    expect(evaluate([partly, undecided]).verdict).toBe('error')
  })

  test('exclusion beats an unknown on the same assignment', () => {
    const result = evaluate([atGroup({ notScopes: [groupId('sandbox'), SUBSCRIPTION_SCOPE] })])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
  })
})

describe('the assignment scope', () => {
  test('an assignment made inside the subscription covers it partly', () => {
    const rg = `${SUBSCRIPTION_SCOPE}/resourceGroups/vms`
    const result = evaluate([assignment({ name: 'jit', displayName: 'RG JIT', scope: rg })])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group but resource group vms in every location. Assignment 'RG JIT' at ${rg} is assigned at ${rg}, inside ${SUBSCRIPTION_SCOPE}; assign it at ${SUBSCRIPTION_SCOPE} or above.`
    )
  })
})

describe('resource selectors', () => {
  function selected(resourceSelectors: ResourceSelector[]) {
    return evaluate([atGroup({ resourceSelectors })])
  }

  test.each([
    [
      'a location in list',
      [{ kind: 'resourceLocation', in: ['eastus'] }],
      'every location but eastus'
    ],
    ['a location notIn list', [{ kind: 'ResourceLocation', notIn: ['eastus'] }], 'eastus']
  ])('%s covers the virtual machines of some locations: partial', (_name, selectors, left) => {
    const result = selected([{ name: 'SDP', selectors }])
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial' })
    expect(result.reason).toContain(
      `no assignment audits it in every resource group in ${left}. Assignment 'MCSB' at ${PLATFORM} evaluates only the virtual machines in the locations its resource selectors ('SDP') choose`
    )
  })

  test.each([
    ['a kind Azure does not document', [{ kind: 'resourceTag', in: ['x'] }], "kind 'resourceTag'"],
    [
      'a location selector with neither list',
      [{ kind: 'resourceLocation' }],
      "kind 'resourceLocation' with neither in nor notIn"
    ],
    [
      'a type selector with neither list',
      [{ kind: 'resourceType' }],
      "kind 'resourceType' with neither in nor notIn"
    ]
  ])('%s cannot be decided: error naming the selector', (_name, selectors, named) => {
    const result = selected([{ name: 'Odd', selectors }])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.assignments[0]).toMatchObject({ coverage: 'unknown' })
    expect(result.reason).toContain(
      `has resource selectors ('Odd') whose reach this check cannot decide (a selector of ${named})`
    )
  })

  test.each([
    [
      'resourceType in without virtual machines',
      [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
    ],
    [
      'resourceType notIn with virtual machines',
      [{ kind: 'resourceType', notIn: ['microsoft.compute/VIRTUALMACHINES'] }]
    ],
    [
      'only resources without a location',
      [{ kind: 'resourceWithoutLocation', in: ['subscriptionLevelResources'] }]
    ],
    [
      'resources without location in another value',
      [{ kind: 'resourceWithoutLocation', in: ['other'] }]
    ],
    ['a location in list that is empty', [{ kind: 'resourceLocation', in: [] }]],
    [
      'virtual machines, but only without a location',
      [
        { kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] },
        { kind: 'resourceWithoutLocation', in: ['subscriptionLevelResources'] }
      ]
    ]
  ])('%s leaves out every virtual machine: noncompliant', (_name, selectors) => {
    const result = selected([{ name: 'Types', selectors }])
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBeNull()
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.reason).toContain(
      "evaluates no virtual machines: its resource selectors ('Types') leave out Microsoft.Compute/virtualMachines"
    )
  })

  test.each([
    [
      'resourceType in with virtual machines',
      [{ kind: 'ResourceType', in: ['microsoft.compute/virtualmachines'] }]
    ],
    [
      'resourceType notIn without virtual machines',
      [{ kind: 'resourceType', notIn: ['Microsoft.Storage/storageAccounts'] }]
    ],
    [
      'resources with a location',
      [{ kind: 'resourceWithoutLocation', notIn: ['subscriptionLevelResources'] }]
    ],
    ['an empty location notIn', [{ kind: 'resourceLocation', notIn: [] }]],
    ['no selectors at all', []]
  ])('%s lets every virtual machine through: full', (_name, selectors) => {
    const result = selected([{ name: 'All', selectors }])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'full' })
  })

  test('any one resource selector that takes every virtual machine is enough', () => {
    const result = selected([
      {
        name: 'Storage',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
      },
      { name: 'Regions', selectors: [{ kind: 'resourceLocation', in: ['eastus'] }] },
      {
        name: 'VMs',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }]
      }
    ])
    expect(result.verdict).toBe('compliant')
  })

  test('one that takes some is better than none', () => {
    const result = selected([
      {
        name: 'Storage',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
      },
      { name: 'Regions', selectors: [{ kind: 'resourceLocation', in: ['eastus'] }] }
    ])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain("('Storage', 'Regions')")
  })
})

describe('resource selectors combined by location', () => {
  const byLocation = (name: string, selector: { in?: string[]; notIn?: string[] }) => ({
    name,
    selectors: [{ kind: 'resourceLocation', ...selector }]
  })

  test('location in [eastus] or notIn [EastUS]: every virtual machine is evaluated', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [
          byLocation('East', { in: ['eastus'] }),
          byLocation('Rest', { notIn: ['EastUS'] })
        ]
      })
    ])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'full' })
  })

  test('a location selector and a type selector in one resource selector: where both hold', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [
          {
            name: 'EastVMs',
            selectors: [
              { kind: 'resourceLocation', in: ['eastus'] },
              { kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }
            ]
          }
        ]
      })
    ])
    expect(result.verdict).toBe('partial')
  })

  test('every location with one selector that cannot be decided: decided, every location', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [
          byLocation('All', { notIn: [] }),
          { name: 'Odd', selectors: [{ kind: 'resourceTag', in: ['x'] }] }
        ]
      })
    ])
    expect(result.verdict).toBe('compliant')
  })

  test('some locations with one selector that cannot be decided: error, not a guessed partial', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [
          byLocation('East', { in: ['eastus'] }),
          { name: 'Odd', selectors: [{ kind: 'resourceTag', in: ['x'] }] }
        ]
      })
    ])
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain("(a selector of kind 'resourceTag')")
  })

  test('a selector that leaves out virtual machines settles its resource selector', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [
          {
            name: 'Storage',
            selectors: [
              { kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] },
              { kind: 'resourceTag', in: ['x'] }
            ]
          }
        ]
      })
    ])
    expect(result.verdict).toBe('noncompliant')
  })

  function eastOnlyDisabledIn(location: string) {
    return evaluate([
      atGroup({
        resourceSelectors: [byLocation('SDP', { in: ['eastus'] })],
        overrides: [
          {
            kind: 'policyEffect',
            value: 'Disabled',
            selectors: [{ kind: 'resourceLocation', in: [location] }]
          }
        ]
      })
    ])
  }

  test('evaluates only eastus, and an override disables JIT in eastus: nothing audited, noncompliant', () => {
    const result = eastOnlyDisabledIn('EASTUS')
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${PLATFORM} does not audit JIT on ${SUBSCRIPTION_SCOPE}: it evaluates only the virtual machines in the locations its resource selectors ('SDP') choose, and overrides the JIT effect to Disabled (override #1) for the resources that override selects, which together leave no location where JIT is audited; remove its resource selectors or make one of them select every Microsoft.Compute/virtualMachines, and remove override #1 or set its value to AuditIfNotExists.`
    )
  })

  test('evaluates only eastus, and an override disables JIT in westus: the override does not matter', () => {
    const result = eastOnlyDisabledIn('westus')
    expect(result.verdict).toBe('partial')
    expect(result.reason).not.toContain('override #1')
  })

  test('a Disabled effect over some locations: the effect decides, noncompliant', () => {
    const result = evaluate([
      atGroup({
        resourceSelectors: [byLocation('SDP', { in: ['eastus'] })],
        parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
      })
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial', effect: 'Disabled' })
  })
})

describe('enforcement mode', () => {
  test.each([
    ['Default', 'Default: the effect is enforced'],
    ['DoNotEnforce', 'DoNotEnforce: the effect is not enforced at creation or update'],
    ['doNotEnforce', 'DoNotEnforce: the effect is not enforced at creation or update'],
    ['Enroll', 'Enroll: the effect is enforced only on enrolled resources, but resources']
  ])('%s still audits: compliant, and the note says which mode', (mode, note) => {
    const result = evaluate([atGroup({ enforcementMode: mode })])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'full', enforcementMode: mode })
    const notes = result.assignments[0]!.notes.join(' ')
    expect(notes).toContain(`enforcementMode ${note}`)
    expect(notes).toContain('so AuditIfNotExists still audits')
  })

  test('a mode Azure does not document is an error, not a guess', () => {
    const result = evaluate([atGroup({ enforcementMode: 'Audit' })])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      "has enforcementMode 'Audit', which Azure does not document (only Default, DoNotEnforce, Enroll); check the assignment's enforcementMode."
    )
  })

  test('an undocumented mode does not matter when the effect does not audit', () => {
    const result = evaluate([
      atGroup({
        enforcementMode: 'Audit',
        parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
      })
    ])
    expect(result.verdict).toBe('noncompliant')
  })
})

test('the subscription id in the snapshot decides what S is', () => {
  const result = evaluateSubscription(
    snapshot([atGroup({ notScopes: [SUBSCRIPTION_SCOPE] })], [builtInSet(MCSB_V1)], {
      subscriptionId: OTHER_SUBSCRIPTION
    })
  )
  expect(result.subscriptionId).toBe(OTHER_SUBSCRIPTION)
  expect(result.verdict).toBe('compliant')
})
