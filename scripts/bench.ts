// Benchmarks the bundled action (dist/index.js) against the local Azure stand-in:
//   npm run bench -- [--subscriptions 1000] [--latency-ms 50] [--max-concurrency 8] [--runs 1]
//                    [--oidc-latency-ms 0] [--entra-latency-ms 0]
//                    [--cpu-prof] [--entry-point FILE] [--json] [--strict]
// --runs R repeats the run against the same stand-in and prints the spread; --cpu-prof profiles
// the last run's action process and prints where its CPU time went (give --entry-point a bundle
// built without --minify to get function names); --entry-point runs another build of the action;
// --json prints one JSON object per run. --oidc-latency-ms and --entra-latency-ms delay the
// runner's OIDC endpoint and Entra ID as a real network would (the stand-in answers them at once
// by default), to measure a start that waits on them.
// It builds an estate of N subscriptions under a few management groups that share a few
// management-group assignments of built-in initiatives (plus subscription-level assignments and
// exemptions so that the verdicts vary), starts the stand-in with a fixed latency on every ARM
// answer (as a child process, standin/cli.ts, so that serving requests does not slow this process
// down while it reads the action's output; --standin in-process to run it here), runs the action
// once per run as a runner would (scripts/run-action.ts) and
// prints: the wall time, the ARM requests made, the ideal time for them
// (`ceil(requests / concurrency) * latency`), the ratio of the two, the time from process start
// to the first ARM request (and the CPU the action had used by then), the peak memory and the
// bundle's size (the entry point and its chunks), with a breakdown of where the time went (cold start, sign-in, the ARM phase and
// how busy its slots were, reports and exit).
// It exits 1 when the action did not do its job (an unexpected error, a verdict other than the
// one the estate was built to give, a missing output); with --strict also when a target is missed.
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  subscriptionId,
  subscriptionScope,
  type ArmResource,
  type Estate
} from '../standin/estate.ts'
import { startStandIn, type RequestRecord } from '../standin/server.ts'
import { REPOSITORY, runAction } from './run-action.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

// ---- the estate ----

const CIS_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/1a5bb27d-173f-493e-9568-eb56638dde4d'
const NIST_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/179d1daa-458f-4e47-8086-2a68d0d6c38f'

type Verdict = 'compliant' | 'partial' | 'noncompliant' | 'error'

export interface BenchEstate {
  estate: Estate
  subscriptionIds: string[]
  /** The verdict each subscription is built to get, by id. */
  expected: Map<string, Verdict>
  /** Reads shared by every subscription: set definitions, the JIT definition, descendants. */
  sharedReads: number
}

/**
 * N subscriptions: 40 % in corp, 30 % in online (both under landing-zones), 20 % in platform,
 * 10 % in sandbox, all under contoso. Microsoft cloud security benchmark at contoso with sandbox
 * as a notScope (so the collector reads sandbox's descendants), CIS at corp, NIST SP 800-53 R5 at
 * online with its effect overridden to Disabled, the JIT definition alone at sandbox with effect
 * Disabled; then, per subscription, by its index i:
 * - corp, i % 50 = 0: the benchmark exempted at the subscription; CIS still audits: compliant.
 * - online, i % 20 = 4: the benchmark exempted on a resource group: partial.
 * - online, i % 20 = 14: the benchmark exempted at the subscription and assigned again there with
 *   JIT Disabled: noncompliant.
 * - platform, i % 30 = 7: the benchmark's JIT reference exempted at the subscription: noncompliant.
 * - platform, i % 30 = 17: the same exemption, expired: compliant.
 * - sandbox, i % 20 = 19: the JIT definition assigned at the subscription: compliant; the other
 *   sandbox subscriptions: noncompliant.
 * - every other subscription: compliant.
 * Shared reads: 3 set definitions + the JIT definition + sandbox's descendants = 5.
 */
