// Every fault the stand-in injects, as the real PolicyClient (and its pipeline) sees it.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import type { PolicyClient } from '@azure/arm-policy'
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline'
import type { PipelineResponse } from '@azure/core-rest-pipeline'
import type { Fault } from '../../standin/estate/index.ts'
import {
  JIT_POLICY_DEFINITION_ID,
  policyAssignment,
  subscriptionScope,
  validateEstate
} from '../../standin/estate/index.ts'
import { startStandIn } from '../../standin/server.ts'
import type { StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  armRequests,
  baseEstate,
  OTHER_SUB,
  policyClientFor,
  SUB,
  useRunnerEnvironment,
  clearRunnerEnvironment
} from './helpers.ts'

let standIn: StandIn
let untrust: () => void
/** No retries: each fault shows as the SDK's error. */
let client: PolicyClient
/** The SDK's default retry policies. */
let retrying: PolicyClient

beforeAll(async () => {
  standIn = await startStandIn({
    estate: baseEstate({
      pageSize: 2,
      policyAssignments: [1, 2, 3].map((n) =>
        policyAssignment(subscriptionScope(SUB), `a${n}`, {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID
        })
      ),
      subscriptions: [
        { subscriptionId: SUB, managementGroup: 'prod' },
        // faults can come with the estate, too
        { subscriptionId: OTHER_SUB, faults: [{ fault: 'forbidden', on: 'exemptions' }] }
      ]
    })
  })
  untrust = trustStandIn(standIn)
  useRunnerEnvironment(standIn)
  client = policyClientFor(standIn, SUB, { retryOptions: { maxRetries: 0 } })
  retrying = policyClientFor(standIn, SUB, {
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 }
  })
  // sign in once, outside the measured requests
  for await (const page of client.policyAssignments.list({ filter: 'atExactScope()' }).byPage())
    void page
})

afterAll(async () => {
  untrust()
  clearRunnerEnvironment()
  await standIn.close()
})

beforeEach(() => standIn.setFaults(SUB, []))

function assignments(c: PolicyClient = client, signal?: AbortSignal): Promise<string[]> {
  return (async () => {
    const out: string[] = []
    for await (const a of c.policyAssignments.list({
      filter: 'atExactScope()',
      ...(signal ? { abortSignal: signal } : {})
    }))
      out.push(a.name!)
    return out
  })()
}

function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as Record<string, unknown>
  )
}

/** ARM requests for the subscription's assignments made while running `body`. */
async function counting(body: () => Promise<unknown>): Promise<number> {
  const before = armRequests(standIn, '/policyAssignments').length
  await body()
  return armRequests(standIn, '/policyAssignments').length - before
}

const throttled = (faults: Fault[]) => standIn.setFaults(SUB, faults)

/** The same list through the client's pipeline, to read ARM's answer itself: arm-policy's paged
 * lists throw "Pagination failed with unexpected statusCode N" with the code but not ARM's message. */
async function rawAssignments(): Promise<PipelineResponse> {
  const url = `${standIn.resourceManagerEndpoint}/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments?api-version=2025-03-01&$filter=atExactScope()`
  return client.pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url }))
}

describe('throttling', () => {
  test('429 with Retry-After: the header and ARM body; the SDK waits and retries', async () => {
    throttled([{ fault: 'throttle', on: 'assignments', retryAfterSeconds: 7, times: 2 }])
    const error = await failure(assignments())
    expect(error).toMatchObject({ statusCode: 429, code: 'SubscriptionRequestsThrottled' })
    const raw = await rawAssignments()
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toBe('7')
    expect(JSON.parse(raw.bodyAsText!).error).toEqual({
      code: 'SubscriptionRequestsThrottled',
      message: expect.stringContaining(`Number of 'read' requests for subscription '${SUB}'`)
    })

    throttled([{ fault: 'throttle', on: 'assignments', retryAfterSeconds: 0, times: 1 }])
    let names: string[] = []
    expect(await counting(async () => (names = await assignments(retrying)))).toBe(3) // throttled, retried, page 2
    expect(names).toEqual(['a1', 'a2', 'a3'])
  })

  test('429 without Retry-After: the SDK does not retry it', async () => {
    throttled([{ fault: 'throttle' }])
    let error: Record<string, unknown> = {}
    expect(await counting(async () => (error = await failure(assignments(retrying))))).toBe(1)
    expect(error).toMatchObject({ statusCode: 429, code: 'SubscriptionRequestsThrottled' })
    expect(
      (error.response as { headers: { get(n: string): string | undefined } }).headers.get(
        'retry-after'
      )
    ).toBeUndefined()
  })
})

