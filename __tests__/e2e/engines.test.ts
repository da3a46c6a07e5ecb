// The bundled action (dist/index.js) with `engine: resource-graph` against the stand-in, whose
// Resource Graph serves the same estate as its Resource Manager: both engines give every
// subscription the same verdict on every estate of standin/estates/, the sample, the bench's
// landing zones and estates drawn at random; Resource Graph reads a scope in a few paged
// queries, minds its per-user quota, and only what it finds short of compliant is read again
// through Resource Manager.
import { afterAll, describe, expect, test } from '@jest/globals'
import { readFile, readdir, rm } from 'node:fs/promises'
import { landingZonesEstate } from '../../scripts/bench/scenarios/landing-zones.ts'
import { ONE_GROUP, oneGroupEstate } from '../../scripts/bench/scenarios/one-group.ts'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'
import { sampleEstate } from '../../scripts/sample-estate.ts'
import { loadEstate, type Estate } from '../../standin/estate/index.ts'
import { RESOURCE_GRAPH_PATH } from '../../standin/resource-graph/index.ts'
import type { ResourceGraphEstate } from '../../standin/resource-graph/tables.ts'
import { startStandIn, type RequestRecord, type StandIn } from '../../standin/server.ts'
import { randomEstate } from './random-estate.ts'

const started: StandIn[] = []
afterAll(async () => {
  await Promise.all(started.map((standIn) => standIn.close()))
})

interface Result {
  subscriptionId: string
  verdict: string
  effectiveEffect: string | null
}

interface EngineRun {
  run: ActionRun
  results: Result[]
  arm: RequestRecord[]
}

/** Runs the action with `engine` over `scope` (subscription ids, or scope inputs); the results
 * are read from the results file, which holds every one however many there are. */
async function runEngine(
  standIn: StandIn,
  scope: string[] | Record<string, string>,
  engine: string
): Promise<EngineRun> {
  const before = standIn.requests.length
  const run = await runAction({
    standIn,
    inputs: {
      ...(Array.isArray(scope) ? { subscriptions: scope.join('\n') } : scope),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      'sarif-file': '',
      // What Azure records of the machines is read alike on both engines (virtual-machines.test.ts);
      // here the engines' own reads are compared.
      'virtual-machines': 'false',
      engine
    },
    keepWorkspace: true
  })
  const results = JSON.parse(await readFile(run.outputs['results-file'] ?? '', 'utf8')) as Result[]
  await rm(run.workspace, { recursive: true, force: true })
  const arm = standIn.requests.slice(before).filter((r) => r.service === 'arm')
  return { run, results, arm }
}

/** Discovery's requests: the subscription list and management groups' descendants. */
const isDiscovery = (r: RequestRecord) =>
  /^\/subscriptions\/?$/.test(r.path) || /\/descendants$/.test(r.path)

const isGraphQuery = (r: RequestRecord) => r.method === 'POST' && r.path === RESOURCE_GRAPH_PATH
const verdicts = (results: Result[]) =>
  results.map((r) => `${r.subscriptionId} ${r.verdict} ${r.effectiveEffect}`)

/**
 * Only faults Resource Graph also meets are kept: an identity refused every read of a
 * subscription, or of its Defender for Servers plan, for good, which Resource Graph does not show
 * it either. Throttling, resets and malformed answers are Resource Manager's transport; a refusal
 * of assignments or exemptions only is a partial role Resource Graph cannot reveal (README,
 * "Engines").
 */
function withoutTransportFaults(estate: Estate): Estate {
  return {
    ...estate,
    subscriptions: estate.subscriptions.map((s) => ({
      ...s,
      faults: (s.faults ?? []).filter(
        (f) =>
          (f.fault === 'forbidden' || f.fault === 'not-found') &&
          f.times === undefined &&
          ['any', 'pricings'].includes(f.on ?? 'any')
      )
    })),
    faults: undefined
  }
}

