// What the stand-in's Resource Graph reports of a client's queries, from its request log alone:
// the critical path (queries that waited for each other's answers), the most in flight, the 429s.
import { describe, expect, it } from '@jest/globals'
import { RESOURCE_GRAPH_PATH } from '../../standin/resource-graph/index.ts'
import { resourceGraphTraffic, type LoggedRequest } from '../../standin/resource-graph/traffic.ts'

const query = (startedAt: number, endedAt: number, status = 200): LoggedRequest => ({
  service: 'arm',
  method: 'POST',
  path: RESOURCE_GRAPH_PATH,
  status,
  startedAt,
  endedAt
})

describe('resourceGraphTraffic', () => {
  it('counts a chain only where a query arrived once the one before it was answered', () => {
    const traffic = resourceGraphTraffic([
      // Three pages of one query, each sent on the answer before it.
      query(0, 100),
      query(101, 200),
      query(201, 300),
      // Two queries sent on the first answer, at once.
      query(102, 205),
      query(103, 190),
      // Sent before the first answer: waited for none.
      query(50, 150)
    ])
    expect(traffic).toEqual({
      queries: 6,
      throttled: 0,
      peakInFlight: 4,
      criticalPath: 3,
      rounds: [2, 3, 1]
    })
  })

  it('leaves out other requests, counts 429s, and keeps an unanswered query in flight', () => {
    const traffic = resourceGraphTraffic([
      { ...query(0, 10), method: 'GET', path: '/subscriptions' },
      query(0, 100, 429),
      // The retry after Retry-After: one more round trip.
      query(1100, 1200),
      query(1150, 0, 0),
      query(1300, 1400)
    ])
    expect(traffic).toMatchObject({ queries: 4, throttled: 1, peakInFlight: 2, criticalPath: 3 })
    expect(resourceGraphTraffic([])).toEqual({
      queries: 0,
      throttled: 0,
      peakInFlight: 0,
      criticalPath: 0,
      rounds: []
    })
  })
})
