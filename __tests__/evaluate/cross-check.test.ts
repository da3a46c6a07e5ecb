// Azure's record as a second opinion (src/evaluate/cross-check.ts): when it agrees with the
// verdict decided from the assignments, when it disagrees and says why it may, and when it cannot
// be compared; the verdict itself is never touched.
import { describe, expect, test } from '@jest/globals'
import { EVALUATION_LAG, crossCheck } from '../../src/evaluate/cross-check.ts'
import type { FlaggedVirtualMachine, VirtualMachineRecord } from '../../src/model.ts'

const flagged: FlaggedVirtualMachine = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
  resourceGroup: 'rg',
  location: 'westeurope',
  policyAssignmentId: '/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/jit'
}

const record = (
  machines: { total: number; notAudited: number; offByPolicy: number; exempt?: number } | null,
  evaluated = 3
): VirtualMachineRecord => ({
  evaluated,
  flagged: [flagged],
  machines: machines && { exempt: 0, ...machines }
})

const all = { total: 3, notAudited: 0, offByPolicy: 0 }

describe('a compliant verdict', () => {
  test('agrees when every machine has a JIT policy state and none is off by policy', () => {
    const checked = crossCheck({ verdict: 'compliant' }, record(all), '')
    expect(checked).toEqual({
      virtualMachines: { evaluated: 3, flagged: 1, notAudited: 0 },
      flaggedVirtualMachines: [flagged],
      crossCheck: 'agrees',
      crossCheckReason:
        "Azure's record: 3 virtual machines evaluated against the JIT policy, 1 flagged, 0 of 3 virtual machines with no Compliant or NonCompliant JIT policy state, 0 that Defender for Cloud says the policy is off for (NotApplicable, OffByPolicy)."
    })
  })

  test.each([
    ['machines without a JIT policy state', { total: 4, notAudited: 1, offByPolicy: 0 }],
    ['machines Defender says the policy is off for', { total: 3, notAudited: 0, offByPolicy: 2 }]
  ])('disagrees with %s, and says why it may', (_, machines) => {
    const checked = crossCheck({ verdict: 'compliant' }, record(machines), '')
    expect(checked.crossCheck).toBe('disagrees')
    expect(checked.crossCheckReason).toMatch(
      /^The assignments audit JIT on every virtual machine, but Azure's record: /
    )
    expect(checked.crossCheckReason?.endsWith(EVALUATION_LAG)).toBe(true)
    expect(EVALUATION_LAG).toMatch(/about 5 minutes after it is made and every 24 hours/)
  })

  test('machines Azure records Exempt: no disagreement when the verdict accepts the exemptions, else one', () => {
    const exempt = record({ total: 3, notAudited: 2, exempt: 2, offByPolicy: 0 })
    const accepted = {
      verdict: 'compliant' as const,
      acceptedExemptions: [
        {
          id: '/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/bastion',
          displayName: 'Bastion',
          exemptionCategory: 'Mitigated',
          expiresOn: null
        }
      ]
    }
    const agreed = crossCheck(accepted, exempt, '')
    expect(agreed.crossCheck).toBe('agrees')
    expect(agreed.crossCheckReason).toContain(
      '2 of 3 virtual machines with no Compliant or NonCompliant JIT policy state (2 of them Exempt, under exemptions this run accepts)'
    )
    const notAccepted = crossCheck({ verdict: 'compliant' }, exempt, '')
    expect(notAccepted.crossCheck).toBe('disagrees')
    expect(notAccepted.crossCheckReason).toContain('(2 of them Exempt)')
    // Accepting exemptions explains the Exempt machines, not the others.
    const more = record({ total: 3, notAudited: 3, exempt: 2, offByPolicy: 0 })
    expect(crossCheck(accepted, more, '').crossCheck).toBe('disagrees')
  })

  test('agrees vacuously when the subscription holds no machine', () => {
    const checked = crossCheck(
      { verdict: 'compliant' },
      record({ total: 0, notAudited: 0, offByPolicy: 0 }, 0),
      ''
    )
    expect(checked.crossCheck).toBe('agrees')
    expect(checked.crossCheckReason).toMatch(/0 of 0 virtual machines/)
  })
})

