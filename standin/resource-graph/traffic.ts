// What the stand-in's Resource Graph saw of a client, measured from the server's side only (its
// request log: when each query arrived and when its answer left): how many queries, how many were
// answered 429 (the per-user quota exceeded), the most in flight at once, and the critical path,
// the longest chain of queries each of which arrived only once the one before it had been
// answered. A client that sends a query because an answer told it to (the next page of a
// $skipToken, a query that needs the rows of another) adds a link to the chain; queries sent at
// once do not. So the critical path counts the Resource Graph round trips the client waited for
// one after another, whatever made it wait (a dependency, the quota's reset, a slow client).
import { RESOURCE_GRAPH_PATH } from './index.ts'

/** A request as the stand-in's request log holds it (standin/server.ts's RequestRecord). */
export interface LoggedRequest {
  service: string
  method: string
  path: string
  status: number
  /** Epoch milliseconds the request arrived. */
  startedAt: number
  /** Epoch milliseconds its answer was written. */
  endedAt: number
}

export interface ResourceGraphTraffic {
  /** Query requests (pages and retries each count). */
  queries: number
  /** Of them, answered 429: sent over the per-user quota. */
  throttled: number
  /** The most queries in flight at one moment. */
  peakInFlight: number
  /** Queries in the longest chain of queries each arriving once the one before was answered
   * (0 without queries). */
  criticalPath: number
  /** How many queries sat at each place of a chain: `rounds[0]` queries waited for no answer,
   * `rounds[k]` waited for a chain of k answers (and for no longer one). */
  rounds: number[]
}

/** Whether a logged request is a Resource Graph query (POST .../Microsoft.ResourceGraph/resources). */
export function isResourceGraphQuery(request: LoggedRequest): boolean {
  return (
    request.service === 'arm' && request.method === 'POST' && request.path === RESOURCE_GRAPH_PATH
  )
}

/**
 * The traffic of the Resource Graph queries among `requests` (a stand-in's request log, any
 * order; other requests are left out). A query's place in a chain is one more than the longest
 * chain among the queries answered by the time it arrived (`endedAt <= startedAt`); a query
 * still unanswered (`endedAt` 0) counts as in flight to the end.
 */
export function resourceGraphTraffic(requests: readonly LoggedRequest[]): ResourceGraphTraffic {
  const queries = requests.filter(isResourceGraphQuery).sort((a, b) => a.startedAt - b.startedAt)
  const end = (q: LoggedRequest) => (q.endedAt === 0 ? Number.POSITIVE_INFINITY : q.endedAt)
  const depth: number[] = []
  for (const [index, query] of queries.entries()) {
    let longest = 0
    for (let before = 0; before < index; before += 1) {
      if (end(queries[before]!) <= query.startedAt) longest = Math.max(longest, depth[before]!)
    }
    depth.push(longest + 1)
  }
  const rounds: number[] = []
  for (const d of depth) rounds[d - 1] = (rounds[d - 1] ?? 0) + 1
  // At one instant a departure goes before an arrival: a query answered as another arrives does
  // not overlap it.
  const events = queries.flatMap((q): [number, number][] => [
    [q.startedAt, 1],
    [end(q), -1]
  ])
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let inFlight = 0
  let peakInFlight = 0
  for (const [, delta] of events) {
    inFlight += delta
    peakInFlight = Math.max(peakInFlight, inFlight)
  }
  return {
    queries: queries.length,
    throttled: queries.filter((q) => q.status === 429).length,
    peakInFlight,
    criticalPath: Math.max(0, ...depth),
    rounds: Array.from(rounds, (n) => n ?? 0)
  }
}