const files = (await readdir(new URL('../../standin/estates/', import.meta.url)))
  .filter((name) => name.endsWith('.json'))
  .map((name): [string, () => Promise<Estate>] => [
    `standin/estates/${name}`,
    () => loadEstate(new URL(`../../standin/estates/${name}`, import.meta.url).pathname)
  ])
const estates: [string, () => Promise<Estate>][] = [
  ...files,
  ['the sample estate', async () => sampleEstate()],
  ['the bench’s landing zones, 300 subscriptions', async () => landingZonesEstate(300).estate],
  ...[1, 2, 3, 4].map((seed): [string, () => Promise<Estate>] => [
    `a random estate (seed ${seed})`,
    async () => randomEstate(seed, 40)
  ])
]

describe.each(estates)('both engines on %s', (_name, load) => {
  test('give every subscription the same verdict; Resource Graph’s short of compliant are read again', async () => {
    const estate = withoutTransportFaults(await load())
    const standIn = await startStandIn({ estate })
    started.push(standIn)
    const ids = estate.subscriptions.map((s) => s.subscriptionId.toLowerCase())
    const manager = await runEngine(standIn, ids, 'resource-manager')
    const graph = await runEngine(standIn, ids, 'resource-graph')

    expect(manager.results).toHaveLength(ids.length)
    expect(verdicts(graph.results)).toEqual(verdicts(manager.results))
    expect(graph.run.stderr).toBe('')
    expect(graph.run.exitCode).toBe(manager.run.exitCode)
    expect(manager.arm.filter(isGraphQuery)).toEqual([])
    expect(graph.arm.filter(isGraphQuery).length).toBeGreaterThan(0)
    // Read one by one through Resource Manager: exactly those Resource Graph found short of
    // compliant. That is the subscriptions not compliant, and those whose plan the identity may
    // not read: Resource Graph shows no pricing row, taken as Free, so its verdict fell short and
    // Resource Manager's, compliant with the plan unknown, is the one reported.
    const oneByOne = new Set(
      graph.arm.filter((r) => !isDiscovery(r)).map((r) => r.subscriptionId?.toLowerCase())
    )
    oneByOne.delete(undefined)
    const planHidden = estate.subscriptions
      .filter((s) => (s.faults ?? []).some((f) => f.on === 'pricings'))
      .map((s) => s.subscriptionId.toLowerCase())
    const notCompliant = graph.results
      .filter((r) => r.verdict !== 'compliant')
      .map((r) => r.subscriptionId)
    expect([...oneByOne].sort()).toEqual([...new Set([...notCompliant, ...planHidden])].sort())
  }, 120_000)
})

test('when Resource Graph refuses the identity, every subscription is read through Resource Manager', async () => {
  const estate = withoutTransportFaults(sampleEstate())
  // Requests that concern no subscription and read assignments: Resource Graph's queries alone.
  estate.faults = [{ fault: 'forbidden', on: 'assignments' }]
  const standIn = await startStandIn({ estate })
  started.push(standIn)
  const ids = estate.subscriptions.map((s) => s.subscriptionId.toLowerCase())
  const manager = await runEngine(standIn, ids, 'resource-manager')
  const graph = await runEngine(standIn, ids, 'resource-graph')
  expect(verdicts(graph.results)).toEqual(verdicts(manager.results))
  expect(graph.arm.filter(isGraphQuery).map((r) => r.status)).toEqual([403])
  expect(graph.run.stdout).toMatch(
    /Azure Resource Graph could not be read \(.*403.*\); resolving the scope and reading every subscription through Resource Manager instead\./
  )
}, 120_000)