describe('a noncompliant verdict', () => {
  test('agrees when Azure evaluated no machine against the JIT policy', () => {
    const checked = crossCheck(
      { verdict: 'noncompliant' },
      record({ total: 2, notAudited: 2, offByPolicy: 0 }, 0),
      ''
    )
    expect(checked.crossCheck).toBe('agrees')
  })

  test('disagrees when Azure evaluated machines against it', () => {
    const checked = crossCheck({ verdict: 'noncompliant' }, record(all), '')
    expect(checked.crossCheck).toBe('disagrees')
    expect(checked.crossCheckReason).toMatch(
      /^No assignment audits JIT here, but Azure's record: 3 virtual machines evaluated/
    )
  })

  test('agrees when the verdict rests on the Defender for Servers plan, which the policy does not weigh', () => {
    const plan = { pricingTier: 'Free', subPlan: null, plan2: false }
    const checked = crossCheck(
      { verdict: 'noncompliant', defenderForServers: plan },
      record(all),
      ''
    )
    expect(checked.crossCheck).toBe('agrees')
    const onPlan2 = { ...plan, pricingTier: 'Standard', subPlan: 'P2', plan2: true }
    expect(
      crossCheck({ verdict: 'noncompliant', defenderForServers: onPlan2 }, record(all), '')
        .crossCheck
    ).toBe('disagrees')
    expect(
      crossCheck({ verdict: 'noncompliant', defenderForServers: { unknown: 'x' } }, record(all), '')
        .crossCheck
    ).toBe('disagrees')
  })
})

test('a partial verdict agrees with any record: part of the subscription is not audited', () => {
  for (const machines of [all, { total: 3, notAudited: 3, offByPolicy: 1 }]) {
    expect(crossCheck({ verdict: 'partial' }, record(machines), '').crossCheck).toBe('agrees')
  }
})

describe('cannot be compared', () => {
  test('when nothing was read: no counts, and why', () => {
    expect(crossCheck({ verdict: 'compliant' }, undefined, 'Not read.')).toEqual({
      virtualMachines: null,
      flaggedVirtualMachines: [],
      crossCheck: 'unavailable',
      crossCheckReason: 'Not read.'
    })
    expect(
      crossCheck({ verdict: 'compliant' }, { unavailable: 'Refused: add Reader.' }, 'x')
    ).toEqual({
      virtualMachines: null,
      flaggedVirtualMachines: [],
      crossCheck: 'unavailable',
      crossCheckReason: 'Refused: add Reader.'
    })
  })

  test('when only the policy states were read: the counts it has, notAudited null', () => {
    const partial: VirtualMachineRecord = {
      ...record(null),
      machinesUnread: 'Azure Resource Graph could not be read (429)'
    }
    const checked = crossCheck({ verdict: 'compliant' }, partial, '')
    expect(checked.virtualMachines).toEqual({ evaluated: 3, flagged: 1, notAudited: null })
    expect(checked.crossCheck).toBe('unavailable')
    expect(checked.crossCheckReason).toMatch(
      /^Azure Resource Graph could not be read \(429\): Azure's record was read in part/
    )
    expect(crossCheck({ verdict: 'compliant' }, record(null), '').crossCheckReason).toMatch(
      /^The machines could not be listed/
    )
  })

  test('when the verdict cannot be compared (a planned change changes it): the record as read, and why', () => {
    const why = 'The verdict is the one after the planned changes.'
    expect(crossCheck({ verdict: 'noncompliant' }, record(all), '', why)).toEqual({
      virtualMachines: { evaluated: 3, flagged: 1, notAudited: 0 },
      flaggedVirtualMachines: [flagged],
      crossCheck: 'unavailable',
      crossCheckReason: why
    })
    expect(crossCheck({ verdict: 'compliant' }, record(null), '', why)).toMatchObject({
      virtualMachines: { evaluated: 3, flagged: 1, notAudited: null },
      crossCheckReason: why
    })
    // A record not read, or unavailable, says its own reason.
    expect(crossCheck({ verdict: 'compliant' }, undefined, 'Not read.', why)).toMatchObject({
      virtualMachines: null,
      crossCheckReason: 'Not read.'
    })
    expect(
      crossCheck({ verdict: 'compliant' }, { unavailable: 'Refused: add Reader.' }, '', why)
    ).toMatchObject({ virtualMachines: null, crossCheckReason: 'Refused: add Reader.' })
  })

  test('when the verdict is error', () => {
    const checked = crossCheck({ verdict: 'error' }, record(all), '')
    expect(checked.crossCheck).toBe('unavailable')
    expect(checked.virtualMachines).toEqual({ evaluated: 3, flagged: 1, notAudited: 0 })
    expect(checked.crossCheckReason).toMatch(/^No verdict to compare Azure's record with/)
  })
})
