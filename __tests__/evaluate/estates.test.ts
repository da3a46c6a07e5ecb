// Issue 12 on real-shaped estates: assignments made inside the subscription or elsewhere, and
// exemptions narrowed by resource selectors, with the real Microsoft cloud security benchmark.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { PolicyAssignment, PolicyExemption, ResourceSelector } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  exemption,
  groupId,
  MCSB_V1,
  OTHER_SUBSCRIPTION,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const RG = `${SUBSCRIPTION_SCOPE}/resourceGroups/vms`
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/jump`

function mcsb(fields: Partial<PolicyAssignment> & { name: string }): PolicyAssignment {
  return assignment({ policyDefinitionId: setId(MCSB_V1), displayName: fields.name, ...fields })
}

const atGroup = mcsb({ name: 'MCSB', scope: groupId('platform') })
const disabled = { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }

function evaluate(assignments: PolicyAssignment[], exemptions: PolicyExemption[] = []) {
  return evaluateSubscription(snapshot(assignments, [builtInSet(MCSB_V1)], { exemptions }))
}

describe('assignments inside the subscription', () => {
  test.each([
    ['a resource group', RG, 'every resource group but resource group vms in every location'],
    [
      'a resource',
      VM,
      'every virtual machine but those in resource Microsoft.Compute/virtualMachines/jump in resource group vms in every location'
    ]
  ])('JIT audited only at %s is partial, naming the rest', (_name, scope, rest) => {
    const result = evaluate([mcsb({ name: 'inside', scope })])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in ${rest}. Assignment 'inside' at ${scope} is assigned at ${scope}, inside ${SUBSCRIPTION_SCOPE}; assign it at ${SUBSCRIPTION_SCOPE} or above.`
    )
  })

  test('one inside that disables JIT takes nothing from one that audits all of it', () => {
    const inside = mcsb({ name: 'rg-off', scope: RG, parameters: disabled })
    const result = evaluate([inside, atGroup])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments.map((evidence) => evidence.displayName)).toEqual(['MCSB', 'rg-off'])
  })

  test('one inside that disables JIT, alone, is noncompliant', () => {
    const result = evaluate([mcsb({ name: 'rg-off', scope: RG, parameters: disabled })])
    expect(result.verdict).toBe('noncompliant')
  })

  test.each([
    ['another subscription', `/subscriptions/${OTHER_SUBSCRIPTION}`],
    [
      'a resource group of another subscription',
      `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/vms`
    ]
  ])('one at %s is ignored with a note, never counted', (_name, scope) => {
    const result = evaluate([mcsb({ name: 'elsewhere', scope })])
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBeNull()
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.assignments[0]!.notes).toContain(
      `Coverage none: the assignment is assigned at ${scope}, which does not contain ${SUBSCRIPTION_SCOPE}, so it does not apply there; it is ignored.`
    )
  })
})

describe('exemption resource selectors', () => {
  function selecting(scope: string, resourceSelectors: ResourceSelector[]) {
    const waiver = exemption(atGroup, { name: 'waiver', scope, resourceSelectors })
    return { waiver, result: evaluate([atGroup], [waiver]) }
  }

  test.each([
    [SUBSCRIPTION_SCOPE, [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]],
    [RG, [{ kind: 'resourceType', notIn: ['microsoft.compute/virtualmachines'] }]],
    [SUBSCRIPTION_SCOPE, [{ kind: 'resourceWithoutLocation', in: ['subscriptionLevelResources'] }]]
  ])(
    'at %s, selectors that leave out virtual machines exempt nothing that matters',
    (scope, selectors) => {
      const { result } = selecting(scope, [{ name: 'NotVMs', selectors }])
      expect(result.verdict).toBe('compliant')
      expect(result.assignments[0]).toMatchObject({ coverage: 'full', exemptionIds: [] })
      expect(result.assignments[0]!.notes).toContain(
        "The exemption 'waiver' (Waiver) exempts no virtual machines (its resource selectors 'NotVMs' leave them out); it is ignored."
      )
    }
  )

  test('one limited by location at the subscription exempts part of it', () => {
    const { waiver, result } = selecting(SUBSCRIPTION_SCOPE, [
      { name: 'West', selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }] }
    ])
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial', exemptionIds: [waiver.id] })
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group in westeurope. Assignment 'MCSB' at ${groupId('platform')} is exempted from ${SUBSCRIPTION_SCOPE} by exemption 'waiver' (Waiver) at ${SUBSCRIPTION_SCOPE} for the virtual machines in the locations its resource selectors ('West') choose; delete exemption ${waiver.id} or let it expire.`
    )
  })

  test('selectors that take every virtual machine exempt the whole subscription', () => {
    const { result } = selecting(SUBSCRIPTION_SCOPE, [
      {
        name: 'VMs',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }]
      }
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
  })

  test('selectors it cannot decide are an error naming them', () => {
    const { result } = selecting(SUBSCRIPTION_SCOPE, [
      { name: 'Tags', selectors: [{ kind: 'resourceTag', in: ['env'] }] }
    ])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      "whose resource selectors ('Tags') this check cannot decide (a selector of kind 'resourceTag'); check the exemption's resource selectors."
    )
  })
})