describe('2,000 subscriptions under one management group through Resource Graph', () => {
  const bench = oneGroupEstate(2000)
  const ids = bench.subscriptionIds
  const scope = { subscriptions: '', 'management-groups': ONE_GROUP }
  // Resource Graph's discovery lists the group's subscriptions in its order, by id.
  const expected = [...ids].sort().map((id) => `${id} ${bench.expected.get(id)}`)
  const short = ids.filter((id) => bench.expected.get(id) !== 'compliant')
  // Discovery through Resource Graph: the group's subscriptions with their pricings joined, at
  // its scope, in 2 pages of 1,000 (no Resource Manager list). Then, at the group's scope: policy
  // rows in 1 page, the management groups' own assignments in 1. Then the JIT definition and the
  // benchmark (its latest for Resource Graph's rows, which name no version, and the version
  // Resource Manager reports for the re-checks), and the 40 subscriptions short of compliant read
  // again (3 each). Before the 1,960 compliant verdicts stand, one list of the exemptions at the
  // group (and above it) confirms that Resource Graph showed them all (issue 20: an identity that
  // may not read exemptions sees none in Resource Graph): one request, whatever the count.
  const DISCOVERY = 2
  const GRAPH_QUERIES = DISCOVERY + 1 + 1
  const SHARED_READS = 3
  const EXEMPTION_LISTS = 1

  test(`${GRAPH_QUERIES} Resource Graph queries, ${SHARED_READS} shared reads, ${EXEMPTION_LISTS} exemption list and 3 per re-checked subscription`, async () => {
    const standIn = await startStandIn({ estate: bench.estate })
    started.push(standIn)
    const graph = await runEngine(standIn, scope, 'resource-graph')
    expect(graph.results.map((r) => `${r.subscriptionId} ${r.verdict}`)).toEqual(expected)
    expect(graph.arm.filter(isDiscovery)).toEqual([])
    expect(graph.arm.filter(isGraphQuery)).toHaveLength(GRAPH_QUERIES)
    expect(graph.arm.filter((r) => r.status !== 200)).toEqual([])
    expect(short).toHaveLength(40)
    const perSubscription = graph.arm.filter((r) => r.subscriptionId !== undefined)
    expect(perSubscription).toHaveLength(3 * short.length)
    const exemptionLists = graph.arm.filter(
      (r) => r.subscriptionId === undefined && /\/policyExemptions$/i.test(r.path)
    )
    expect(exemptionLists.map((r) => r.path)).toEqual([
      `/providers/Microsoft.Management/managementGroups/${ONE_GROUP}/providers/Microsoft.Authorization/policyExemptions`
    ])
    expect(graph.arm).toHaveLength(
      GRAPH_QUERIES + SHARED_READS + EXEMPTION_LISTS + 3 * short.length
    )
    expect(graph.run.stdout).toMatch(
      new RegExp(
        `Discovery: 2000 subscription\\(s\\) to check, 0 skipped, 0 excluded; ${DISCOVERY} request\\(s\\) over 1 list\\(s\\) in \\d+ ms\\.`
      )
    )
    expect(graph.run.stdout).toContain(
      `Azure Resource Graph: 2000 of 2000 subscription(s) read in ${GRAPH_QUERIES - DISCOVERY} query request(s).`
    )
  }, 120_000)

  test('waits for the per-user quota when it runs out, and gives the same verdicts', async () => {
    const estate: ResourceGraphEstate = {
      ...bench.estate,
      resourceGraph: { quota: { queriesPerWindow: 2, windowMs: 1000 } }
    }
    const standIn = await startStandIn({ estate })
    started.push(standIn)
    const graph = await runEngine(standIn, scope, 'resource-graph')
    expect(graph.results.map((r) => `${r.subscriptionId} ${r.verdict}`)).toEqual(expected)
    const queries = graph.arm.filter(isGraphQuery)
    // Every page answered once; a query sent before the quota was known may meet a 429 and be
    // retried after its Retry-After.
    expect(queries.filter((r) => r.status === 200)).toHaveLength(GRAPH_QUERIES)
    expect(queries.every((r) => r.status === 200 || r.status === 429)).toBe(true)
    const first = Math.min(...queries.map((r) => r.startedAt))
    const last = Math.max(...queries.map((r) => r.startedAt))
    // 4 queries at 2 a second: the last cannot start before the second window.
    expect(last - first).toBeGreaterThanOrEqual(900)
    expect(graph.run.stdout).toMatch(/s spent waiting for the query quota\./)
  }, 120_000)
})
