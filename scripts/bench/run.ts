// One bench run: launch the action, check it did its job, and measure it from the stand-in's
// request log and the probe's report.
import type { RequestRecord } from '../../standin/server.ts'
import { checkArmRequests, checkOutcome, checkVerdicts } from './checks.ts'
import { armDetails, probeDetails, reportDetails } from './details.ts'
import { isResourceGraphQuery, resourceGraphTraffic } from '../../standin/resource-graph/traffic.ts'
import {
  REQUESTS_PER_SUBSCRIPTION,
  RESOURCE_GRAPH_BUDGET,
  type RunFigures,
  type Timeline
} from './figures.ts'
import { bundleSize, launch, type LaunchOptions, type Launched } from './launch.ts'
import { requestKey } from './requests.ts'
import type { BenchEstate } from './scenarios/index.ts'
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
  const { verdicts, problems: wrongVerdicts } = checkVerdicts(launched.resultsText, bench)
  const problems = [
    ...(probe ? [] : ['the probe wrote nothing: the process did not exit normally']),
    ...(launched.sarifBytes === undefined ? ['no SARIF file was written'] : []),
    ...wrongVerdicts,
    ...checkOutcome(run, verdicts),
    ...checkArmRequests(arm)
  ]
  const allGraphQueries = arm.filter(isResourceGraphQuery)
  const groups = bench.managementGroups ?? []
  const graphDiscoveryLine =
    options.engine === 'resource-graph' ? graphDiscoveryOf(run.stdout) : undefined
  const graphDiscovery = new Set(
    [...allGraphQueries]
      .sort((a, b) => a.startedAt - b.startedAt)
      .slice(0, graphDiscoveryLine?.requests ?? 0)
  )
  const inDiscovery = (r: RequestRecord) => isDiscovery(r, groups) || graphDiscovery.has(r)
  const discovery = arm.filter(inDiscovery)
  const checks = arm.filter((r) => !inDiscovery(r))
  const graphQueries = allGraphQueries.filter((r) => !graphDiscovery.has(r))
  const readOneByOne = new Set(checks.map((r) => r.subscriptionId).filter((id) => id !== undefined))
  if (options.engine === 'resource-graph') {
    // The stand-in's Resource Graph holds what its ARM does: only the verdicts short of compliant
    // are read again.
    const short = [...bench.expected.values()].filter((v) => v !== 'compliant').length
    if (readOneByOne.size !== short)
      problems.push(
        `${readOneByOne.size} subscription(s) read through Resource Manager, expected the ${short} short of compliant`
      )
  }
  const known = {
    engine: options.engine,
    subscriptions: bench.subscriptionIds.length,
    latencyMs: options.latencyMs,
    concurrency: options.concurrency,
    wallMs: run.durationMs,
    discoveryRequests: discovery.length,
    discoveryMs:
      graphDiscoveryLine?.ms ??
      (discovery.length === 0
        ? 0
        : Math.max(...discovery.map((r) => r.endedAt)) -
          Math.min(...discovery.map((r) => r.startedAt))),
    graphQueries: graphQueries.length,
    graph: resourceGraphTraffic(arm),
    readOneByOne: readOneByOne.size,
    allowedRequests:
      options.engine === 'resource-graph'
        ? RESOURCE_GRAPH_BUDGET + REQUESTS_PER_SUBSCRIPTION * readOneByOne.size
        : REQUESTS_PER_SUBSCRIPTION * bench.subscriptionIds.length + bench.sharedReads,
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
  // Resource Graph's queries wait for each other only along their critical path; the other
  // requests share the slots.
  const others = checks.filter((r) => !isResourceGraphQuery(r))
  const idealMs =
    (longestList(discovery.filter((r) => !isResourceGraphQuery(r))) +
      known.graph.criticalPath +
      Math.ceil(others.length / options.concurrency)) *
    options.latencyMs
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

/** Discovery's requests: pages of the subscription list, and of the descendants of the
 * management groups the action was given (a descendants list a notScope asks for is a shared read
 * of the checks). */
function isDiscovery(request: RequestRecord, groups: readonly string[]): boolean {
  if (/^\/subscriptions\/?$/i.test(request.path)) return true
  const group =
    /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i.exec(
      request.path
    )?.[1]
  return group !== undefined && groups.some((name) => name.toLowerCase() === group.toLowerCase())
}

/** The query requests and time of discovery through Resource Graph, as the action's `Discovery:`
 * line counts them when it resolved the scope there (src/collect/resource-graph/discover.ts);
 * undefined when Resource Manager's lists did. The engine's first queries overlap discovery's, so
 * the log tells which queries were discovery's no more: the bench counts the first ones by start. */
function graphDiscoveryOf(stdout: string): { requests: number; ms: number } | undefined {
  if (/Azure Resource Graph could not be read|through Resource Manager's lists/.test(stdout))
    return undefined
  const line = /^Discovery: .*; (\d+) request\(s\) over \d+ list\(s\) in (\d+) ms\.$/m.exec(stdout)
  return line ? { requests: Number(line[1]), ms: Number(line[2]) } : undefined
}

/** Pages of the longest of discovery's lists (each list is read page after page, the lists at
 * once). */
function longestList(discovery: RequestRecord[]): number {
  const pages = new Map<string, number>()
  for (const r of discovery)
    pages.set(r.path.toLowerCase(), (pages.get(r.path.toLowerCase()) ?? 0) + 1)
  return Math.max(0, ...pages.values())
}