export function benchEstate(count: number): BenchEstate {
  const tenantId = guid('bench/tenant')
  const groupOf = (i: number) =>
    i % 10 < 4 ? 'corp' : i % 10 < 7 ? 'online' : i % 10 < 9 ? 'platform' : 'sandbox'
  const subscriptionIds = Array.from({ length: count }, (_, i) => subscriptionId(i))
  const benchmark = policyAssignment(managementGroupScope('contoso'), 'mcsb', {
    displayName: 'Microsoft cloud security benchmark',
    policyDefinitionId: MCSB_SET_DEFINITION_ID,
    notScopes: [managementGroupScope('sandbox')]
  })
  const assignments: ArmResource[] = [
    benchmark,
    policyAssignment(managementGroupScope('corp'), 'cis-1-1-0', {
      displayName: 'CIS Microsoft Azure Foundations Benchmark v1.1.0',
      policyDefinitionId: CIS_SET_DEFINITION_ID
    }),
    policyAssignment(managementGroupScope('online'), 'nist-800-53-r5', {
      displayName: 'NIST SP 800-53 Rev. 5 (audit off)',
      policyDefinitionId: NIST_SET_DEFINITION_ID,
      overrides: [{ kind: 'policyEffect', value: 'Disabled' }]
    }),
    policyAssignment(managementGroupScope('sandbox'), 'jit-off', {
      displayName: 'JIT network access (off in the sandbox)',
      policyDefinitionId: JIT_POLICY_DEFINITION_ID,
      parameters: { effect: { value: 'Disabled' } }
    })
  ]
  const exemptions: ArmResource[] = []
  const expected = new Map<string, Verdict>()
  const exempt = (scope: string, name: string, properties: Record<string, unknown> = {}) =>
    exemptions.push(
      policyExemption(scope, name, { policyAssignmentId: benchmark.id, ...properties })
    )
  subscriptionIds.forEach((id, i) => {
    const scope = subscriptionScope(id)
    let verdict: Verdict = 'compliant'
    switch (groupOf(i)) {
      case 'corp':
        if (i % 50 === 0) exempt(scope, 'mcsb-waiver')
        break
      case 'online':
        if (i % 20 === 4) {
          exempt(resourceGroupScope(id, 'rg-vm'), 'mcsb-vm-waiver', {
            exemptionCategory: 'Mitigated'
          })
          verdict = 'partial'
        } else if (i % 20 === 14) {
          exempt(scope, 'mcsb-waiver')
          assignments.push(
            policyAssignment(scope, 'SecurityCenterBuiltIn', {
              displayName: `ASC Default (subscription: ${id})`,
              policyDefinitionId: MCSB_SET_DEFINITION_ID,
              parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
            })
          )
          verdict = 'noncompliant'
        }
        break
      case 'platform':
        if (i % 30 === 7) {
          exempt(scope, 'jit-waiver', {
            policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring']
          })
          verdict = 'noncompliant'
        } else if (i % 30 === 17) {
          exempt(scope, 'jit-waiver-expired', {
            policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring'],
            expiresOn: '2024-01-01T00:00:00Z'
          })
        }
        break
      default:
        if (i % 20 === 19) {
          assignments.push(
            policyAssignment(scope, 'jit-audit', {
              displayName: 'Audit JIT network access',
              policyDefinitionId: JIT_POLICY_DEFINITION_ID,
              parameters: { effect: { value: 'AuditIfNotExists' } }
            })
          )
        } else {
          verdict = 'noncompliant'
        }
    }
    expected.set(id, verdict)
  })
  return {
    estate: {
      tenantId,
      clientId: guid('bench/client'),
      managementGroups: [
        { name: 'contoso', displayName: 'Contoso' },
        { name: 'platform', displayName: 'Platform', parent: 'contoso' },
        { name: 'landing-zones', displayName: 'Landing zones', parent: 'contoso' },
        { name: 'corp', displayName: 'Corp', parent: 'landing-zones' },
        { name: 'online', displayName: 'Online', parent: 'landing-zones' },
        { name: 'sandbox', displayName: 'Sandbox', parent: 'contoso' }
      ],
      subscriptions: subscriptionIds.map((id, i) => ({
        subscriptionId: id,
        displayName: `${groupOf(i)}-${i}`,
        managementGroup: groupOf(i)
      })),
      policyAssignments: assignments,
      policyExemptions: exemptions
    },
    subscriptionIds,
    expected,
    sharedReads: 5
  }
}

/** A workflow that lists the subscriptions, as a user would write it (SARIF points at the lines). */
function workflowListing(subscriptionIds: string[]): string {
  return [
    'name: JIT network access',
    'on:',
    '  schedule:',
    "    - cron: '17 6 * * *'",
    'permissions:',
    '  contents: read',
    '  id-token: write',
    'jobs:',
    '  jit-audit:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: ${REPOSITORY}@v1`,
    '        with:',
    '          subscriptions: |',
    ...subscriptionIds.map((id) => `            ${id}`),
    ''
  ].join('\n')
}

// ---- the probe inside the action's process ----

