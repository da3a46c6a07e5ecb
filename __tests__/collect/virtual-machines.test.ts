// The virtual-machine read through Resource Graph (src/collect/virtual-machines/), against the
// stand-in's Resource Graph in process: the three queries per batch of 1,000 subscriptions,
// one row per subscription, the flagged machines listed (and paged past what a row lists), the
// machines never evaluated (no Compliant or NonCompliant JIT policy state), and Defender's OffByPolicy assessments.
import { describe, expect, it, test } from '@jest/globals'
import { QuotaGate } from '../../src/collect/resource-graph/paging.ts'
import { readMachinesThroughGraph } from '../../src/collect/virtual-machines/resource-graph.ts'
import {
  MAX_LISTED_PER_SUBSCRIPTION,
  flaggedMachinesQuery,
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

/** The record of a subscription with no flagged machine: `evaluated`, and [total, notAudited,
 * offByPolicy] of its machines. */
const noneFlagged = (
  evaluated: number,
  [total, notAudited, offByPolicy, exempt = 0]: number[]
) => ({
  evaluated,
  flagged: [],
  machines: { total, notAudited, exempt, offByPolicy }
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
      // db-1, only Exempt, was never evaluated, as db-2.
      machines: { total: 4, notAudited: 2, exempt: 1, offByPolicy: 0 }
    })
    expect(records.get(B)).toEqual(noneFlagged(1, [2, 1, 1]))
    expect(records.get(C)).toEqual(noneFlagged(0, [0, 0, 0]))
  })

  it('counts a machine evaluated only by a Compliant or NonCompliant state: one whose JIT states are all Exempt, Unknown, Conflict or Error is not audited', async () => {
    const others = ['Exempt', 'Unknown', 'Conflict', 'Error']
    const { send } = sendTo(
      estate([
        ...others.map((name) => virtualMachine(A, 'rg', name, { policyStates: [state(name)] })),
        virtualMachine(A, 'rg', 'all-others', { policyStates: others.map((name) => state(name)) }),
        virtualMachine(A, 'rg', 'compliant-too', {
          policyStates: [state('Unknown'), state('Compliant', OTHER)]
        }),
        virtualMachine(A, 'rg', 'flagged-too', {
          policyStates: [state('Exempt'), state('NonCompliant', OTHER)]
        })
      ])
    )
    const { records } = await readMachinesThroughGraph(send, [A], new QuotaGate(60_000))
    expect(records.get(A)).toMatchObject({
      evaluated: 2,
      flagged: [{ id: expect.stringMatching(/\/flagged-too$/), policyAssignmentId: OTHER }],
      // Exempt and all-others have an Exempt state and no evaluation.
      machines: { total: 7, notAudited: 5, exempt: 2, offByPolicy: 0 }
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

/** A SendGraphQuery answering each of the read's queries with the given rows (none by default),
 * as the stand-in answers otherwise: rows of shapes Resource Graph should never give. */
function answering(rows: {
  states?: unknown[]
  machines?: unknown[]
  offByPolicy?: unknown[]
  flagged?: unknown[]
}) {
  const { send } = sendTo(estate([]))
  const answered: typeof send = async (request) => {
    const answer = await send(request)
    const data =
      request.query === policyStatesQuery()
        ? rows.states
        : request.query === machinesQuery()
          ? rows.machines
          : request.query === offByPolicyQuery()
            ? rows.offByPolicy
            : request.query === flaggedMachinesQuery()
              ? rows.flagged
              : undefined
    return {
      ...answer,
      data: data ?? [],
      count: data?.length ?? 0,
      totalRecords: data?.length ?? 0
    }
  }
  return answered
}

const statesRow = {
  id: `/subscriptions/${A}`,
  subscriptionId: A,
  evaluated: 3,
  flagged: 0,
  flaggedVirtualMachines: []
}
const machinesRow = {
  id: `/subscriptions/${A}`,
  subscriptionId: A,
  virtualMachines: 5,
  notAudited: 2,
  exempt: 0
}
const offByPolicyRow = { id: `/subscriptions/${A}`, subscriptionId: A, offByPolicy: 1 }
const read = (send: ReturnType<typeof answering>, subscriptions = [A]) =>
  readMachinesThroughGraph(send, subscriptions, new QuotaGate(60_000))

describe('every Resource Graph row of the machine read is strict', () => {
  test('the rows as the queries give them are read', async () => {
    const { records } = await read(
      answering({ states: [statesRow], machines: [machinesRow], offByPolicy: [offByPolicyRow] })
    )
    expect(records.get(A)).toEqual(noneFlagged(3, [5, 2, 1]))
  })

  test.each([
    ['states', 'evaluated'],
    ['states', 'flagged'],
    ['states', 'flaggedVirtualMachines'],
    ['machines', 'virtualMachines'],
    ['machines', 'notAudited'],
    ['machines', 'exempt'],
    ['offByPolicy', 'offByPolicy']
  ] as const)(
    'a row of the %s query without %s, or with it null, is a ShapeError (Policy Insights is read instead), never 0',
    async (query, column) => {
      const rows = { states: statesRow, machines: machinesRow, offByPolicy: offByPolicyRow }
      for (const odd of [{ [column]: undefined }, { [column]: null }]) {
        const send = answering({
          states: [statesRow],
          machines: [machinesRow],
          offByPolicy: [offByPolicyRow],
          [query]: [{ ...rows[query], ...odd }]
        })
        await expect(read(send)).rejects.toMatchObject({
          name: 'ShapeError',
          message: expect.stringMatching(new RegExp(`^${column} of .* is (missing|null), not `))
        })
      }
    }
  )

  test.each([
    ['without a subscriptionId', { subscriptionId: undefined }, /missing, not a string/],
    [
      'with SubscriptionId in another case',
      { subscriptionId: undefined, SubscriptionId: A },
      /missing/
    ],
    ['with a number for subscriptionId', { subscriptionId: 7 }, /a number, not a string/],
    ['with an empty subscriptionId', { subscriptionId: '' }, /empty, not a subscription id/]
  ])('a row %s is a ShapeError, never dropped', async (_, odd, message) => {
    const send = answering({ states: [statesRow], machines: [{ ...machinesRow, ...odd }] })
    await expect(read(send)).rejects.toMatchObject({
      name: 'ShapeError',
      message: expect.stringMatching(message)
    })
  })

  test('two rows of one query for a subscription are a ShapeError, whichever comes last', async () => {
    const second = {
      ...machinesRow,
      subscriptionId: A.toUpperCase(),
      virtualMachines: 1,
      notAudited: 0
    }
    await expect(
      read(answering({ states: [statesRow], machines: [machinesRow, second] }))
    ).rejects.toMatchObject({
      name: 'ShapeError',
      message: `there is more than one Resource Graph row of virtual machines for subscription ${A}`
    })
  })

  test('a subscription with no row of a query has none of what it counts', async () => {
    const { records } = await read(answering({ machines: [machinesRow] }), [A, B])
    expect(records.get(A)).toEqual(noneFlagged(0, [5, 2, 0]))
    expect(records.get(B)).toEqual(noneFlagged(0, [0, 0, 0]))
  })

  test('policy states of more machines than Resource Graph lists: the machines are unread, never 0 of 0', async () => {
    // The identity may read policy states but not virtual machines: Resource Graph leaves their
    // rows out and says nothing.
    const { records } = await read(answering({ states: [statesRow] }), [A])
    expect(records.get(A)).toMatchObject({
      evaluated: 3,
      machines: null,
      machinesUnread: expect.stringContaining(
        'lists 0 virtual machine(s) in /subscriptions/' +
          A.toLowerCase() +
          ' but policy states of 3 (it shows only what the identity may read: give it Microsoft.Compute/virtualMachines/read)'
      )
    })
  })

  test('a subscription whose flagged machines are listed fewer than its row counts is unavailable, never fewer flagged', async () => {
    const machine = (name: string) => ({
      id: `/subscriptions/${A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
      location: 'westeurope',
      policyAssignmentId: ASSIGNMENT
    })
    const states = [{ ...statesRow, flagged: 3, flaggedVirtualMachines: [machine('a')] }]
    // The follow-up lists one more, and the same machine again: two of three.
    const flagged = [machine('a'), machine('b'), machine('a')].map((row) => ({
      ...row,
      subscriptionId: A
    }))
    const { records } = await read(answering({ states, machines: [machinesRow], flagged }))
    expect(records.get(A)).toEqual({
      unavailable: `Azure Resource Graph counted 3 flagged virtual machine(s) in /subscriptions/${A} but listed 2 of them; re-run the check to compare again.`
    })
    // All three listed: the record has them.
    const all = await read(
      answering({
        states,
        machines: [machinesRow],
        flagged: [...flagged, { ...machine('c'), subscriptionId: A }]
      })
    )
    const record = all.records.get(A)
    expect(
      record && 'flagged' in record && record.flagged.map((m) => m.id.split('/').pop())
    ).toEqual(['a', 'b', 'c'])
  })

  test('a flagged machine row of the follow-up without a subscriptionId is a ShapeError', async () => {
    const states = [{ ...statesRow, flagged: 1 }]
    const flagged = [{ id: `/subscriptions/${A}/x`, location: '', policyAssignmentId: ASSIGNMENT }]
    await expect(read(answering({ states, flagged }))).rejects.toMatchObject({
      name: 'ShapeError',
      message: expect.stringMatching(/^subscriptionId of flagged virtual machine .* is missing/)
    })
  })
})
