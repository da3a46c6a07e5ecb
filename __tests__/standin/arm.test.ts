// ARM through the stand-in with the real @azure/arm-policy PolicyClient (and its pipeline for the
// calls the SDK no longer has: exemptions, subscriptions, Microsoft.Management).

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { PolicyClient } from '@azure/arm-policy'
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import type { PipelineResponse } from '@azure/core-rest-pipeline'
import {
  JIT_POLICY_DEFINITION_ID,
  managementGroupScope,
  MCSB_SET_DEFINITION_ID,
  policyAssignment,
  subscriptionScope
} from '../../standin/estate/index.ts'
import { startStandIn } from '../../standin/server.ts'
import type { StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  armRequests,
  baseEstate,
  credentialFor,
  customSetId,
  OTHER_SUB,
  policyClientFor,
  SUB,
  TENANT,
  useRunnerEnvironment,
  clearRunnerEnvironment
} from './helpers.ts'

let standIn: StandIn
let untrust: () => void
let client: PolicyClient
const http = createDefaultHttpClient()

beforeAll(async () => {
  standIn = await startStandIn({ estate: baseEstate() })
  untrust = trustStandIn(standIn)
  useRunnerEnvironment(standIn)
  client = policyClientFor(standIn, SUB)
})

afterAll(async () => {
  untrust()
  clearRunnerEnvironment()
  await standIn.close()
})

/** GET (or another method) through the policy client's pipeline: bearer token, retries, logging. */
async function get(
  path: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET'
): Promise<PipelineResponse> {
  const request = createPipelineRequest({
    url: `${standIn.resourceManagerEndpoint}${path}`,
    method
  })
  return client.pipeline.sendRequest(http, request)
}

function body(response: PipelineResponse): Record<string, unknown> {
  return JSON.parse(response.bodyAsText ?? 'null') as Record<string, unknown>
}

async function names(iterable: AsyncIterable<{ name?: string }>): Promise<string[]> {
  const out: string[] = []
  for await (const item of iterable) out.push(item.name!)
  return out
}

describe('policy assignments of a subscription', () => {
  test('atScope(): the management groups above it, two levels up included, and the subscription', async () => {
    const list = []
    for await (const a of client.policyAssignments.list({ filter: 'atScope()' })) list.push(a)
    expect(list.map((a) => [a.name, a.scope])).toEqual([
      ['mcsb', managementGroupScope('corp')],
      ['corp-baseline', managementGroupScope('prod')],
      ['jit', subscriptionScope(SUB)]
    ])
    expect(list[0]).toMatchObject({
      id: `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policyAssignments/mcsb`,
      type: 'Microsoft.Authorization/policyAssignments',
      policyDefinitionId: MCSB_SET_DEFINITION_ID,
      displayName: 'Microsoft cloud security benchmark',
      enforcementMode: 'Default'
    })
    expect(list[2]!.parameters).toEqual({ effect: { value: 'Disabled' } })
    const request = armRequests(standIn, '/policyAssignments').at(-1)!
    expect(request).toMatchObject({ method: 'GET', status: 200, subscriptionId: SUB })
    expect(request.query).toEqual({ 'api-version': '2025-03-01', $filter: 'atScope()' })
  })

  test('no filter adds what sits inside the subscription; atExactScope() is the subscription only', async () => {
    expect(await names(client.policyAssignments.list())).toEqual([
      'mcsb',
      'corp-baseline',
      'jit',
      'jit-app'
    ])
    expect(await names(client.policyAssignments.list({ filter: 'atExactScope()' }))).toEqual([
      'jit'
    ])
    expect(
      await names(
        client.policyAssignments.list({
          filter: `policyDefinitionId eq '${JIT_POLICY_DEFINITION_ID}'`
        })
      )
    ).toEqual(['jit'])
    const other = policyClientFor(standIn, OTHER_SUB)
    expect(await names(other.policyAssignments.list({ filter: 'atScope()' }))).toEqual(['other'])
  })

  test('pages with nextLink: three pages of two', async () => {
    const paged = await startStandIn({
      estate: baseEstate({
        pageSize: 2,
        policyAssignments: [1, 2, 3, 4, 5].map((n) =>
          policyAssignment(subscriptionScope(SUB), `a${n}`, {
            policyDefinitionId: JIT_POLICY_DEFINITION_ID
          })
        )
      })
    })
    const undo = trustStandIn(paged)
    try {
      useRunnerEnvironment(paged)
      const pagedClient = policyClientFor(paged, SUB)
      const pages: string[][] = []
      for await (const page of pagedClient.policyAssignments.list({ filter: 'atScope()' }).byPage())
        pages.push(page.map((a) => a.name!))
      expect(pages).toEqual([['a1', 'a2'], ['a3', 'a4'], ['a5']])
      const requests = armRequests(paged, '/policyAssignments')
      expect(requests).toHaveLength(3)
      expect(requests.map((r) => r.query.$skiptoken === undefined)).toEqual([true, false, false])
      expect(
        requests.every(
          (r) => r.query.$filter === 'atScope()' && r.query['api-version'] === '2025-03-01'
        )
      ).toBe(true)
      // $top sets the page size of one request
      const top = await names(pagedClient.policyAssignments.list({ filter: 'atScope()', top: 5 }))
      expect(top).toEqual(['a1', 'a2', 'a3', 'a4', 'a5'])
      expect(armRequests(paged, '/policyAssignments')).toHaveLength(4)
    } finally {
      useRunnerEnvironment(standIn)
      undo()
      await paged.close()
    }
  })
})

