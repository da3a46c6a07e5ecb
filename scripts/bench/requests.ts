// Reading the stand-in's request log: what kind of read each request was, and how the requests
// overlapped in time.
import type { RequestRecord } from '../../standin/server.ts'

/** A key that tells one logged request from every other in the same log. */
export function requestKey(request: RequestRecord): string {
  return `${request.startedAt} ${request.method} ${request.path}`
}

/** The kind of Resource Manager read a request was, for the count by kind. */
export function kindOf(request: RequestRecord): string {
  const p = request.path.toLowerCase()
  if (p.endsWith('/policyassignments')) return 'assignments'
  if (p.endsWith('/policyexemptions')) return 'exemptions'
  if (p.includes('/policysetdefinitions/')) return 'set definition'
  if (p.includes('/policydefinitions/')) return 'policy definition'
  if (p.endsWith('/descendants')) return 'descendants'
  if (p.includes('/providers/microsoft.security/pricings/')) return 'defender plan'
  if (/^\/subscriptions\/?$/.test(p)) return 'subscription list'
  if (p.endsWith('/microsoft.resourcegraph/resources')) return 'resource graph query'
  return `other (${request.method} ${request.path})`
}

/** The q-quantile (0..1) of ascending `sorted`, NaN when it is empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Time-weighted ms of [from, to] spent at each number of requests in flight, by that number. */
export function inFlightProfile(
  arm: RequestRecord[],
  from: number,
  to: number
): Map<number, number> {
  const events: [number, number][] = []
  for (const r of arm) events.push([r.startedAt, +1], [r.endedAt, -1])
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const time = new Map<number, number>()
  let level = 0
  let at = from
  for (const [t, delta] of events) {
    time.set(level, (time.get(level) ?? 0) + Math.max(0, t - at))
    at = t
    level += delta
  }
  time.set(level, (time.get(level) ?? 0) + Math.max(0, to - at))
  return time
}

/** Mean requests in flight in each of `count` equal windows of [from, to]. */
export function windows(arm: RequestRecord[], from: number, to: number, count: number): number[] {
  const width = (to - from) / count
  const busy = new Array<number>(count).fill(0)
  for (const r of arm) {
    for (let w = 0; w < count; w += 1) {
      const a = from + w * width
      const b = a + width
      const overlap = Math.min(b, r.endedAt) - Math.max(a, r.startedAt)
      if (overlap > 0) busy[w]! += overlap
    }
  }
  return busy.map((b) => b / width)
}
