// A tenant of many subscriptions under one management group, `landing-zones`, split between a
// child group whose assignment audits JIT (`audited`) and one with none (`unaudited`): the estate
// of the tests that run the bundle over a whole group.
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  serversPricing,
  type Estate
} from '../../standin/estate/index.ts'

export interface OneGroupOptions {
  /** Whether the `n`th subscription sits under `unaudited`. */
  unaudited(n: number): boolean
  /** Whether the `n`th subscription is Disabled; default none. */
  disabled?(n: number): boolean
  /** Give every subscription Defender for Servers Plan 2; default none (Free). */
  plan2?: boolean
}

/** The estate of `ids` (display names `workload-N`), its tenant and client ids seeded by `name`. */
export function oneGroupEstate(
  name: string,
  ids: readonly string[],
  options: OneGroupOptions
): Estate {
  return {
    tenantId: guid(`e2e/${name}/tenant`),
    clientId: guid(`e2e/${name}/client`),
    managementGroups: [
      { name: 'landing-zones', displayName: 'Landing zones' },
      { name: 'audited', displayName: 'Audited', parent: 'landing-zones' },
      { name: 'unaudited', displayName: 'Unaudited', parent: 'landing-zones' }
    ],
    subscriptions: ids.map((subscriptionId, n) => ({
      subscriptionId,
      displayName: `workload-${n}`,
      managementGroup: options.unaudited(n) ? 'unaudited' : 'audited',
      ...(options.disabled?.(n) ? { state: 'Disabled' } : {})
    })),
    policyAssignments: [
      policyAssignment(managementGroupScope('audited'), 'jit', {
        displayName: 'JIT audit',
        policyDefinitionId: JIT_POLICY_DEFINITION_ID
      })
    ],
    ...(options.plan2 ? { pricings: ids.map((id) => serversPricing(id, 'Standard', 'P2')) } : {})
  }
}
