// The stand-in the bench runs against: as a child process (standin/cli.ts), so that serving
// requests does not slow the bench while it reads the action's output, or in this process.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Estate } from '../../standin/estate/index.ts'
import { loadKqlParser } from '../../standin/resource-graph/kql.ts'
import { startStandIn, type RequestRecord } from '../../standin/server.ts'

export interface BenchStandIn {
  authorityHost: string
  resourceManagerEndpoint: string
  runnerEnvironment(): Record<string, string>
  /** Every request answered so far, in order of arrival. */
  requests(): Promise<RequestRecord[]>
  close(): Promise<void>
}

/** The delay, in ms, the stand-in adds to each answer of Resource Manager, the runner's OIDC
 * endpoint and Entra ID. */
export interface Latencies {
  latencyMs: number
  oidcLatencyMs: number
  entraLatencyMs: number
}

export const STAND_IN_PLACES = ['child', 'in-process'] as const
export type StandInPlace = (typeof STAND_IN_PLACES)[number]

/** Starts the stand-in on `estate`, where `place` says; the caller closes it. */
export function startBenchStandIn(
  place: StandInPlace,
  estate: Estate,
  latencies: Latencies
): Promise<BenchStandIn> {
  return place === 'child' ? childStandIn(estate, latencies) : inProcessStandIn(estate, latencies)
}

async function inProcessStandIn(estate: Estate, latencies: Latencies): Promise<BenchStandIn> {
  loadKqlParser()
  const standIn = await startStandIn({ estate, ...latencies })
  return {
    authorityHost: standIn.authorityHost,
    resourceManagerEndpoint: standIn.resourceManagerEndpoint,
    runnerEnvironment: () => standIn.runnerEnvironment(),
    requests: async () => [...standIn.requests],
    close: () => standIn.close()
  }
}

/** standin/cli.ts as a child process: its CPU is not this process's, which reads the action's
 * output; requests come from its request log (written as each is answered). */
async function childStandIn(estate: Estate, latencies: Latencies): Promise<BenchStandIn> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'jit-bench-standin-'))
  const estateFile = path.join(scratch, 'estate.json')
  const log = path.join(scratch, 'requests.jsonl')
  await writeFile(estateFile, JSON.stringify(estate))
  await writeFile(log, '')
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../standin/cli.ts', import.meta.url)),
      '--estate',
      estateFile,
      '--latency-ms',
      String(latencies.latencyMs),
      '--oidc-latency-ms',
      String(latencies.oidcLatencyMs),
      '--entra-latency-ms',
      String(latencies.entraLatencyMs),
      '--request-log',
      log,
      '--warm-resource-graph'
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', (line) => {
      lines.close()
      resolve(line)
    })
    child.once('exit', (code) =>
      reject(new Error(`the stand-in exited (${code}) before it listened`))
    )
  })
  const info = JSON.parse(first) as {
    authorityHost: string
    resourceManagerEndpoint: string
    environment: Record<string, string>
  }
  return {
    authorityHost: info.authorityHost,
    resourceManagerEndpoint: info.resourceManagerEndpoint,
    runnerEnvironment: () => ({ ...info.environment }),
    requests: () => readRequestLog(log),
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      await rm(scratch, { recursive: true, force: true })
    }
  }
}

/** The stand-in's request log, by start time, once it has stopped growing: records are appended
 * as requests close. */
async function readRequestLog(log: string): Promise<RequestRecord[]> {
  let size = -1
  for (;;) {
    const now = (await stat(log)).size
    if (now === size) break
    size = now
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const text = await readFile(log, 'utf8')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RequestRecord)
    .sort((a, b) => a.startedAt - b.startedAt)
}