describe('definitions', () => {
  test('a built-in set from the fixtures: the Microsoft cloud security benchmark', async () => {
    const set = await client.policySetDefinitions.getBuiltIn('1f3afdf9-d0c9-4c3d-847f-89da613e70a8')
    expect(set).toMatchObject({
      id: MCSB_SET_DEFINITION_ID,
      name: '1f3afdf9-d0c9-4c3d-847f-89da613e70a8',
      displayName: 'Microsoft cloud security benchmark',
      policyType: 'BuiltIn'
    })
    const jit = set.policyDefinitions!.find(
      (r) => r.policyDefinitionId.toLowerCase() === JIT_POLICY_DEFINITION_ID.toLowerCase()
    )
    expect(jit!.policyDefinitionReferenceId).toBe('jitNetworkAccessMonitoring')
    const definition = await client.policyDefinitions.getBuiltIn(
      'b0f33259-77d7-4c9e-aac6-3aabcfae693c'
    )
    expect(definition.parameters!.effect!.defaultValue).toBe('AuditIfNotExists')
  })

  test('a custom set at a management group, read by its id from a subscription below it', async () => {
    const set = await client.policySetDefinitions.getAtManagementGroup('corp', 'corp-baseline')
    expect(set).toMatchObject({
      id: customSetId,
      displayName: 'Corp baseline',
      policyType: 'Custom'
    })
    // the collector reads definitions by the id an assignment names: the pipeline does that
    const byId = await get(`${customSetId}?api-version=2025-03-01`)
    expect(byId.status).toBe(200)
    expect(body(byId).name).toBe('corp-baseline')
  })

  test('404 with PolicySetDefinitionNotFound / PolicyDefinitionNotFound when absent', async () => {
    const error = await client.policySetDefinitions
      .getBuiltIn('00000000-0000-0000-0000-000000000000')
      .catch((e: Error) => e)
    expect(error).toMatchObject({ statusCode: 404, code: 'PolicySetDefinitionNotFound' })
    const custom = await client.policySetDefinitions.get('corp-baseline').catch((e: Error) => e)
    expect(custom).toMatchObject({ statusCode: 404, code: 'PolicySetDefinitionNotFound' })
    const definition = await client.policyDefinitions.getBuiltIn('nope').catch((e: Error) => e)
    expect(definition).toMatchObject({ statusCode: 404, code: 'PolicyDefinitionNotFound' })
  })
})