// Loaded with --import before the bundle: when the process started (performance.timeOrigin, on
// the same epoch clock as the stand-in's startedAt), when it exits, its peak resident memory,
// CPU time and event-loop delay, written to BENCH_PROBE_FILE at exit.
const PROBE = `
import { readFileSync, writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
const file = process.env.BENCH_PROBE_FILE
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
const preloadAt = performance.timeOrigin + performance.now()
const peak = { rss: 0, rssAt: 0, heapUsed: 0, heapUsedAt: 0, external: 0, arrayBuffers: 0 }
const series = []
const sample = () => {
  const m = process.memoryUsage()
  const now = performance.now()
  const at = performance.timeOrigin + now
  if (m.rss > peak.rss) Object.assign(peak, { rss: m.rss, rssAt: at })
  if (m.heapUsed > peak.heapUsed) Object.assign(peak, { heapUsed: m.heapUsed, heapUsedAt: at })
  peak.external = Math.max(peak.external, m.external)
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers)
  series.push([Math.round(now), m.rss >> 20, m.heapTotal >> 20, m.heapUsed >> 20, m.external >> 20])
}
setInterval(sample, 100).unref()
const sockets = { net: 0, requests: 0 }
// What the process had used when its first Resource Manager request started: CPU (all threads),
// the main thread's wait for a CPU (Linux schedstat) and the machine's stolen time (/proc/stat).
const linux = (file, read) => { try { return read(readFileSync(file, 'utf8')) } catch { return null } }
const schedstat = () => linux('/proc/self/schedstat', (text) => text.split(' ').map((n) => Number(n) / 1e6))
const stealMs = () => linux('/proc/stat', (text) => (Number(text.split('\\n')[0].trim().split(/\\s+/)[8]) * 1000) / 100)
const atStart = { stealMs: stealMs() }
let firstArm = null
const armHost = process.env.BENCH_ARM_HOST
const channels = await import('node:diagnostics_channel')
channels.subscribe('net.client.socket', () => (sockets.net += 1))
channels.subscribe('http.client.request.start', ({ request }) => {
  sockets.requests += 1
  if (firstArm === null && request.getHeader('host') === armHost) {
    const cpu = process.cpuUsage()
    const steal = stealMs()
    const mainThread = schedstat()
    firstArm = {
      at: performance.timeOrigin + performance.now(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainThreadCpuMs: mainThread?.[0] ?? null,
      runQueueWaitMs: mainThread?.[1] ?? null,
      stealMs: steal === null || atStart.stealMs === null ? null : steal - atStart.stealMs
    }
  }
})
process.on('exit', (code) => {
  sample()
  delay.disable()
  const usage = process.resourceUsage()
  writeFileSync(file, JSON.stringify({
    timeOrigin: performance.timeOrigin,
    preloadAt,
    exitAt: performance.timeOrigin + performance.now(),
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
  }))
})
`

interface Probe {
  timeOrigin: number
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
  /** Sampled every 100 ms: the highest rss and heapUsed seen, and when (epoch ms). */
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
  /** When the first request to Resource Manager started in the process, and what it had used by
   * then: CPU of all its threads, the main thread's CPU and its wait for a CPU, the machine's
   * stolen time (the last three null off Linux; steal counts in 10 ms ticks). They tell a slow
   * start caused by the action (more CPU) from one caused by the machine (the same work taking
   * longer, or waiting for a CPU). */
  firstArm: {
    at: number
    cpuMs: number
    mainThreadCpuMs: number | null
    runQueueWaitMs: number | null
    stealMs: number | null
  } | null
}

// ---- analysis of the request log ----

function requestKey(request: RequestRecord): string {
  return `${request.startedAt} ${request.method} ${request.path}`
}

