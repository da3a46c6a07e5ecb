// The lines under a run's figures that explain them: how the Resource Manager phase used its
// slots, what the action's process used, what it wrote.
import type { RequestRecord } from '../../standin/server.ts'
import type { ActionRun } from '../run-action.ts'
import type { Timeline } from './figures.ts'
import type { ProbeReport } from './probe-report.ts'
import { inFlightProfile, kindOf, quantile, windows } from './requests.ts'

/** Lines on the requests of one run: counts by kind and subscription, server times, how full the
 * `concurrency` slots were, the client's turnaround, the shared reads. `arm` is not empty. */
export function armDetails(
  requests: RequestRecord[],
  arm: RequestRecord[],
  { armStart, armEnd }: Timeline,
  concurrency: number
): string[] {
  const details: string[] = []
  const byKind = new Map<string, number>()
  for (const r of arm) byKind.set(kindOf(r), (byKind.get(kindOf(r)) ?? 0) + 1)
  details.push(`ARM requests by kind: ${[...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')}`)
  const perSubscription = new Map<string, number>()
  for (const r of arm)
    if (r.subscriptionId)
      perSubscription.set(r.subscriptionId, (perSubscription.get(r.subscriptionId) ?? 0) + 1)
  const perSub = [...perSubscription.values()]
  details.push(
    `per subscription: min ${Math.min(...perSub)}, max ${Math.max(...perSub)}; identity requests: ${requests
      .filter((r) => r.service !== 'arm')
      .map((r) => `${r.service} ${r.method} ${r.path.replace(/^\/[^/]+\//, '…/')}`)
      .join('; ')}`
  )
  const serverTimes = arm.map((r) => r.endedAt - r.startedAt).sort((a, b) => a - b)
  details.push(
    `server time per ARM request (latency + work): median ${quantile(serverTimes, 0.5).toFixed(1)} ms, p99 ${quantile(serverTimes, 0.99).toFixed(1)} ms, max ${serverTimes.at(-1)!.toFixed(1)} ms`
  )
  const busy = serverTimes.reduce((a, b) => a + b, 0)
  const phase = armEnd - armStart
  details.push(
    `mean requests in flight over the ARM phase: ${(busy / phase).toFixed(2)} of ${concurrency} (${((100 * busy) / phase / concurrency).toFixed(1)} % busy)`
  )
  const profile = inFlightProfile(arm, armStart, armEnd)
  details.push(
    `time at each in-flight level: ${[...profile]
      .sort((a, b) => b[0] - a[0])
      .filter(([, t]) => t >= 0.5)
      .map(([level, t]) => `${level}: ${t.toFixed(0)} ms`)
      .join(', ')}`
  )
  const turnaround = turnaroundLine(arm, concurrency)
  if (turnaround) details.push(turnaround)
  const tenths = windows(arm, armStart, armEnd, 10)
  details.push(
    `mean in flight per tenth of the ARM phase: ${tenths.map((v) => v.toFixed(1)).join(' ')}`
  )
  const shared = arm.filter((r) => !r.subscriptionId)
  details.push(
    `shared reads: ${shared
      .map(
        (r) =>
          `${kindOf(r)} at +${(r.startedAt - armStart).toFixed(0)} ms (${r.path.slice(r.path.lastIndexOf('/') + 1)})`
      )
      .join('; ')}`
  )
  return details
}

/** The client's own turnaround (parse, map, queue, send), or undefined with too few requests:
 * with the slots always full and FIFO, the k-th answer frees the slot of the (k+c)-th request. */
function turnaroundLine(arm: RequestRecord[], concurrency: number): string | undefined {
  const starts = arm.map((r) => r.startedAt).sort((a, b) => a - b)
  const ends = arm.map((r) => r.endedAt).sort((a, b) => a - b)
  const gaps: number[] = []
  for (let k = 0; k + concurrency < starts.length; k += 1)
    gaps.push(starts[k + concurrency]! - ends[k]!)
  gaps.sort((a, b) => a - b)
  if (gaps.length === 0) return undefined
  return `client turnaround (k-th answer to the (k+${concurrency})-th request): median ${quantile(gaps, 0.5).toFixed(2)} ms, p90 ${quantile(gaps, 0.9).toFixed(2)} ms, p99 ${quantile(gaps, 0.99).toFixed(2)} ms, max ${gaps.at(-1)!.toFixed(1)} ms, sum over the run ${(gaps.filter((g) => g > 0).reduce((a, b) => a + b, 0) / concurrency).toFixed(0)} ms per slot`
}

/** Lines on what the action's process used: CPU, event-loop delay, connections, memory. */
export function probeDetails(probe: ProbeReport, t: Timeline): string[] {
  // The histogram records the time between 10 ms ticks: what is beyond 10 ms is delay.
  const late = (ms: number) => Math.max(0, ms - 10).toFixed(1)
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  const when = (at: number) => {
    const phase =
      at < t.armStart ? 'before the ARM phase' : at <= t.armEnd ? 'in the ARM phase' : 'after it'
    return `+${(at - t.processStart).toFixed(0)} ms, ${phase}`
  }
  const step = Math.max(1, Math.ceil(probe.series.length / 12))
  return [
    `action process: user CPU ${probe.userCpuMs.toFixed(0)} ms, system CPU ${probe.systemCpuMs.toFixed(0)} ms; event loop late by mean ${late(probe.loopDelayMeanMs)} ms, p99 ${late(probe.loopDelayP99Ms)} ms, max ${late(probe.loopDelayMaxMs)} ms`,
    `connections the action opened: ${probe.sockets.net} (HTTP requests it started: ${probe.sockets.requests})`,
    `memory (sampled every 100 ms; the peak above is the kernel's maxRSS): rss peak ${mib(probe.peak.rss)} at ${when(probe.peak.rssAt)}; heap used peak ${mib(probe.peak.heapUsed)} at ${when(probe.peak.heapUsedAt)}; heap used at exit ${mib(probe.heapUsed)}; external peak ${mib(probe.peak.external)}`,
    `memory over time (ms since start: rss/heapTotal/heapUsed MiB): ${probe.series
      .filter((_, index) => index % step === 0 || index === probe.series.length - 1)
      .map(([at, rss, heapTotal, heapUsed]) => `${at}: ${rss}/${heapTotal}/${heapUsed}`)
      .join(', ')}`
  ]
}

/** The line on the sizes of what the action wrote. */
export function reportDetails(run: ActionRun, sarifBytes: number): string {
  return `reports: job summary ${(Buffer.byteLength(run.summary) / 1024).toFixed(1)} KiB, SARIF ${(sarifBytes / 1024).toFixed(1)} KiB, stdout ${(Buffer.byteLength(run.stdout) / 1024).toFixed(1)} KiB`
}