describe('exemptions, subscription, ancestry (through the client pipeline)', () => {
  const api = 'api-version=2022-07-01-preview'
  const exemptionNames = (r: PipelineResponse) =>
    (body(r).value as { name: string }[]).map((x) => x.name)

  test('exemptions: no filter reaches the resource groups inside; atScope() does not', async () => {
    const all = await get(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyExemptions?${api}`
    )
    expect(all.status).toBe(200)
    expect(exemptionNames(all)).toEqual(['corp-waiver', 'expired', 'data-waiver'])
    const atScope = await get(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyExemptions?${api}&$filter=atScope()`
    )
    expect(exemptionNames(atScope)).toEqual(['corp-waiver', 'expired'])
    const current = await get(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyExemptions?${api}&$filter=excludeExpired()`
    )
    expect(exemptionNames(current)).toEqual(['corp-waiver', 'data-waiver'])
    const dataWaiver = (body(all).value as Record<string, unknown>[])[2]!
    expect(dataWaiver).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Authorization/policyExemptions/data-waiver`,
      type: 'Microsoft.Authorization/policyExemptions',
      properties: {
        exemptionCategory: 'Waiver',
        policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring']
      }
    })
  })

  test('GET /subscriptions/{id}', async () => {
    const response = await get(`/subscriptions/${SUB}?api-version=2022-12-01`)
    expect(body(response)).toMatchObject({
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      displayName: 'prod-1',
      state: 'Enabled',
      tenantId: TENANT
    })
    const unknown = await get(
      `/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2022-12-01`
    )
    expect(unknown.status).toBe(404)
    expect(body(unknown)).toEqual({
      error: {
        code: 'SubscriptionNotFound',
        message: "The subscription '00000000-0000-0000-0000-000000000000' could not be found."
      }
    })
  })

  test('ancestry: getEntities filtered on the subscription gives its parent chain', async () => {
    const response = await get(
      `/providers/Microsoft.Management/getEntities?api-version=2023-04-01&$filter=name eq '${SUB}'`,
      'POST'
    )
    expect(response.status).toBe(200)
    expect(body(response).value).toEqual([
      {
        id: `/subscriptions/${SUB}`,
        type: '/subscriptions',
        name: SUB,
        properties: {
          tenantId: TENANT,
          displayName: 'prod-1',
          parent: { id: managementGroupScope('prod') },
          permissions: 'view',
          inheritedPermissions: 'view',
          parentDisplayNameChain: ['Tenant Root Group', 'Contoso corp', 'Production'],
          parentNameChain: [TENANT, 'corp', 'prod']
        }
      }
    ])
    expect(armRequests(standIn, '/getEntities').at(-1)!.subscriptionId).toBe(SUB)
  })

  test('ancestry: managementGroups/{mg}?$expand=ancestors, /subscriptions/{s} and /descendants', async () => {
    const prod = body(
      await get(
        `/providers/Microsoft.Management/managementGroups/prod?api-version=2023-04-01&$expand=ancestors`
      )
    )
    expect(prod).toMatchObject({
      id: managementGroupScope('prod'),
      type: 'Microsoft.Management/managementGroups',
      name: 'prod',
      properties: {
        displayName: 'Production',
        tenantId: TENANT,
        details: {
          parent: { id: managementGroupScope('corp'), name: 'corp', displayName: 'Contoso corp' },
          managementGroupAncestors: ['corp', TENANT],
          managementGroupAncestorsChain: [
            { name: 'corp', displayName: 'Contoso corp' },
            { name: TENANT, displayName: 'Tenant Root Group' }
          ]
        }
      }
    })
    const sub = body(
      await get(
        `/providers/Microsoft.Management/managementGroups/prod/subscriptions/${SUB}?api-version=2023-04-01`
      )
    )
    expect(sub).toMatchObject({
      type: 'Microsoft.Management/managementGroups/subscriptions',
      name: SUB,
      properties: { parent: { id: managementGroupScope('prod') }, tenant: TENANT }
    })
    const wrongGroup = await get(
      `/providers/Microsoft.Management/managementGroups/corp/subscriptions/${SUB}?api-version=2023-04-01`
    )
    expect(wrongGroup.status).toBe(404)
    const descendants = body(
      await get(
        `/providers/Microsoft.Management/managementGroups/${TENANT}/descendants?api-version=2023-04-01`
      )
    )
    expect((descendants.value as { name: string }[]).map((d) => d.name)).toEqual([
      'corp',
      'prod',
      SUB,
      OTHER_SUB
    ])
    const children = body(
      await get(
        `/providers/Microsoft.Management/managementGroups/corp?api-version=2023-04-01&$expand=children&$recurse=true`
      )
    )
    expect(children.properties).toMatchObject({
      children: [{ name: 'prod', children: [{ type: '/subscriptions', name: SUB }] }]
    })
  })
})

