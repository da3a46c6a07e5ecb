// Benchmarks the bundled action (dist/index.js) against the local Azure stand-in:
//   npm run bench -- [--scenario landing-zones] [--subscriptions 1000] [--latency-ms 50]
//                    [--max-concurrency 8] [--engine resource-manager|resource-graph] [--runs 1]
//                    [--oidc-latency-ms 0] [--entra-latency-ms 0]
//                    [--standin child|in-process] [--cpu-prof] [--entry-point FILE] [--json]
//                    [--strict]
// --scenario picks the estate (scripts/bench/scenarios/index.ts lists them); --runs R repeats the run
// against the same stand-in and prints the spread; --cpu-prof profiles the last run's action
// process and prints where its CPU time went (give --entry-point a bundle built without --minify
// to get function names); --entry-point runs another build of the action; --json prints one JSON
// object per run. --oidc-latency-ms and --entra-latency-ms delay the runner's OIDC endpoint and
// Entra ID as a real network would (the stand-in answers them at once by default), to measure a
// start that waits on them.
// It builds the scenario's estate of N subscriptions, starts the stand-in with a fixed latency on
// every ARM answer (scripts/bench/standin.ts), runs the action once per run as a runner would,
// with a probe in its process (scripts/bench/launch.ts, probe.ts), and prints: the wall time, the
// ARM requests made (Resource Graph's queries among them) against the engine's budget, the ideal
// time for them (`ceil(requests / concurrency) * latency`), the ratio of the two, the time from process start to the first ARM request (and the CPU the action had
// used by then), the peak memory and the bundle's size, with a breakdown of where the time went
// (scripts/bench/run.ts, details.ts).
// It exits 1 when the action did not do its job (an unexpected error, a verdict other than the
// one the estate was built to give, a missing output; scripts/bench/checks.ts); with --strict also
// when a target is missed; 2 on a bad flag.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { summariseCpuProfiles } from './bench/cpu-profile.ts'
import { targetsMet, type RunFigures } from './bench/figures.ts'
import { parseOptions, USAGE, type BenchOptions } from './bench/options.ts'
import { printRun, printSpread } from './bench/print.ts'
import { writeProbeScript } from './bench/probe-report.ts'
import { runOnce } from './bench/run.ts'
import type { BenchEstate } from './bench/scenarios/index.ts'
import { startBenchStandIn, type BenchStandIn } from './bench/standin.ts'
import { DEFAULT_QUOTA } from '../standin/resource-graph/index.ts'

/** The stand-in's Resource Graph quota window for `estate`, in milliseconds. */
function quotaWindowMs({ estate }: BenchEstate): number {
  return (estate.resourceGraph?.quota ?? DEFAULT_QUOTA).windowMs
}

/** Runs the action `options.runs` times against `standIn` and prints each run (and the CPU
 * profile of the last one with --cpu-prof). */
async function runAll(
  options: BenchOptions,
  estate: BenchEstate,
  standIn: BenchStandIn,
  probeScript: string
): Promise<RunFigures[]> {
  const { runs } = options
  const all: RunFigures[] = []
  const cpuProfDir = options.cpuProf
    ? await mkdtemp(path.join(tmpdir(), 'jit-bench-cpuprof-'))
    : undefined
  for (let index = 0; index < runs; index += 1) {
    // The stand-in's Resource Graph keeps one quota window for every client: each run starts with
    // a window of its own, as a run of the action would (ARM has no such state).
    if (index > 0 && options.engine === 'resource-graph') await sleep(quotaWindowMs(estate))
    const figures = await runOnce(standIn, estate, {
      latencyMs: options.latencies.latencyMs,
      concurrency: options.concurrency,
      engine: options.engine,
      entryPoint: options.entryPoint,
      probeScript,
      ...(cpuProfDir && index === runs - 1 ? { cpuProfDir } : {})
    })
    all.push(figures)
    if (options.json) console.log(JSON.stringify(figures))
    else printRun(figures, index, runs)
  }
  if (cpuProfDir) {
    console.log(`\nCPU profile of the last run (${cpuProfDir}):`)
    for (const line of await summariseCpuProfiles(cpuProfDir)) console.log(line)
  }
  return all
}

/** The bench: its exit code, 1 when the action did not do its job (or, with --strict, missed a
 * target). */
async function bench(options: BenchOptions): Promise<number> {
  const estate = options.scenario.build(options.subscriptions)
  const scratch = await mkdtemp(path.join(tmpdir(), 'jit-bench-'))
  let all: RunFigures[]
  try {
    const probeScript = await writeProbeScript(scratch)
    const standIn = await startBenchStandIn(options.standIn, estate.estate, options.latencies)
    try {
      all = await runAll(options, estate, standIn, probeScript)
    } finally {
      await standIn.close()
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  if (options.runs > 1 && !options.json) printSpread(all)
  if (all.some((f) => f.problems.length > 0)) {
    console.error('The action did not run as expected: see PROBLEM above.')
    return 1
  }
  if (options.strict && !all.every(targetsMet)) {
    console.error('A target was missed.')
    return 1
  }
  return 0
}

function main(): Promise<number> | number {
  let options: ReturnType<typeof parseOptions>
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message} (npm run bench -- --help lists the flags)`)
    return 2
  }
  if (options === 'help') {
    console.log(USAGE)
    return 0
  }
  return bench(options)
}

process.exitCode = await main()
