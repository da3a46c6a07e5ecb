// The probe: loaded with --import into the action's process before its bundle (written there as
// JavaScript by writeProbeScript), it records when the process started (performance.timeOrigin,
// on the same epoch clock as the stand-in's request log), when it exits, its peak resident memory,
// CPU time and event-loop delay, and what it had used when its first Resource Manager request
// started; it writes them to BENCH_PROBE_FILE at exit. It imports nothing but node: modules and
// types, so that the one file runs alone.
import type { ClientRequest } from 'node:http'
import { subscribe } from 'node:diagnostics_channel'
import { readFileSync, writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ProbeEnvironment, ProbeReport } from './probe-report.ts'

const environment = process.env as Partial<ProbeEnvironment>
const now = () => performance.timeOrigin + performance.now()

const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
const preloadAt = now()

const peak: ProbeReport['peak'] = {
  rss: 0,
  rssAt: 0,
  heapUsed: 0,
  heapUsedAt: 0,
  external: 0,
  arrayBuffers: 0
}
const series: ProbeReport['series'] = []
function sample(): void {
  const m = process.memoryUsage()
  const sinceStart = performance.now()
  const at = performance.timeOrigin + sinceStart
  if (m.rss > peak.rss) Object.assign(peak, { rss: m.rss, rssAt: at })
  if (m.heapUsed > peak.heapUsed) Object.assign(peak, { heapUsed: m.heapUsed, heapUsedAt: at })
  peak.external = Math.max(peak.external, m.external)
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers)
  series.push([
    Math.round(sinceStart),
    m.rss >> 20,
    m.heapTotal >> 20,
    m.heapUsed >> 20,
    m.external >> 20
  ])
}
setInterval(sample, 100).unref()

/** A Linux /proc file read and parsed, or null where there is none. */
function linux<T>(file: string, read: (text: string) => T): T | null {
  try {
    return read(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}
/** The main thread's [CPU ms, ms waiting for a CPU] (schedstat counts nanoseconds). */
const schedstat = () =>
  linux('/proc/self/schedstat', (text) => text.split(' ').map((n) => Number(n) / 1e6))
/** The machine's stolen time in ms: the 8th field of /proc/stat's cpu line, in 10 ms ticks. */
const stealMs = () =>
  linux('/proc/stat', (text) => (Number(text.split('\n')[0]!.trim().split(/\s+/)[8]) * 1000) / 100)
const stealAtStart = stealMs()

const sockets: ProbeReport['sockets'] = { net: 0, requests: 0 }
let firstArm: ProbeReport['firstArm'] = null
subscribe('net.client.socket', () => (sockets.net += 1))
subscribe('http.client.request.start', (message) => {
  sockets.requests += 1
  const { request } = message as { request: ClientRequest }
  if (firstArm === null && request.getHeader('host') === environment.BENCH_ARM_HOST) {
    const cpu = process.cpuUsage()
    const steal = stealMs()
    const mainThread = schedstat()
    firstArm = {
      at: now(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainThreadCpuMs: mainThread?.[0] ?? null,
      runQueueWaitMs: mainThread?.[1] ?? null,
      stealMs: steal === null || stealAtStart === null ? null : steal - stealAtStart
    }
  }
})

process.on('exit', (code) => {
  sample()
  delay.disable()
  const usage = process.resourceUsage()
  const report: ProbeReport = {
    timeOrigin: performance.timeOrigin,
    preloadAt,
    exitAt: now(),
    exitCode: code,
    maxRssKb: usage.maxRSS,
    userCpuMs: usage.userCPUTime / 1000,
    systemCpuMs: usage.systemCPUTime / 1000,
    heapUsed: process.memoryUsage().heapUsed,
    loopDelayMaxMs: delay.max / 1e6,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    loopDelayMeanMs: delay.mean / 1e6,
    peak,
    series,
    sockets,
    firstArm
  }
  if (environment.BENCH_PROBE_FILE)
    writeFileSync(environment.BENCH_PROBE_FILE, JSON.stringify(report))
})
