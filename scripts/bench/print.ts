// The bench's text output: one block per run, and the spread over several runs.
import type { RunFigures } from './figures.ts'
import { TARGETS, targetsOf } from './figures.ts'
import { quantile } from './requests.ts'

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`
}

/** Prints run `index` (0-based) of `runs`: its figures against the targets, where the time went,
 * the details and any problem. */
export function printRun(figures: RunFigures, index: number, runs: number): void {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED')
  const met = targetsOf(figures)
  const v = figures.verdicts
  console.log(
    `\n== run ${index + 1} of ${runs}: ${figures.subscriptions} subscriptions, ${figures.latencyMs} ms per ARM request, max-concurrency ${figures.concurrency}`
  )
  console.log(`wall time (spawn to exit)      ${formatMs(figures.wallMs)}`)
  console.log(
    `ARM requests                   ${figures.armRequests} (target <= ${figures.allowedRequests} = 2 x ${figures.subscriptions} + ${figures.allowedRequests - 2 * figures.subscriptions} shared: ${mark(met.requests)})`
  )
  console.log(
    `ideal time                     ${formatMs(figures.idealMs)} (ceil(${figures.armRequests} / ${figures.concurrency}) x ${figures.latencyMs} ms)`
  )
  console.log(
    `ratio wall / ideal             ${figures.ratio.toFixed(3)} (target <= ${TARGETS.ratio}: ${mark(met.ratio)})`
  )
  console.log(
    `process start to first ARM    ${formatMs(figures.firstArmMs)} (target < ${TARGETS.firstArmMs} ms: ${mark(met.firstArm)}; from the harness's spawn: ${formatMs(figures.spawnToFirstArmMs)})`
  )
  const used = figures.beforeFirstArm
  if (used) {
    const known = (ms: number | null) => (ms === null ? 'unknown' : formatMs(ms))
    console.log(
      `  by then the action had used ${formatMs(used.cpuMs)} of CPU (all its threads; the main thread ${known(used.mainThreadCpuMs)}); its main thread had waited ${known(used.runQueueWaitMs)} for a CPU; the machine had lost ${known(used.stealMs)} to the hypervisor (steal, 10 ms ticks)`
    )
  }
  console.log(
    `peak memory (max RSS)          ${figures.peakMemoryMb.toFixed(1)} MiB (target < ${TARGETS.peakMemoryBytes / 1e6} MB: ${mark(met.memory)})`
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

/** Prints min, median and max of the main figures over `all` (more than one run). */
export function printSpread(all: RunFigures[]): void {
  const spread = (pick: (f: RunFigures) => number, digits = 0) => {
    const xs = all.map(pick).sort((a, b) => a - b)
    return `min ${xs[0]!.toFixed(digits)}, median ${quantile(xs, 0.5).toFixed(digits)}, max ${xs.at(-1)!.toFixed(digits)}`
  }
  console.log(`\n== ${all.length} runs`)
  console.log(`wall time ms        ${spread((f) => f.wallMs)}`)
  console.log(`ratio               ${spread((f) => f.ratio, 3)}`)
  console.log(`first ARM ms        ${spread((f) => f.firstArmMs)}`)
  const used = all.map((f) => f.beforeFirstArm)
  if (used.every((u) => u !== null)) {
    console.log(`  CPU before it ms  ${spread((f) => f.beforeFirstArm!.cpuMs)}`)
    const optional = [
      ['  main thread ms    ', 'mainThreadCpuMs'],
      ['  CPU wait ms       ', 'runQueueWaitMs'],
      ['  steal ms          ', 'stealMs']
    ] as const
    for (const [label, key] of optional)
      if (used.every((u) => u[key] !== null))
        console.log(`${label}${spread((f) => f.beforeFirstArm![key]!)}`)
  }
  console.log(`peak memory MiB     ${spread((f) => f.peakMemoryMb, 1)}`)
  console.log(`ARM requests        ${spread((f) => f.armRequests)}`)
}
