// Estates drawn at random from a seed, for comparing the two engines on shapes nobody wrote by
// hand: management groups two deep, the JIT definition, the benchmark, a custom initiative and one
// with two versions (1.0.0 audits JIT, 2.0.0 disables it) assigned at groups, subscriptions and
// resource groups with effects that audit or not, pinned versions and definitionVersion overrides,
// notScopes, exemptions (whole, per reference, expired, on a resource group, with resource
// selectors), and Defender for Servers plans (P2, P1, Free, none, unreadable).
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  serversPricing,
  subscriptionScope,
  type ArmResource,
  type Estate
} from '../../standin/estate/index.ts'
import { jitEffectSet, versionedJitSets } from './jit-sets.ts'

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const GROUPS = [
  { name: 'corp', parent: undefined },
  { name: 'online', parent: undefined },
  { name: 'corp-eu', parent: 'corp' }
]

/** `count` subscriptions and what is assigned and exempted over them, drawn from `seed`. */
export function randomEstate(seed: number, count: number): Estate {
  const random = generator(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const tenantId = guid(`random/${seed}/tenant`)
  const subscriptions: Estate['subscriptions'] = Array.from({ length: count }, (_, n) => ({
    subscriptionId: guid(`random/${seed}/subscription/${n}`),
    managementGroup: pick([...GROUPS.map((g) => g.name), undefined]),
    resourceGroups: ['rg-a', 'rg-b']
  }))
  const customSet = jitEffectSet(managementGroupScope(tenantId), 'baseline')
  const versioned = versionedJitSets(tenantId)
  const versionedId = versioned[0]!.id
  const pinned = () =>
    pick([
      {},
      { definitionVersion: '1.*.*' },
      { definitionVersion: '2.*.*' },
      { definitionVersion: '1.*.*', overrides: [{ kind: 'definitionVersion', value: '2.0.*' }] },
      {
        definitionVersion: '2.*.*',
        overrides: [
          {
            kind: 'definitionVersion',
            value: '1.0.*',
            selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }]
          }
        ]
      }
    ])
  const scopes = () => {
    const s = pick(subscriptions).subscriptionId
    return pick([
      managementGroupScope(pick(GROUPS).name),
      managementGroupScope(tenantId),
      subscriptionScope(s),
      subscriptionScope(s),
      resourceGroupScope(s, pick(['rg-a', 'rg-b']))
    ])
  }
  const effect = () => pick(['AuditIfNotExists', 'AuditIfNotExists', 'Disabled'])
  const assignments: ArmResource[] = []
  for (let n = 0; n < Math.ceil(count / 2); n += 1) {
    const scope = scopes()
    const notScopes = random() < 0.2 ? [managementGroupScope(pick(GROUPS).name)] : []
    const kind = pick(['jit', 'mcsb', 'custom', 'versioned'])
    assignments.push(
      policyAssignment(scope, `a${n}`, {
        notScopes,
        ...(kind === 'jit'
          ? {
              policyDefinitionId: JIT_POLICY_DEFINITION_ID,
              parameters: { effect: { value: effect() } }
            }
          : kind === 'mcsb'
            ? {
                policyDefinitionId: MCSB_SET_DEFINITION_ID,
                parameters: { jitNetworkAccessMonitoringEffect: { value: effect() } }
              }
            : kind === 'custom'
              ? { policyDefinitionId: customSet.id, parameters: { jitEffect: { value: effect() } } }
              : { policyDefinitionId: versionedId, ...pinned() })
      })
    )
  }
  const exemptions: ArmResource[] = []
  for (let n = 0; n < Math.ceil(count / 3); n += 1) {
    const assignment = pick(assignments)
    const s = pick(subscriptions).subscriptionId
    exemptions.push(
      policyExemption(pick([subscriptionScope(s), resourceGroupScope(s, 'rg-a')]), `e${n}`, {
        policyAssignmentId: assignment.id,
        exemptionCategory: pick(['Waiver', 'Mitigated']),
        ...(random() < 0.3 ? { policyDefinitionReferenceIds: ['jit'] } : {}),
        ...(random() < 0.2 ? { expiresOn: '2020-01-01T00:00:00Z' } : {}),
        ...(random() < 0.2
          ? {
              resourceSelectors: [
                {
                  name: 'some',
                  selectors: [
                    pick([
                      { kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] },
                      { kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] },
                      { kind: 'resourceLocation', in: ['westeurope'] }
                    ])
                  ]
                }
              ]
            }
          : {})
      })
    )
  }
  // Plans: mostly Plan 2, some P1 or Free, some never set (Free by default), some unreadable.
  const pricings: ArmResource[] = []
  for (const subscription of subscriptions) {
    const plan = pick(['P2', 'P2', 'P2', 'P1', 'Free', 'none', 'hidden'] as const)
    if (plan === 'hidden') subscription.faults = [{ fault: 'forbidden', on: 'pricings' }]
    if (plan === 'P2' || plan === 'P1' || plan === 'hidden')
      pricings.push(
        serversPricing(subscription.subscriptionId, 'Standard', plan === 'P1' ? 'P1' : 'P2')
      )
    else if (plan === 'Free') pricings.push(serversPricing(subscription.subscriptionId, 'Free'))
  }
  return {
    tenantId,
    clientId: guid(`random/${seed}/client`),
    managementGroups: GROUPS.map((g) => ({
      name: g.name,
      ...(g.parent ? { parent: g.parent } : {})
    })),
    subscriptions,
    policyAssignments: assignments,
    policyExemptions: exemptions,
    policySetDefinitions: [customSet, ...versioned],
    pricings
  }
}
