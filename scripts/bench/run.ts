// One bench run: launch the action, check it did its job, and measure it from the stand-in's
// request log and the probe's report.
import type { RequestRecord } from '../../standin/server.ts'
import { checkArmRequests, checkOutcome, checkVerdicts } from './checks.ts'
import { armDetails, probeDetails, reportDetails } from './details.ts'
import type { RunFigures, Timeline } from './figures.ts'
import { bundleSize, launch, type LaunchOptions, type Launched } from './launch.ts'
import { requestKey } from './requests.ts'
import type { BenchEstate } from './scenarios.ts'
import type { BenchStandIn } from './standin.ts'

export interface RunOptions extends LaunchOptions {
  /** The latency the stand-in adds to each ARM answer, in ms. */
  latencyMs: number
}

/** Runs the action once against `standIn` on `bench`'s estate and returns its figures; what went
 * wrong is in their `problems`. */
export async function runOnce(
  standIn: BenchStandIn,
  bench: BenchEstate,
  options: RunOptions
): Promise<RunFigures> {
  const before = new Set((await standIn.requests()).map(requestKey))
  const launched = await launch(standIn, bench, options)
  const { run, probe } = launched
  const requests = (await standIn.requests()).filter((r) => !before.has(requestKey(r)))
  const arm = requests.filter((r) => r.service === 'arm')
  const { verdicts, problems: wrongVerdicts } = checkVerdicts(run, bench)
  const problems = [
    ...(probe ? [] : ['the probe wrote nothing: the process did not exit normally']),
    ...(launched.sarifBytes === undefined ? ['no SARIF file was written'] : []),
    ...wrongVerdicts,
    ...checkOutcome(run, verdicts),
    ...checkArmRequests(arm)
  ]
  const known = {
    subscriptions: bench.subscriptionIds.length,
    latencyMs: options.latencyMs,
    concurrency: options.concurrency,
    wallMs: run.durationMs,
    allowedRequests: 2 * bench.subscriptionIds.length + bench.sharedReads,
    peakMemoryMb: probe ? probe.maxRssKb / 1024 : Number.NaN,
    ...(await bundleSize(options.entryPoint)),
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
  const timeline = timelineOf(launched, requests, arm)
  const idealMs = Math.ceil(arm.length / options.concurrency) * options.latencyMs
  return {
    ...known,
    processWallMs: timeline.processEnd - timeline.processStart,
    armRequests: arm.length,
    idealMs,
    ratio: run.durationMs / idealMs,
    firstArmMs: timeline.armStart - timeline.processStart,
    spawnToFirstArmMs: timeline.armStart - timeline.harnessStart,
    beforeFirstArm: probe?.firstArm ?? null,
    breakdown: breakdownOf(timeline),
    details: [
      ...armDetails(requests, arm, timeline, options.concurrency),
      ...(probe ? probeDetails(probe, timeline) : []),
      reportDetails(run, launched.sarifBytes ?? 0)
    ]
  }
}

/** The run's moments, from the probe's report and the requests the run made (`arm` not empty). */
function timelineOf(
  { run, probe, harnessStart }: Launched,
  requests: RequestRecord[],
  arm: RequestRecord[]
): Timeline {
  const processStart = probe?.timeOrigin ?? harnessStart
  const armStart = Math.min(...arm.map((r) => r.startedAt))
  const identity = requests.filter((r) => r.service !== 'arm')
  return {
    harnessStart,
    processStart,
    preloadAt: probe?.preloadAt ?? processStart,
    processEnd: probe?.exitAt ?? harnessStart + run.durationMs,
    firstIdentity: Math.min(...identity.map((r) => r.startedAt)),
    signInEnd: Math.max(...identity.filter((r) => r.startedAt < armStart).map((r) => r.endedAt)),
    armStart,
    armEnd: Math.max(...arm.map((r) => r.endedAt))
  }
}

/** Where the time went, in ms, by phase. */
function breakdownOf(t: Timeline): Record<string, number> {
  return {
    'spawn to process start (harness clock)': t.processStart - t.harnessStart,
    'process start to probe (node boot)': t.preloadAt - t.processStart,
    'probe to first OIDC request (bundle load, inputs)': t.firstIdentity - t.preloadAt,
    'sign-in (first OIDC request to last Entra answer)': t.signInEnd - t.firstIdentity,
    'last Entra answer to first ARM request': t.armStart - t.signInEnd,
    'ARM phase (first ARM request to last answer)': t.armEnd - t.armStart,
    'last ARM answer to process exit (evaluate, reports)': t.processEnd - t.armEnd
  }
}
