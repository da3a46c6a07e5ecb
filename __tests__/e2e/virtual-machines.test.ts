// The machines the JIT policy flags and Azure's second opinion, end to end through the bundle
// (dist/index.js) against the stand-in, on both engines: the flagged machines counted in the
// `results` output and listed in the results file, the sample's disagreement (corp-dev) in the
// summary and as a warning, a refused read `unavailable` with the permission to add and the
// verdicts as they were, a throttled read retried.
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import type { Estate } from '../../standin/estate/index.ts'
import type { StandIn } from '../../standin/server.ts'
import type { ActionRun } from '../../scripts/run-action.ts'
import { SAMPLE_SUBSCRIPTIONS, sampleEstate } from '../../scripts/sample-estate.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const idOf = (name: string) =>
  SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === name)?.subscriptionId ?? ''
const SUBSCRIPTIONS = SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId).join('\n')

interface Result {
  subscriptionId: string
  verdict: string
  virtualMachines?: { evaluated: number; flagged: number; notAudited: number | null } | null
  crossCheck?: string
  crossCheckReason?: string
  flaggedVirtualMachines?: {
    id: string
    resourceGroup: string
    location: string
    policyAssignmentId: string
  }[]
}

const byName = (results: Result[]) =>
  Object.fromEntries(
    SAMPLE_SUBSCRIPTIONS.map((entry) => [
      entry.name,
      results.find((r) => r.subscriptionId === entry.subscriptionId)
    ])
  )

async function resultsFile(run: ActionRun): Promise<Result[]> {
  return JSON.parse(await readFile(run.outputs['results-file'] ?? '', 'utf8')) as Result[]
}

const resourceGraphRequests = (standIn: StandIn) =>
  standIn.requests.filter(
    (r) => r.path.toLowerCase() === '/providers/microsoft.resourcegraph/resources'
  )

