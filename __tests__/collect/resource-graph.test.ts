// The resource-graph engine's reader against the stand-in's Resource Graph: what it reads per
// subscription, how it scopes and batches, pages and minds the quota.
import { describe, expect, it } from '@jest/globals'
import type { GraphAnswer, SendGraphQuery } from '../../src/collect/resource-graph/client.ts'
import {
  QuotaGate,
  queryAllPages,
  parseResetsAfter
} from '../../src/collect/resource-graph/paging.ts'
import { groupBySubscription } from '../../src/collect/resource-graph/group.ts'
import { readResourceGraph } from '../../src/collect/resource-graph/read.ts'
import { mapAssignment, mapExemption, mapSetDefinition } from '../../src/collect/map.ts'
import type { PolicySetDefinition } from '@azure/arm-policy'
import { MCSB_SET_DEFINITION_ID, subscriptionId } from '../../standin/estate/index.ts'
import type { ResourceGraphEstate } from '../../standin/resource-graph/tables.ts'
import { OTHER_SUB, SUB, TENANT, baseEstate, customSetId } from '../standin/helpers.ts'
import { sendTo } from './resource-graph-send.ts'

const options = { maxQuotaWaitMs: 10_000 }
const names = (rows: { name?: string }[]) => rows.map((row) => row.name).sort()

