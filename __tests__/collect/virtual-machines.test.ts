// The virtual-machine read through Resource Graph (src/collect/virtual-machines/), against the
// stand-in's Resource Graph in process: the three queries per batch of 1,000 subscriptions,
// one row per subscription, the flagged machines listed (and paged past what a row lists), the
// machines without a JIT policy state, and Defender's OffByPolicy assessments.
import { describe, expect, it } from '@jest/globals'
import { QuotaGate } from '../../src/collect/resource-graph/paging.ts'
import { readMachinesThroughGraph } from '../../src/collect/virtual-machines/resource-graph.ts'
import {
  MAX_LISTED_PER_SUBSCRIPTION,
  machinesQuery,
  offByPolicyQuery,
  policyStatesQuery
} from '../../src/collect/virtual-machines/queries.ts'
import {
  guid,
  subscriptionId,
  virtualMachine,
  type Estate,
  type VirtualMachine
} from '../../standin/estate/index.ts'
import { sendTo } from './resource-graph-send.ts'

const TENANT = guid('vm-read/tenant')
const A = subscriptionId(9100)
const B = subscriptionId(9101)
const C = subscriptionId(9102)
const ASSIGNMENT = `/subscriptions/${A}/providers/Microsoft.Authorization/policyAssignments/jit`
const OTHER = `/subscriptions/${A}/providers/Microsoft.Authorization/policyAssignments/mcsb`

function estate(machines: VirtualMachine[], subscriptions = [A, B, C]): Estate {
  return {
    tenantId: TENANT,
    clientId: guid('vm-read/client'),
    subscriptions: subscriptions.map((id) => ({ subscriptionId: id })),
    virtualMachines: machines
  }
}

const state = (complianceState: string, policyAssignmentId = ASSIGNMENT) => ({
  policyAssignmentId,
  complianceState
})

describe('reading the machines through Resource Graph', () => {
  it('counts evaluated, flagged (once per machine, whatever the assignments), not audited and OffByPolicy per subscription', async () => {
    const { send, requests } = sendTo(
      estate([
        virtualMachine(A, 'rg-web', 'web-1', {
          policyStates: [state('NonCompliant'), state('NonCompliant', OTHER)]
        }),
        virtualMachine(A, 'rg-web', 'web-2', {
          location: 'northeurope',
          policyStates: [state('Compliant')]
        }),
        virtualMachine(A, 'rg-db', 'db-1', { policyStates: [state('Exempt')] }),
        virtualMachine(A, 'rg-db', 'db-2'),
        virtualMachine(B, 'rg', 'off-1', {
          jitAssessment: { code: 'NotApplicable', cause: 'OffByPolicy' }
        }),
        virtualMachine(B, 'rg', 'na-1', {
          policyStates: [state('Compliant')],
          jitAssessment: { code: 'NotApplicable', cause: 'Exempt' }
        })
      ])
    )
    const { records, requests: sent } = await readMachinesThroughGraph(
      send,
      [A, B, C],
      new QuotaGate(60_000)
    )
    expect(sent).toBe(3)
    expect(requests.map((request) => request.query)).toEqual([
      policyStatesQuery(),
      machinesQuery(),
      offByPolicyQuery()
    ])
    expect(records.get(A)).toEqual({
      evaluated: 2,
      flagged: [
        {
          id: `/subscriptions/${A}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1`,
          resourceGroup: 'rg-web',
          location: 'westeurope',
          policyAssignmentId: ASSIGNMENT
        }
      ],
      machines: { total: 4, notAudited: 1, offByPolicy: 0 }
    })
    expect(records.get(B)).toEqual({
      evaluated: 1,
      flagged: [],
      machines: { total: 2, notAudited: 1, offByPolicy: 1 }
    })
    expect(records.get(C)).toEqual({
      evaluated: 0,
      flagged: [],
      machines: { total: 0, notAudited: 0, offByPolicy: 0 }
    })
  })

  it('three queries per batch of 1,000 subscriptions, one page each', async () => {
    const ids = Array.from({ length: 2500 }, (_, n) => subscriptionId(50_000 + n))
    const machines = ids.map((id, n) =>
      virtualMachine(id, 'rg', `vm-${n}`, {
        policyStates: [state(n % 2 ? 'NonCompliant' : 'Compliant')]
      })
    )
    const { send } = sendTo(estate(machines, ids))
    const { records, requests } = await readMachinesThroughGraph(send, ids, new QuotaGate(60_000))
    expect(requests).toBe(9)
    expect(
      [...records.values()].filter((r) => 'flagged' in r && r.flagged.length === 1)
    ).toHaveLength(1250)
  })

  it('lists every flagged machine of a subscription with more than its row holds, paged', async () => {
    const count = MAX_LISTED_PER_SUBSCRIPTION * 6 + 7
    const machines = Array.from({ length: count }, (_, n) =>
      virtualMachine(A, 'rg', `vm-${String(n).padStart(5, '0')}`, {
        policyStates: [state('NonCompliant')]
      })
    )
    const { send } = sendTo(estate(machines))
    const { records, requests } = await readMachinesThroughGraph(
      send,
      [A, B],
      new QuotaGate(60_000)
    )
    const record = records.get(A)
    expect(record && 'flagged' in record && record.flagged.map((m) => m.id)).toEqual(
      machines.map((m) => m.id)
    )
    // Three queries, then the flagged machines' rows in pages of 1,000.
    expect(requests).toBe(3 + Math.ceil(count / 1000))
  })

  it('fails (for Policy Insights to be read instead) when a row is not what the query gives', async () => {
    const { send } = sendTo(estate([]))
    const malformed: typeof send = async (request) => {
      const answer = await send(request)
      return {
        ...answer,
        data: [{ id: `/subscriptions/${A}`, subscriptionId: A, evaluated: 'two' }]
      }
    }
    await expect(readMachinesThroughGraph(malformed, [A], new QuotaGate(60_000))).rejects.toThrow(
      /evaluated .* is a string, not a whole number/
    )
  })
})
