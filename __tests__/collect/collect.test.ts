import { describe, expect, test } from '@jest/globals'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  policySetDefinition,
  resourceGroupScope,
  subscriptionId,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import type { SubscriptionSnapshot } from '../../src/model.ts'
import type { Collected } from '../../src/collect/index.ts'
import {
  armRequests,
  CLIENT_ID,
  collectFrom,
  readsFrom,
  TENANT_ID,
  withStandIn
} from './harness.ts'

const SUBSCRIPTION = subscriptionId(1)
const CUSTOM_SET_ID = `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policySetDefinitions/corp-baseline`

function estateOf(count: number, extra: Partial<Estate> = {}): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    managementGroups: [
      { name: 'corp', displayName: 'Contoso' },
      { name: 'prod', displayName: 'Production', parent: 'corp' }
    ],
    subscriptions: Array.from({ length: count }, (_, index) => ({
      subscriptionId: subscriptionId(index + 1),
      managementGroup: 'prod',
      resourceGroups: ['app']
    })),
    policyAssignments: [
      policyAssignment(managementGroupScope('corp'), 'mcsb', {
        displayName: 'Microsoft cloud security benchmark',
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      })
    ],
    ...extra
  }
}

function snapshotOf(collected: Collected): SubscriptionSnapshot {
  if (!('snapshot' in collected)) throw new Error(`expected a snapshot, got: ${collected.failure}`)
  return collected.snapshot
}

function failureOf(collected: Collected): string {
  if (!('failure' in collected)) throw new Error('expected a failure')
  return collected.failure
}

function causeOf(collected: Collected): string {
  if (!('cause' in collected)) throw new Error('expected a failure')
  return collected.cause
}