test('503 ServiceUnavailable; retried by the SDK until it passes', async () => {
  throttled([{ fault: 'unavailable', times: 2 }])
  expect(await failure(assignments())).toMatchObject({
    statusCode: 503,
    code: 'ServiceUnavailable'
  })
  expect(
    await counting(async () => expect(await assignments(retrying)).toEqual(['a1', 'a2', 'a3']))
  ).toBe(3)
})

test('reset: the connection is destroyed without an answer', async () => {
  throttled([{ fault: 'reset', times: 1 }])
  const error = await failure(assignments())
  expect(error.name).toBe('RestError')
  expect(String(error.code)).toMatch(/ECONNRESET|REQUEST_SEND_ERROR/)
  expect(armRequests(standIn, '/policyAssignments').at(-1)!.status).toBe(0)
})

test('hang: no answer until the caller gives up', async () => {
  throttled([{ fault: 'hang', times: 1 }])
  const started = Date.now()
  const error = await failure(assignments(client, AbortSignal.timeout(200)))
  expect(error.name).toBe('AbortError')
  expect(Date.now() - started).toBeLessThan(2000)
  const request = armRequests(standIn, '/policyAssignments').at(-1)!
  expect(request.status).toBe(0)
})

test('malformed JSON: 200 with a truncated body', async () => {
  throttled([{ fault: 'malformed-json', on: 'assignments', times: 1 }])
  const error = await failure(assignments())
  expect(String(error.message)).toMatch(/JSON/i)
  const response = await client.pipeline.sendRequest(
    createDefaultHttpClient(),
    createPipelineRequest({
      url: `${standIn.resourceManagerEndpoint}/subscriptions/${SUB}?api-version=2022-12-01`
    })
  )
  expect(response.status).toBe(200) // `times: 1` was used up by the first request
  throttled([{ fault: 'malformed-json', on: 'subscription' }])
  const broken = await client.pipeline.sendRequest(
    createDefaultHttpClient(),
    createPipelineRequest({
      url: `${standIn.resourceManagerEndpoint}/subscriptions/${SUB}?api-version=2022-12-01`
    })
  )
  expect(broken.status).toBe(200)
  expect(() => JSON.parse(broken.bodyAsText!)).toThrow()
  expect(response.bodyAsText!.startsWith(broken.bodyAsText!)).toBe(true)
})

test('nextLink loop: the next page is always the first one again', async () => {
  throttled([{ fault: 'nextlink-loop', on: 'assignments' }])
  const pages: string[][] = []
  for await (const page of client.policyAssignments.list({ filter: 'atExactScope()' }).byPage()) {
    pages.push(page.map((a) => a.name!))
    if (pages.length === 5) break
  }
  expect(pages).toEqual(Array(5).fill(['a1', 'a2']))
  const links = armRequests(standIn, '/policyAssignments')
    .slice(-5)
    .map((r) => r.query.$skiptoken)
  expect(new Set(links.slice(1)).size).toBe(1)
})

test('403 AuthorizationFailed names the action and the scope', async () => {
  throttled([{ fault: 'forbidden', on: 'assignments' }])
  const error = await failure(assignments())
  expect(error).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' })
  const raw = await rawAssignments()
  expect(raw.status).toBe(403)
  expect(JSON.parse(raw.bodyAsText!).error.message).toMatch(
    new RegExp(
      `does not have authorization to perform action 'Microsoft.Authorization/policyAssignments/read' over scope '/subscriptions/${SUB}' or the scope is invalid`
    )
  )
  // from the estate file: OTHER_SUB's exemptions are forbidden, its assignments are not
  const other = policyClientFor(standIn, OTHER_SUB, { retryOptions: { maxRetries: 0 } })
  const exemptions = await other.pipeline.sendRequest(
    createDefaultHttpClient(),
    createPipelineRequest({
      url: `${standIn.resourceManagerEndpoint}/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview`
    })
  )
  expect(exemptions.status).toBe(403)
  expect(JSON.parse(exemptions.bodyAsText!).error.message).toContain(
    "'Microsoft.Authorization/policyExemptions/read'"
  )
  for await (const a of other.policyAssignments.list()) expect(a.name).toBe('other')
})

