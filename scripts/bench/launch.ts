// One run of the action as a runner would start it (scripts/run-action.ts), with the probe in its
// process and a workflow file that lists the subscriptions or management groups.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Engine } from '../../src/defaults.ts'
import { REPOSITORY, runAction, type ActionRun } from '../run-action.ts'
import { readProbeReport, type ProbeEnvironment, type ProbeReport } from './probe-report.ts'
import type { BenchEstate } from './scenarios/index.ts'
import type { BenchStandIn } from './standin.ts'

export interface LaunchOptions {
  concurrency: number
  /** The action's `engine` input. */
  engine: Engine
  /** The action's entry point (a build of dist/index.js). */
  entryPoint: string
  /** The probe as JavaScript (writeProbeScript), loaded into the action's process. */
  probeScript: string
  /** Where the process writes a CPU profile; absent: none. */
  cpuProfDir?: string
}

export interface Launched {
  run: ActionRun
  /** Absent when the process did not exit normally. */
  probe?: ProbeReport
  /** Absent when the action wrote no SARIF file. */
  sarifBytes?: number
  /** The results file's text (every result, never trimmed); absent when it was not written. */
  resultsText?: string
  /** Epoch ms just before the process was spawned. */
  harnessStart: number
}

/** A workflow that lists the subscriptions (or the management groups), as a user would write it
 * (SARIF points at the lines). */
export function workflowListing(subscriptionIds: string[], input = 'subscriptions'): string {
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
    `          ${input}: |`,
    ...subscriptionIds.map((id) => `            ${id}`),
    ''
  ].join('\n')
}

/** Runs the action once on every subscription of `bench` and returns what it left behind; its
 * workspace is removed. */
export async function launch(
  standIn: BenchStandIn,
  bench: BenchEstate,
  options: LaunchOptions
): Promise<Launched> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'jit-bench-'))
  const probeFile = path.join(scratch, 'probe.json')
  const nodeOptions = [`--import=${options.probeScript}`]
  if (options.cpuProfDir) nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`)
  const probeEnvironment: ProbeEnvironment = {
    BENCH_PROBE_FILE: probeFile,
    BENCH_ARM_HOST: new URL(standIn.resourceManagerEndpoint).host
  }
  const harnessStart = performance.timeOrigin + performance.now()
  const groups = bench.managementGroups
  const run = await runAction({
    standIn,
    inputs: {
      ...(groups
        ? { subscriptions: '', 'management-groups': groups.join('\n') }
        : { subscriptions: bench.subscriptionIds.join('\n') }),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      'max-concurrency': String(options.concurrency),
      engine: options.engine
    },
    workflowContent: groups
      ? workflowListing(groups, 'management-groups')
      : workflowListing(bench.subscriptionIds),
    environment: { NODE_OPTIONS: nodeOptions.join(' '), ...probeEnvironment },
    entryPoint: options.entryPoint,
    keepWorkspace: true
  })
  const probe = await readProbeReport(probeFile)
  const sarifBytes = await stat(path.join(run.workspace, 'jit-network-access.sarif')).then(
    (s) => s.size,
    () => undefined
  )
  const resultsText = await readFile(run.outputs['results-file'] ?? '', 'utf8').catch(
    () => undefined
  )
  await rm(run.workspace, { recursive: true, force: true })
  await rm(scratch, { recursive: true, force: true })
  return { run, probe, sarifBytes, resultsText, harnessStart }
}

/** The bytes of the entry point, and of it with the .js chunks beside it. */
export async function bundleSize(
  entryPoint: string
): Promise<{ entryBytes: number; bundleBytes: number }> {
  const entryBytes = (await stat(entryPoint)).size
  const folder = path.dirname(entryPoint)
  let bundleBytes = 0
  for (const name of await readdir(folder))
    if (name.endsWith('.js')) bundleBytes += (await stat(path.join(folder, name))).size
  return { entryBytes, bundleBytes }
}