describe('collectSubscriptions against the stand-in', () => {
  test('holds at most a pool of reads: a worker takes the next subscription once its read is taken', async () => {
    await withStandIn(estateOf(6), async (standIn) => {
      const ids = Array.from({ length: 6 }, (_, index) => subscriptionId(index + 1))
      const reads = await readsFrom(standIn, ids, {}, 2)
      const touched = () => new Set(armRequests(standIn).map((request) => request.subscriptionId))
      const first = await reads.next()
      // The caller holds the first read: the other worker finishes its own and waits too.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(touched().size - (touched().has(undefined) ? 1 : 0)).toBe(2)
      const indexes = [(first.value as { index: number }).index]
      for await (const read of reads) indexes.push(read.index)
      expect(indexes.sort()).toEqual([0, 1, 2, 3, 4, 5])
    })
  })

  test('20 subscriptions: one OIDC request, one token, three ARM requests each plus the shared definitions', async () => {
    await withStandIn(estateOf(20), async (standIn) => {
      const ids = Array.from({ length: 20 }, (_, index) => subscriptionId(index + 1))
      const collected = await collectFrom(standIn, ids)
      expect(collected.map((entry) => entry.subscriptionId)).toEqual(ids)
      for (const entry of collected) {
        const snapshot = snapshotOf(entry)
        expect(snapshot.assignments.map((assignment) => assignment.name)).toEqual(['mcsb'])
        expect(snapshot.setDefinitions[MCSB_SET_DEFINITION_ID.toLowerCase()]?.name).toBe(
          '1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
        )
        expect(snapshot.jitPolicyDefinition.parameters.effect?.defaultValue).toBe(
          'AuditIfNotExists'
        )
      }
      expect(standIn.requests.filter((request) => request.service === 'oidc')).toHaveLength(1)
      expect(standIn.tokensIssued()).toBe(1)
      const arm = armRequests(standIn)
      // Per subscription: assignments, exemptions and the Defender for Servers plan; shared: the
      // version of the set the assignment runs, and the JIT definition.
      expect(arm).toHaveLength(20 * 3 + 2)
      for (const id of ids) {
        expect(arm.filter((request) => request.subscriptionId === id)).toHaveLength(3)
      }
      expect(arm.every((request) => request.method === 'GET')).toBe(true)
      const assignmentsRequest = arm.find((request) => /policyAssignments$/i.test(request.path))
      expect(assignmentsRequest?.query.$filter).toBeUndefined()
      expect(assignmentsRequest?.query.$expand).toBe(
        'LatestDefinitionVersion, EffectiveDefinitionVersion'
      )
    })
  })

  test('50 subscriptions sharing the Microsoft cloud security benchmark cost one set-definition request', async () => {
    await withStandIn(estateOf(50), async (standIn) => {
      const ids = Array.from({ length: 50 }, (_, index) => subscriptionId(index + 1))
      const collected = await collectFrom(standIn, ids, { maxConcurrency: 16 })
      expect(collected.every((entry) => 'snapshot' in entry)).toBe(true)
      const setRequests = armRequests(standIn).filter((request) =>
        /policySetDefinitions/i.test(request.path)
      )
      expect(setRequests).toHaveLength(1)
      expect(armRequests(standIn)).toHaveLength(50 * 3 + 2)
    })
  })

  test('never has more than max-concurrency ARM requests in flight', async () => {
    const estate = { ...estateOf(12), latencyMs: 40 }
    await withStandIn(estate, async (standIn) => {
      const ids = Array.from({ length: 12 }, (_, index) => subscriptionId(index + 1))
      await collectFrom(standIn, ids, { maxConcurrency: 3 })
      const arm = armRequests(standIn)
      const peak = Math.max(
        ...arm.map(
          (request) =>
            arm.filter(
              (other) => other.startedAt <= request.startedAt && other.endedAt > request.startedAt
            ).length
        )
      )
      expect(peak).toBeLessThanOrEqual(3)
      expect(peak).toBe(3)
    })
  })

  test('reads above the subscriptions jump the queue: every subscription waits on them', async () => {
    await withStandIn(estateOf(6), async (standIn) => {
      const ids = Array.from({ length: 6 }, (_, index) => subscriptionId(index + 1))
      await collectFrom(standIn, ids, { maxConcurrency: 1 }, 6)
      const paths = armRequests(standIn).map((request) => request.path.toLowerCase())
      const firstAssignments = paths.findIndex((path) => path.endsWith('/policyassignments'))
      const setDefinition = paths.findIndex((path) => path.includes('/policysetdefinitions/'))
      // With one request at a time and six subscriptions' lists waiting, the set is read as soon
      // as the first assignments list names it (one request may take the freed slot first).
      expect(firstAssignments).toBeGreaterThanOrEqual(0)
      expect(setDefinition).toBeLessThanOrEqual(firstAssignments + 2)
    })
  })

  test('follows nextLink across three pages', async () => {
    const assignments = Array.from({ length: 5 }, (_, index) =>
      policyAssignment(subscriptionScope(SUBSCRIPTION), `audit-${index}`, {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID
      })
    )
    await withStandIn(
      estateOf(1, { pageSize: 2, policyAssignments: assignments }),
      async (standIn) => {
        const [collected] = await collectFrom(standIn, [SUBSCRIPTION])
        expect(snapshotOf(collected!).assignments).toHaveLength(5)
        const pages = armRequests(standIn).filter((request) =>
          /policyAssignments$/i.test(request.path)
        )
        expect(pages).toHaveLength(3)
      }
    )
  })

  test('reads exemptions on a resource group and a custom set at a management group', async () => {
    const exemptionScope = resourceGroupScope(SUBSCRIPTION, 'app')
    const assignmentId = `${managementGroupScope('prod')}/providers/Microsoft.Authorization/policyAssignments/corp-baseline`
    const estate = estateOf(1, {
      policyAssignments: [
        policyAssignment(managementGroupScope('prod'), 'corp-baseline', {
          displayName: 'Corp baseline',
          policyDefinitionId: CUSTOM_SET_ID
        })
      ],
      policySetDefinitions: [
        policySetDefinition(managementGroupScope('corp'), 'corp-baseline', {
          parameters: { jitEffect: { type: 'String', defaultValue: 'AuditIfNotExists' } },
          policyDefinitions: [
            {
              policyDefinitionReferenceId: 'jit',
              policyDefinitionId: JIT_POLICY_DEFINITION_ID,
              parameters: { effect: { value: "[parameters('jitEffect')]" } }
            }
          ]
        })
      ],
      policyExemptions: [
        policyExemption(exemptionScope, 'app-waiver', {
          policyAssignmentId: assignmentId,
          policyDefinitionReferenceIds: ['jit'],
          expiresOn: '2099-01-01T00:00:00Z'
        })
      ]
    })
    await withStandIn(estate, async (standIn) => {
      const snapshot = snapshotOf((await collectFrom(standIn, [SUBSCRIPTION]))[0]!)
      expect(snapshot.exemptions).toEqual([
        {
          id: `${exemptionScope}/providers/Microsoft.Authorization/policyExemptions/app-waiver`,
          name: 'app-waiver',
          displayName: undefined,
          scope: exemptionScope,
          policyAssignmentId: assignmentId,
          policyDefinitionReferenceIds: ['jit'],
          exemptionCategory: 'Waiver',
          expiresOn: '2099-01-01T00:00:00Z',
          resourceSelectors: []
        }
      ])
      const set = snapshot.setDefinitions[CUSTOM_SET_ID.toLowerCase()]
      expect(set?.policyDefinitions).toEqual([
        {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID,
          policyDefinitionReferenceId: 'jit',
          parameters: { effect: { value: "[parameters('jitEffect')]" } }
        }
      ])
      expect(set?.parameters.jitEffect?.defaultValue).toBe('AuditIfNotExists')
      expect(snapshot.assignments[0]).toMatchObject({
        displayName: 'Corp baseline',
        scope: managementGroupScope('prod'),
        enforcementMode: 'Default',
        notScopes: []
      })
    })
  })

  test('reads the ancestry once per management group named in a notScope', async () => {
    const estate = estateOf(3, {
      managementGroups: [
        { name: 'corp' },
        { name: 'prod', parent: 'corp' },
        { name: 'sandbox', parent: 'corp' }
      ],
      subscriptions: [
        { subscriptionId: subscriptionId(1), managementGroup: 'prod' },
        { subscriptionId: subscriptionId(2), managementGroup: 'prod' },
        { subscriptionId: subscriptionId(3), managementGroup: 'sandbox' }
      ],
      policyAssignments: [
        policyAssignment(managementGroupScope('corp'), 'mcsb', {
          policyDefinitionId: MCSB_SET_DEFINITION_ID,
          notScopes: [managementGroupScope('sandbox')]
        })
      ]
    })
    await withStandIn(estate, async (standIn) => {
      const collected = await collectFrom(standIn, [1, 2, 3].map(subscriptionId))
      expect(snapshotOf(collected[0]!).managementGroupAncestry).toEqual([])
      expect(snapshotOf(collected[2]!).managementGroupAncestry).toEqual([
        managementGroupScope('sandbox')
      ])
      const ancestry = armRequests(standIn).filter((request) => /descendants$/i.test(request.path))
      expect(ancestry).toHaveLength(1)
    })
  })

  test('an unreadable management group leaves the ancestry unknown, with the reason', async () => {
    const estate = estateOf(1, {
      policyAssignments: [
        policyAssignment(managementGroupScope('corp'), 'mcsb', {
          policyDefinitionId: MCSB_SET_DEFINITION_ID,
          notScopes: [managementGroupScope('sandbox')]
        })
      ],
      managementGroups: [
        { name: 'corp' },
        { name: 'prod', parent: 'corp' },
        { name: 'sandbox', parent: 'corp' }
      ],
      faults: [{ fault: 'forbidden', on: 'ancestry' }]
    })
    await withStandIn(estate, async (standIn) => {
      const snapshot = snapshotOf((await collectFrom(standIn, [SUBSCRIPTION]))[0]!)
      expect(snapshot.managementGroupAncestry).toBeUndefined()
      expect(snapshot.managementGroupAncestryError).toMatch(/403 AuthorizationFailed/)
      expect(snapshot.managementGroupAncestryError).toMatch(
        /descendants of \/providers\/Microsoft.Management\/managementGroups\/sandbox .*the Reader role there includes it/
      )
    })
  })

  test('a set definition that cannot be read is reported for that set, not guessed', async () => {
    const estate = estateOf(1, {
      policyAssignments: [
        policyAssignment(managementGroupScope('prod'), 'corp-baseline', {
          policyDefinitionId: CUSTOM_SET_ID
        })
      ]
    })
    await withStandIn(estate, async (standIn) => {
      const snapshot = snapshotOf((await collectFrom(standIn, [SUBSCRIPTION]))[0]!)
      expect(snapshot.setDefinitions[CUSTOM_SET_ID.toLowerCase()]).toBeUndefined()
      expect(snapshot.unreadableSetDefinitions?.[CUSTOM_SET_ID.toLowerCase()]).toMatch(/404/)
    })
  })
})

