// Exemptions: of which assignment, for which references, where, and whether they have expired.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/evaluate.ts'
import type { PolicyExemption } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  COLLECTED_AT,
  exemption,
  groupId,
  MCSB_V1,
  OTHER_SUBSCRIPTION,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const mcsb = assignment({
  name: 'mcsb',
  displayName: 'MCSB',
  scope: groupId('platform'),
  policyDefinitionId: setId(MCSB_V1)
})
const alone = assignment({ name: 'jit', displayName: 'JIT' })

function evaluate(exemptions: PolicyExemption[], assignments = [mcsb]) {
  return evaluateSubscription(snapshot(assignments, [builtInSet(MCSB_V1)], { exemptions }))
}

describe('an exemption at the subscription or above takes the assignment off it', () => {
  test.each([
    ['at the subscription', SUBSCRIPTION_SCOPE],
    ['at the subscription, in another case', SUBSCRIPTION_SCOPE.toUpperCase()],
    ['at a management group', groupId('platform')],
    ['at the root of everything', '/']
  ])('%s', (_name, scope) => {
    const waiver = exemption(mcsb, { name: 'waiver', displayName: 'JIT waiver', scope })
    const result = evaluate([waiver])
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBeNull()
    expect(result.assignments[0]).toMatchObject({ coverage: 'none', exemptionIds: [waiver.id] })
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${groupId('platform')} does not audit JIT on ${SUBSCRIPTION_SCOPE}: it is exempted from ${SUBSCRIPTION_SCOPE} by exemption 'JIT waiver' (Waiver) at ${scope}; delete exemption ${waiver.id} or let it expire.`
    )
  })

  test('an exemption that names the assignment in another case still counts', () => {
    const waiver = exemption(mcsb, { name: 'waiver', policyAssignmentId: mcsb.id.toUpperCase() })
    expect(evaluate([waiver]).verdict).toBe('noncompliant')
  })

  test('an exemption without a display name is named by its name', () => {
    const waiver = exemption(mcsb, { name: 'waiver-name', exemptionCategory: 'Mitigated' })
    expect(evaluate([waiver]).reason).toContain("by exemption 'waiver-name' (Mitigated)")
  })
})

describe('an exemption below the subscription takes the assignment off part of it', () => {
  test.each([
    [`${SUBSCRIPTION_SCOPE}/resourceGroups/legacy`],
    [`${SUBSCRIPTION_SCOPE}/resourceGroups/legacy/providers/Microsoft.Compute/virtualMachines/old`]
  ])('%s', (scope) => {
    const waiver = exemption(mcsb, { name: 'rg', displayName: 'RG waiver', scope })
    const result = evaluate([waiver])
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial', exemptionIds: [waiver.id] })
    expect(result.reason).toContain(
      `it is exempted from ${scope} by exemption 'RG waiver' (Waiver)`
    )
  })

  test('one at the subscription and one below: the assignment is off the subscription', () => {
    const below = exemption(mcsb, {
      name: 'rg',
      scope: `${SUBSCRIPTION_SCOPE}/resourceGroups/legacy`
    })
    const at = exemption(mcsb, { name: 'sub' })
    const result = evaluate([below, at])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]!.exemptionIds).toEqual([below.id, at.id])
  })
})

describe('exemptions that do not count', () => {
  test('one of another subscription', () => {
    const elsewhere = exemption(mcsb, { name: 'x', scope: `/subscriptions/${OTHER_SUBSCRIPTION}` })
    const result = evaluate([elsewhere])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.exemptionIds).toEqual([])
  })

  test('one of another assignment', () => {
    const other = assignment({ name: 'other', policyDefinitionId: setId(MCSB_V1) })
    expect(evaluate([exemption(other, { name: 'x' })]).verdict).toBe('compliant')
  })

  test('one that expired before the snapshot, with a note', () => {
    const expired = exemption(mcsb, {
      name: 'old',
      displayName: 'Old',
      expiresOn: '2026-04-30T23:59:59Z'
    })
    const result = evaluate([expired])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.exemptionIds).toEqual([])
    expect(result.assignments[0]!.notes.join(' ')).toContain(
      "The exemption 'Old' (Waiver) expired on 2026-04-30T23:59:59Z, before this check; it is ignored."
    )
  })

  test('one that expires after the snapshot still counts', () => {
    const future = exemption(mcsb, { name: 'new', expiresOn: '2026-05-01T12:00:01Z' })
    expect(COLLECTED_AT).toBe('2026-05-01T12:00:00Z')
    expect(evaluate([future]).verdict).toBe('noncompliant')
  })

  test('an expiry that cannot be read is not taken as expired', () => {
    const unreadable = exemption(mcsb, { name: 'odd', expiresOn: 'soon' })
    expect(evaluate([unreadable]).verdict).toBe('noncompliant')
  })

  test('one for other reference ids only, with a note', () => {
    const other = exemption(mcsb, {
      name: 'other-refs',
      displayName: 'Other',
      policyDefinitionReferenceIds: ['diskEncryption']
    })
    const result = evaluate([other])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes.join(' ')).toContain(
      "The exemption 'Other' (Waiver) exempts other references only; it does not exempt jitNetworkAccessMonitoring."
    )
  })
})

test('one that lists the JIT reference id, in any case, counts', () => {
  const listed = exemption(mcsb, {
    name: 'jit-ref',
    policyDefinitionReferenceIds: ['other', 'JITNETWORKACCESSMONITORING']
  })
  expect(evaluate([listed]).verdict).toBe('noncompliant')
})

describe('the JIT definition assigned alone', () => {
  test('any exemption of the assignment covers it, whatever its reference ids', () => {
    const waiver = exemption(alone, { name: 'waiver', policyDefinitionReferenceIds: ['anything'] })
    const result = evaluate([waiver], [alone])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      policyDefinitionReferenceId: null,
      exemptionIds: [waiver.id]
    })
  })
})

test('an exemption of one assignment leaves another that audits: compliant', () => {
  const waiver = exemption(mcsb, { name: 'waiver' })
  const result = evaluate([waiver], [mcsb, alone])
  expect(result.verdict).toBe('compliant')
  expect(result.reason).toContain("'JIT'")
  expect(result.assignments.map((item) => item.id)).toEqual([alone.id, mcsb.id])
})