function kindOf(request: RequestRecord): string {
  const p = request.path.toLowerCase()
  if (p.endsWith('/policyassignments')) return 'assignments'
  if (p.endsWith('/policyexemptions')) return 'exemptions'
  if (p.includes('/policysetdefinitions/')) return 'set definition'
  if (p.includes('/policydefinitions/')) return 'policy definition'
  if (p.endsWith('/descendants')) return 'descendants'
  return `other (${request.method} ${request.path})`
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Time-weighted share of [from, to] spent at each number of requests in flight. */
function inFlightProfile(arm: RequestRecord[], from: number, to: number) {
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
function windows(arm: RequestRecord[], from: number, to: number, count: number): number[] {
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

// ---- the stand-in, in this process or as a child ----

interface BenchStandIn {
  authorityHost: string
  resourceManagerEndpoint: string
  runnerEnvironment(): Record<string, string>
  /** Every request answered so far, in order of arrival. */
  requests(): Promise<RequestRecord[]>
  close(): Promise<void>
}

interface Latencies {
  latencyMs: number
  oidcLatencyMs: number
  entraLatencyMs: number
}

async function inProcessStandIn(estate: Estate, latencies: Latencies): Promise<BenchStandIn> {
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
      path.join(ROOT, 'standin/cli.ts'),
      '--estate',
      estateFile,
      '--latency-ms',
      String(latencies.latencyMs),
      '--oidc-latency-ms',
      String(latencies.oidcLatencyMs),
      '--entra-latency-ms',
      String(latencies.entraLatencyMs),
      '--request-log',
      log
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
    async requests() {
      // Records are appended as requests close: wait until the log stops growing.
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
    },
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      await rm(scratch, { recursive: true, force: true })
    }
  }
}

// ---- one run ----

interface RunFigures {
  subscriptions: number
  latencyMs: number
  concurrency: number
  wallMs: number
  processWallMs: number
  armRequests: number
  allowedRequests: number
  idealMs: number
  ratio: number
  /** From the action process's start (its performance.timeOrigin) to the first ARM request. */
  firstArmMs: number
  /** The same from the harness, just before runAction spawns the process. */
  spawnToFirstArmMs: number
  /** What the action process had used when it started its first ARM request (see Probe). */
  beforeFirstArm: {
    cpuMs: number
    mainThreadCpuMs: number | null
    runQueueWaitMs: number | null
    stealMs: number | null
  } | null
  peakMemoryMb: number
  /** The entry point, and it with the chunks beside it (what main.ts loads with import()). */
  entryBytes: number
  bundleBytes: number
  exitCode: number | null
  verdicts: Record<string, number>
  problems: string[]
  breakdown: Record<string, number>
  details: string[]
}

async function runOnce(
  standIn: BenchStandIn,
  bench: BenchEstate,
  options: { latencyMs: number; concurrency: number; entryPoint: string; cpuProfDir?: string }
): Promise<RunFigures> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'jit-bench-'))
  const probeScript = path.join(scratch, 'probe.mjs')
  const probeFile = path.join(scratch, 'probe.json')
  await writeFile(probeScript, PROBE)
  const nodeOptions = [`--import=${probeScript}`]
  if (options.cpuProfDir) nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`)
  const before = new Set((await standIn.requests()).map(requestKey))
  const harnessStart = performance.timeOrigin + performance.now()
  const run = await runAction({
    standIn,
    inputs: {
      subscriptions: bench.subscriptionIds.join('\n'),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      'max-concurrency': String(options.concurrency)
    },
    workflowContent: workflowListing(bench.subscriptionIds),
    environment: {
      NODE_OPTIONS: nodeOptions.join(' '),
      BENCH_PROBE_FILE: probeFile,
      BENCH_ARM_HOST: new URL(standIn.resourceManagerEndpoint).host
    },
    entryPoint: options.entryPoint,
    keepWorkspace: true
  })
  const problems: string[] = []
  let probe: Probe | undefined
  try {
    probe = JSON.parse(await readFile(probeFile, 'utf8')) as Probe
  } catch {
    problems.push('the probe wrote nothing: the process did not exit normally')
  }
  let sarifBytes = 0
  try {
    sarifBytes = (await stat(path.join(run.workspace, 'jit-network-access.sarif'))).size
  } catch {
    problems.push('no SARIF file was written')
  }
  await rm(run.workspace, { recursive: true, force: true })
  await rm(scratch, { recursive: true, force: true })

  const requests = (await standIn.requests()).filter((r) => !before.has(requestKey(r)))
  const arm = requests.filter((r) => r.service === 'arm')
  const entryBytes = (await stat(options.entryPoint)).size
  const bundleFolder = path.dirname(options.entryPoint)
  let bundleBytes = 0
  for (const name of await readdir(bundleFolder))
    if (name.endsWith('.js')) bundleBytes += (await stat(path.join(bundleFolder, name))).size

  // Sanity: the action ran to its end and gave every subscription the verdict it was built for.
  const verdicts: Record<string, number> = { compliant: 0, partial: 0, noncompliant: 0, error: 0 }
  let results: { subscriptionId: string; verdict: string; reason: string }[] = []
  try {
    results = JSON.parse(run.outputs.results ?? '') as typeof results
  } catch {
    problems.push('the `results` output is missing or not JSON')
  }
  const wrong: string[] = []
  for (const result of results) {
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1
    const want = bench.expected.get(result.subscriptionId)
    if (want !== result.verdict)
      wrong.push(`${result.subscriptionId}: ${result.verdict}, expected ${want}: ${result.reason}`)
  }
  if (results.length !== bench.subscriptionIds.length)
    problems.push(`${results.length} results for ${bench.subscriptionIds.length} subscriptions`)
  if (wrong.length > 0)
    problems.push(
      `${wrong.length} unexpected verdict(s), e.g.\n    ${wrong.slice(0, 5).join('\n    ')}`
    )
  const failing = verdicts.noncompliant! + verdicts.error!
  const expectedExit = failing > 0 ? 1 : 0
  if (run.exitCode !== expectedExit)
    problems.push(`exit code ${run.exitCode}, expected ${expectedExit}`)
  // The step fails once, with the count of failing verdicts ("134 of 1000 subscriptions ..."):
  // any other failure line is an error of the action, not a verdict.
  for (const line of run.stdout.split('\n').filter((l) => l.startsWith('::error::'))) {
    if (!/^::error::\d+ of \d+ subscriptions? /.test(line))
      problems.push(`the action failed with: ${line.slice('::error::'.length, 500)}`)
  }
  if (run.stderr.trim() !== '') problems.push(`stderr: ${run.stderr.trim().slice(0, 2000)}`)
  const failedStatus = arm.filter((r) => r.status !== 200)
  if (failedStatus.length > 0)
    problems.push(
      `${failedStatus.length} ARM request(s) not answered 200, e.g. ${failedStatus[0]!.status} ${failedStatus[0]!.path}`
    )
  const notGet = arm.filter((r) => r.method !== 'GET')
  if (notGet.length > 0) problems.push(`${notGet.length} ARM request(s) were not GET`)

  // What a run has whether or not it reached Resource Manager.
  const known = {
    subscriptions: bench.subscriptionIds.length,
    latencyMs: options.latencyMs,
    concurrency: options.concurrency,
    wallMs: run.durationMs,
    allowedRequests: 2 * bench.subscriptionIds.length + bench.sharedReads,
    peakMemoryMb: probe ? probe.maxRssKb / 1024 : Number.NaN,
    entryBytes,
    bundleBytes,
    exitCode: run.exitCode,
    verdicts,
    problems
  }
  if (arm.length === 0) {
    problems.push('the action made no ARM request')
    return {
      ...known,
      processWallMs: Number.NaN,
      armRequests: 0,
      idealMs: 0,
      ratio: Number.NaN,
      firstArmMs: Number.NaN,
      spawnToFirstArmMs: Number.NaN,
      beforeFirstArm: null,
      breakdown: {},
      details: [`stdout (end): ${run.stdout.slice(-1500)}`]
    }
  }

  // Figures.
  const concurrency = options.concurrency
  const latencyMs = options.latencyMs
  const idealMs = Math.ceil(arm.length / concurrency) * latencyMs
  const processStart = probe?.timeOrigin ?? harnessStart
  const processEnd = probe?.exitAt ?? harnessStart + run.durationMs
  const armStart = Math.min(...arm.map((r) => r.startedAt))
  const armEnd = Math.max(...arm.map((r) => r.endedAt))
  const identity = requests.filter((r) => r.service !== 'arm')
  const firstIdentity = Math.min(...identity.map((r) => r.startedAt))
  const identityBeforeArm = identity.filter((r) => r.startedAt < armStart)
  const signInEnd = Math.max(...identityBeforeArm.map((r) => r.endedAt))
  const breakdown = {
    'spawn to process start (harness clock)': processStart - harnessStart,
    'process start to probe (node boot)': (probe?.preloadAt ?? processStart) - processStart,
    'probe to first OIDC request (bundle load, inputs)':
      firstIdentity - (probe?.preloadAt ?? processStart),
    'sign-in (first OIDC request to last Entra answer)': signInEnd - firstIdentity,
    'last Entra answer to first ARM request': armStart - signInEnd,
    'ARM phase (first ARM request to last answer)': armEnd - armStart,
    'last ARM answer to process exit (evaluate, reports)': processEnd - armEnd
  }

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
    `per subscription: min ${Math.min(...perSub)}, max ${Math.max(...perSub)}; identity requests: ${identity
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
  // With the slots always full and FIFO, the k-th answer frees the slot of the (k+c)-th request:
  // the gap between the two is the client's own turnaround (parse, map, queue, send).
  const starts = arm.map((r) => r.startedAt).sort((a, b) => a - b)
  const ends = arm.map((r) => r.endedAt).sort((a, b) => a - b)
  const gaps: number[] = []
  for (let k = 0; k + concurrency < starts.length; k += 1)
    gaps.push(starts[k + concurrency]! - ends[k]!)
  gaps.sort((a, b) => a - b)
  if (gaps.length > 0)
    details.push(
      `client turnaround (k-th answer to the (k+${concurrency})-th request): median ${quantile(gaps, 0.5).toFixed(2)} ms, p90 ${quantile(gaps, 0.9).toFixed(2)} ms, p99 ${quantile(gaps, 0.99).toFixed(2)} ms, max ${gaps.at(-1)!.toFixed(1)} ms, sum over the run ${(gaps.filter((g) => g > 0).reduce((a, b) => a + b, 0) / concurrency).toFixed(0)} ms per slot`
    )
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
  if (probe) {
    // The histogram records the time between 10 ms ticks: what is beyond 10 ms is delay.
    const late = (ms: number) => Math.max(0, ms - 10).toFixed(1)
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
    const when = (at: number) => {
      const phase =
        at < armStart ? 'before the ARM phase' : at <= armEnd ? 'in the ARM phase' : 'after it'
      return `+${(at - processStart).toFixed(0)} ms, ${phase}`
    }
    details.push(
      `action process: user CPU ${probe.userCpuMs.toFixed(0)} ms, system CPU ${probe.systemCpuMs.toFixed(0)} ms; event loop late by mean ${late(probe.loopDelayMeanMs)} ms, p99 ${late(probe.loopDelayP99Ms)} ms, max ${late(probe.loopDelayMaxMs)} ms`
    )
    details.push(
      `connections the action opened: ${probe.sockets.net} (HTTP requests it started: ${probe.sockets.requests})`
    )
    details.push(
      `memory (sampled every 100 ms; the peak above is the kernel's maxRSS): rss peak ${mib(probe.peak.rss)} at ${when(probe.peak.rssAt)}; heap used peak ${mib(probe.peak.heapUsed)} at ${when(probe.peak.heapUsedAt)}; heap used at exit ${mib(probe.heapUsed)}; external peak ${mib(probe.peak.external)}`
    )
    const step = Math.max(1, Math.ceil(probe.series.length / 12))
    details.push(
      `memory over time (ms since start: rss/heapTotal/heapUsed MiB): ${probe.series
        .filter((_, index) => index % step === 0 || index === probe!.series.length - 1)
        .map(([at, rss, heapTotal, heapUsed]) => `${at}: ${rss}/${heapTotal}/${heapUsed}`)
        .join(', ')}`
    )
  }
  details.push(
    `reports: job summary ${(Buffer.byteLength(run.summary) / 1024).toFixed(1)} KiB, SARIF ${(sarifBytes / 1024).toFixed(1)} KiB, stdout ${(Buffer.byteLength(run.stdout) / 1024).toFixed(1)} KiB`
  )

  return {
    ...known,
    processWallMs: processEnd - processStart,
    armRequests: arm.length,
    idealMs,
    ratio: run.durationMs / idealMs,
    firstArmMs: armStart - processStart,
    spawnToFirstArmMs: armStart - harnessStart,
    beforeFirstArm: probe?.firstArm ?? null,
    breakdown,
    details
  }
}

