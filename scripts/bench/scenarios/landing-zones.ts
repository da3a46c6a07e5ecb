// The default estate: subscriptions spread over landing-zone management groups that share a few
// management-group assignments of built-in initiatives, with subscription-level assignments and
// exemptions so that every verdict occurs.
import type { Verdict } from '../../../src/model.ts'
import {
  CIS_SET_DEFINITION_ID,
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  serversPricing,
  subscriptionId,
  subscriptionScope,
  type ArmResource
} from '../../../standin/estate/index.ts'
import type { BenchEstate, Scenario } from './types.ts'

const NIST_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/179d1daa-458f-4e47-8086-2a68d0d6c38f'

/**
 * N subscriptions: 40 % in corp, 30 % in online (both under landing-zones), 20 % in platform,
 * 10 % in sandbox, all under contoso. Microsoft cloud security benchmark at contoso with sandbox
 * as a notScope (so the collector reads sandbox's descendants), CIS at corp, NIST SP 800-53 R5 at
 * online with its effect overridden to Disabled, the JIT definition alone at sandbox with effect
 * Disabled; then, per subscription, by its index i:
 * - corp, i % 50 = 0: the benchmark exempted at the subscription; CIS still audits: compliant.
 * - online, i % 20 = 4: the benchmark exempted on a resource group: partial.
 * - online, i % 20 = 14: the benchmark exempted at the subscription and assigned again there with
 *   JIT Disabled: noncompliant.
 * - platform, i % 30 = 7: the benchmark's JIT reference exempted at the subscription: noncompliant.
 * - platform, i % 30 = 17: the same exemption, expired: compliant.
 * - sandbox, i % 20 = 19: the JIT definition assigned at the subscription: compliant; the other
 *   sandbox subscriptions: noncompliant.
 * - every other subscription: compliant.
 * Every subscription has Defender for Servers Plan 2 (a VirtualMachines pricing, Standard P2), which
 * a compliant verdict needs (a weaker plan makes it partial).
 * Shared reads: 3 set definitions + the JIT definition + sandbox's descendants = 5.
 */
export function landingZonesEstate(count: number): BenchEstate {
  const tenantId = guid('bench/tenant')
  const groupOf = (i: number) =>
    i % 10 < 4 ? 'corp' : i % 10 < 7 ? 'online' : i % 10 < 9 ? 'platform' : 'sandbox'
  const subscriptionIds = Array.from({ length: count }, (_, i) => subscriptionId(i))
  const benchmark = policyAssignment(managementGroupScope('contoso'), 'mcsb', {
    displayName: 'Microsoft cloud security benchmark',
    policyDefinitionId: MCSB_SET_DEFINITION_ID,
    notScopes: [managementGroupScope('sandbox')]
  })
  const assignments: ArmResource[] = [
    benchmark,
    policyAssignment(managementGroupScope('corp'), 'cis-1-1-0', {
      displayName: 'CIS Microsoft Azure Foundations Benchmark v1.1.0',
      policyDefinitionId: CIS_SET_DEFINITION_ID
    }),
    policyAssignment(managementGroupScope('online'), 'nist-800-53-r5', {
      displayName: 'NIST SP 800-53 Rev. 5 (audit off)',
      policyDefinitionId: NIST_SET_DEFINITION_ID,
      overrides: [{ kind: 'policyEffect', value: 'Disabled' }]
    }),
    policyAssignment(managementGroupScope('sandbox'), 'jit-off', {
      displayName: 'JIT network access (off in the sandbox)',
      policyDefinitionId: JIT_POLICY_DEFINITION_ID,
      parameters: { effect: { value: 'Disabled' } }
    })
  ]
  const exemptions: ArmResource[] = []
  const expected = new Map<string, Verdict>()
  const exempt = (scope: string, name: string, properties: Record<string, unknown> = {}) =>
    exemptions.push(
      policyExemption(scope, name, { policyAssignmentId: benchmark.id, ...properties })
    )
  subscriptionIds.forEach((id, i) => {
    const scope = subscriptionScope(id)
    let verdict: Verdict = 'compliant'
    switch (groupOf(i)) {
      case 'corp':
        if (i % 50 === 0) exempt(scope, 'mcsb-waiver')
        break
      case 'online':
        if (i % 20 === 4) {
          exempt(resourceGroupScope(id, 'rg-vm'), 'mcsb-vm-waiver', {
            exemptionCategory: 'Mitigated'
          })
          verdict = 'partial'
        } else if (i % 20 === 14) {
          exempt(scope, 'mcsb-waiver')
          assignments.push(
            policyAssignment(scope, 'SecurityCenterBuiltIn', {
              displayName: `ASC Default (subscription: ${id})`,
              policyDefinitionId: MCSB_SET_DEFINITION_ID,
              parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
            })
          )
          verdict = 'noncompliant'
        }
        break
      case 'platform':
        if (i % 30 === 7) {
          exempt(scope, 'jit-waiver', {
            policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring']
          })
          verdict = 'noncompliant'
        } else if (i % 30 === 17) {
          exempt(scope, 'jit-waiver-expired', {
            policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring'],
            expiresOn: '2024-01-01T00:00:00Z'
          })
        }
        break
      default:
        if (i % 20 === 19) {
          assignments.push(
            policyAssignment(scope, 'jit-audit', {
              displayName: 'Audit JIT network access',
              policyDefinitionId: JIT_POLICY_DEFINITION_ID,
              parameters: { effect: { value: 'AuditIfNotExists' } }
            })
          )
        } else {
          verdict = 'noncompliant'
        }
    }
    expected.set(id, verdict)
  })
  return {
    estate: {
      tenantId,
      clientId: guid('bench/client'),
      managementGroups: [
        { name: 'contoso', displayName: 'Contoso' },
        { name: 'platform', displayName: 'Platform', parent: 'contoso' },
        { name: 'landing-zones', displayName: 'Landing zones', parent: 'contoso' },
        { name: 'corp', displayName: 'Corp', parent: 'landing-zones' },
        { name: 'online', displayName: 'Online', parent: 'landing-zones' },
        { name: 'sandbox', displayName: 'Sandbox', parent: 'contoso' }
      ],
      subscriptions: subscriptionIds.map((id, i) => ({
        subscriptionId: id,
        displayName: `${groupOf(i)}-${i}`,
        managementGroup: groupOf(i)
      })),
      policyAssignments: assignments,
      policyExemptions: exemptions,
      pricings: subscriptionIds.map((id) => serversPricing(id, 'Standard', 'P2'))
    },
    subscriptionIds,
    expected,
    sharedReads: 5
  }
}

export const landingZones: Scenario = {
  name: 'landing-zones',
  summary:
    'corp, online, platform and sandbox management groups sharing built-in initiatives; every verdict',
  build: landingZonesEstate
}
