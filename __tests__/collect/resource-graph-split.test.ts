// A Resource Graph query read in parts by subscription id (paging.ts, queryRows), each part paged
// by its own $skipToken, against the stand-in's Resource Graph: whole, each row once, or refused.
import { describe, expect, it } from '@jest/globals'
import { RestError } from '@azure/core-rest-pipeline'
import type { SendGraphQuery } from '../../src/collect/resource-graph/client.ts'
import {
  queryRows,
  subscriptionIdParts,
  type GraphRow
} from '../../src/collect/resource-graph/paging.ts'
import { subscriptionsQuery } from '../../src/collect/resource-graph/queries.ts'
import { QuotaGate } from '../../src/collect/resource-graph/quota.ts'
import { readResourceGraph } from '../../src/collect/resource-graph/read.ts'
import { ONE_GROUP, oneGroupEstate } from '../../scripts/bench/scenarios/one-group.ts'
import { sendTo } from './resource-graph-send.ts'

const COUNT = 60
const bench = oneGroupEstate(COUNT)
const atGroup = { managementGroups: [ONE_GROUP] }
const isPart = (query: string) => query.includes('subscriptionId startswith')
const ids = (rows: readonly GraphRow[]) => rows.map((row) => String(row.subscriptionId)).sort()

describe('queryRows', () => {
  it('reads a query of more than 3 pages in parts sent at once, each to its last page, every row once', async () => {
    const { send, requests } = sendTo(bench.estate)
    const result = await queryRows(send, subscriptionsQuery, atGroup, new QuotaGate(1000), {
      pageSize: 10,
      maxParts: 2
    })

    expect(ids(result.rows)).toEqual([...bench.subscriptionIds].sort())
    expect(result.requests).toBe(requests.length)
    // The whole query's first page, then 2 parts, each paged by its own $skipToken.
    const parts = [...new Set(requests.map((r) => r.query).filter(isPart))]
    expect(parts).toHaveLength(2)
    for (const part of parts) {
      const pages = requests.filter((r) => r.query === part)
      expect(pages[0]?.options.skipToken).toBeUndefined()
      expect(pages.slice(1).every((r) => r.options.skipToken !== undefined)).toBe(true)
      expect(pages.length).toBeGreaterThan(1)
    }
  })

  it('reads a query of up to 3 pages page after page, unsplit', async () => {
    const { send, requests } = sendTo(bench.estate)
    const result = await queryRows(send, subscriptionsQuery, atGroup, new QuotaGate(1000), {
      pageSize: 20
    })
    expect(ids(result.rows)).toEqual([...bench.subscriptionIds].sort())
    expect(requests.map((r) => isPart(r.query))).toEqual([false, false, false])
  })

  /** sendTo(bench.estate), with `change` applied to the answers of the parts' later pages. */
  function tamperedParts(
    change: (answer: Awaited<ReturnType<SendGraphQuery>>) => Awaited<ReturnType<SendGraphQuery>>
  ): SendGraphQuery {
    const { send } = sendTo(bench.estate)
    return async (request) => {
      const answer = await send(request)
      return isPart(request.query) && request.options.skipToken ? change(answer) : answer
    }
  }

  it('refuses a part whose page is truncated without a $skipToken', async () => {
    const send = tamperedParts((answer) => ({
      ...answer,
      skipToken: undefined,
      resultTruncated: 'true'
    }))
    await expect(
      queryRows(send, subscriptionsQuery, atGroup, new QuotaGate(1000), {
        pageSize: 10,
        maxParts: 2
      })
    ).rejects.toThrow(/truncated at \d+ of \d+ rows without a \$skipToken/)
  })

  it('refuses parts that hold fewer rows than the whole query said it does', async () => {
    // A last page that ends early, as if rows had gone meanwhile.
    const send = tamperedParts((answer) => ({
      ...answer,
      skipToken: undefined,
      data: (answer.data as unknown[]).slice(1)
    }))
    await expect(
      queryRows(send, subscriptionsQuery, atGroup, new QuotaGate(1000), {
        pageSize: 10,
        maxParts: 2
      })
    ).rejects.toThrow(new RegExp(`held ${COUNT} rows, and the same query in 2 parts`))
  })

  it('splits the two-digit prefixes of subscription ids into runs that cover each once', () => {
    for (const count of [1, 2, 3, 7, 16, 100, 256]) {
      const parts = subscriptionIdParts(count)
      expect(parts).toHaveLength(count)
      const covered = parts
        .flat()
        .flatMap((prefix) =>
          prefix.length === 1 ? [...'0123456789abcdef'].map((d) => prefix + d) : [prefix]
        )
      expect(covered).toEqual(
        Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'))
      )
    }
  })
})

describe('readResourceGraph with a query read in parts', () => {
  it('fails the whole read when one part fails past its retries: no subscription is decided from what the others gave', async () => {
    const { send } = sendTo(bench.estate)
    let failed = 0
    const failing: SendGraphQuery = async (request) => {
      if (isPart(request.query) && request.query.includes('resourcecontainers')) {
        failed += 1
        throw new RestError('Service unavailable', { statusCode: 503 })
      }
      return send(request)
    }
    await expect(
      readResourceGraph(
        failing,
        { subscriptionIds: bench.subscriptionIds, managementGroups: [ONE_GROUP] },
        { maxQuotaWaitMs: 1000, pageSize: 1 }
      )
    ).rejects.toThrow(/Service unavailable/)
    expect(failed).toBeGreaterThan(0)
  })
})
