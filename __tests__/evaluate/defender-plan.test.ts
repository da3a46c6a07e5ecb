// Defender for Servers Plan 2: JIT audited on a subscription whose plan cannot protect any virtual
// machine with JIT is partial; the plan is carried in the result.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { DefenderForServersPlan, PolicyAssignment, Verdict } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  groupId,
  MCSB_V1,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const FIX =
  'turn on Defender for Servers Plan 2 (Defender for Cloud > Environment settings > the subscription > Defender plans > Servers > Plan 2, or az security pricing create --name VirtualMachines --tier standard --subplan P2).'

const mcsb = assignment({
  name: 'mcsb',
  displayName: 'MCSB',
  scope: groupId('platform'),
  policyDefinitionId: setId(MCSB_V1)
})

function evaluate(
  plan: DefenderForServersPlan | undefined,
  assignments: PolicyAssignment[] = [mcsb]
) {
  return evaluateSubscription(
    snapshot(
      assignments,
      [builtInSet(MCSB_V1)],
      plan === undefined ? {} : { defenderForServers: plan }
    )
  )
}

describe('JIT audited, plan not Plan 2: partial with the fix', () => {
  test.each([
    [{ pricingTier: 'Free' }, 'Free', null],
    [{ pricingTier: 'Standard', subPlan: 'P1' }, 'Standard with sub-plan P1', 'P1'],
    [{ pricingTier: 'standard', subPlan: 'p1' }, 'Standard with sub-plan p1', 'p1']
  ])('%j', (plan, named, subPlan) => {
    const result = evaluate(plan)
    expect(result.verdict).toBe('partial')
    expect(result.defenderForServers).toEqual({
      pricingTier: plan.pricingTier,
      subPlan,
      plan2: false
    })
    expect(result.reason).toContain(
      `But Defender for Servers is ${named} on ${SUBSCRIPTION_SCOPE}, not Plan 2, which JIT requires: no virtual machine can be protected with JIT and every one will be flagged; ${FIX}`
    )
  })

  test('a partial verdict stays partial and says both', () => {
    const inside = { ...mcsb, scope: `${SUBSCRIPTION_SCOPE}/resourceGroups/vms` }
    const result = evaluate({ pricingTier: 'Free' }, [inside])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toMatch(
      /^JIT is audited on only part of .* Assignment 'MCSB' .* But Defender/
    )
  })
})

describe('Plan 2 leaves the verdict alone', () => {
  test.each([
    [{ pricingTier: 'Standard', subPlan: 'P2' }, 'P2'],
    [{ pricingTier: 'Standard', subPlan: 'p2' }, 'p2'],
    // "When not specified, full plan is applied" (Pricings - Get, subPlan).
    [{ pricingTier: 'Standard' }, null],
    [{ pricingTier: 'Standard', subPlan: '' }, null]
  ])('%j', (plan, subPlan) => {
    const result = evaluate(plan)
    expect(result.verdict).toBe('compliant')
    expect(result.reason).not.toContain('Defender for Servers')
    expect(result.defenderForServers).toEqual({ pricingTier: 'Standard', subPlan, plan2: true })
  })
})