describe('faults', () => {
  test('a 403 subscription becomes a failure that names the role, while the others are read', async () => {
    const estate = estateOf(3)
    estate.subscriptions[1]!.faults = [{ fault: 'forbidden', on: 'assignments' }]
    await withStandIn(estate, async (standIn) => {
      const collected = await collectFrom(standIn, [1, 2, 3].map(subscriptionId))
      expect(snapshotOf(collected[0]!).assignments).toHaveLength(1)
      expect(snapshotOf(collected[2]!).assignments).toHaveLength(1)
      const failure = failureOf(collected[1]!)
      expect(causeOf(collected[1]!)).toBe('access-denied')
      expect(failure).toMatch(/^The identity c0ffee00-0000-4000-8000-000000000001 may not read/)
      expect(failure).toMatch(/403 AuthorizationFailed/)
      expect(failure).toMatch(/Reader role on the subscription/)
      expect(failure).toMatch(
        /Microsoft.Authorization\/policyDefinitions\/read and Microsoft.Security\/pricings\/read\.$/
      )
    })
  })

  test('a 404 subscription is reported as not found or not visible', async () => {
    await withStandIn(estateOf(1), async (standIn) => {
      const missing = subscriptionId(99)
      const [collected] = await collectFrom(standIn, [missing])
      expect(causeOf(collected!)).toBe('not-found')
      expect(failureOf(collected!)).toMatch(
        new RegExp(`^Subscription ${missing} was not found, or is not visible to the identity`)
      )
    })
  })

  test('429 with Retry-After is retried after the time it asks for, to success', async () => {
    const estate = estateOf(1)
    estate.subscriptions[0]!.faults = [
      { fault: 'throttle', on: 'assignments', times: 2, retryAfterSeconds: 1 }
    ]
    await withStandIn(estate, async (standIn) => {
      const [collected] = await collectFrom(standIn, [SUBSCRIPTION])
      expect(snapshotOf(collected!).assignments).toHaveLength(1)
      const attempts = armRequests(standIn).filter((request) =>
        /policyAssignments$/i.test(request.path)
      )
      expect(attempts.map((attempt) => attempt.status)).toEqual([429, 429, 200])
      expect(attempts[1]!.startedAt - attempts[0]!.endedAt).toBeGreaterThanOrEqual(950)
      expect(attempts[2]!.startedAt - attempts[1]!.endedAt).toBeGreaterThanOrEqual(950)
    })
  })

  test('429 without Retry-After backs off and succeeds; past the retries it is an error', async () => {
    const estate = estateOf(2)
    estate.subscriptions[0]!.faults = [{ fault: 'throttle', on: 'exemptions', times: 2 }]
    estate.subscriptions[1]!.faults = [{ fault: 'throttle', on: 'exemptions' }]
    await withStandIn(estate, async (standIn) => {
      const [recovered, throttled] = await collectFrom(standIn, [1, 2].map(subscriptionId))
      expect(snapshotOf(recovered!).exemptions).toEqual([])
      expect(failureOf(throttled!)).toMatch(/kept throttling .* lower `max-concurrency`/)
      expect(causeOf(throttled!)).toBe('transient')
    })
  })

  test('a hang is bounded by the request timeout and retried, then reported', async () => {
    const estate = estateOf(2)
    estate.subscriptions[0]!.faults = [{ fault: 'hang', on: 'assignments', times: 1 }]
    estate.subscriptions[1]!.faults = [{ fault: 'hang', on: 'assignments' }]
    await withStandIn(estate, async (standIn) => {
      const started = Date.now()
      const [recovered, hung] = await collectFrom(standIn, [1, 2].map(subscriptionId), {
        requestTimeoutMs: 300,
        maxRetries: 1
      })
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(snapshotOf(recovered!).assignments).toHaveLength(1)
      expect(failureOf(hung!)).toMatch(/did not answer within 0.3 s, 2 times/)
    })
  })

  test('the time-out of an attempt starts when it gets a request slot, not while it queues', async () => {
    await withStandIn({ ...estateOf(6), latencyMs: 150 }, async (standIn) => {
      const collected = await collectFrom(standIn, [1, 2, 3, 4, 5, 6].map(subscriptionId), {
        maxConcurrency: 1,
        requestTimeoutMs: 1000,
        maxRetries: 0
      })
      // The 18 requests go one at a time, 150 ms each once sent: the last waits about 2.5 s for the
      // single slot, far past the 1 s time-out, which a loaded machine's slow answer stays under.
      expect(collected.every((entry) => 'snapshot' in entry)).toBe(true)
      expect(armRequests(standIn).every((request) => request.status === 200)).toBe(true)
    })
  })

  test('the run deadline stops every request still waiting', async () => {
    const estate = estateOf(2)
    estate.subscriptions[0]!.faults = [{ fault: 'hang', on: 'assignments' }]
    await withStandIn(estate, async (standIn) => {
      const started = Date.now()
      const [hung, fine] = await collectFrom(standIn, [1, 2].map(subscriptionId), {
        deadline: AbortSignal.timeout(500)
      })
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(failureOf(hung!)).toMatch(/the run reached its deadline first/)
      expect(snapshotOf(fine!).assignments).toHaveLength(1)
    })
  })

  test.each([
    ['unavailable', /\(503 .*re-run the check later/],
    ['reset', /connection to Resource Manager failed 4 times \(ECONNRESET\)/],
    ['malformed-json', /was malformed/],
    ['nextlink-loop', /paging did not end: a nextLink repeated/]
  ] as const)('%s on every attempt becomes a clear failure', async (fault, message) => {
    const estate = estateOf(2)
    estate.subscriptions[0]!.faults = [{ fault, on: 'assignments' }]
    await withStandIn(estate, async (standIn) => {
      const [failed, fine] = await collectFrom(standIn, [1, 2].map(subscriptionId))
      expect(failureOf(failed!)).toMatch(message)
      expect(snapshotOf(fine!).assignments).toHaveLength(1)
    })
  })

  test.each(['unavailable', 'reset'] as const)(
    'a burst of %s is retried to success',
    async (fault) => {
      const estate = estateOf(1)
      estate.subscriptions[0]!.faults = [{ fault, on: 'any', times: 3 }]
      await withStandIn(estate, async (standIn) => {
        const [collected] = await collectFrom(standIn, [SUBSCRIPTION])
        expect(snapshotOf(collected!).assignments).toHaveLength(1)
      })
    }
  )
})
