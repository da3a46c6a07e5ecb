// A tenant's scale in one place: N subscriptions under one management group that assigns the
// Microsoft cloud security benchmark, each with its Defender for Servers plan (the rows Resource
// Graph's securityresources table holds), a few exempted: what `engine` is measured on at 10,000
// subscriptions (docs/performance.md).
import type { Verdict } from '../../../src/model.ts'
import {
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  subscriptionId,
  subscriptionScope,
  type ArmResource
} from '../../../standin/estate/index.ts'
import type { BenchEstate, Scenario } from './types.ts'

/** The management group every subscription is in. */
export const ONE_GROUP = 'workloads'

/**
 * N subscriptions under `workloads`, the Microsoft cloud security benchmark assigned there; by
 * index i: i % 100 = 1, the benchmark exempted at the subscription: noncompliant; i % 100 = 2,
 * exempted on a resource group: partial; every other subscription: compliant. Every subscription
 * has a VirtualMachines pricing (Standard, P2). The action is given the group in
 * `management-groups`. Shared reads: the benchmark (at the version it runs) and the JIT
 * definition.
 */
export function oneGroupEstate(count: number): BenchEstate {
  const subscriptionIds = Array.from({ length: count }, (_, i) => subscriptionId(i))
  const benchmark = policyAssignment(managementGroupScope(ONE_GROUP), 'mcsb', {
    displayName: 'Microsoft cloud security benchmark',
    policyDefinitionId: MCSB_SET_DEFINITION_ID
  })
  const exemptions: ArmResource[] = []
  const pricings: ArmResource[] = []
  const expected = new Map<string, Verdict>()
  subscriptionIds.forEach((id, i) => {
    let verdict: Verdict = 'compliant'
    if (i % 100 === 1) {
      exemptions.push(
        policyExemption(subscriptionScope(id), 'mcsb-waiver', { policyAssignmentId: benchmark.id })
      )
      verdict = 'noncompliant'
    } else if (i % 100 === 2) {
      exemptions.push(
        policyExemption(resourceGroupScope(id, 'rg-vm'), 'mcsb-vm-waiver', {
          policyAssignmentId: benchmark.id,
          exemptionCategory: 'Mitigated'
        })
      )
      verdict = 'partial'
    }
    pricings.push({
      id: `${subscriptionScope(id)}/providers/Microsoft.Security/pricings/VirtualMachines`,
      name: 'VirtualMachines',
      type: 'Microsoft.Security/pricings',
      properties: { pricingTier: 'Standard', subPlan: 'P2' }
    })
    expected.set(id, verdict)
  })
  return {
    estate: {
      tenantId: guid('bench/one-group/tenant'),
      clientId: guid('bench/one-group/client'),
      managementGroups: [{ name: ONE_GROUP, displayName: 'Workloads' }],
      subscriptions: subscriptionIds.map((id, i) => ({
        subscriptionId: id,
        displayName: `workload-${i}`,
        managementGroup: ONE_GROUP
      })),
      policyAssignments: [benchmark],
      policyExemptions: exemptions,
      pricings
    },
    subscriptionIds,
    managementGroups: [ONE_GROUP],
    expected,
    sharedReads: 2
  }
}

export const oneGroup: Scenario = {
  name: 'one-group',
  summary:
    'every subscription under one management group with the benchmark; 1 % noncompliant, 1 % partial',
  build: oneGroupEstate
}
