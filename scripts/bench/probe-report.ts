// What the probe (probe.ts), running inside the action's process, reports to the bench, and how
// the bench installs it there and reads its report back.
import { readFile, writeFile } from 'node:fs/promises'
import { stripTypeScriptTypes } from 'node:module'
import path from 'node:path'

/** The environment the probe reads: the bench sets it on the action's process. */
export interface ProbeEnvironment {
  /** Where the probe writes its report (JSON) when the process exits. */
  BENCH_PROBE_FILE: string
  /** host:port of Resource Manager, to recognise the first request to it. */
  BENCH_ARM_HOST: string
}

/** What the process had used when its first Resource Manager request started: CPU of all its
 * threads, the main thread's CPU and its wait for a CPU, the machine's stolen time (the last three
 * null off Linux; steal counts in 10 ms ticks). They tell a slow start caused by the action (more
 * CPU) from one caused by the machine (the same work taking longer, or waiting for a CPU). */
export interface UseBeforeFirstArm {
  cpuMs: number
  mainThreadCpuMs: number | null
  runQueueWaitMs: number | null
  stealMs: number | null
}

/** The probe's report. Times are epoch milliseconds (fractional) unless named otherwise, on the
 * same clock as the stand-in's request log. */
export interface ProbeReport {
  /** The process's start: its performance.timeOrigin. */
  timeOrigin: number
  /** When the probe ran, before the action's bundle loaded. */
  preloadAt: number
  exitAt: number
  exitCode: number
  maxRssKb: number
  userCpuMs: number
  systemCpuMs: number
  heapUsed: number
  loopDelayMaxMs: number
  loopDelayP99Ms: number
  loopDelayMeanMs: number
  /** Sampled every 100 ms: the highest rss and heapUsed seen, and when. */
  peak: {
    rss: number
    rssAt: number
    heapUsed: number
    heapUsedAt: number
    external: number
    arrayBuffers: number
  }
  /** Every 100 ms: [ms since process start, rss, heapTotal, heapUsed, external] in MiB. */
  series: number[][]
  /** Client sockets opened, HTTP requests started (diagnostics_channel). */
  sockets: { net: number; requests: number }
  /** When the first request to Resource Manager started, and what the process had used by then. */
  firstArm: ({ at: number } & UseBeforeFirstArm) | null
}

/**
 * Writes the probe into `folder` as plain JavaScript and returns its path, for the action's
 * `--import`. Type-stripping at load time would cost the action's process some 30 ms of start-up
 * and skew the time to its first request, so the types go here, once a bench, before any run, with
 * the stripper Node already uses to run the bench (loading TypeScript's compiler here instead
 * grows this process's heap, and its garbage collection then competes with the action for the
 * CPU). Node marks stripTypeScriptTypes experimental: `npm run bench` silences that warning.
 */
export async function writeProbeScript(folder: string): Promise<string> {
  const source = await readFile(new URL('probe.ts', import.meta.url), 'utf8')
  const script = path.join(folder, 'probe.mjs')
  await writeFile(script, stripTypeScriptTypes(source))
  return script
}

/** The probe's report, or undefined when it wrote none (the process did not exit normally). */
export async function readProbeReport(file: string): Promise<ProbeReport | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ProbeReport
  } catch {
    return undefined
  }
}