const pricing = (sub: string, subPlan: string) => ({
  id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/VirtualMachines`,
  name: 'VirtualMachines',
  type: 'Microsoft.Security/pricings',
  properties: { pricingTier: 'Standard', subPlan }
})

describe('readResourceGraph', () => {
  it('reads per subscription: name, state, ancestry, the assignments and exemptions above, at and inside it, its servers plan', async () => {
    const unknown = subscriptionId(99)
    const { send } = sendTo({ ...baseEstate(), pricings: [pricing(SUB, 'P2')] })
    const read = await readResourceGraph(
      send,
      { subscriptionIds: [SUB, OTHER_SUB, unknown] },
      options
    )

    expect(read.subscriptions.map((s) => s.subscriptionId)).toEqual([SUB, OTHER_SUB])
    expect(read.notFound).toEqual([unknown])
    const [sub, other] = read.subscriptions
    expect(sub).toMatchObject({
      displayName: 'prod-1',
      state: 'Enabled',
      managementGroupAncestry: [
        '/providers/Microsoft.Management/managementGroups/prod',
        '/providers/Microsoft.Management/managementGroups/corp',
        `/providers/Microsoft.Management/managementGroups/${TENANT}`
      ]
    })
    expect(names(sub!.assignments)).toEqual(['corp-baseline', 'jit', 'jit-app', 'mcsb'])
    expect(names(sub!.exemptions)).toEqual(['corp-waiver', 'data-waiver', 'expired'])
    expect(sub!.serversPricing?.properties).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
    expect(names(other!.assignments)).toEqual(['other'])
    expect(other!.exemptions).toEqual([])
    expect(other!.serversPricing).toBeUndefined()

    // The rows are in the shape the collector's mapping takes.
    const jit = sub!.assignments.map(mapAssignment).find((a) => a.name === 'jit')
    expect(jit).toMatchObject({
      scope: `/subscriptions/${SUB}`,
      parameters: { effect: { value: 'Disabled' } }
    })
    const expired = sub!.exemptions.map(mapExemption).find((e) => e.name === 'expired')
    expect(expired).toMatchObject({
      scope: `/subscriptions/${SUB}`,
      expiresOn: '2020-01-01T00:00:00Z'
    })

    // Custom sets from Resource Graph; built-in ones named for Resource Manager.
    const set = read.setDefinitions.get(customSetId.toLowerCase())
    expect(mapSetDefinition(set as PolicySetDefinition)).toMatchObject({
      id: customSetId,
      displayName: 'Corp baseline',
      policyDefinitions: [expect.objectContaining({ policyDefinitionReferenceId: 'jit' })]
    })
    expect(read.builtInSetDefinitionIds).toEqual([MCSB_SET_DEFINITION_ID.toLowerCase()])
    expect(read.setDefinitionsNotFound).toEqual([])
  })

  it('queries a management group at its own scope and the subscriptions outside it by batch', async () => {
    const { send, requests } = sendTo(baseEstate())
    const read = await readResourceGraph(
      send,
      { subscriptionIds: [SUB, OTHER_SUB], managementGroups: ['corp'] },
      options
    )
    expect(read.subscriptions.map((s) => s.subscriptionId)).toEqual([SUB, OTHER_SUB])
    expect(names(read.subscriptions[0]!.assignments)).toEqual([
      'corp-baseline',
      'jit',
      'jit-app',
      'mcsb'
    ])
    // subscriptions (their pricings joined): corp + one batch; policy: at both; groups above;
    // sets.
    expect(read.requests).toBe(6)
    expect(requests.filter((r) => r.managementGroups).length).toBe(2)
    expect(requests.filter((r) => r.subscriptions).map((r) => r.subscriptions)).toEqual([
      [OTHER_SUB],
      [OTHER_SUB]
    ])
  })

  it('falls back to subscription batches when a management group is over the subscription cap', async () => {
    const estate = baseEstate()
    estate.subscriptions.push({ subscriptionId: subscriptionId(3), managementGroup: 'corp' })
    const { send, requests } = sendTo(estate, { subscriptionLimit: 1 })
    const read = await readResourceGraph(
      send,
      { subscriptionIds: [SUB, subscriptionId(3)], managementGroups: ['corp'] },
      options
    )
    expect(read.notFound).toEqual([])
    expect(names(read.subscriptions[0]!.assignments)).toEqual([
      'corp-baseline',
      'jit',
      'jit-app',
      'mcsb'
    ])
    // Only the first query went to the group; everything after it by batch.
    expect(requests.filter((r) => r.managementGroups).length).toBe(1)
  })

  it('pages through thousands of subscriptions, 1,000 a batch and a page', async () => {
    const ids = Array.from({ length: 2500 }, (_, n) => subscriptionId(n + 1))
    const estate: ResourceGraphEstate = {
      tenantId: TENANT,
      clientId: subscriptionId(0),
      managementGroups: [{ name: 'all' }],
      subscriptions: ids.map((id) => ({ subscriptionId: id, managementGroup: 'all' })),
      pricings: ids.map((id) => pricing(id, 'P2'))
    }
    // Asked for 1,200 of them: batches of at most 1,000 (the tenant holds more than twice that).
    const batched = sendTo(estate)
    const some = ids.slice(0, 1200)
    const read = await readResourceGraph(batched.send, { subscriptionIds: some }, options)
    expect(read.subscriptions).toHaveLength(1200)
    expect(read.subscriptions.every((s) => s.serversPricing?.name === 'VirtualMachines')).toBe(true)
    // The tenant's subscriptions with their pricings (3 pages), too wide for the rest: 2
    // batches of policy; the groups above.
    expect(read.requests).toBe(3 + 2 + 1)
    expect(
      batched.requests.filter((r) => r.subscriptions).map((r) => r.subscriptions!.length)
    ).toEqual([1000, 200])

    // Asked for all of them: the tenant's scope, in pages of 1,000 rows.
    const tenant = sendTo(estate)
    const all = await readResourceGraph(tenant.send, { subscriptionIds: ids }, options)
    expect(all.subscriptions).toHaveLength(2500)
    expect(all.notFound).toEqual([])
    // subscriptions with their pricings 3 pages, policy 1, the groups above 1.
    expect(all.requests).toBe(3 + 1 + 1)
    expect(tenant.requests.every((r) => !r.subscriptions && !r.managementGroups)).toBe(true)

    // At the management group's scope the same rows come in pages of 1,000.
    const paged = sendTo(estate)
    const byGroup = await readResourceGraph(
      paged.send,
      { subscriptionIds: ids, managementGroups: ['all'] },
      options
    )
    expect(byGroup.subscriptions).toHaveLength(2500)
    expect(paged.requests.filter((r) => r.options.skipToken).length).toBe(2)
    expect(byGroup.requests).toBe(3 + 1 + 1)
  })

  it('waits for the quota to reset instead of being throttled', async () => {
    const { send } = sendTo(baseEstate(), { quota: { queriesPerWindow: 3, windowMs: 1000 } })
    const started = Date.now()
    const read = await readResourceGraph(send, { subscriptionIds: [SUB, OTHER_SUB] }, options)
    expect(read.requests).toBe(4)
    expect(read.quotaWaitedMs).toBeGreaterThan(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('fails when the quota resets later than it may wait', async () => {
    const { send } = sendTo(baseEstate(), { quota: { queriesPerWindow: 1, windowMs: 60_000 } })
    await expect(
      readResourceGraph(send, { subscriptionIds: [SUB] }, { maxQuotaWaitMs: 5000 })
    ).rejects.toThrow(/quota .* resets after 60 s, longer than the 5 s/)
  })
})

describe('queryAllPages', () => {
  const answer = (data: unknown, more: Partial<GraphAnswer> = {}): GraphAnswer => ({
    totalRecords: 2,
    count: Array.isArray(data) ? data.length : 0,
    data,
    resultTruncated: 'false',
    header: () => undefined,
    ...more
  })
  const gate = () => new QuotaGate(1000)

  it('refuses an answer truncated without a $skipToken, a repeated $skipToken, rows without ids', async () => {
    const truncated: SendGraphQuery = async () => answer([{ id: 'a' }], { resultTruncated: 'true' })
    await expect(queryAllPages(truncated, 'q', {}, gate())).rejects.toThrow(
      /truncated at 1 of 2 rows/
    )
    const loop: SendGraphQuery = async () => answer([{ id: 'a' }], { skipToken: 'same' })
    await expect(queryAllPages(loop, 'q', {}, gate())).rejects.toThrow(/repeated a \$skipToken/)
    const noId: SendGraphQuery = async () => answer([{ name: 'a' }])
    await expect(queryAllPages(noId, 'q', {}, gate())).rejects.toThrow(/without an `id`/)
    const noData: SendGraphQuery = async () => answer({ columns: [], rows: [] })
    await expect(queryAllPages(noData, 'q', {}, gate())).rejects.toThrow(/no `data` list/)
  })

  it('parses hh:mm:ss', () => {
    expect(parseResetsAfter('00:00:03')).toBe(3000)
    expect(parseResetsAfter('01:02:03.5')).toBe(3_723_500)
    expect(parseResetsAfter('3s')).toBeUndefined()
    expect(parseResetsAfter(undefined)).toBeUndefined()
  })
})

describe('a subscription’s Defender for Servers plan', () => {
  it('is its own pricing row, never a virtual machine’s inside it: one row per subscription', async () => {
    const vmPricing = {
      ...pricing(SUB, 'P1'),
      id: `/subscriptions/${SUB}/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/pricings/VirtualMachines`
    }
    const { send, requests } = sendTo({
      ...baseEstate(),
      pricings: [pricing(SUB, 'P2'), vmPricing]
    })
    const read = await readResourceGraph(send, { subscriptionIds: [SUB, OTHER_SUB] }, options)
    expect(read.subscriptions.find((s) => s.subscriptionId === SUB)?.serversPricing).toEqual({
      id: pricing(SUB, 'P2').id,
      name: 'VirtualMachines',
      type: 'microsoft.security/pricings',
      properties: { pricingTier: 'Standard', subPlan: 'P2' }
    })
    const rows = await send({
      ...requests[0]!,
      options: { top: 1000, resultFormat: 'objectArray' }
    })
    expect((rows.data as { id: string }[]).map((row) => row.id)).toEqual(
      [`/subscriptions/${SUB}`, `/subscriptions/${OTHER_SUB}`].sort()
    )
  })

  it('is taken only from a subscription-level pricing id, whatever Resource Graph joins', () => {
    const row = (serversPricingId: string, subPlan: string) => ({
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      name: 'prod-1',
      properties: {},
      serversPricingId,
      serversPricingName: 'VirtualMachines',
      serversPricing: { pricingTier: 'Standard', subPlan }
    })
    const own = pricing(SUB, 'P2').id
    const vm = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/pricings/VirtualMachines`
    for (const rows of [
      [row(own, 'P2'), row(vm, 'P1')],
      [row(vm, 'P1'), row(own, 'P2')]
    ]) {
      const grouped = groupBySubscription(rows, [])
      expect(grouped.get(SUB)?.serversPricing?.properties).toEqual({
        pricingTier: 'Standard',
        subPlan: 'P2'
      })
    }
    expect(groupBySubscription([row(vm, 'P1')], []).get(SUB)?.serversPricing).toBeUndefined()
  })
})

describe('a subscription row whose ancestry has another shape', () => {
  it.each([
    ['a string', 'corp'],
    ['a list of strings', ['corp']],
    ['an entry without a name', [{ displayName: 'Corp' }]]
  ])('(managementGroupAncestorsChain as %s) is marked malformed, naming the field', (_, chain) => {
    const row = {
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      name: 'prod-1',
      properties: { managementGroupAncestorsChain: chain }
    }
    const subscription = groupBySubscription([row], []).get(SUB)
    expect(subscription?.managementGroupAncestry).toEqual([])
    expect(subscription?.malformed?.message).toMatch(
      /^properties\.managementGroupAncestorsChain(\[0\](\.name)?)? of Resource Graph subscription row '\/subscriptions\/[^']+' is (a string|missing), not (a list|an object|a string)$/
    )
  })
})
