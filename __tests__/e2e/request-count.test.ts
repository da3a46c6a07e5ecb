// The bundled action (dist/index.js) as a runner runs it, against the in-process stand-in: the
// exact number of Resource Manager requests for a small estate, so that a request added per
// subscription, a definition read more than once or a shared read lost fails CI. (Figures of
// time are for `npm run bench`, not for tests.)
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
import { jitEffectSet, MCSB_VERSION } from './jit-sets.ts'

const TENANT_ID = guid('e2e/request-count/tenant')
const CORP = Array.from({ length: 6 }, (_, index) => subscriptionId(100 + index))
const ONLINE = Array.from({ length: 6 }, (_, index) => subscriptionId(200 + index))
const SUBSCRIPTIONS = [...CORP, ...ONLINE]

// A custom initiative at the tenant root group, assigned at both groups: one read for both.
const BASELINE_SET_ID = `${managementGroupScope(TENANT_ID)}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
const benchmark = policyAssignment(managementGroupScope(TENANT_ID), 'mcsb', {
  displayName: 'Microsoft cloud security benchmark',
  policyDefinitionId: MCSB_SET_DEFINITION_ID,
  notScopes: [managementGroupScope('online')]
})

/**
 * 12 subscriptions, 6 in corp and 6 in online, under the tenant root group. MCSB at the root with
 * online as a notScope (the one management group a notScope names); a custom initiative (at the
 * root) assigned at corp and, with JIT Disabled, at online, and again at one online subscription;
 * an exemption at a corp subscription and one on a resource group of another.
 */
function estate(): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: guid('e2e/request-count/client'),
    managementGroups: [
      { name: 'corp', displayName: 'Corp' },
      { name: 'online', displayName: 'Online' }
    ],
    subscriptions: [
      ...CORP.map((id) => ({ subscriptionId: id, managementGroup: 'corp' })),
      ...ONLINE.map((id) => ({ subscriptionId: id, managementGroup: 'online' }))
    ],
    policySetDefinitions: [
      jitEffectSet(managementGroupScope(TENANT_ID), 'baseline', {
        allowedValues: ['AuditIfNotExists', 'Disabled']
      })
    ],
    policyAssignments: [
      benchmark,
      policyAssignment(managementGroupScope('corp'), 'baseline-corp', {
        policyDefinitionId: BASELINE_SET_ID
      }),
      policyAssignment(managementGroupScope('online'), 'baseline-online', {
        policyDefinitionId: BASELINE_SET_ID,
        parameters: { jitEffect: { value: 'Disabled' } }
      }),
      policyAssignment(subscriptionScope(ONLINE[0]!), 'baseline-here', {
        policyDefinitionId: BASELINE_SET_ID
      })
    ],
    // Defender for Servers Plan 2 everywhere: the verdicts here come from policy alone.
    pricings: SUBSCRIPTIONS.map((id) => serversPricing(id, 'Standard', 'P2')),
    policyExemptions: [
      policyExemption(subscriptionScope(CORP[0]!), 'mcsb-waiver', {
        policyAssignmentId: benchmark.id
      }),
      policyExemption(resourceGroupScope(CORP[1]!, 'rg-vm'), 'mcsb-vm-waiver', {
        policyAssignmentId: benchmark.id
      })
    ]
  }
}

/** The ARM requests of one subscription: its assignments and exemptions lists and its Defender
 * for Servers plan, nothing else. */
const SUBSCRIPTION_REQUESTS = 3
/** Read once for the whole run: the version of MCSB and of the custom initiative the assignments
 * run, the JIT definition, the descendants of the one management group a notScope names, and
 * (discovery) one page of the subscription list, for display names and states. */
const SHARED_REQUESTS = 2 + 1 + 1 + 1
/** What Azure records of the virtual machines (`virtual-machines`, on by default): three Resource
 * Graph queries for the 12 subscriptions, as for any batch of up to 1,000 (the JIT policy states,
 * the machines without one, Defender's OffByPolicy assessments), each a POST of one page. With
 * `virtual-machines: false` the run makes exactly the requests it made before the read existed. */
const MACHINE_QUERIES = 3

let standIn: StandIn
let run: ActionRun
let arm: RequestRecord[]

/** Runs the bundled action over the estate; the ARM requests it made. */
async function armRequestsOf(extraInputs: Record<string, string> = {}) {
  standIn = await startStandIn({ estate: estate(), latencyMs: 0 })
  run = await runAction({
    standIn,
    inputs: {
      subscriptions: SUBSCRIPTIONS.join('\n'),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      ...extraInputs
    }
  })
  return standIn.requests.filter((request) => request.service === 'arm')
}

beforeAll(async () => {
  arm = await armRequestsOf()
})

afterAll(async () => {
  await standIn?.close()
})

const lower = (text: string) => text.toLowerCase()

describe('the bundled action against 12 subscriptions in 2 management groups', () => {
  test('runs to its verdicts (the request count below is of a complete run)', () => {
    const results = JSON.parse(run.outputs.results ?? '[]') as {
      subscriptionId: string
      verdict: string
    }[]
    expect(results.map((result) => result.subscriptionId).sort()).toEqual([...SUBSCRIPTIONS].sort())
    const verdictOf = new Map(results.map((result) => [result.subscriptionId, result.verdict]))
    expect(CORP.map((id) => verdictOf.get(id))).toEqual(Array(6).fill('compliant'))
    expect(ONLINE.map((id) => verdictOf.get(id))).toEqual([
      'compliant',
      ...Array(5).fill('noncompliant')
    ])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toBe('')
  })

  test(`makes exactly ${SUBSCRIPTION_REQUESTS} ARM requests per subscription plus ${SHARED_REQUESTS} shared ones and ${MACHINE_QUERIES} machine queries`, () => {
    expect(arm).toHaveLength(
      SUBSCRIPTION_REQUESTS * SUBSCRIPTIONS.length + SHARED_REQUESTS + MACHINE_QUERIES
    )
  })

  test('every ARM request is a GET but the machine queries (POSTs to Resource Graph), each answered 200', () => {
    const posts = arm.filter((request) => request.method !== 'GET')
    expect(posts.map((request) => lower(request.path))).toEqual(
      Array(MACHINE_QUERIES).fill('/providers/microsoft.resourcegraph/resources')
    )
    expect(arm.filter((request) => request.status !== 200)).toEqual([])
  })

  test('per subscription: the unfiltered assignments list with the versions, the exemptions, the plan', () => {
    for (const id of SUBSCRIPTIONS) {
      const own = arm.filter((request) => lower(request.subscriptionId ?? '') === lower(id))
      const paths = own.map((request) => lower(request.path)).sort()
      expect(paths).toEqual([
        lower(`/subscriptions/${id}/providers/Microsoft.Authorization/policyAssignments`),
        lower(`/subscriptions/${id}/providers/Microsoft.Authorization/policyExemptions`),
        lower(`/subscriptions/${id}/providers/Microsoft.Security/pricings/VirtualMachines`)
      ])
      const assignments = own.find((request) => lower(request.path).endsWith('/policyassignments'))
      expect(assignments?.query.$filter).toBeUndefined()
      expect(assignments?.query.$expand).toBe('LatestDefinitionVersion, EffectiveDefinitionVersion')
    }
  })

  test('the shared reads: each set definition once, the JIT definition once, one descendants read, the subscription list', () => {
    const shared = arm
      .filter((request) => request.subscriptionId === undefined && request.method === 'GET')
      .map((request) => lower(request.path))
      .sort()
    // Each set at the version its assignments run (ARM reports it: no version list is needed).
    expect(shared).toEqual(
      [
        `${BASELINE_SET_ID}/versions/1.0.0`,
        `${MCSB_SET_DEFINITION_ID}/versions/${MCSB_VERSION}`,
        JIT_POLICY_DEFINITION_ID,
        `${managementGroupScope('online')}/descendants`,
        '/subscriptions'
      ]
        .map(lower)
        .sort()
    )
  })
})

describe('with virtual-machines: false', () => {
  let withoutMachines: RequestRecord[]
  beforeAll(async () => {
    await standIn.close()
    withoutMachines = await armRequestsOf({ 'virtual-machines': 'false' })
  })

  test(`makes the requests of a run before the machine read: ${SUBSCRIPTION_REQUESTS} per subscription plus ${SHARED_REQUESTS} shared ones, all GETs`, () => {
    expect(withoutMachines).toHaveLength(
      SUBSCRIPTION_REQUESTS * SUBSCRIPTIONS.length + SHARED_REQUESTS
    )
    expect(withoutMachines.filter((request) => request.method !== 'GET')).toEqual([])
    expect(run.stderr).toBe('')
  })
})

describe('with defender-plan-check: false', () => {
  let withoutPlan: RequestRecord[]
  beforeAll(async () => {
    await standIn.close()
    withoutPlan = await armRequestsOf({
      'defender-plan-check': 'false',
      'virtual-machines': 'false'
    })
  })

  test(`makes ${SUBSCRIPTION_REQUESTS - 1} ARM requests per subscription plus the same shared ones, none to Microsoft.Security`, () => {
    expect(withoutPlan).toHaveLength(
      (SUBSCRIPTION_REQUESTS - 1) * SUBSCRIPTIONS.length + SHARED_REQUESTS
    )
    expect(withoutPlan.filter((request) => /microsoft\.security/i.test(request.path))).toEqual([])
    expect(run.stderr).toBe('')
  })
})
