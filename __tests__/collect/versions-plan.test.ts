// What the collector hands the evaluator for issue 12, read from the stand-in: assignments inside
// the subscription, exemption resource selectors and `expiresOn: null`, the version of a set each
// assignment and `definitionVersion` override runs (keyed as the evaluator looks it up), and the
// Defender for Servers plan.
import { describe, expect, test } from '@jest/globals'
import {
  JIT_POLICY_DEFINITION_ID,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  policySetDefinition,
  resourceGroupScope,
  serversPricing,
  subscriptionId,
  subscriptionScope,
  type ArmResource,
  type Estate,
  type Fault
} from '../../standin/estate/index.ts'
import { setDefinitionKey } from '../../src/azure-ids.ts'
import type { Collected } from '../../src/collect/index.ts'
import { highestMatchingVersion } from '../../src/collect/set-definitions.ts'
import type { SubscriptionSnapshot } from '../../src/model.ts'
import {
  armRequests,
  CLIENT_ID,
  collectFrom,
  readsFrom,
  TENANT_ID,
  withStandIn
} from './harness.ts'

const SUB = subscriptionId(1)
const SET_ID = `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
const ASSIGNED_AT = managementGroupScope('corp')

/** The set in three versions: 1.0.0 and 1.2.0 audit JIT (1.2.0 pins the JIT definition's
 * version), 2.0.0 disables it. */
const versions = ['1.0.0', '1.2.0', '2.0.0'].map((version) =>
  policySetDefinition(managementGroupScope('corp'), 'baseline', {
    version,
    policyDefinitions: [
      {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        policyDefinitionReferenceId: 'jit',
        ...(version === '1.2.0' ? { definitionVersion: '3.*.*' } : {}),
        parameters: { effect: { value: version === '2.0.0' ? 'Disabled' : 'AuditIfNotExists' } }
      }
    ]
  })
)

const pricing = (properties: Record<string, unknown>): ArmResource => ({
  ...serversPricing(SUB, 'Free'),
  properties
})

function estate(extra: Partial<Estate> = {}): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    managementGroups: [{ name: 'corp' }],
    subscriptions: [{ subscriptionId: SUB, managementGroup: 'corp', resourceGroups: ['app'] }],
    policySetDefinitions: versions,
    policyAssignments: [
      policyAssignment(ASSIGNED_AT, 'pinned', {
        policyDefinitionId: SET_ID,
        definitionVersion: '1.*.*',
        overrides: [
          {
            kind: 'definitionVersion',
            value: '1.0.*',
            selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }]
          },
          { kind: 'definitionVersion', value: '2.0.0' }
        ]
      }),
      policyAssignment(resourceGroupScope(SUB, 'app'), 'latest-on-app', {
        policyDefinitionId: SET_ID
      })
    ],
    ...extra
  }
}

function snapshotOf(collected: Collected | undefined): SubscriptionSnapshot {
  if (!collected || !('snapshot' in collected)) throw new Error('expected a snapshot')
  return collected.snapshot
}

async function collectOne(
  given: Estate,
  faults: Fault[] = [],
  defenderPlanCheck = true
): Promise<{ snapshot: SubscriptionSnapshot; paths: string[] }> {
  return withStandIn(given, async (standIn) => {
    standIn.setTenantFaults(faults)
    const reads = await readsFrom(standIn, [SUB], {}, undefined, { defenderPlanCheck })
    const collected: Collected[] = []
    for await (const read of reads) collected.push(read)
    const paths = armRequests(standIn).map((request) => request.path.toLowerCase())
    return { snapshot: snapshotOf(collected[0]), paths }
  })
}

describe('the version of a set each assignment and override runs', () => {
  test('keyed by the version as named; each version and the version list read once', async () => {
    const { snapshot, paths } = await collectOne(estate())
    const at = (version: string | null) =>
      snapshot.setDefinitions[setDefinitionKey(SET_ID, version)]
    // pinned 1.*.*: ARM reports 1.2.0, read by that version
    expect(at('1.*.*')?.version).toBe('1.2.0')
    expect(at('1.*.*')?.policyDefinitions[0]).toMatchObject({
      definitionVersion: '3.*.*',
      parameters: { effect: { value: 'AuditIfNotExists' } }
    })
    // unpinned (at a resource group inside the subscription): the latest, 2.0.0
    expect(at(null)?.version).toBe('2.0.0')
    expect(at(null)?.policyDefinitions[0]?.parameters.effect?.value).toBe('Disabled')
    // the overrides: a pattern resolved from the version list, and an exact version
    expect(at('1.0.*')?.version).toBe('1.0.0')
    expect(at('2.0.0')?.version).toBe('2.0.0')
    for (const definition of Object.values(snapshot.setDefinitions)) {
      expect(definition?.id).toBe(SET_ID)
      expect(definition?.name).toBe('baseline')
    }
    expect(snapshot.unreadableSetDefinitions).toBeUndefined()
    const setPaths = paths.filter((path) => path.includes('/policysetdefinitions/')).sort()
    expect(setPaths).toEqual(
      [`${SET_ID}/versions`, `${SET_ID}/versions/1.2.0`, `${SET_ID}/versions/2.0.0`]
        .map((path) => path.toLowerCase())
        .sort()
    )
  })

  test('the assignments keep their scope and the versions ARM reports', async () => {
    const { snapshot } = await collectOne(estate())
    expect(
      snapshot.assignments.map((a) => [
        a.name,
        a.scope,
        a.definitionVersion,
        a.effectiveDefinitionVersion,
        a.latestDefinitionVersion
      ])
    ).toEqual([
      ['pinned', ASSIGNED_AT, '1.*.*', '1.2.0', '2.0.0'],
      ['latest-on-app', resourceGroupScope(SUB, 'app'), undefined, '2.0.0', '2.0.0']
    ])
  })

  test('a version no version matches, or one that cannot be read, is unreadable under its key', async () => {
    const given = estate({
      policyAssignments: [
        policyAssignment(ASSIGNED_AT, 'pinned-9', {
          policyDefinitionId: SET_ID,
          definitionVersion: '9.*.*'
        })
      ]
    })
    const { snapshot } = await collectOne(given)
    expect(snapshot.setDefinitions[setDefinitionKey(SET_ID, '9.*.*')]).toBeUndefined()
    expect(snapshot.unreadableSetDefinitions?.[setDefinitionKey(SET_ID, '9.*.*')]).toBe(
      `no version of ${SET_ID} matches '9.*.*' (it has 2.0.0, 1.2.0, 1.0.0)`
    )
    // A set at the subscription: its reads concern the subscription, and so do its faults.
    const local = `${subscriptionScope(SUB)}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
    const failing = await withStandIn(
      estate({
        policySetDefinitions: versions.map((v) => ({ ...v, id: v.id.replace(SET_ID, local) })),
        policyAssignments: [
          policyAssignment(ASSIGNED_AT, 'pinned', {
            policyDefinitionId: local,
            definitionVersion: '1.*.*',
            overrides: [{ kind: 'definitionVersion', value: '1.0.*' }]
          })
        ]
      }),
      async (standIn) => {
        standIn.setFaults(SUB, [{ fault: 'not-found', on: 'definitions' }])
        return snapshotOf((await collectFrom(standIn, [SUB]))[0])
      }
    )
    expect(failing.setDefinitions).toEqual({})
    expect(failing.unreadableSetDefinitions).toEqual({
      [setDefinitionKey(local, '1.*.*')]: expect.stringMatching(/^404 PolicySetDefinitionNotFound/),
      [setDefinitionKey(local, '1.0.*')]: expect.stringMatching(/^404 PolicySetDefinitionNotFound/)
    })
  })

  test('highestMatchingVersion: numbers or *, the highest, a version without a suffix first', () => {
    const held = ['1.0.0', '1.10.0', '1.9.3', '2.0.0-preview', '2.0.0', '10.0.0']
    expect(highestMatchingVersion('1.*.*', held)).toBe('1.10.0')
    expect(highestMatchingVersion('1.9.*', held)).toBe('1.9.3')
    expect(highestMatchingVersion('2.*.*', held)).toBe('2.0.0')
    expect(highestMatchingVersion('*.*.*', held)).toBe('10.0.0')
    expect(highestMatchingVersion('3.*.*', held)).toBeUndefined()
    expect(highestMatchingVersion('1.*', held)).toBeUndefined()
  })

  // Learn: the suffix preview "is appended to the version property and treated as a boolean", and
  // Azure lists MCSB v2's versions as 1.3.0-PREVIEW: the suffix names a state, not a number.
  test('highestMatchingVersion: a preview pin matches by its numbers, suffixes in any case', () => {
    const mcsbV2 = ['1.3.0-PREVIEW', '1.2.0-PREVIEW', '1.1.0-PREVIEW', '1.0.0-PREVIEW']
    expect(highestMatchingVersion('1.*.*-preview', mcsbV2)).toBe('1.3.0-PREVIEW')
    expect(highestMatchingVersion('1.2.*-Preview', mcsbV2)).toBe('1.2.0-PREVIEW')
    expect(highestMatchingVersion('1.*.*', mcsbV2)).toBe('1.3.0-PREVIEW')
    expect(highestMatchingVersion('1.*.*-preview', ['1.3.0', '1.4.0-preview'])).toBe(
      '1.4.0-preview'
    )
    expect(highestMatchingVersion('2.*.*-preview', mcsbV2)).toBeUndefined()
    expect(highestMatchingVersion('1.*.*-beta', mcsbV2)).toBeUndefined()
    expect(highestMatchingVersion('1.*.*-deprecated', ['1.0.0-deprecated'])).toBe(
      '1.0.0-deprecated'
    )
  })

  test('a preview pin without effectiveDefinitionVersion is resolved from the version list', async () => {
    const previews = ['1.0.0-PREVIEW', '1.1.0-PREVIEW'].map((version) =>
      policySetDefinition(managementGroupScope('corp'), 'baseline', {
        version,
        policyDefinitions: [
          {
            policyDefinitionId: JIT_POLICY_DEFINITION_ID,
            policyDefinitionReferenceId: 'jit',
            parameters: { effect: { value: 'AuditIfNotExists' } }
          }
        ]
      })
    )
    const given = estate({
      policySetDefinitions: previews,
      policyAssignments: [
        policyAssignment(ASSIGNED_AT, 'alz-mcsb-v2', {
          policyDefinitionId: SET_ID,
          definitionVersion: '1.*.*-preview'
        })
      ]
    })
    const { snapshot } = await collectOne(given)
    expect(snapshot.assignments[0]?.effectiveDefinitionVersion).toBeUndefined()
    expect(snapshot.setDefinitions[setDefinitionKey(SET_ID, '1.*.*-preview')]?.version).toBe(
      '1.1.0-PREVIEW'
    )
    expect(snapshot.unreadableSetDefinitions).toBeUndefined()
  })

  test('a version override that selects by reference pins a definition, not the set: not read', async () => {
    const given = estate({
      policyAssignments: [
        policyAssignment(ASSIGNED_AT, 'by-reference', {
          policyDefinitionId: SET_ID,
          definitionVersion: '1.*.*',
          overrides: [
            {
              kind: 'definitionVersion',
              value: '2.0.*',
              selectors: [{ kind: 'policyDefinitionReferenceId', in: ['jit'] }]
            },
            { kind: 'policyVersion', value: '1.0.*' }
          ]
        })
      ]
    })
    const { snapshot } = await collectOne(given)
    expect(Object.keys(snapshot.setDefinitions).sort()).toEqual(
      [setDefinitionKey(SET_ID, '1.*.*'), setDefinitionKey(SET_ID, '1.0.*')].sort()
    )
    expect(snapshot.unreadableSetDefinitions).toBeUndefined()
  })
})