describe('what ARM refuses', () => {
  test('401 without a token, or with one it did not issue', async () => {
    const url = `${standIn.resourceManagerEndpoint}/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments?api-version=2025-03-01`
    const none = await http.sendRequest(createPipelineRequest({ url }))
    expect(none.status).toBe(401)
    expect(JSON.parse(none.bodyAsText!)).toEqual({
      error: {
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing."
      }
    })
    expect(none.headers.get('www-authenticate')).toContain('error="invalid_token"')
    const forged = await http.sendRequest(
      createPipelineRequest({
        url,
        headers: createHttpHeaders({ Authorization: 'Bearer eyJforged' })
      })
    )
    expect(forged.status).toBe(401)
    expect(JSON.parse(forged.bodyAsText!).error.code).toBe('InvalidAuthenticationToken')
  })

  test('an expired access token', async () => {
    const shortLived = await startStandIn({
      estate: baseEstate({ entra: { accessTokenLifetimeSeconds: 0 } })
    })
    const undo = trustStandIn(shortLived)
    try {
      useRunnerEnvironment(shortLived)
      const token = await credentialFor(shortLived).getToken(
        `${shortLived.resourceManagerEndpoint}/.default`
      )
      const response = await http.sendRequest(
        createPipelineRequest({
          url: `${shortLived.resourceManagerEndpoint}/subscriptions/${SUB}?api-version=2022-12-01`,
          headers: createHttpHeaders({ Authorization: `Bearer ${token.token}` })
        })
      )
      expect(response.status).toBe(401)
      expect(JSON.parse(response.bodyAsText!).error.code).toBe('ExpiredAuthenticationToken')
    } finally {
      useRunnerEnvironment(standIn)
      undo()
      await shortLived.close()
    }
  })

  test('non-GET: 405, read-only', async () => {
    for (const method of ['PUT', 'DELETE', 'POST'] as const) {
      const response = await get(
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/jit?api-version=2025-03-01`,
        method
      )
      expect(response.status).toBe(405)
      expect(body(response)).toMatchObject({ error: { code: 'MethodNotAllowed' } })
    }
  })

  test('api-version is required', async () => {
    const response = await get(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments`
    )
    expect(response.status).toBe(400)
    expect(body(response)).toEqual({
      error: {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.'
      }
    })
  })

  test('paths match case-insensitively; an unknown subscription is SubscriptionNotFound', async () => {
    const response = await get(
      `/SUBSCRIPTIONS/${SUB.toUpperCase()}/providers/microsoft.authorization/POLICYASSIGNMENTS?api-version=2025-03-01&$filter=atExactScope()`
    )
    expect(response.status).toBe(200)
    expect((body(response).value as { name: string }[]).map((a) => a.name)).toEqual(['jit'])
    const unknown = await policyClientFor(standIn, '11111111-1111-4111-8111-111111111111')
      .policyAssignments.list()
      .next()
      .catch((e: Error) => e)
    expect(unknown).toMatchObject({ statusCode: 404, code: 'SubscriptionNotFound' })
  })
})
