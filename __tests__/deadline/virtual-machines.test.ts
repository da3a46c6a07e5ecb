// The virtual-machine phase (src/virtual-machines.ts): each verdict cross-checked with what the
// read gave, a warning for a compliant subscription Azure's record disagrees with, the verdicts
// untouched; nothing read when `virtual-machines` is false; `unavailable` for all when the
// deadline passes first.
import { afterEach, describe, expect, test } from '@jest/globals'
import { startRunDeadline as start, type RunDeadline } from '../../src/deadline.ts'
import {
  MACHINES_NOT_ASKED,
  type SubscriptionResult,
  type VirtualMachineRecord
} from '../../src/model.ts'
import {
  MAX_DISAGREEMENT_WARNINGS,
  PLANNED_CHANGE_UNCOMPARED,
  crossCheckEach,
  startMachineRead
} from '../../src/virtual-machines.ts'
import { recordingLog } from '../support/log.ts'

const deadlines: RunDeadline[] = []
/** A run deadline stopped after each test, so that no timer holds Jest. */
function startRunDeadline(ms: number): RunDeadline {
  const deadline = start(ms)
  deadlines.push(deadline)
  return deadline
}
afterEach(() => {
  for (const deadline of deadlines.splice(0)) deadline.stop()
})

const result = (n: number, verdict: SubscriptionResult['verdict']): SubscriptionResult => ({
  subscriptionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  displayName: `sub-${n}`,
  verdict,
  reason: 'r',
  effectiveEffect: null,
  assignments: []
})

const offByPolicy: VirtualMachineRecord = {
  evaluated: 1,
  flagged: [],
  machines: { total: 2, notAudited: 0, exempt: 0, offByPolicy: 1 }
}

describe('crossCheckEach', () => {
  test('warns for each compliant subscription Azure disagrees with, up to a count, and keeps the verdicts', async () => {
    const results = Array.from({ length: MAX_DISAGREEMENT_WARNINGS + 2 }, (_, n) =>
      result(n, 'compliant')
    )
    const records = new Map(results.map((r) => [r.subscriptionId, offByPolicy]))
    const log = recordingLog()
    const checked = await crossCheckEach(
      results,
      Promise.resolve(records),
      startRunDeadline(10_000),
      log
    )
    expect(checked.map((r) => r.verdict)).toEqual(results.map((r) => r.verdict))
    expect(checked.every((r) => r.crossCheck === 'disagrees')).toBe(true)
    const warnings = log.lines.filter((line) => line.kind === 'warning').map((line) => line.text)
    expect(warnings).toHaveLength(MAX_DISAGREEMENT_WARNINGS + 1)
    expect(warnings[0]).toMatch(
      /^Subscription \S+ \(sub-0\) is compliant by its assignments, but Azure's own record disagrees: /
    )
    expect(warnings.at(-1)).toMatch(/disagrees with 2 more compliant subscription\(s\)/)
    expect(log.lines[0]?.text).toBe(
      `Azure's record of the virtual machines: 0 subscription(s) agree with their verdict, ${results.length} disagree, 0 could not be compared.`
    )
  })

  test('no warning for a noncompliant subscription it disagrees with, a line in the log', async () => {
    const log = recordingLog()
    const r = result(1, 'noncompliant')
    const checked = await crossCheckEach(
      [r],
      Promise.resolve(new Map([[r.subscriptionId, offByPolicy]])),
      startRunDeadline(10_000),
      log
    )
    expect(checked[0]?.crossCheck).toBe('disagrees')
    expect(log.lines.filter((line) => line.kind === 'warning')).toEqual([])
    expect(log.lines.some((line) => line.text.includes('No assignment audits JIT here'))).toBe(true)
  })

  test('a verdict a planned change changes is not compared with the record of the estate now, whose counts and flagged machines are kept', async () => {
    const changed = { ...result(1, 'compliant'), currentVerdict: 'noncompliant' as const }
    const same = { ...result(2, 'compliant'), currentVerdict: 'compliant' as const }
    const unreadable = { ...result(3, 'noncompliant'), currentVerdict: 'compliant' as const }
    const flagged = {
      id: `/subscriptions/${changed.subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
      resourceGroup: 'rg',
      location: 'westeurope',
      policyAssignmentId: `/subscriptions/${changed.subscriptionId}/providers/Microsoft.Authorization/policyAssignments/jit`
    }
    const refused = 'The identity may not read the JIT policy states.'
    const records = new Map<string, VirtualMachineRecord>([
      [changed.subscriptionId, { ...offByPolicy, flagged: [flagged] }],
      [same.subscriptionId, offByPolicy],
      [unreadable.subscriptionId, { unavailable: refused }]
    ])
    const checked = await crossCheckEach(
      [changed, same, unreadable],
      Promise.resolve(records),
      startRunDeadline(10_000),
      recordingLog()
    )
    expect(checked[0]).toMatchObject({
      virtualMachines: { evaluated: 1, flagged: 1, notAudited: 0 },
      flaggedVirtualMachines: [flagged],
      crossCheck: 'unavailable',
      crossCheckReason: PLANNED_CHANGE_UNCOMPARED
    })
    expect(checked[1]?.crossCheck).toBe('disagrees')
    expect(checked[2]).toMatchObject({
      virtualMachines: null,
      flaggedVirtualMachines: [],
      crossCheck: 'unavailable',
      crossCheckReason: refused
    })
  })

  test('not asked: nothing read or logged, every result unavailable with why', async () => {
    const log = recordingLog()
    let asked = false
    const reading = startMachineRead(
      {
        readVirtualMachines: () => {
          asked = true
          return Promise.resolve(new Map())
        }
      },
      false,
      log
    )
    const checked = await crossCheckEach(
      [result(1, 'compliant')],
      reading,
      startRunDeadline(10_000),
      log
    )
    expect(asked).toBe(false)
    expect(checked[0]).toMatchObject({
      virtualMachines: null,
      crossCheck: 'unavailable',
      crossCheckReason: MACHINES_NOT_ASKED
    })
    expect(log.lines).toEqual([])
  })

  test('the deadline passes first: unavailable, and why', async () => {
    const deadline = startRunDeadline(50)
    const never = new Promise<Map<string, VirtualMachineRecord>>(() => undefined)
    const checked = await crossCheckEach([result(1, 'compliant')], never, deadline, recordingLog())
    expect(checked[0]).toMatchObject({
      crossCheck: 'unavailable',
      crossCheckReason: expect.stringMatching(/^The run's deadline passed before Azure's record/)
    })
  })
})