describe('Plan 2 with resource-level plans (resourcesCoverageStatus)', () => {
  const RESOURCE_LEVEL_FIX =
    "remove the virtual machines' resource-level Defender for Servers plans so that they inherit Plan 2, or set enforce to True on the subscription's plan (Defender for Cloud > Environment settings > the subscription > Defender plans > Servers > Settings; az security pricing show --name VirtualMachines shows resourcesCoverageStatus)."

  test.each([
    [
      'PartiallyCovered',
      'only some virtual machines have it: others have a resource-level plan, which is off or Plan 1 (resource-level plans support only P1)'
    ],
    ['notcovered', 'no virtual machine has it: resource-level plans turn it off on every one']
  ])('%s: partial, naming resource-level plans and the fix', (status, which) => {
    const plan = { pricingTier: 'Standard', subPlan: 'P2', resourcesCoverageStatus: status }
    const result = evaluate(plan)
    expect(result.verdict).toBe('partial')
    expect(result.defenderForServers).toEqual({
      pricingTier: 'Standard',
      subPlan: 'P2',
      plan2: true,
      resourcesCoverageStatus: status
    })
    expect(result.reason).toContain(
      `But Defender for Servers is Plan 2 on ${SUBSCRIPTION_SCOPE}, but its resourcesCoverageStatus is ${status}: ${which}, and those cannot be protected with JIT; ${RESOURCE_LEVEL_FIX}`
    )
  })

  test.each([['FullyCovered'], ['fullycovered']])('%s: the verdict stands', (status) => {
    const result = evaluate({ pricingTier: 'Standard', resourcesCoverageStatus: status })
    expect(result.verdict).toBe('compliant')
    expect(result.defenderForServers).toMatchObject({
      plan2: true,
      resourcesCoverageStatus: status
    })
  })

  test('not Plan 2 at all: the plan is what the reason names', () => {
    const result = evaluate({ pricingTier: 'Free', resourcesCoverageStatus: 'NotCovered' })
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain('Defender for Servers is Free')
    expect(result.reason).not.toContain('resourcesCoverageStatus')
  })

  test('when JIT is not audited the status is recorded but not argued', () => {
    const off = { ...mcsb, parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } } }
    const plan = { pricingTier: 'Standard', subPlan: 'P2', resourcesCoverageStatus: 'NotCovered' }
    const result = evaluate(plan, [off])
    expect(result.verdict).toBe('noncompliant')
    expect(result.reason).not.toContain('resourcesCoverageStatus')
  })
})

describe('a plan that cannot be read is never better than Plan 1', () => {
  const unreadable = { unreadable: '403 AuthorizationFailed', cause: 'access-denied' } as const
  const said =
    'But the Defender for Servers plan could not be read (403 AuthorizationFailed): JIT needs Plan 2, and a plan that cannot be read counts as no better than Plan 1, which cannot protect any virtual machine with JIT.'
  const withFailOn = (failOn: Verdict[], assignments: PolicyAssignment[] = [mcsb]) =>
    evaluateSubscription(
      snapshot(assignments, [builtInSet(MCSB_V1)], { defenderForServers: unreadable }),
      { failOn: new Set(failOn) }
    )

  test('a compliant basis is partial, saying why the plan is unknown', () => {
    const result = evaluate(unreadable)
    expect(result.verdict).toBe('partial')
    expect(result).not.toHaveProperty('errorCause')
    expect(result.defenderForServers).toEqual({ unknown: '403 AuthorizationFailed' })
    expect(result.reason).toContain(said)
  })

  test.each([[['noncompliant', 'error']], [['partial']], [['error']], [[]]] as Verdict[][][])(
    'with fail-on %j it stays partial: the step fails, or passes, on either plan alike',
    (failOn) => {
      const result = withFailOn(failOn)
      expect(result.verdict).toBe('partial')
      expect(result.reason).toContain(said)
    }
  )

  test('with fail-on listing partial and error it is error, with the cause of the plan', () => {
    const result = withFailOn(['partial', 'error'])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('access-denied')
    expect(result.reason).toContain(said)
    expect(result.reason).toMatch(/Whether JIT is in force therefore cannot be decided\.$/)
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
  })

  test('a partial basis stays partial, whatever fail-on lists', () => {
    const inside = { ...mcsb, scope: `${SUBSCRIPTION_SCOPE}/resourceGroups/vms` }
    const result = withFailOn(['partial', 'error'], [inside])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(said)
  })
})

test('when JIT is not audited the plan is recorded but not argued', () => {
  const off = { ...mcsb, parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } } }
  const free = evaluate({ pricingTier: 'Free' }, [off])
  expect(free.verdict).toBe('noncompliant')
  expect(free.reason).not.toContain('Defender for Servers')
  expect(free.defenderForServers).toEqual({ pricingTier: 'Free', subPlan: null, plan2: false })
  const unknown = evaluate({ unreadable: 'timed out', cause: 'transient' }, [off])
  expect(unknown.verdict).toBe('noncompliant')
  expect(unknown.reason).not.toContain('could not be read')
  expect(unknown.defenderForServers).toEqual({ unknown: 'timed out' })
})

test('with the check off nothing is said', () => {
  const result = evaluate(undefined)
  expect(result.verdict).toBe('compliant')
  expect(result).not.toHaveProperty('defenderForServers')
})