// ---- CPU profile summary ----

interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }[]
  samples: number[]
  timeDeltas: number[]
}

async function summariseCpuProfiles(directory: string): Promise<string[]> {
  const lines: string[] = []
  for (const file of (await readdir(directory)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(path.join(directory, file), 'utf8')) as CpuProfile
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
    const parents = new Map<number, number>()
    for (const node of profile.nodes)
      for (const child of node.children ?? []) parents.set(child, node.id)
    const self = new Map<string, number>()
    const byFile = new Map<string, number>()
    const inclusive = new Map<string, number>()
    let total = 0
    profile.samples.forEach((id, index) => {
      const delta = (profile.timeDeltas[index] ?? 0) / 1000
      const frame = nodes.get(id)?.callFrame
      if (!frame) return
      total += delta
      // Inclusive time of the bundle's own named functions (each counted once per sample).
      const seen = new Set<string>()
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const f = nodes.get(at)?.callFrame
        if (!f || !f.functionName || f.url.startsWith('node:') || f.url === '') continue
        const key = `${f.functionName} ${path.basename(f.url)}:${f.lineNumber + 1}`
        if (seen.has(key)) continue
        seen.add(key)
        inclusive.set(key, (inclusive.get(key) ?? 0) + delta)
      }
      const where = frame.url
        ? `${path.basename(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
        : ''
      const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
      self.set(key, (self.get(key) ?? 0) + delta)
      const group = frame.url
        ? frame.url.startsWith('node:')
          ? frame.url.replace(/^node:internal\/([^/]+).*/, 'node:internal/$1')
          : path.basename(frame.url)
        : frame.functionName
      byFile.set(group, (byFile.get(group) ?? 0) + delta)
    })
    lines.push(`${file}: ${total.toFixed(0)} ms sampled`)
    lines.push('  self time by file or category:')
    for (const [group, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12))
      lines.push(`    ${ms.toFixed(1).padStart(8)} ms  ${group}`)
    lines.push('  self time by function:')
    for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
      lines.push(`    ${ms.toFixed(1).padStart(8)} ms  ${key}`)
    lines.push(
      '  inclusive time of named functions outside node: (an unminified bundle names them):'
    )
    for (const [key, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40))
      lines.push(`    ${ms.toFixed(1).padStart(8)} ms  ${key}`)
  }
  return lines
}

// ---- main ----

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`
}

function printRun(figures: RunFigures, index: number, runs: number): void {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED')
  const v = figures.verdicts
  console.log(
    `\n== run ${index + 1} of ${runs}: ${figures.subscriptions} subscriptions, ${figures.latencyMs} ms per ARM request, max-concurrency ${figures.concurrency}`
  )
  console.log(`wall time (spawn to exit)      ${formatMs(figures.wallMs)}`)
  console.log(
    `ARM requests                   ${figures.armRequests} (target <= ${figures.allowedRequests} = 2 x ${figures.subscriptions} + ${figures.allowedRequests - 2 * figures.subscriptions} shared: ${mark(figures.armRequests <= figures.allowedRequests)})`
  )
  console.log(
    `ideal time                     ${formatMs(figures.idealMs)} (ceil(${figures.armRequests} / ${figures.concurrency}) x ${figures.latencyMs} ms)`
  )
  console.log(
    `ratio wall / ideal             ${figures.ratio.toFixed(3)} (target <= 1.3: ${mark(figures.ratio <= 1.3)})`
  )
  console.log(
    `process start to first ARM    ${formatMs(figures.firstArmMs)} (target < 400 ms: ${mark(figures.firstArmMs < 400)}; from the harness's spawn: ${formatMs(figures.spawnToFirstArmMs)})`
  )
  const used = figures.beforeFirstArm
  if (used) {
    const known = (ms: number | null) => (ms === null ? 'unknown' : formatMs(ms))
    console.log(
      `  by then the action had used ${formatMs(used.cpuMs)} of CPU (all its threads; the main thread ${known(used.mainThreadCpuMs)}); its main thread had waited ${known(used.runQueueWaitMs)} for a CPU; the machine had lost ${known(used.stealMs)} to the hypervisor (steal, 10 ms ticks)`
    )
  }
  console.log(
    `peak memory (max RSS)          ${figures.peakMemoryMb.toFixed(1)} MiB (target < 200 MB: ${mark(figures.peakMemoryMb * 2 ** 20 < 200e6)})`
  )
  console.log(
    `dist bundle                    ${(figures.bundleBytes / 1024).toFixed(0)} KiB of JavaScript (the entry point ${(figures.entryBytes / 1024).toFixed(0)} KiB, the rest in the chunks it loads)`
  )
  console.log(
    `verdicts                       ${v.compliant} compliant, ${v.partial} partial, ${v.noncompliant} noncompliant, ${v.error} error; exit code ${figures.exitCode}`
  )
  console.log('where the time went:')
  for (const [what, ms] of Object.entries(figures.breakdown))
    console.log(`  ${ms.toFixed(1).padStart(9)} ms  ${what}`)
  for (const line of figures.details) console.log(`  ${line}`)
  for (const problem of figures.problems) console.log(`PROBLEM: ${problem}`)
}

function targetsMet(f: RunFigures): boolean {
  return (
    f.ratio <= 1.3 &&
    f.armRequests <= f.allowedRequests &&
    f.firstArmMs < 400 &&
    f.peakMemoryMb * 2 ** 20 < 200e6
  )
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      subscriptions: { type: 'string', default: '1000' },
      'latency-ms': { type: 'string', default: '50' },
      'oidc-latency-ms': { type: 'string', default: '0' },
      'entra-latency-ms': { type: 'string', default: '0' },
      'max-concurrency': { type: 'string', default: '8' },
      runs: { type: 'string', default: '1' },
      'entry-point': { type: 'string', default: path.join(ROOT, 'dist/index.js') },
      standin: { type: 'string', default: 'child' },
      'cpu-prof': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    console.log(
      'usage: npm run bench -- [--subscriptions 1000] [--latency-ms 50] [--max-concurrency 8] [--runs 1]\n' +
        '                        [--oidc-latency-ms 0] [--entra-latency-ms 0]\n' +
        '                        [--standin child|in-process] [--cpu-prof] [--entry-point dist/index.js]\n' +
        '                        [--json] [--strict]'
    )
    return 0
  }
  const whole = (name: string, text: string, min: number) => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`)
    return n
  }
  const count = whole('subscriptions', values.subscriptions, 1)
  const latencyMs = whole('latency-ms', values['latency-ms'], 1)
  const latencies: Latencies = {
    latencyMs,
    oidcLatencyMs: whole('oidc-latency-ms', values['oidc-latency-ms'], 0),
    entraLatencyMs: whole('entra-latency-ms', values['entra-latency-ms'], 0)
  }
  const concurrency = whole('max-concurrency', values['max-concurrency'], 1)
  const runs = whole('runs', values.runs, 1)
  const entryPoint = path.resolve(values['entry-point'])

  const bench = benchEstate(count)
  if (values.standin !== 'child' && values.standin !== 'in-process')
    throw new Error('--standin must be child or in-process')
  const standIn =
    values.standin === 'child'
      ? await childStandIn(bench.estate, latencies)
      : await inProcessStandIn(bench.estate, latencies)
  const all: RunFigures[] = []
  let cpuProfDir: string | undefined
  try {
    if (values['cpu-prof']) cpuProfDir = await mkdtemp(path.join(tmpdir(), 'jit-bench-cpuprof-'))
    for (let index = 0; index < runs; index += 1) {
      const figures = await runOnce(standIn, bench, {
        latencyMs,
        concurrency,
        entryPoint,
        ...(cpuProfDir && index === runs - 1 ? { cpuProfDir } : {})
      })
      all.push(figures)
      if (values.json) console.log(JSON.stringify(figures))
      else printRun(figures, index, runs)
    }
    if (cpuProfDir) {
      console.log(`\nCPU profile of the last run (${cpuProfDir}):`)
      for (const line of await summariseCpuProfiles(cpuProfDir)) console.log(line)
    }
  } finally {
    await standIn.close()
  }
  if (runs > 1 && !values.json) {
    const spread = (pick: (f: RunFigures) => number, digits = 0) => {
      const xs = all.map(pick).sort((a, b) => a - b)
      return `min ${xs[0]!.toFixed(digits)}, median ${quantile(xs, 0.5).toFixed(digits)}, max ${xs.at(-1)!.toFixed(digits)}`
    }
    console.log(`\n== ${runs} runs`)
    console.log(`wall time ms        ${spread((f) => f.wallMs)}`)
    console.log(`ratio               ${spread((f) => f.ratio, 3)}`)
    console.log(`first ARM ms        ${spread((f) => f.firstArmMs)}`)
    if (all.every((f) => f.beforeFirstArm !== null)) {
      console.log(`  CPU before it ms  ${spread((f) => f.beforeFirstArm!.cpuMs)}`)
      if (all.every((f) => f.beforeFirstArm!.mainThreadCpuMs !== null))
        console.log(`  main thread ms    ${spread((f) => f.beforeFirstArm!.mainThreadCpuMs!)}`)
      if (all.every((f) => f.beforeFirstArm!.runQueueWaitMs !== null))
        console.log(`  CPU wait ms       ${spread((f) => f.beforeFirstArm!.runQueueWaitMs!)}`)
      if (all.every((f) => f.beforeFirstArm!.stealMs !== null))
        console.log(`  steal ms          ${spread((f) => f.beforeFirstArm!.stealMs!)}`)
    }
    console.log(`peak memory MiB     ${spread((f) => f.peakMemoryMb, 1)}`)
    console.log(`ARM requests        ${spread((f) => f.armRequests)}`)
  }
  const broken = all.some((f) => f.problems.length > 0)
  if (broken) {
    console.error('The action did not run as expected: see PROBLEM above.')
    return 1
  }
  if (values.strict && !all.every(targetsMet)) {
    console.error('A target was missed.')
    return 1
  }
  return 0
}

process.exitCode = await main()
