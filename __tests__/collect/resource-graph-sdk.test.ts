// The reader through the real @azure/arm-resourcegraph client and the run's retry policy, against
// the stand-in's Resource Graph handler on a local https server: the SDK's request and answer
// shapes, paging with $skipToken, 429 with Retry-After, and an invalid query's 400.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { AccessToken, TokenCredential } from '@azure/identity'
import { isRestError } from '@azure/core-rest-pipeline'
import { createGraphQuery } from '../../src/collect/resource-graph/client.ts'
import { readResourceGraph } from '../../src/collect/resource-graph/read.ts'
import type { RequestLimits } from '../../src/collect/limits.ts'
import { generateCertificates, type Certificates } from '../../standin/certificate.ts'
import { readBody } from '../../standin/http.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  RESOURCE_GRAPH_PATH,
  createResourceGraph,
  type ResourceGraphHandler
} from '../../standin/resource-graph/index.ts'
import { OTHER_SUB, SUB, baseEstate } from '../standin/helpers.ts'

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: 'stand-in-token',
    expiresOnTimestamp: Date.now() + 3_600_000
  })
}

const limits = (): RequestLimits => ({
  maxConcurrency: 4,
  requestTimeoutMs: 10_000,
  maxRetries: 4,
  retryDelayMs: 50,
  maxRetryAfterMs: 10_000,
  deadline: new AbortController().signal
})

let certificates: Certificates
let server: Server
let endpoint: string
let untrust: () => void
let handler: ResourceGraphHandler
const seen: { status: number; body: Record<string, unknown> }[] = []

beforeAll(async () => {
  certificates = await generateCertificates()
  untrust = trustStandIn(certificates)
  server = createServer(
    { key: certificates.serverKeyPem, cert: certificates.serverCertificatePem },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      void readBody(req).then((body) => {
        if (req.method !== 'POST' || url.pathname !== RESOURCE_GRAPH_PATH) {
          res.writeHead(404).end()
          return
        }
        const reply = handler(body, Object.fromEntries(url.searchParams))
        seen.push({ status: reply.status, body: JSON.parse(body) as Record<string, unknown> })
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers })
        res.end(JSON.stringify(reply.body))
      })
    }
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  untrust()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await rm(certificates.directory, { recursive: true, force: true })
})

describe('the reader through @azure/arm-resourcegraph', () => {
  it('pages with $skipToken and retries 429 after Retry-After', async () => {
    handler = createResourceGraph(baseEstate(), { quota: { queriesPerWindow: 2, windowMs: 1000 } })
    seen.length = 0
    const send = await createGraphQuery(credential, endpoint, limits(), 'test')
    const read = await readResourceGraph(
      send,
      { subscriptionIds: [SUB, OTHER_SUB] },
      // One row a page, four queries at once: the quota runs out under the reader's feet.
      { maxQuotaWaitMs: 10_000, pageSize: 1, concurrency: 4 }
    )
    expect(read.subscriptions.map((s) => s.assignments.length)).toEqual([4, 1])
    expect(read.subscriptions.map((s) => s.exemptions.length)).toEqual([3, 0])
    const sent = seen
      .filter((r) => r.status === 200)
      .map((r) => r.body.options as Record<string, unknown>)
    expect(sent.every((o) => o.$top === 1 && o.resultFormat === 'objectArray')).toBe(true)
    expect(sent.filter((o) => typeof o.$skipToken === 'string').length).toBeGreaterThan(5)
    expect(seen.some((r) => r.status === 429)).toBe(true)
  }, 60_000)

  it('an invalid query is Resource Graph’s 400 BadRequest, not retried', async () => {
    handler = createResourceGraph(baseEstate())
    seen.length = 0
    const send = await createGraphQuery(credential, endpoint, limits(), 'test')
    const failure = await send({
      query: 'policyresources | summarize count()',
      subscriptions: [SUB],
      options: { top: 10, resultFormat: 'objectArray' }
    }).catch((error: unknown) => error)
    expect(isRestError(failure)).toBe(true)
    expect(failure).toMatchObject({ statusCode: 400, code: 'BadRequest' })
    expect(seen).toHaveLength(1)
  })
})
