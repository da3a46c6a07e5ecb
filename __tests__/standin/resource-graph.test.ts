// The stand-in's Resource Graph: it runs the action's own queries (imported from src/) over the
// estate its ARM serves, answers with Resource Graph's paging and quota, and refuses with
// Resource Graph's 400 any query it does not interpret.
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  managementGroupPolicyQuery,
  setDefinitionsQuery,
  subscriptionPolicyQuery,
  subscriptionsQuery
} from '../../src/collect/resource-graph/queries.ts'
import type { Estate } from '../../standin/estate/index.ts'
import { subscriptionId, validateEstate } from '../../standin/estate/index.ts'
import {
  createResourceGraph,
  formatResetsAfter,
  type ResourceGraphOptions
} from '../../standin/resource-graph/index.ts'
import type { ResourceGraphEstate } from '../../standin/resource-graph/tables.ts'
import { OTHER_SUB, SUB, TENANT, baseEstate, customSetId } from './helpers.ts'

const API = { 'api-version': '2024-04-01' }

interface Answer {
  status: number
  headers: Record<string, string>
  body: {
    totalRecords: number
    count: number
    data: Record<string, unknown>[]
    $skipToken?: string
    resultTruncated: string
    error?: { code: string; message: string; details?: { code: string; message: string }[] }
  }
}

function graph(estate: ResourceGraphEstate, options: ResourceGraphOptions = {}) {
  const handle = createResourceGraph(estate, {
    quota: { queriesPerWindow: 1000, windowMs: 60_000 },
    ...options
  })
  return (request: Record<string, unknown>, query: Record<string, string> = API) =>
    handle(JSON.stringify(request), query) as unknown as Answer
}

const ids = (answer: Answer) => answer.body.data.map((row) => String(row.id))