describe('exemptions', () => {
  test('resource selectors are kept; expiresOn null reads as never expiring', async () => {
    const selectors = [
      {
        name: 'vms',
        selectors: [{ kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }]
      },
      { name: 'west', selectors: [{ kind: 'resourceLocation', notIn: ['westeurope'] }] }
    ]
    const given = estate({
      policyExemptions: [
        policyExemption(subscriptionScope(SUB), 'selected', {
          policyAssignmentId: `${ASSIGNED_AT}/providers/Microsoft.Authorization/policyAssignments/pinned`,
          expiresOn: null,
          resourceSelectors: selectors
        })
      ]
    })
    const { snapshot } = await collectOne(given)
    expect(snapshot.exemptions).toHaveLength(1)
    expect(snapshot.exemptions[0]?.resourceSelectors).toEqual(selectors)
    expect(snapshot.exemptions[0]).not.toHaveProperty('expiresOn')
  })
})

describe('the Defender for Servers plan', () => {
  test.each([
    [
      { pricingTier: 'Standard', subPlan: 'P2' },
      { pricingTier: 'Standard', subPlan: 'P2' }
    ],
    [
      { pricingTier: 'Standard', subPlan: 'P1' },
      { pricingTier: 'Standard', subPlan: 'P1' }
    ],
    [{ pricingTier: 'Free' }, { pricingTier: 'Free' }],
    [
      // Pricings - Get: resourcesCoverageStatus, on a subscription, says whether resource-level
      // plans leave resources without the subscription's plan; other properties are not read.
      {
        pricingTier: 'Standard',
        subPlan: 'P2',
        resourcesCoverageStatus: 'PartiallyCovered',
        enforce: 'False'
      },
      { pricingTier: 'Standard', subPlan: 'P2', resourcesCoverageStatus: 'PartiallyCovered' }
    ]
  ])('%j is read as %j', async (properties, plan) => {
    const { snapshot, paths } = await collectOne(estate({ pricings: [pricing(properties)] }))
    expect(snapshot.defenderForServers).toEqual(plan)
    expect(paths.filter((path) => path.includes('/microsoft.security/'))).toEqual([
      `/subscriptions/${SUB}/providers/microsoft.security/pricings/virtualmachines`
    ])
  })

  test('a plan the identity may not read is unreadable, saying what to grant; the rest is read', async () => {
    const { snapshot } = await withStandIn(estate(), async (standIn) => {
      standIn.setFaults(SUB, [{ fault: 'forbidden', on: 'pricings' }])
      const collected = await collectFrom(standIn, [SUB])
      return { snapshot: snapshotOf(collected[0]) }
    })
    expect(snapshot.assignments).toHaveLength(2)
    expect(snapshot.defenderForServers).toEqual({
      unreadable: expect.stringMatching(
        /may not read the Defender for Servers plan .* of \/subscriptions\/.* \(403 AuthorizationFailed.*Microsoft\.Security\/pricings\/read .*Reader or Security Reader.*`defender-plan-check: false`/
      ),
      cause: 'access-denied'
    })
  })

  // Pricings - Get documents 200 and an error answer; a plan never turned on is answered Free,
  // never 404. Whatever else comes back leaves the plan unknown, with why.
  test.each([
    ['a 404', { fault: 'not-found', on: 'pricings' } as const, /was not found/],
    ['a 503 past the retries', { fault: 'unavailable', on: 'pricings' } as const, /503/],
    [
      'a reset past the retries',
      { fault: 'reset', on: 'pricings' } as const,
      /ECONNRESET|socket|reset/i
    ],
    ['truncated JSON', { fault: 'malformed-json', on: 'pricings' } as const, /malformed/]
  ])('%s leaves the plan unreadable, the cause transient', async (_name, fault, why) => {
    const { snapshot } = await withStandIn(estate(), async (standIn) => {
      standIn.setFaults(SUB, [fault])
      return { snapshot: snapshotOf((await collectFrom(standIn, [SUB]))[0]) }
    })
    expect(snapshot.defenderForServers).toEqual({
      unreadable: expect.stringMatching(why),
      cause: 'transient'
    })
  })

  test.each([
    ['{}', {}, /properties of a Defender for Cloud pricing is missing, not an object/],
    [
      'a numeric subPlan',
      { properties: { pricingTier: 'Standard', subPlan: 2 } },
      /properties\.subPlan of a Defender for Cloud pricing is a number, not a string/
    ],
    [
      'a numeric pricingTier',
      { properties: { pricingTier: 1 } },
      /properties\.pricingTier of a Defender for Cloud pricing is a number, not a string/
    ]
  ])('an answer of %s leaves the plan unreadable, naming the field', async (_name, body, why) => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`
    const { snapshot } = await collectOne(estate({ answers: [{ path, status: 200, body }] }))
    expect(snapshot.defenderForServers).toEqual({
      unreadable: expect.stringMatching(why),
      cause: 'transient'
    })
  })

  test('defender-plan-check off: no request, and no plan in the snapshot', async () => {
    const { snapshot, paths } = await collectOne(estate(), [], false)
    expect(snapshot).not.toHaveProperty('defenderForServers')
    expect(paths.filter((path) => path.includes('microsoft.security'))).toEqual([])
  })
})
