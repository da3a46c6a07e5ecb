// The bench's text output: one block per run, and the spread over several runs.
import type { RunFigures } from './figures.ts'
import {
  REQUESTS_PER_SUBSCRIPTION,
  RESOURCE_GRAPH_BUDGET,
  TARGETS,
  memoryTarget,
  targetsOf
} from './figures.ts'
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
    `\n== run ${index + 1} of ${runs}: ${figures.subscriptions} subscriptions, engine ${figures.engine}, ${figures.latencyMs} ms per ARM request, max-concurrency ${figures.concurrency}`
  )
  const graph = figures.engine === 'resource-graph'
  console.log(
    `wall time (spawn to exit)      ${formatMs(figures.wallMs)}${graph ? ` (target < ${TARGETS.resourceGraphWallMs / 1000} s: ${mark(met.wall ?? false)})` : ''}`
  )
  const budget = graph
    ? `${RESOURCE_GRAPH_BUDGET} + ${REQUESTS_PER_SUBSCRIPTION} x ${figures.readOneByOne} re-checked`
    : `${REQUESTS_PER_SUBSCRIPTION} x ${figures.subscriptions} + ${figures.allowedRequests - REQUESTS_PER_SUBSCRIPTION * figures.subscriptions} shared`
  const checks = figures.armRequests - figures.discoveryRequests
  console.log(
    `discovery                      ${figures.discoveryRequests} request(s) (subscription-list and descendants pages, or Resource Graph subscription queries) in ${formatMs(figures.discoveryMs)}, apart from the budget`
  )
  console.log(
    `ARM requests after discovery   ${checks}, ${figures.graphQueries} of them Resource Graph queries (target <= ${figures.allowedRequests} = ${budget}: ${mark(met.requests ?? false)})`
  )
  const g = figures.graph
  if (graph)
    console.log(
      `Resource Graph queries         ${g.queries} (discovery's included), critical path ${g.criticalPath} round trip(s) (target <= ${TARGETS.resourceGraphRoundTrips}: ${mark(met.roundTrips ?? false)}; queries by place in it: ${g.rounds.join(' + ')}), at most ${g.peakInFlight} in flight, ${g.throttled} answered 429 (target 0: ${mark(met.quota ?? false)})`
    )
  const others = checks - (graph ? figures.graphQueries : 0)
  console.log(
    `ideal time                     ${formatMs(figures.idealMs)} (discovery's longest Resource Manager list page after page${graph ? ", Resource Graph's critical path" : ''}, then ceil(${others} / ${figures.concurrency}), x ${figures.latencyMs} ms)`
  )
  console.log(
    `ratio wall / ideal             ${figures.ratio.toFixed(3)}${graph ? '' : ` (target <= ${TARGETS.ratio}: ${mark(met.ratio ?? false)})`}`
  )
  console.log(
    `process start to first ARM    ${formatMs(figures.firstArmMs)} (target < ${TARGETS.firstArmMs} ms: ${mark(met.firstArm ?? false)}; from the harness's spawn: ${formatMs(figures.spawnToFirstArmMs)})`
  )
  const used = figures.beforeFirstArm
  if (used) {
    const known = (ms: number | null) => (ms === null ? 'unknown' : formatMs(ms))
    console.log(
      `  by then the action had used ${formatMs(used.cpuMs)} of CPU (all its threads; the main thread ${known(used.mainThreadCpuMs)}); its main thread had waited ${known(used.runQueueWaitMs)} for a CPU; the machine had lost ${known(used.stealMs)} to the hypervisor (steal, 10 ms ticks)`
    )
  }
  console.log(
    `peak memory (max RSS)          ${figures.peakMemoryMb.toFixed(1)} MiB (target < ${memoryTarget(figures.subscriptions) / 1e6} MB: ${mark(met.memory ?? false)})`
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
  if (all.some((f) => f.graph.queries > 0)) {
    console.log(`Graph queries       ${spread((f) => f.graph.queries)}`)
    console.log(`  critical path     ${spread((f) => f.graph.criticalPath)}`)
    console.log(`  most in flight    ${spread((f) => f.graph.peakInFlight)}`)
    console.log(`  answered 429      ${spread((f) => f.graph.throttled)}`)
  }
}
