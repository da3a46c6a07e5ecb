// The stand-in's ARM for issue 12: an assignments list with `$expand` versions, versions of a set
// (one, the list) built-in and custom, exemptions with resource selectors and `expiresOn: null`,
// and Defender for Cloud pricings, through the real policy client's pipeline.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { PolicyClient } from '@azure/arm-policy'
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline'
import type { PipelineResponse } from '@azure/core-rest-pipeline'
import {
  managementGroupScope,
  MCSB_SET_DEFINITION_ID,
  policyAssignment,
  policyExemption,
  policySetDefinition,
  resourceGroupScope,
  subscriptionScope,
  validateEstate,
  type ArmResource,
  type Estate
} from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  baseEstate,
  clearRunnerEnvironment,
  customSetId,
  OTHER_SUB,
  policyClientFor,
  SUB,
  useRunnerEnvironment
} from './helpers.ts'

const JIT =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
const reference = (effect: string) => ({
  policyDefinitionId: JIT,
  policyDefinitionReferenceId: 'jit',
  parameters: { effect: { value: effect } }
})
/** corp-baseline in three versions: 1.0.0 and 1.2.0 audit JIT, 2.0.0 disables it. */
const versions = ['1.0.0', '1.2.0', '2.0.0'].map((version) =>
  policySetDefinition(managementGroupScope('corp'), 'corp-baseline', {
    displayName: 'Corp baseline',
    version,
    policyDefinitions: [reference(version === '2.0.0' ? 'Disabled' : 'AuditIfNotExists')]
  })
)
const pricing = (subscriptionId: string, properties: Record<string, unknown>): ArmResource => ({
  id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/VirtualMachines`,
  name: 'VirtualMachines',
  properties
})

function estate(): Estate {
  const base = baseEstate()
  return {
    ...base,
    policySetDefinitions: versions,
    policyAssignments: [
      ...base.policyAssignments!.filter((a) => a.name !== 'corp-baseline'),
      policyAssignment(managementGroupScope('prod'), 'pinned-1', {
        policyDefinitionId: customSetId,
        definitionVersion: '1.*.*'
      }),
      policyAssignment(resourceGroupScope(SUB, 'data'), 'latest-on-data', {
        policyDefinitionId: customSetId
      }),
      policyAssignment(subscriptionScope(SUB), 'pinned-9', {
        policyDefinitionId: customSetId,
        definitionVersion: '9.*.*'
      })
    ],
    policyExemptions: [
      policyExemption(subscriptionScope(SUB), 'selected', {
        policyAssignmentId: `${managementGroupScope('prod')}/providers/Microsoft.Authorization/policyAssignments/pinned-1`,
        expiresOn: null,
        resourceSelectors: [
          { name: 'west', selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }] }
        ]
      })
    ],
    pricings: [pricing(SUB, { pricingTier: 'Standard', subPlan: 'P2' })]
  }
}

let standIn: StandIn
let untrust: () => void
let client: PolicyClient
const http = createDefaultHttpClient()

beforeAll(async () => {
  standIn = await startStandIn({ estate: validateEstate(estate()) })
  untrust = trustStandIn(standIn)
  useRunnerEnvironment(standIn)
  client = policyClientFor(standIn, SUB)
})

afterAll(async () => {
  untrust()
  clearRunnerEnvironment()
  await standIn.close()
})

async function get(path: string): Promise<PipelineResponse> {
  const url = `${standIn.resourceManagerEndpoint}${path}`
  return client.pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET' }))
}

/** What ARM answered 200 to a GET: one resource (with `value` when it is a page of a list). */
type Answer = ArmResource & { value: ArmResource[] }

async function json(path: string): Promise<Answer> {
  const response = await get(path)
  expect(response.status).toBe(200)
  return JSON.parse(response.bodyAsText ?? 'null') as Answer
}

const ASSIGNMENTS = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments`

describe('the assignments list', () => {
  test('unfiltered: management groups above, the subscription and what is inside it', async () => {
    const list = await json(`${ASSIGNMENTS}?api-version=2025-03-01`)
    expect(list.value.map((a: ArmResource) => a.name)).toEqual([
      'mcsb',
      'pinned-1',
      'jit',
      'pinned-9',
      'jit-app',
      'latest-on-data'
    ])
  })

  test('$expand adds the latest version and the one each assignment runs', async () => {
    const expand = encodeURIComponent('LatestDefinitionVersion, EffectiveDefinitionVersion')
    const list = await json(`${ASSIGNMENTS}?$expand=${expand}&api-version=2025-03-01`)
    const byName = new Map<string, Record<string, unknown>>(
      list.value.map((a: ArmResource) => [a.name, a.properties])
    )
    expect(byName.get('pinned-1')).toMatchObject({
      definitionVersion: '1.*.*',
      effectiveDefinitionVersion: '1.2.0',
      latestDefinitionVersion: '2.0.0'
    })
    expect(byName.get('latest-on-data')).toMatchObject({
      effectiveDefinitionVersion: '2.0.0',
      latestDefinitionVersion: '2.0.0'
    })
    // a pattern no version matches: ARM cannot say what runs
    expect(byName.get('pinned-9')).not.toHaveProperty('effectiveDefinitionVersion')
    expect(byName.get('mcsb')?.effectiveDefinitionVersion).toBe(
      byName.get('mcsb')?.latestDefinitionVersion
    )
    // without $expand, neither
    const plain = await json(`${ASSIGNMENTS}?api-version=2025-03-01`)
    expect(plain.value[1]!.properties).not.toHaveProperty('effectiveDefinitionVersion')
  })

  test('refuses an $expand value it does not know', async () => {
    const response = await get(`${ASSIGNMENTS}?$expand=everything&api-version=2025-03-01`)
    expect(response.status).toBe(400)
    expect(response.bodyAsText).toMatch(/InvalidExpandQueryParameter/)
  })
})

describe('versions of a set', () => {
  test('custom at a management group: the latest, the list newest first, one version', async () => {
    const latest = await json(`${customSetId}?api-version=2025-03-01`)
    expect(latest.properties).toMatchObject({
      version: '2.0.0',
      versions: ['2.0.0', '1.2.0', '1.0.0']
    })
    const list = await json(`${customSetId}/versions?api-version=2025-03-01`)
    expect(list.value.map((v: ArmResource) => [v.name, v.id])).toEqual(
      ['2.0.0', '1.2.0', '1.0.0'].map((v) => [v, `${customSetId}/versions/${v}`])
    )
    const one = await json(`${customSetId}/versions/1.2.0?api-version=2025-03-01`)
    expect(one).toMatchObject({
      type: 'Microsoft.Authorization/policySetDefinitions/versions',
      properties: { version: '1.2.0' }
    })
    expect(one.properties.policyDefinitions).toEqual([reference('AuditIfNotExists')])
    expect(one.properties).not.toHaveProperty('versions')
  })

  test('built-in: the fixture is its one version; the SDK reads it', async () => {
    const name = MCSB_SET_DEFINITION_ID.split('/').pop()!
    const latest = await client.policySetDefinitions.getBuiltIn(name)
    const version = await client.policySetDefinitionVersions.getBuiltIn(name, latest.version!)
    expect(version.policyDefinitions).toHaveLength(latest.policyDefinitions!.length)
    const listed: string[] = []
    for await (const item of client.policySetDefinitionVersions.listBuiltIn(name)) {
      listed.push(item.version!)
    }
    expect(listed).toEqual([latest.version])
  })

  test('404 for a version it does not hold, and for an unknown set', async () => {
    const missing = await get(`${customSetId}/versions/3.0.0?api-version=2025-03-01`)
    expect(missing.status).toBe(404)
    expect(missing.bodyAsText).toMatch(/PolicySetDefinitionVersionNotFound/)
    const unknown = await get(
      `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policySetDefinitions/nope/versions?api-version=2025-03-01`
    )
    expect(unknown.status).toBe(404)
    expect(unknown.bodyAsText).toMatch(/PolicySetDefinitionNotFound/)
  })
})

describe('exemptions', () => {
  test('serve resourceSelectors and expiresOn: null as the estate holds them', async () => {
    const list = await json(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview`
    )
    expect(list.value[0]!.properties).toMatchObject({
      expiresOn: null,
      resourceSelectors: [
        { name: 'west', selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }] }
      ]
    })
  })
})

describe('pricings', () => {
  const path = (subscriptionId: string, name = 'VirtualMachines') =>
    `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${name}?api-version=2024-01-01`

  test("the estate's pricing; Free for a subscription that has none; 404 for no plan", async () => {
    expect((await json(path(SUB))).properties).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
    expect((await json(path(OTHER_SUB))).properties).toMatchObject({ pricingTier: 'Free' })
    expect((await get(path(SUB, 'Nothing'))).status).toBe(404)
  })

  test('a forbidden fault on pricings denies Microsoft.Security/pricings/read', async () => {
    standIn.setFaults(OTHER_SUB, [{ fault: 'forbidden', on: 'pricings' }])
    try {
      const response = await get(path(OTHER_SUB))
      expect(response.status).toBe(403)
      expect(response.bodyAsText).toMatch(/Microsoft\.Security\/pricings\/read/)
    } finally {
      standIn.setFaults(OTHER_SUB, [])
    }
  })

  test('estate validation: pricing ids, tiers and subscriptions; versions and expiresOn', () => {
    const bad = {
      ...estate(),
      pricings: [
        pricing(SUB, { pricingTier: 'Gold' }),
        { id: '/subscriptions/x/pricings/VirtualMachines', properties: {} },
        pricing('00000000-0000-4000-8000-000000000009', { pricingTier: 'Free' })
      ],
      policySetDefinitions: [...versions, versions[0]!]
    }
    let error: unknown
    try {
      validateEstate(bad)
    } catch (thrown) {
      error = thrown
    }
    expect(error).toEqual(
      expect.objectContaining({
        problems: expect.arrayContaining([
          'pricings[0].properties.pricingTier: must be Free or Standard, got "Gold"',
          expect.stringMatching(/^pricings\[1\]\.id: .* is not a \/subscriptions\/S\/providers/),
          "pricings[2].id: subscription '00000000-0000-4000-8000-000000000009' is not in subscriptions",
          `policySetDefinitions[3].id: '${customSetId}' is defined twice with one version`
        ])
      })
    )
  })
})
