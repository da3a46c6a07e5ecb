// Issue 12 end to end: the bundled action against an estate with an assignment on a resource group
// inside a subscription, an exemption with resource selectors, a set whose versions wire JIT
// differently, and Defender for Servers plans P2, P1, Free, unreadable and not read.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  serversPricing,
  subscriptionId,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import { startStandIn, type RequestRecord, type StandIn } from '../../standin/server.ts'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'
import { versionedJitSets } from './jit-sets.ts'

const TENANT_ID = guid('e2e/real-estates/tenant')
const [RG_ONLY, SELECTED, PINNED, LATEST, P2, P1, FREE, HIDDEN] = Array.from(
  { length: 8 },
  (_, index) => subscriptionId(300 + index)
) as [string, string, string, string, string, string, string, string]
const SUBSCRIPTIONS = [RG_ONLY, SELECTED, PINNED, LATEST, P2, P1, FREE, HIDDEN]

const MCSB = policyAssignment(managementGroupScope('audited'), 'mcsb', {
  policyDefinitionId: MCSB_SET_DEFINITION_ID
})
const RG_ASSIGNMENT = policyAssignment(resourceGroupScope(RG_ONLY, 'vms'), 'jit-on-vms', {
  policyDefinitionId: JIT_POLICY_DEFINITION_ID
})
const SET_ID = `${managementGroupScope(TENANT_ID)}/providers/Microsoft.Authorization/policySetDefinitions/versioned`
/** 1.0.0 audits JIT through a parameter; 2.0.0 disables it outright. */
const VERSIONS = versionedJitSets(TENANT_ID)

function estate(): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: guid('e2e/real-estates/client'),
    managementGroups: [{ name: 'audited' }],
    subscriptions: [
      { subscriptionId: RG_ONLY, resourceGroups: ['vms'] },
      { subscriptionId: SELECTED, managementGroup: 'audited' },
      { subscriptionId: PINNED },
      { subscriptionId: LATEST },
      ...[P2, P1, FREE].map((id) => ({ subscriptionId: id, managementGroup: 'audited' })),
      {
        subscriptionId: HIDDEN,
        managementGroup: 'audited',
        faults: [{ fault: 'forbidden' as const, on: 'pricings' as const }]
      }
    ],
    policySetDefinitions: VERSIONS,
    policyAssignments: [
      MCSB,
      RG_ASSIGNMENT,
      policyAssignment(subscriptionScope(PINNED), 'pinned', {
        policyDefinitionId: SET_ID,
        definitionVersion: '1.*.*'
      }),
      policyAssignment(subscriptionScope(LATEST), 'latest', { policyDefinitionId: SET_ID })
    ],
    policyExemptions: [
      // Leaves out virtual machines: exempts nothing the JIT policy audits.
      policyExemption(subscriptionScope(SELECTED), 'storage-only', {
        policyAssignmentId: MCSB.id,
        expiresOn: null,
        resourceSelectors: [
          {
            name: 'storage',
            selectors: [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
          }
        ]
      })
    ],
    pricings: [
      ...[RG_ONLY, SELECTED, PINNED, LATEST, P2].map((id) => serversPricing(id, 'Standard', 'P2')),
      serversPricing(P1, 'Standard', 'P1'),
      serversPricing(FREE, 'Free')
    ]
  }
}

interface Result {
  subscriptionId: string
  verdict: string
  reason: string
  assignments: { id: string; scope: string; coverage: string; exemptionIds?: string[] }[]
}

let standIn: StandIn

async function check(inputs: Record<string, string> = {}) {
  standIn = await startStandIn({ estate: estate(), latencyMs: 0 })
  const run: ActionRun = await runAction({
    standIn,
    inputs: {
      subscriptions: SUBSCRIPTIONS.join('\n'),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      'fail-on': 'none',
      ...inputs
    }
  })
  const results = JSON.parse(run.outputs.results ?? '[]') as Result[]
  const arm: RequestRecord[] = standIn.requests.filter((request) => request.service === 'arm')
  await standIn.close()
  return { run, arm, result: (id: string) => results.find((r) => r.subscriptionId === id)! }
}

afterAll(async () => {
  await standIn?.close()
})

const lower = (text: string) => text.toLowerCase()

describe('what the collector reads and passes on', () => {
  let checked: Awaited<ReturnType<typeof check>>
  beforeAll(async () => {
    checked = await check()
  })

  test('runs to a verdict for every subscription', () => {
    expect(checked.run.exitCode).toBe(0)
    expect(checked.run.stderr).toBe('')
    for (const id of SUBSCRIPTIONS) expect(checked.result(id)).toBeDefined()
  })

  test('the assignment on a resource group inside the subscription reaches the evidence', () => {
    expect(checked.result(RG_ONLY).assignments).toEqual([
      expect.objectContaining({ id: RG_ASSIGNMENT.id, scope: resourceGroupScope(RG_ONLY, 'vms') })
    ])
  })

  test('each version of the set is read once, at the version its assignment runs', () => {
    const setReads = checked.arm
      .filter((request) => lower(request.path).startsWith(lower(SET_ID)))
      .map((request) => lower(request.path))
      .sort()
    expect(setReads).toEqual([`${lower(SET_ID)}/versions/1.0.0`, `${lower(SET_ID)}/versions/2.0.0`])
  })

  test('the unpinned assignment runs the latest version, which disables JIT', () => {
    expect(checked.result(LATEST).verdict).toBe('noncompliant')
  })

  test('the plan of every subscription is read once', () => {
    for (const id of SUBSCRIPTIONS) {
      const reads = checked.arm.filter(
        (request) =>
          lower(request.path) ===
          lower(`/subscriptions/${id}/providers/Microsoft.Security/pricings/VirtualMachines`)
      )
      expect(reads.map((request) => request.status)).toEqual([id === HIDDEN ? 403 : 200])
    }
  })

  // The verdicts below need the evaluator half of issue 12 (src/evaluate/**): it looks sets up by
  // setDefinitionKey(id, assignment.definitionVersion), reads exemption resource selectors,
  // assignments inside the subscription and snapshot.defenderForServers.
  test('verdicts: resource group only partial; selectors leave VMs out; pinned 1.*.* audits', () => {
    expect(checked.result(RG_ONLY).verdict).toBe('partial')
    expect(checked.result(SELECTED).verdict).toBe('compliant')
    expect(checked.result(PINNED).verdict).toBe('compliant')
  })

  test('verdicts: plan P2 compliant; P1, Free and unreadable partial', () => {
    expect(checked.result(P2).verdict).toBe('compliant')
    expect(checked.result(P1).verdict).toBe('partial')
    expect(checked.result(P1).reason).toMatch(/Plan 2/)
    expect(checked.result(FREE).verdict).toBe('partial')
    expect(checked.result(HIDDEN).verdict).toBe('partial')
    expect(checked.result(HIDDEN).reason).toMatch(
      /Defender for Servers plan could not be read \(.*403.*\): JIT needs Plan 2, and a plan that cannot be read counts as no better than Plan 1/
    )
  })
})

describe('with defender-plan-check: false', () => {
  let checked: Awaited<ReturnType<typeof check>>
  beforeAll(async () => {
    checked = await check({ 'defender-plan-check': 'false' })
  })

  test('no plan is read, and a Free plan does not narrow the verdict', () => {
    expect(checked.arm.filter((request) => /microsoft\.security/i.test(request.path))).toEqual([])
    expect(checked.result(P2).verdict).toBe('compliant')
    expect(checked.result(FREE).verdict).toBe('compliant')
    expect(checked.result(FREE).reason).not.toMatch(/Plan 2/)
  })
})
