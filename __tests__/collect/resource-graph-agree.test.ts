// Resource Graph and Resource Manager agree on the stand-in's estates: for every subscription, the
// assignments and exemptions the reader hands it are those Resource Manager's unfiltered lists
// give (above, at and inside it), and its ancestry is the management-group chain ARM reports.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline'
import { readResourceGraph } from '../../src/collect/resource-graph/read.ts'
import type { Estate } from '../../standin/estate/index.ts'
import { validateEstate } from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  baseEstate,
  clearRunnerEnvironment,
  policyClientFor,
  useRunnerEnvironment
} from '../standin/helpers.ts'
import { sendTo } from './resource-graph-send.ts'

let standIn: StandIn | undefined
let untrust: (() => void) | undefined
afterEach(async () => {
  untrust?.()
  clearRunnerEnvironment()
  await standIn?.close()
})

async function armIds(standIn: StandIn, subscription: string, type: string): Promise<string[]> {
  const client = policyClientFor(standIn, subscription)
  const http = createDefaultHttpClient()
  const version = type === 'policyExemptions' ? '2022-07-01-preview' : '2025-03-01'
  const ids: string[] = []
  let url: string | undefined =
    `${standIn.resourceManagerEndpoint}/subscriptions/${subscription}/providers/Microsoft.Authorization/${type}?api-version=${version}`
  while (url) {
    const response = await client.pipeline.sendRequest(http, createPipelineRequest({ url }))
    expect(response.status).toBe(200)
    const page = JSON.parse(response.bodyAsText ?? '{}') as {
      value: { id: string }[]
      nextLink?: string
    }
    ids.push(...page.value.map((item) => item.id.toLowerCase()))
    url = page.nextLink
  }
  return ids.sort()
}

const estates: [string, () => Promise<Estate>][] = [
  ['the helpers’ estate', async () => baseEstate()],
  [
    'standin/estates/example.json',
    async () => {
      const estate = validateEstate(
        JSON.parse(await readFile('standin/estates/example.json', 'utf8'))
      )
      // Its injected faults are ARM's, not the question here.
      return {
        ...estate,
        subscriptions: estate.subscriptions.map((s) => ({ ...s, faults: undefined }))
      }
    }
  ]
]

describe.each(estates)('on %s', (_name, load) => {
  it('every subscription gets the rows Resource Manager lists for it', async () => {
    const estate = await load()
    standIn = await startStandIn({ estate })
    untrust = trustStandIn(standIn)
    useRunnerEnvironment(standIn)
    const subscriptionIds = estate.subscriptions.map((s) => s.subscriptionId)
    const read = await readResourceGraph(
      sendTo(estate).send,
      { subscriptionIds },
      { maxQuotaWaitMs: 5000 }
    )
    expect(read.notFound).toEqual([])
    for (const subscription of read.subscriptions) {
      const rows = (list: { id: string }[]) => list.map((row) => row.id.toLowerCase()).sort()
      expect(rows(subscription.assignments)).toEqual(
        await armIds(standIn, subscription.subscriptionId, 'policyAssignments')
      )
      expect(rows(subscription.exemptions)).toEqual(
        await armIds(standIn, subscription.subscriptionId, 'policyExemptions')
      )
    }
  })
})
