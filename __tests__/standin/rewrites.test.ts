// The stand-in's rewrites (standin/estate/rewrites.ts): reshaped resources, as both its ARM and
// its Resource Graph serve them, and ARM answers replaced whole; the exemptions of a management
// group (and above it) that ARM lists; and the exemptions Resource Graph does not show an
// identity that may not read them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { PolicyClient } from '@azure/arm-policy'
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline'
import {
  applyReshapes,
  managementGroupScope,
  validateEstate,
  type Estate
} from '../../standin/estate/index.ts'
import { subscriptionPolicyQuery } from '../../src/collect/resource-graph/queries.ts'
import { createResourceGraph } from '../../standin/resource-graph/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  baseEstate,
  clearRunnerEnvironment,
  policyClientFor,
  SUB,
  useRunnerEnvironment
} from './helpers.ts'

const JIT_ASSIGNMENT = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/jit`
const PRICING = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`

describe('validation', () => {
  test('reshapes name a resource of the estate, a path, and a value or remove', () => {
    const problems = (extra: Partial<Estate>) => {
      try {
        validateEstate(baseEstate(extra))
        return []
      } catch (error) {
        return (error as { problems: string[] }).problems
      }
    }
    expect(
      problems({
        reshapes: [
          {
            id: '/subscriptions/x/providers/Microsoft.Authorization/policyAssignments/none',
            path: ['a'],
            value: 1
          },
          { id: JIT_ASSIGNMENT, path: [], value: 1 },
          { id: JIT_ASSIGNMENT, path: ['properties'] }
        ],
        answers: [{ path: 'relative', status: 99, body: {}, text: 'x' }]
      })
    ).toEqual([
      'reshapes[0].id: must be the id of a resource of the estate',
      'reshapes[1].path: must be a non-empty array of keys',
      'reshapes[2]: needs either value or remove: true',
      'answers[0].path: must be a request path starting with /',
      'answers[0].status: must be an HTTP status from 200 to 599',
      'answers[0]: needs body or text, not both'
    ])
  })

  test('applyReshapes changes copies: objects, list items, removals', () => {
    const estate = baseEstate({
      reshapes: [
        { id: JIT_ASSIGNMENT, path: ['properties', 'notScopes'], value: 'x' },
        { id: JIT_ASSIGNMENT, path: ['properties', 'parameters', 'effect', 'value'], remove: true }
      ]
    })
    const reshaped = applyReshapes(estate)
    const jit = (e: Estate) => e.policyAssignments!.find((a) => a.id === JIT_ASSIGNMENT)!
    expect(jit(reshaped).properties.notScopes).toBe('x')
    expect(jit(reshaped).properties.parameters).toEqual({ effect: {} })
    expect(jit(estate).properties.notScopes).toEqual([])
  })
})

describe('served', () => {
  let standIn: StandIn
  let client: PolicyClient
  let untrust: () => void
  const http = createDefaultHttpClient()

  beforeAll(async () => {
    standIn = await startStandIn({
      estate: baseEstate({
        reshapes: [{ id: JIT_ASSIGNMENT, path: ['properties', 'notScopes'], value: 'x' }],
        answers: [
          { path: PRICING.toLowerCase(), status: 404, body: { error: { code: 'NotFound' } } },
          {
            path: `${managementGroupScope('corp')}/descendants`,
            status: 200,
            text: '{"value": ['
          }
        ]
      })
    })
    untrust = trustStandIn(standIn)
    useRunnerEnvironment(standIn)
    client = policyClientFor(standIn, SUB)
  })

  afterAll(async () => {
    untrust()
    clearRunnerEnvironment()
    await standIn.close()
  })

  async function get(path: string) {
    const url = `${standIn.resourceManagerEndpoint}${path}`
    const response = await client.pipeline.sendRequest(
      http,
      createPipelineRequest({ url, method: 'GET' })
    )
    return { status: response.status, text: response.bodyAsText ?? '' }
  }

  test('a reshaped resource, by ARM', async () => {
    const answer = await get(`${JIT_ASSIGNMENT}?api-version=2025-03-01`)
    expect(JSON.parse(answer.text).properties.notScopes).toBe('x')
  })

  test('an answer replaced by a status and body, or by text that is not JSON', async () => {
    expect(await get(`${PRICING}?api-version=2024-01-01`)).toEqual({
      status: 404,
      text: '{"error":{"code":"NotFound"}}'
    })
    expect(await get(`${managementGroupScope('corp')}/descendants?api-version=2023-04-01`)).toEqual(
      { status: 200, text: '{"value": [' }
    )
  })

  test("a management group's exemptions: at it and above (atScope), or at it alone", async () => {
    const list = async (group: string, filter: string) => {
      const answer = await get(
        `${managementGroupScope(group)}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview&$filter=${encodeURIComponent(filter)}`
      )
      expect(answer.status).toBe(200)
      return (JSON.parse(answer.text) as { value: { name: string }[] }).value.map((x) => x.name)
    }
    expect(await list('prod', 'atScope()')).toEqual(['corp-waiver'])
    expect(await list('prod', 'atExactScope()')).toEqual([])
    expect(await list('corp', 'atExactScope()')).toEqual(['corp-waiver'])
    const refused = await get(
      `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview&$filter=nonsense`
    )
    expect(refused.status).toBe(400)
  })
})

describe('Resource Graph', () => {
  const policyRows = (estate: Estate) => {
    const answer = createResourceGraph(estate, {})(
      JSON.stringify({ query: subscriptionPolicyQuery() }),
      { 'api-version': '2024-04-01' }
    ) as { body: { data: { type: string; name: string; properties: Record<string, unknown> }[] } }
    return answer.body.data
  }

  test('serves the reshaped resource (startStandIn reshapes the estate both read)', () => {
    const rows = policyRows(
      applyReshapes(
        baseEstate({
          reshapes: [{ id: JIT_ASSIGNMENT, path: ['properties', 'notScopes'], value: 'x' }]
        })
      )
    )
    expect(rows.find((row) => row.name === 'jit')?.properties.notScopes).toBe('x')
  })

  test('shows no exemption of a subscription whose exemption reads are refused for good', () => {
    const exemptions = (estate: Estate) =>
      policyRows(estate)
        .filter((row) => row.type === 'microsoft.authorization/policyexemptions')
        .map((row) => row.name)
    const base = baseEstate()
    expect(exemptions(base)).toEqual(['expired', 'data-waiver'])
    const refused = {
      ...base,
      subscriptions: base.subscriptions.map((s) => ({
        ...s,
        faults: [{ fault: 'forbidden', on: 'exemptions' } as const]
      }))
    }
    expect(exemptions(refused)).toEqual([])
  })
})
