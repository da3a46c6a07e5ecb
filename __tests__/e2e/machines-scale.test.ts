// What Azure records of 50,000 virtual machines in 10,000 subscriptions, through the bundled
// action against the stand-in (issue 23): at most 3 more Resource Graph queries per 1,000
// subscriptions than a run that does not read the machines, every machine counted and every
// flagged one listed in the results file, and the outputs within GitHub's 1 MB per job.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import {
  managementGroupScope,
  subscriptionId,
  virtualMachine,
  type VirtualMachine
} from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'
import { oneGroupEstate } from './one-group-estate.ts'

const COUNT = 10_000
const PER_SUBSCRIPTION = 5
const ids = Array.from({ length: COUNT }, (_, n) => subscriptionId(200_000 + n))
// Every 10th subscription is under the group without the JIT audit: its machines have no state.
const unaudited = (n: number) => n % 10 === 0
const JIT_ASSIGNMENT = `${managementGroupScope('audited')}/providers/Microsoft.Authorization/policyAssignments/jit`

/** Five machines a subscription; under the audit, the last one flagged. */
function machines(): VirtualMachine[] {
  return ids.flatMap((id, n) =>
    Array.from({ length: PER_SUBSCRIPTION }, (_, m) =>
      virtualMachine(id, 'rg-app', `vm-${m}`, {
        policyStates: unaudited(n)
          ? []
          : [
              {
                policyAssignmentId: JIT_ASSIGNMENT,
                complianceState: m === PER_SUBSCRIPTION - 1 ? 'NonCompliant' : 'Compliant'
              }
            ]
      })
    )
  )
}

interface Result {
  subscriptionId: string
  verdict: string
  virtualMachines: { evaluated: number; flagged: number; notAudited: number | null } | null
  crossCheck: string
  flaggedVirtualMachines?: { id: string; policyAssignmentId: string }[]
}

let standIn: StandIn
const runs: Record<'with' | 'without', { run: ActionRun; graphQueries: number; file: string }> =
  {} as never

/** Resource Graph queries answered since request `from` (a query throttled and sent again is one
 * query: the quota gate, not the machines, decides how many 429s a run meets). */
const graphQueries = (from: number) =>
  standIn.requests
    .slice(from)
    .filter(
      (r) =>
        r.path.toLowerCase() === '/providers/microsoft.resourcegraph/resources' && r.status !== 429
    ).length

async function runWith(virtualMachines: 'true' | 'false') {
  const from = standIn.requests.length
  const run = await runAction({
    standIn,
    inputs: {
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      subscriptions: '',
      'management-groups': 'landing-zones',
      engine: 'resource-graph',
      'sarif-file': '',
      'virtual-machines': virtualMachines
    },
    keepWorkspace: true
  })
  const file = await readFile(run.outputs['results-file'] ?? '', 'utf8')
  await rm(run.workspace, { recursive: true, force: true })
  return { run, graphQueries: graphQueries(from), file }
}

beforeAll(async () => {
  standIn = await startStandIn({
    estate: {
      ...oneGroupEstate('machines-scale', ids, { unaudited, plan2: true }),
      virtualMachines: machines()
    },
    latencyMs: 0
  })
  runs.without = await runWith('false')
  runs.with = await runWith('true')
}, 300_000)

afterAll(async () => {
  await standIn?.close()
})

describe(`${COUNT.toLocaleString('en')} subscriptions with ${(COUNT * PER_SUBSCRIPTION).toLocaleString('en')} virtual machines, resource-graph engine`, () => {
  test('at most 3 more Resource Graph queries per 1,000 subscriptions, and the same verdicts', () => {
    const more = runs.with.graphQueries - runs.without.graphQueries
    expect(more).toBeGreaterThan(0)
    expect(more).toBeLessThanOrEqual((3 * COUNT) / 1000)
    const verdicts = (file: string) =>
      (JSON.parse(file) as Result[]).map((r) => `${r.subscriptionId} ${r.verdict}`)
    expect(verdicts(runs.with.file)).toEqual(verdicts(runs.without.file))
    expect(runs.with.run.stderr).toBe('')
  })

  test('the results file counts every machine and lists every flagged one', () => {
    const results = JSON.parse(runs.with.file) as Result[]
    expect(results).toHaveLength(COUNT)
    const byId = new Map(results.map((r) => [r.subscriptionId, r]))
    ids.forEach((id, n) => {
      const result = byId.get(id)
      if (unaudited(n)) {
        expect(result).toMatchObject({
          verdict: 'noncompliant',
          virtualMachines: { evaluated: 0, flagged: 0, notAudited: PER_SUBSCRIPTION },
          crossCheck: 'agrees'
        })
        expect(result?.flaggedVirtualMachines).toEqual([])
      } else {
        expect(result).toMatchObject({
          verdict: 'compliant',
          virtualMachines: { evaluated: PER_SUBSCRIPTION, flagged: 1, notAudited: 0 },
          crossCheck: 'agrees'
        })
        expect(result?.flaggedVirtualMachines).toEqual([
          expect.objectContaining({
            id: expect.stringMatching(new RegExp(`^/subscriptions/${id}/.*/vm-4$`, 'i')),
            policyAssignmentId: JIT_ASSIGNMENT
          })
        ])
      }
    })
  })

  test("the outputs stay within GitHub's 1 MB a job, counted as UTF-16", () => {
    const size = Object.entries(runs.with.run.outputs).reduce(
      (sum, [name, value]) => sum + name.length + value.length,
      0
    )
    expect(size).toBeLessThan(1_000_000)
    expect(runs.with.run.outputs['results-trimmed']).toBe('true')
  })
})
