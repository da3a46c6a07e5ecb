// The virtual-machine read when Resource Graph cannot be read (src/collect/virtual-machines/):
// each subscription's JIT policy states through Policy Insights on the stand-in's ARM, paged by
// @odata.nextLink, throttling retried, a refusal turned into `unavailable` with the permission
// to add; never a throw.
import { describe, expect, test } from '@jest/globals'
import { RestError } from '@azure/core-rest-pipeline'
import { readVirtualMachines } from '../../src/collect/virtual-machines/index.ts'
import { QuotaGate } from '../../src/collect/resource-graph/paging.ts'
import { virtualMachine, type Estate } from '../../standin/estate/index.ts'
import { recordingLog } from '../support/log.ts'
import {
  CLIENT_ID,
  TENANT_ID,
  resourceManagerFor,
  subscriptionIdOf,
  withStandIn
} from './harness.ts'

const A = subscriptionIdOf(301)
const B = subscriptionIdOf(302)
const C = subscriptionIdOf(303)
const JIT = `/subscriptions/${A}/providers/Microsoft.Authorization/policyAssignments/jit`

function estate(): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    pageSize: 2,
    subscriptions: [
      {
        subscriptionId: A,
        faults: [{ fault: 'throttle', on: 'policy-states', times: 1, retryAfterSeconds: 0 }]
      },
      { subscriptionId: B, faults: [{ fault: 'forbidden', on: 'policy-states' }] },
      { subscriptionId: C }
    ],
    virtualMachines: [
      ...['a', 'b', 'c', 'd', 'e'].map((name, n) =>
        virtualMachine(A, 'rg', name, {
          policyStates: [
            { policyAssignmentId: JIT, complianceState: n < 3 ? 'NonCompliant' : 'Compliant' }
          ]
        })
      ),
      virtualMachine(A, 'rg', 'exempt', {
        policyStates: [{ policyAssignmentId: JIT, complianceState: 'Exempt' }]
      }),
      virtualMachine(B, 'rg', 'b-1', {
        policyStates: [{ policyAssignmentId: JIT, complianceState: 'NonCompliant' }]
      })
    ]
  }
}

describe('without Resource Graph', () => {
  test('reads each subscription through Policy Insights, pages and retries, and names the permission a refusal lacks', async () => {
    await withStandIn(estate(), async (standIn) => {
      const resourceManager = await resourceManagerFor(standIn)
      const log = recordingLog()
      const records = await readVirtualMachines(
        {
          resourceManager,
          clientId: CLIENT_ID,
          graph: () =>
            Promise.reject(
              new RestError('refused', { statusCode: 403, code: 'AuthorizationFailed' })
            )
        },
        [A, B, C],
        log
      )
      const a = records.get(A)
      expect(a).toMatchObject({ evaluated: 5, machines: null })
      expect(a && 'flagged' in a && a.flagged.map((m) => m.id.split('/').pop())).toEqual([
        'a',
        'b',
        'c'
      ])
      expect(a && 'flagged' in a && a.flagged[0]).toEqual({
        id: `/subscriptions/${A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a`,
        resourceGroup: 'rg',
        location: 'westeurope',
        policyAssignmentId: JIT
      })
      expect(records.get(B)).toEqual({
        unavailable: expect.stringMatching(
          /^The identity .* may not read the JIT policy states of \/subscriptions\/.*403 AuthorizationFailed.*give it the Reader role on the subscription, or Microsoft\.PolicyInsights\/policyStates\/queryResults\/read/
        )
      })
      expect(records.get(C)).toMatchObject({ evaluated: 0, flagged: [], machines: null })
      const states = standIn.requests.filter((r) => r.path.endsWith('/queryResults'))
      // A: 3 pages of 2 states and the throttled first try; B: the refusal; C: one page.
      expect(states.filter((r) => r.path.includes(A)).map((r) => r.status)).toEqual([
        429, 200, 200, 200
      ])
      expect(states.filter((r) => r.path.includes(B)).map((r) => r.status)).toEqual([403])
      expect(states.every((r) => r.method === 'POST')).toBe(true)
      expect(log.lines.map((line) => line.text).join('\n')).toMatch(
        /Azure Resource Graph could not be read for the virtual machines \(403/
      )
    })
  })

  test('counts a machine evaluated only by a Compliant or NonCompliant state, as Resource Graph does', async () => {
    const state = (complianceState: string) => ({ policyAssignmentId: JIT, complianceState })
    const others = ['Exempt', 'Unknown', 'Conflict', 'Error']
    const machines = [
      ...others.map((name) => virtualMachine(C, 'rg', name, { policyStates: [state(name)] })),
      virtualMachine(C, 'rg', 'compliant-too', {
        policyStates: [state('Unknown'), state('Compliant')]
      })
    ]
    await withStandIn({ ...estate(), virtualMachines: machines }, async (standIn) => {
      const records = await readVirtualMachines(
        {
          resourceManager: await resourceManagerFor(standIn),
          clientId: CLIENT_ID,
          graph: () => Promise.reject(new RestError('refused', { statusCode: 403 }))
        },
        [C],
        recordingLog()
      )
      expect(records.get(C)).toMatchObject({ evaluated: 1, flagged: [], machines: null })
    })
  })

  test('falls back to Policy Insights when a Resource Graph query fails past its retries', async () => {
    await withStandIn(estate(), async (standIn) => {
      const resourceManager = await resourceManagerFor(standIn)
      const log = recordingLog()
      const graph = () =>
        Promise.resolve({
          send: () => Promise.reject(new RestError('no', { statusCode: 500 })),
          gate: new QuotaGate(1000)
        })
      const records = await readVirtualMachines(
        { resourceManager, clientId: CLIENT_ID, graph },
        [C],
        log
      )
      expect(records.get(C)).toMatchObject({ evaluated: 0, machines: null })
    })
  })
})