describe.each(['resource-manager', 'resource-graph'])('the sample estate, %s engine', (engine) => {
  test('flagged machines counted and listed, corp-dev disagreeing, the verdicts as decided from the assignments', async () => {
    await runOnFreshStandIn(
      sampleEstate(),
      { subscriptions: SUBSCRIPTIONS, engine },
      async (run) => {
        expect(run.stderr).toBe('')
        const output = byName(JSON.parse(run.outputs.results ?? '[]') as Result[])
        expect(output['corp-data']).toMatchObject({
          verdict: 'partial',
          // bastion-1's only JIT state is Exempt: never evaluated.
          virtualMachines: { evaluated: 1, flagged: 1, notAudited: 1 },
          crossCheck: 'agrees'
        })
        expect(output['corp-data']).not.toHaveProperty('flaggedVirtualMachines')
        expect(output['corp-dev']).toMatchObject({
          verdict: 'compliant',
          virtualMachines: { evaluated: 1, flagged: 0, notAudited: 1 },
          crossCheck: 'disagrees',
          crossCheckReason: expect.stringMatching(
            /1 that Defender for Cloud says the policy is off for .*every 24 hours/
          )
        })
        expect(output['corp-prod']).toMatchObject({
          verdict: 'compliant',
          virtualMachines: { evaluated: 3, flagged: 1, notAudited: 0 },
          crossCheck: 'agrees'
        })
        expect(output['sandbox-alice']).toMatchObject({
          verdict: 'noncompliant',
          crossCheck: 'agrees'
        })
        expect(output['online-api']).toMatchObject({ verdict: 'error', crossCheck: 'unavailable' })

        const file = byName(await resultsFile(run))
        expect(file['corp-data']?.flaggedVirtualMachines).toEqual([
          {
            id: `/subscriptions/${idOf('corp-data')}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app-1`,
            resourceGroup: 'rg-app',
            location: 'westeurope',
            policyAssignmentId:
              '/providers/Microsoft.Management/managementGroups/landing-zones/providers/Microsoft.Authorization/policyAssignments/mcsb-landing-zones'
          }
        ])
        expect(file['platform-identity']?.flaggedVirtualMachines?.map((m) => m.location)).toEqual([
          'northeurope'
        ])

        expect(run.summary).toContain('### Virtual machines')
        expect(run.summary).toMatch(
          /\[app-1\]\(https:\/\/portal\.azure\.com\/#@[0-9a-f-]+\/resource\/subscriptions\//
        )
        expect(run.stdout).toMatch(
          /::warning::Subscription .*corp-dev.* is compliant by its assignments, but Azure's own record disagrees/
        )
        expect(run.exitCode).toBe(1)
      }
    )
  })
})

test('virtual-machines: false reads nothing more, and says so in each result', async () => {
  await runOnFreshStandIn(
    sampleEstate(),
    { subscriptions: SUBSCRIPTIONS, 'virtual-machines': 'false' },
    (run, standIn) => {
      const results = JSON.parse(run.outputs.results ?? '[]') as Result[]
      expect(
        results.every((r) => r.virtualMachines === null && r.crossCheck === 'unavailable')
      ).toBe(true)
      expect(resourceGraphRequests(standIn)).toEqual([])
      expect(run.summary).not.toContain('### Virtual machines')
    }
  )
})

/** The sample estate where Resource Graph refuses every query, and Policy Insights too. */
function refused(): Estate {
  const estate = sampleEstate()
  estate.faults = [{ fault: 'forbidden', on: 'assignments' }]
  estate.subscriptions = estate.subscriptions.map((s) => ({
    ...s,
    faults: [...(s.faults ?? []), { fault: 'forbidden' as const, on: 'policy-states' as const }]
  }))
  return estate
}

test('a refused read: unavailable with the permission to add, the verdicts and the outcome as without it', async () => {
  let verdicts: string[] = []
  await runOnFreshStandIn(
    sampleEstate(),
    { subscriptions: SUBSCRIPTIONS, 'virtual-machines': 'false' },
    (run) => {
      verdicts = (JSON.parse(run.outputs.results ?? '[]') as Result[]).map((r) => r.verdict)
    }
  )
  await runOnFreshStandIn(refused(), { subscriptions: SUBSCRIPTIONS }, (run, standIn) => {
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(1)
    const results = JSON.parse(run.outputs.results ?? '[]') as Result[]
    expect(results.map((r) => r.verdict)).toEqual(verdicts)
    const corpProd = byName(results)['corp-prod']
    expect(corpProd).toMatchObject({
      virtualMachines: null,
      crossCheck: 'unavailable',
      crossCheckReason: expect.stringMatching(
        /may not read the JIT policy states .*403 AuthorizationFailed.*Reader role on the subscription.*Microsoft\.PolicyInsights\/policyStates\/queryResults\/read/
      )
    })
    expect(run.summary).toContain('**Could not be compared**')
    const states = standIn.requests.filter((r) => r.path.endsWith('/queryResults'))
    expect(states.length).toBeGreaterThan(0)
    expect(states.every((r) => r.status === 403)).toBe(true)
  })
})

test('a throttled Resource Graph query is retried after its Retry-After', async () => {
  const estate = sampleEstate()
  estate.faults = [{ fault: 'throttle', on: 'assignments', times: 1, retryAfterSeconds: 1 }]
  await runOnFreshStandIn(estate, { subscriptions: SUBSCRIPTIONS }, (run, standIn) => {
    const graph = resourceGraphRequests(standIn)
    expect(graph[0]?.status).toBe(429)
    expect(graph.slice(1).every((r) => r.status === 200)).toBe(true)
    expect(graph.length).toBe(4)
    const corpDev = byName(JSON.parse(run.outputs.results ?? '[]') as Result[])['corp-dev']
    expect(corpDev).toMatchObject({ crossCheck: 'disagrees' })
  })
})

test('a compliant subscription whose machines have only Exempt or Unknown JIT states: not audited, and Azure disagrees', async () => {
  const estate = sampleEstate()
  const corpProd = (estate.virtualMachines ?? []).filter((vm) => vm.id.includes(idOf('corp-prod')))
  corpProd.forEach((vm, n) => {
    vm.policyStates = vm.policyStates?.map((state) => ({
      ...state,
      complianceState: n === 0 ? 'Exempt' : 'Unknown'
    }))
  })
  await runOnFreshStandIn(estate, { subscriptions: idOf('corp-prod') }, (run) => {
    expect(run.stderr).toBe('')
    const result = byName(JSON.parse(run.outputs.results ?? '[]') as Result[])['corp-prod']
    expect(result).toMatchObject({
      verdict: 'compliant',
      virtualMachines: { evaluated: 0, flagged: 0, notAudited: corpProd.length },
      crossCheck: 'disagrees',
      crossCheckReason: expect.stringContaining(
        `${corpProd.length} of ${corpProd.length} virtual machines with no Compliant or NonCompliant JIT policy state`
      )
    })
    expect(run.stdout).toMatch(
      /::warning::Subscription .*corp-prod.* is compliant by its assignments, but Azure's own record disagrees/
    )
  })
})

test('corp-data compliant by its accepted Mitigated exemption: its Exempt bastion is no disagreement, on both engines', async () => {
  for (const engine of ['resource-manager', 'resource-graph']) {
    await runOnFreshStandIn(
      sampleEstate(),
      { subscriptions: idOf('corp-data'), engine, 'accept-mitigated-exemptions': 'true' },
      (run) => {
        expect(run.stderr).toBe('')
        const result = byName(JSON.parse(run.outputs.results ?? '[]') as Result[])['corp-data']
        expect(result).toMatchObject({
          verdict: 'compliant',
          virtualMachines: { evaluated: 1, flagged: 1, notAudited: 1 },
          crossCheck: 'agrees',
          crossCheckReason: expect.stringContaining(
            '(1 of them Exempt, under exemptions this run accepts)'
          )
        })
        expect(run.stdout).not.toMatch(/::warning::Subscription .*corp-data/)
      }
    )
  }
})
