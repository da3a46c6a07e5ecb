// Exemptions: of which assignment, for which references, where, and whether they have expired.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import { isoTime } from '../../src/evaluate/exemptions.ts'
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
      `Assignment 'MCSB' at ${groupId('platform')} is exempted from ${scope} by exemption 'RG waiver' (Waiver)`
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

describe('exemptions limited by location', () => {
  const byLocation = (selector: { in?: string[]; notIn?: string[] }) => [
    { name: 'where', selectors: [{ kind: 'resourceLocation', ...selector }] }
  ]

  test('one for eastus and one for every location but eastus: off the subscription', () => {
    const east = exemption(mcsb, {
      name: 'east',
      resourceSelectors: byLocation({ in: ['eastus'] })
    })
    const rest = exemption(mcsb, {
      name: 'rest',
      scope: groupId('platform'),
      resourceSelectors: byLocation({ notIn: ['EastUS'] })
    })
    const result = evaluate([east, rest])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      coverage: 'none',
      exemptionIds: [east.id, rest.id]
    })
    expect(result.reason).toContain('which together leave no location where JIT is audited')
  })

  test('the assignment evaluates only eastus and an exemption exempts eastus: noncompliant', () => {
    const only = assignment({
      ...mcsb,
      name: 'mcsb',
      resourceSelectors: byLocation({ in: ['eastus'] })
    })
    const east = exemption(only, {
      name: 'east',
      resourceSelectors: byLocation({ in: ['eastus'] })
    })
    const result = evaluate([east], [only])
    expect(result.verdict).toBe('noncompliant')
    expect(result.reason).toContain(
      "it evaluates only the virtual machines in the locations its resource selectors ('where') choose, and is exempted from"
    )
  })

  test('an exemption for locations the assignment does not evaluate changes nothing', () => {
    const only = assignment({
      ...mcsb,
      name: 'mcsb',
      resourceSelectors: byLocation({ in: ['eastus'] })
    })
    const west = exemption(only, {
      name: 'west',
      resourceSelectors: byLocation({ in: ['westus'] })
    })
    const result = evaluate([west], [only])
    expect(result.verdict).toBe('partial')
    expect(result.reason).not.toContain('exempted')
  })

  test('an exemption whose resource selectors cannot be decided: error', () => {
    const odd = exemption(mcsb, {
      name: 'odd',
      resourceSelectors: [{ name: 'tags', selectors: [{ kind: 'resourceTag', in: ['x'] }] }]
    })
    const result = evaluate([odd])
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain("whose resource selectors ('tags') this check cannot decide")
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

  test.each([['soon'], ['31/12/2026'], ['2026-13-01T00:00:00Z']])(
    'an expiry that cannot be read (%s): error naming the exemption and the value, not a guess',
    (expiresOn) => {
      const unreadable = exemption(mcsb, { name: 'odd', displayName: 'Odd', expiresOn })
      const result = evaluate([unreadable])
      expect(result.verdict).toBe('error')
      expect(result.errorCause).toBe('undecidable')
      expect(result.assignments[0]).toMatchObject({
        coverage: 'unknown',
        exemptionIds: [unreadable.id]
      })
      expect(result.reason).toContain(
        `is exempted from ${SUBSCRIPTION_SCOPE} by exemption 'Odd' (Waiver) at ${SUBSCRIPTION_SCOPE}, whose expiresOn '${expiresOn}' this check cannot read as an ISO 8601 time, so whether it is still in force cannot be decided; check exemption ${unreadable.id}: expiresOn must be a UTC time such as 2026-12-31T00:00:00Z.`
      )
    }
  )

  test('an expiry that cannot be read does not matter when the effect is Disabled anyway', () => {
    const off = { ...mcsb, parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } } }
    const unreadable = exemption(off, { name: 'odd', expiresOn: 'soon' })
    expect(evaluate([unreadable], [off]).verdict).toBe('noncompliant')
  })

  test.each([
    ['without an offset, UTC', '2026-05-01T11:59:59', 'compliant'],
    ['with fractions of a second, as Azure writes it', '2026-05-01T11:59:59.9999999Z', 'compliant'],
    ['a date alone, its midnight in UTC', '2026-05-01', 'compliant'],
    ['with an offset', '2026-05-01T13:00:00+02:00', 'compliant'],
    ['with an offset, still in force', '2026-05-01T13:00:01+01:00', 'noncompliant']
  ])('an expiry %s', (_name, expiresOn, verdict) => {
    expect(evaluate([exemption(mcsb, { name: 'w', expiresOn })]).verdict).toBe(verdict)
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

describe('an expiresOn that names no instant cannot be read, never rolled over to another', () => {
  test.each([
    ['2026-02-30T00:00:00Z', false],
    ['2025-02-29T00:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-05-01T24:00:00Z', false],
    ['2026-05-01T12:60:00Z', false],
    ['2026-05-01T12:00:60Z', false],
    ['2026-05-01T12:00:00+15:00', false],
    ['2024-02-29T00:00:00Z', true],
    ['2026-05-01T23:59:59.9999999+14:00', true],
    ['2026-05-01', true]
  ])('isoTime(%s) is a time: %s', (value, readable) => {
    expect(Number.isNaN(isoTime(value))).toBe(!readable)
  })

  test('a waiver whose expiresOn is 2099-02-30: undecidable, not a waiver in force until March', () => {
    const jit = assignment({ name: 'jit' })
    const waiver = exemption(jit, { name: 'w', expiresOn: '2099-02-30T00:00:00Z' })
    const result = evaluateSubscription(snapshot([jit], [], { exemptions: [waiver] }))
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain("expiresOn '2099-02-30T00:00:00Z' this check cannot read")
  })
})