describe('the action’s queries over sample estates', () => {
  const query = graph(baseEstate())

  it('subscriptions: a management-group scope covers every subscription below it, with state, display name and ancestry', () => {
    const answer = query({ query: subscriptionsQuery(), managementGroups: ['corp'] })
    expect(answer.status).toBe(200)
    expect(answer.body.data).toEqual([
      {
        id: `/subscriptions/${SUB}`,
        name: 'prod-1',
        type: 'microsoft.resources/subscriptions',
        subscriptionId: SUB,
        properties: expect.objectContaining({
          state: 'Enabled',
          managementGroupAncestorsChain: [
            { name: 'prod', displayName: 'Production' },
            { name: 'corp', displayName: 'Contoso corp' },
            { name: TENANT, displayName: 'Tenant Root Group' }
          ]
        }),
        // No Defender for Cloud pricing in this estate: the joined columns are null.
        serversPricingId: null,
        serversPricingName: null,
        serversPricing: null
      }
    ])
    // The tenant scope (neither subscriptions nor management groups) sees both, ordered by id.
    const tenant = query({ query: subscriptionsQuery() })
    expect(ids(tenant)).toEqual([`/subscriptions/${SUB}`, `/subscriptions/${OTHER_SUB}`].sort())
  })

  it('policy at and inside a subscription: a subscription scope leaves out the management groups’ rows', () => {
    const answer = query({ query: subscriptionPolicyQuery(), subscriptions: [SUB] })
    expect(answer.status).toBe(200)
    expect(ids(answer)).toEqual(
      [
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/jit`,
        `/subscriptions/${SUB}/resourceGroups/app/providers/Microsoft.Authorization/policyAssignments/jit-app`,
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyExemptions/expired`,
        `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Authorization/policyExemptions/data-waiver`
      ].sort()
    )
    const jit = answer.body.data.find((row) => String(row.id).endsWith('/jit'))
    expect(jit).toMatchObject({
      name: 'jit',
      type: 'microsoft.authorization/policyassignments',
      subscriptionId: SUB,
      properties: { scope: `/subscriptions/${SUB}`, parameters: { effect: { value: 'Disabled' } } }
    })
  })

  it('policy at management groups: every group’s own assignments and exemptions, none of a subscription', () => {
    const group = (name: string, type: string, item: string) =>
      `/providers/Microsoft.Management/managementGroups/${name}/providers/Microsoft.Authorization/${type}/${item}`
    const answer = query({ query: managementGroupPolicyQuery() })
    expect(ids(answer)).toEqual([
      group('corp', 'policyAssignments', 'mcsb'),
      group('corp', 'policyExemptions', 'corp-waiver'),
      group('prod', 'policyAssignments', 'corp-baseline')
    ])
    // A management group's scope reaches down only.
    const below = query({ query: managementGroupPolicyQuery(), managementGroups: ['prod'] })
    expect(ids(below)).toEqual([group('prod', 'policyAssignments', 'corp-baseline')])
  })

  it('a part of a query by subscription id: the rows whose subscription id starts with a prefix given', () => {
    const [first, second] = [SUB, OTHER_SUB].map((id) => id.slice(0, 2)) as [string, string]
    const part = query({ query: subscriptionsQuery([first.toUpperCase(), 'x']) })
    expect(ids(part)).toEqual([`/subscriptions/${SUB}`])
    const policy = query({ query: subscriptionPolicyQuery([second[0]!]) })
    expect(ids(policy)).toEqual([
      `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/policyAssignments/other`
    ])
  })

  it('custom set definitions by id, case-insensitively; built-ins are not in the table', () => {
    const answer = query({
      query: setDefinitionsQuery([
        customSetId.toUpperCase(),
        '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
      ])
    })
    expect(ids(answer)).toEqual([customSetId])
    expect(answer.body.data[0]?.properties).toMatchObject({ displayName: 'Corp baseline' })
  })

  it('refuses a join it does not interpret with Resource Graph’s 400', () => {
    const inner = subscriptionsQuery().replace('kind=leftouter', 'kind=inner')
    const answer = query({ query: inner })
    expect(answer.status).toBe(400)
    expect(JSON.stringify(answer.body)).toContain('a join other than kind=leftouter')
  })

  it('joins each subscription to its Defender for Servers pricing (leftouter: null columns without one)', () => {
    const pricing = (sub: string, subPlan: string) => ({
      id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/VirtualMachines`,
      name: 'VirtualMachines',
      type: 'Microsoft.Security/pricings',
      properties: { pricingTier: 'Standard', subPlan }
    })
    const withPricings = graph({
      ...baseEstate(),
      pricings: [
        pricing(SUB, 'P2'),
        pricing(OTHER_SUB, 'P1'),
        {
          ...pricing(SUB, ''),
          id: `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/StorageAccounts`,
          name: 'StorageAccounts'
        }
      ]
    })
    const answer = withPricings({ query: subscriptionsQuery(), managementGroups: ['corp'] })
    expect(answer.body.data).toEqual([
      expect.objectContaining({
        subscriptionId: SUB,
        serversPricingId: pricing(SUB, 'P2').id,
        serversPricingName: 'VirtualMachines',
        serversPricing: { pricingTier: 'Standard', subPlan: 'P2' }
      })
    ])
    // OTHER_SUB's pricing is outside the group's scope: no row of it joins.
    const both = withPricings({ query: subscriptionsQuery(), subscriptions: [SUB, OTHER_SUB] })
    expect(both.body.data.map((row) => row.serversPricing)).toEqual(
      [SUB, OTHER_SUB]
        .sort()
        .map((sub) => ({ pricingTier: 'Standard', subPlan: sub === SUB ? 'P2' : 'P1' }))
    )
    const none = graph(baseEstate())({ query: subscriptionsQuery(), subscriptions: [SUB] })
    expect(none.body.data).toEqual([
      expect.objectContaining({
        subscriptionId: SUB,
        serversPricingId: null,
        serversPricingName: null,
        serversPricing: null
      })
    ])
  })

  it('serves the example estate: its assignments inside a subscription', async () => {
    const example = validateEstate(
      JSON.parse(await readFile('standin/estates/example.json', 'utf8')),
      'example.json'
    )
    const answer = graph(example)({
      query: subscriptionPolicyQuery(),
      subscriptions: example.subscriptions.map((s) => s.subscriptionId)
    })
    expect(answer.status).toBe(200)
    const expected = (example.policyExemptions ?? [])
      .concat(example.policyAssignments ?? [])
      .map((r) => r.id)
      .filter((id) => id.startsWith('/subscriptions/'))
      .sort()
    expect(ids(answer)).toEqual(expected)
    expect(expected.length).toBeGreaterThan(0)
  })
})

describe('queries it does not understand get Resource Graph’s 400', () => {
  const query = graph(baseEstate())
  const refused = (text: string) => {
    const answer = query({ query: text, subscriptions: [SUB] })
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe('BadRequest')
    expect(answer.body.error?.details?.[0]?.code).toBe('InvalidQuery')
    return answer.body.error?.details?.[1]
  }

  it('an operator it does not interpret', () => {
    expect(refused('policyresources | mv-expand properties')).toMatchObject({
      code: 'NotInterpreted',
      message: expect.stringContaining("'mv-expand'")
    })
    expect(refused('policyresources | take 5')?.code).toBe('NotInterpreted')
    expect(refused('policyresources | summarize count() by type')?.code).toBe('NotInterpreted')
  })

  it('a comparison or function it does not interpret', () => {
    expect(refused("policyresources | where type has 'x' | order by id asc")?.code).toBe(
      'NotInterpreted'
    )
    expect(refused("policyresources | where toupper(type) =~ 'x'")?.code).toBe('NotInterpreted')
    expect(refused("policyresources | where type =~ 'a' and not(name =~ 'b')")?.code).toBe(
      'NotInterpreted'
    )
  })

  it('a syntax error, an unknown column or table', () => {
    expect(refused("policyresources | where type =~ 'x")).toMatchObject({
      code: 'ParserFailure',
      line: 1
    })
    expect(refused('policyresources\n| project nosuchcolumn')).toMatchObject({
      code: 'UnknownColumn',
      line: 2,
      characterPositionInLine: 10
    })
    expect(refused('advisorresources | project id')?.code).toBe('UnknownTable')
  })

  it('a request it cannot take: both scopes, over 1,000 subscriptions, a bad $top or api-version', () => {
    const q = subscriptionsQuery()
    expect(query({ query: q, subscriptions: [SUB], managementGroups: ['corp'] }).status).toBe(400)
    const many = Array.from({ length: 1001 }, (_, n) => subscriptionId(n))
    expect(query({ query: q, subscriptions: many }).status).toBe(400)
    expect(query({ query: q, options: { $top: 1001 } }).status).toBe(400)
    expect(query({ query: q }, { 'api-version': '2099-01-01' }).body.error?.code).toBe(
      'InvalidApiVersionParameter'
    )
  })
})

describe('paging', () => {
  const estate: Estate = {
    tenantId: TENANT,
    clientId: subscriptionId(0),
    subscriptions: Array.from({ length: 2500 }, (_, n) => ({
      subscriptionId: subscriptionId(n + 1)
    }))
  }
  const query = graph(estate)

  it('pages over more rows than one page with $skipToken, in id order, each row once', () => {
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const answer = query({
        query: subscriptionsQuery(),
        options: {
          $top: 1000,
          resultFormat: 'objectArray',
          ...(token ? { $skipToken: token } : {})
        }
      })
      expect(answer.status).toBe(200)
      expect(answer.body.totalRecords).toBe(2500)
      expect(answer.body.resultTruncated).toBe('false')
      expect(answer.body.count).toBe(answer.body.data.length)
      seen.push(...ids(answer))
      token = answer.body.$skipToken
      pages += 1
    } while (token)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(2500)
    expect(new Set(seen).size).toBe(2500)
    expect(seen).toEqual([...seen].sort())
  })

  it('refuses a $skipToken from another query or scope', () => {
    const first = query({ query: subscriptionsQuery(), options: { $top: 10 } })
    const token = first.body.$skipToken
    expect(token).toBeDefined()
    const other = query({
      query: subscriptionsQuery(),
      subscriptions: [subscriptionId(1)],
      options: { $skipToken: token }
    })
    expect(other.status).toBe(400)
  })

  it('says resultTruncated, with no $skipToken, when no column can be paged on', () => {
    const answer = query({ query: 'resourcecontainers | project properties', options: { $top: 5 } })
    expect(answer.body).toMatchObject({ count: 5, totalRecords: 2500, resultTruncated: 'true' })
    expect(answer.body.$skipToken).toBeUndefined()
  })

  it('caps a management-group or tenant scope at its subscription limit and says so', () => {
    const capped = graph(estate, { subscriptionLimit: 100 })
    const answer = capped({ query: subscriptionsQuery() })
    expect(answer.body.totalRecords).toBe(100)
    expect(answer.headers['x-ms-tenant-subscription-limit-hit']).toBe('true')
    const batch = capped({
      query: subscriptionsQuery(),
      subscriptions: [subscriptionId(1), subscriptionId(2)]
    })
    expect(batch.body.totalRecords).toBe(2)
    expect(batch.headers['x-ms-tenant-subscription-limit-hit']).toBeUndefined()
  })
})

describe('the per-user quota', () => {
  it('counts queries down in x-ms-user-quota-remaining, then answers 429 until the window resets', async () => {
    const query = graph(baseEstate(), { quota: { queriesPerWindow: 3, windowMs: 1500 } })
    const request = { query: subscriptionsQuery() }
    const answers = [query(request), query(request), query(request)]
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    expect(answers.map((a) => a.headers['x-ms-user-quota-remaining'])).toEqual(['2', '1', '0'])
    for (const answer of answers) {
      expect(answer.headers['x-ms-user-quota-resets-after']).toMatch(/^00:00:0[12]$/)
    }
    const throttled = query(request)
    expect(throttled.status).toBe(429)
    expect(throttled.headers['x-ms-user-quota-remaining']).toBe('0')
    expect(Number(throttled.headers['Retry-After'])).toBeGreaterThanOrEqual(1)
    await new Promise((resolve) => setTimeout(resolve, 1600))
    const again = query(request)
    expect(again.status).toBe(200)
    expect(again.headers['x-ms-user-quota-remaining']).toBe('2')
  })

  it('formats resets-after as hh:mm:ss, rounded up', () => {
    expect(formatResetsAfter(0)).toBe('00:00:00')
    expect(formatResetsAfter(4001)).toBe('00:00:05')
    expect(formatResetsAfter(3_723_000)).toBe('01:02:03')
  })
})
