// Defender for Servers Plan 2: JIT audited on a subscription whose plan cannot protect any virtual
// machine with JIT is partial; the plan is carried in the result.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/evaluate.ts'
import type { DefenderForServersPlan, PolicyAssignment } from '../../src/model.ts'
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
      /^Assignment 'MCSB' .* audits JIT only on part of .* But Defender/
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

test('a plan that cannot be read keeps the policy verdict and says the plan is unknown', () => {
  const result = evaluate({ unreadable: '403 AuthorizationFailed' })
  expect(result.verdict).toBe('compliant')
  expect(result.defenderForServers).toEqual({ unknown: '403 AuthorizationFailed' })
  expect(result.reason).toContain(
    'The Defender for Servers plan could not be read (403 AuthorizationFailed): JIT needs Plan 2, so check that it is on.'
  )
})

test('when JIT is not audited the plan is recorded but not argued', () => {
  const off = { ...mcsb, parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } } }
  const free = evaluate({ pricingTier: 'Free' }, [off])
  expect(free.verdict).toBe('noncompliant')
  expect(free.reason).not.toContain('Defender for Servers')
  expect(free.defenderForServers).toEqual({ pricingTier: 'Free', subPlan: null, plan2: false })
  const unknown = evaluate({ unreadable: 'timed out' }, [off])
  expect(unknown.reason).not.toContain('could not be read')
  expect(unknown.defenderForServers).toEqual({ unknown: 'timed out' })
})

test('with the check off nothing is said', () => {
  const result = evaluate(undefined)
  expect(result.verdict).toBe('compliant')
  expect(result).not.toHaveProperty('defenderForServers')
})