test('echo-headers: 400 whose message quotes the request, the access token among its headers', async () => {
  throttled([{ fault: 'echo-headers', on: 'assignments' }])
  const error = await failure(assignments())
  expect(error).toMatchObject({ statusCode: 400, code: 'InvalidRequest' })
  const [accessToken] = standIn.secretsIssued().filter((secret) => secret.startsWith('standin.'))
  expect(accessToken).toBeDefined()
  const message = JSON.parse((await rawAssignments()).bodyAsText!).error.message as string
  const lines = message.split('\n')
  expect(lines[0]).toBe('The gateway could not forward the request. Headers received:')
  expect(lines).toContain(`authorization: Bearer ${accessToken}`)
  expect(message).toMatch(/^user-agent: /m)
  expect(lines.at(-1)).toMatch(
    new RegExp(`^Request: GET /subscriptions/${SUB}/providers/Microsoft.Authorization/`)
  )
})

test('404 SubscriptionNotFound for a subscription the estate has', async () => {
  throttled([{ fault: 'not-found' }])
  expect(await failure(assignments())).toMatchObject({
    statusCode: 404,
    code: 'SubscriptionNotFound'
  })
})

test('faults on requests that concern no subscription: built-in definitions', async () => {
  standIn.setTenantFaults([{ fault: 'unavailable', on: 'definitions', times: 1 }])
  const error = await failure(
    client.policySetDefinitions.getBuiltIn('1f3afdf9-d0c9-4c3d-847f-89da613e70a8')
  )
  expect(error).toMatchObject({ statusCode: 503 })
  const set = await client.policySetDefinitions.getBuiltIn('1f3afdf9-d0c9-4c3d-847f-89da613e70a8')
  expect(set.displayName).toBe('Microsoft cloud security benchmark')
})

test('latency: every ARM answer waits, per subscription when it says so', async () => {
  const slow = await startStandIn({
    estate: baseEstate({
      subscriptions: [{ subscriptionId: SUB, latencyMs: 150 }, { subscriptionId: OTHER_SUB }],
      managementGroups: [],
      policyAssignments: [],
      policyExemptions: [],
      policySetDefinitions: []
    }),
    latencyMs: 40
  })
  const undo = trustStandIn(slow)
  try {
    useRunnerEnvironment(slow)
    for (const sub of [SUB, OTHER_SUB])
      for await (const a of policyClientFor(slow, sub).policyAssignments.list()) void a
    const [subRequest, otherRequest] = armRequests(slow, '/policyAssignments')
    expect(subRequest!.endedAt - subRequest!.startedAt).toBeGreaterThanOrEqual(145)
    expect(otherRequest!.endedAt - otherRequest!.startedAt).toBeGreaterThanOrEqual(35)
    expect(otherRequest!.endedAt - otherRequest!.startedAt).toBeLessThan(145)
  } finally {
    useRunnerEnvironment(standIn)
    undo()
    await slow.close()
  }
})

test('the sign-in faults are estate settings, checked like the others', () => {
  expect(() =>
    validateEstate(
      baseEstate({
        oidc: { unreachable: 'yes' as unknown as boolean },
        entra: { accessTokenExpiresAfterRequests: -1 }
      })
    )
  ).toThrow(/oidc\.unreachable.*must be true or false[\s\S]*entra\.accessTokenExpiresAfterRequests/)
  expect(() =>
    validateEstate(
      baseEstate({ oidc: { unreachable: true }, entra: { accessTokenExpiresAfterRequests: 0 } })
    )
  ).not.toThrow()
})
