// Discovery through Resource Graph against the stand-in's Resource Graph: the same rules as
// Resource Manager's discovery (listed ids first, skipped states, exclusions), a few queries, and
// rows the engine's reader uses without querying subscriptions again.
import { describe, expect, it } from '@jest/globals'
import {
  GraphScopeTooLargeError,
  discoverThroughResourceGraph
} from '../../src/collect/resource-graph/discover.ts'
import { QuotaGate } from '../../src/collect/resource-graph/paging.ts'
import { readResourceGraph } from '../../src/collect/resource-graph/read.ts'
import { scope } from '../support/scope.ts'
import { subscriptionId } from '../../standin/estate/index.ts'
import type { ResourceGraphEstate } from '../../standin/resource-graph/tables.ts'
import { OTHER_SUB, SUB, baseEstate } from '../standin/helpers.ts'
import { sendTo } from './resource-graph-send.ts'

const OLD = subscriptionId(3)
const LATE = subscriptionId(4)
const UNKNOWN = subscriptionId(99)

function estate(extra: Partial<ResourceGraphEstate> = {}): ResourceGraphEstate {
  const base = baseEstate()
  return {
    ...base,
    subscriptions: [
      ...base.subscriptions,
      { subscriptionId: OLD, displayName: 'old', managementGroup: 'prod', state: 'Disabled' },
      { subscriptionId: LATE, displayName: 'late', managementGroup: 'prod', state: 'PastDue' }
    ],
    ...extra
  }
}

const gate = () => new QuotaGate(10_000)
const isSubscriptionQuery = (query: string) => query.startsWith('resourcecontainers')

describe('discoverThroughResourceGraph', () => {
  it('lists a management group’s subscriptions at any depth with names and states; skips and excludes as Resource Manager’s discovery does', async () => {
    const { send, requests } = sendTo(estate())
    const { discovery } = await discoverThroughResourceGraph(
      send,
      scope({ managementGroups: ['corp'], excludeSubscriptionIds: [LATE] }),
      gate()
    )
    expect(discovery.subscriptions).toEqual([
      { subscriptionId: SUB, displayName: 'prod-1', state: 'Enabled' }
    ])
    expect(discovery.skipped).toEqual([
      { subscriptionId: OLD, displayName: 'old', state: 'Disabled' }
    ])
    expect(discovery.excluded).toEqual([LATE])
    expect(discovery.cost).toMatchObject({ requests: 1, lists: 1 })
    expect(requests.map((r) => r.managementGroups)).toEqual([['corp']])
  })

  it('puts listed ids first, in their order, and checks a listed id Resource Graph does not return', async () => {
    const { send } = sendTo(estate())
    const { discovery } = await discoverThroughResourceGraph(
      send,
      scope({ subscriptionIds: [UNKNOWN, OTHER_SUB], managementGroups: ['prod'] }),
      gate()
    )
    expect(discovery.subscriptions.map((s) => s.subscriptionId)).toEqual([
      UNKNOWN,
      OTHER_SUB,
      ...[SUB, LATE].sort()
    ])
    expect(discovery.subscriptions[0]).toEqual({ subscriptionId: UNKNOWN })
    expect(discovery.subscriptions[1]).toEqual({
      subscriptionId: OTHER_SUB,
      displayName: 'sandbox',
      state: 'Enabled'
    })
    expect(discovery.cost.lists).toBe(2)
  })

  it('reads every subscription the identity can see for `*`, at the tenant’s scope', async () => {
    const { send, requests } = sendTo(estate())
    const { discovery } = await discoverThroughResourceGraph(
      send,
      scope({ allSubscriptions: true }),
      gate()
    )
    expect(discovery.subscriptions.map((s) => s.subscriptionId).sort()).toEqual(
      [SUB, OTHER_SUB, LATE].sort()
    )
    expect(requests).toHaveLength(1)
    expect(requests[0]).not.toHaveProperty('subscriptions')
    expect(requests[0]).not.toHaveProperty('managementGroups')
  })

  it('hands its rows to the engine’s reader, which then sends no subscription query', async () => {
    const { send, requests } = sendTo(estate())
    const shared = gate()
    const { discovery, subscriptionRows } = await discoverThroughResourceGraph(
      send,
      scope({ managementGroups: ['corp'] }),
      shared
    )
    const ids = discovery.subscriptions.map((s) => s.subscriptionId)
    const before = requests.length
    const read = await readResourceGraph(
      send,
      { subscriptionIds: ids, managementGroups: ['corp'] },
      { maxQuotaWaitMs: 10_000, gate: shared, subscriptionRows }
    )
    expect(read.subscriptions.map((s) => s.subscriptionId)).toEqual(ids)
    expect(read.notFound).toEqual([])
    const after = requests.slice(before).map((r) => r.query)
    expect(after.length).toBeGreaterThan(0)
    expect(after.filter(isSubscriptionQuery)).toEqual([])
    expect(read.subscriptions.find((s) => s.subscriptionId === SUB)?.assignments.length).toBe(4)
  })

  it('refuses a group over Resource Graph’s subscription cap, for Resource Manager to resolve', async () => {
    const { send } = sendTo(estate(), { subscriptionLimit: 1 })
    await expect(
      discoverThroughResourceGraph(send, scope({ managementGroups: ['corp'] }), gate())
    ).rejects.toBeInstanceOf(GraphScopeTooLargeError)
  })

  it('throws what a refused query throws', async () => {
    const { send } = sendTo(estate())
    await expect(
      discoverThroughResourceGraph(send, scope({ managementGroups: ['nowhere'] }), gate())
    ).rejects.toMatchObject({ statusCode: 400 })
  })
})
