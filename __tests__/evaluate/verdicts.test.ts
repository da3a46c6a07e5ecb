// Verdicts over several assignments, the ways peers get it wrong, and what cannot be decided.
import { describe, expect, test } from '@jest/globals'
import { collectionErrorResult, evaluateSubscription } from '../../src/evaluate/index.ts'
import { JIT_POLICY_DEFINITION_NAME } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  CMMC_L3,
  customSet,
  frozen,
  groupId,
  jitReference,
  MCSB_V1,
  MCSB_V2,
  NIST_R5,
  setId,
  snapshot,
  SUBSCRIPTION,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const ASC_DEFAULT = `ASC Default (subscription: ${SUBSCRIPTION})`

describe('nothing runs the JIT definition', () => {
  test('no assignment at all is noncompliant, not a pass', () => {
    const result = evaluateSubscription(snapshot([]))
    expect(result).toEqual({
      subscriptionId: SUBSCRIPTION,
      verdict: 'noncompliant',
      reason: `No policy assignment that applies to ${SUBSCRIPTION_SCOPE} runs the JIT definition (${JIT_POLICY_DEFINITION_NAME}); assign the Microsoft cloud security benchmark or the definition itself.`,
      effectiveEffect: null,
      assignments: []
    })
  })

  test("an assignment that merely looks like the default one ('ASC Default', SecurityCenterBuiltIn) is not enough", () => {
    const lookalike = assignment({
      name: 'SecurityCenterBuiltIn',
      displayName: ASC_DEFAULT,
      policyDefinitionId: setId('00000000-0000-0000-0000-000000000001'),
      parameters: { jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' } }
    })
    const set = customSet('no-jit', [
      jitReference(
        'jitNetworkAccessMonitoring',
        {},
        '/providers/Microsoft.Authorization/policyDefinitions/not-jit'
      )
    ])
    const result = evaluateSubscription(
      snapshot([lookalike], [{ ...set, id: lookalike.policyDefinitionId }])
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments).toEqual([])
    expect(result.reason).toContain('No policy assignment that applies')
  })
})

describe('the real default assignment', () => {
  test("'ASC Default' with the JIT parameter Disabled: the reason names it and what to set", () => {
    const ascDefault = assignment({
      name: 'SecurityCenterBuiltIn',
      displayName: ASC_DEFAULT,
      policyDefinitionId: setId(MCSB_V1),
      parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
    })
    const result = evaluateSubscription(snapshot([ascDefault], [builtInSet(MCSB_V1)]))
    expect(result.reason).toBe(
      `Assignment '${ASC_DEFAULT}' at ${SUBSCRIPTION_SCOPE} sets parameter jitNetworkAccessMonitoringEffect to Disabled; set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.`
    )
  })

  test('a renamed MCSB initiative at a management group is found by its definition id', () => {
    const renamed = assignment({
      name: 'corp-baseline',
      displayName: 'Corporate security baseline',
      scope: groupId('corp'),
      policyDefinitionId: setId(MCSB_V1).toUpperCase()
    })
    const result = evaluateSubscription(snapshot([renamed], [builtInSet(MCSB_V1)]))
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toBe(
      `Assignment 'Corporate security baseline' at ${groupId('corp')} audits JIT network access on ${SUBSCRIPTION_SCOPE}: it leaves parameter jitNetworkAccessMonitoringEffect at its initiative default AuditIfNotExists.`
    )
  })
})

describe('several assignments', () => {
  const disabledMcsb = assignment({
    name: 'mcsb',
    displayName: 'MCSB',
    policyDefinitionId: setId(MCSB_V1),
    parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
  })
  const auditingNist = assignment({
    name: 'nist',
    displayName: 'NIST',
    scope: groupId('corp'),
    policyDefinitionId: setId(NIST_R5)
  })
  const sets = [builtInSet(MCSB_V1), builtInSet(NIST_R5), builtInSet(CMMC_L3), builtInSet(MCSB_V2)]

  test('any one that audits over the whole subscription wins, and comes first', () => {
    const result = evaluateSubscription(snapshot([disabledMcsb, auditingNist], sets))
    expect(result.verdict).toBe('compliant')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.reason).toContain("'NIST'")
    expect(result.assignments.map((item) => item.id)).toEqual([auditingNist.id, disabledMcsb.id])
  })

  test('all Disabled: noncompliant, evidence for each in assignment order', () => {
    const disabledCmmc = assignment({
      name: 'cmmc',
      policyDefinitionId: setId(CMMC_L3),
      parameters: { [`effect-${JIT_POLICY_DEFINITION_NAME}`]: { value: 'Disabled' } }
    })
    const result = evaluateSubscription(snapshot([disabledMcsb, disabledCmmc], sets))
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.reason).toContain("'MCSB'")
    expect(result.assignments.map((item) => item.id)).toEqual([disabledMcsb.id, disabledCmmc.id])
  })

  test('a partial audit beats a Disabled one: partial', () => {
    const partly = { ...auditingNist, notScopes: [`${SUBSCRIPTION_SCOPE}/resourceGroups/rg`] }
    const result = evaluateSubscription(snapshot([disabledMcsb, partly], sets))
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]!.id).toBe(partly.id)
  })

  test('a Disabled one that covers the subscription is the reason before an excluded one', () => {
    const excluded = { ...auditingNist, notScopes: [SUBSCRIPTION_SCOPE] }
    const result = evaluateSubscription(snapshot([excluded, disabledMcsb], sets))
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.assignments.map((item) => item.coverage)).toEqual(['full', 'none'])
    expect(result.reason).toContain("'MCSB'")
  })

  test('excluded and Disabled too: the reason asks for both changes', () => {
    const both = { ...disabledMcsb, notScopes: [SUBSCRIPTION_SCOPE] }
    const result = evaluateSubscription(snapshot([both], sets))
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${SUBSCRIPTION_SCOPE} does not audit JIT on ${SUBSCRIPTION_SCOPE}: it excludes ${SUBSCRIPTION_SCOPE} in its notScopes; remove ${SUBSCRIPTION_SCOPE} from its notScopes, and set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.`
    )
  })
})

describe('a set definition that could not be read', () => {
  const unreadable = assignment({
    name: 'custom',
    displayName: 'Custom baseline',
    scope: groupId('corp'),
    policyDefinitionId: `${groupId('corp')}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
  })

  test('is an error that names it and what to grant, never a guess', () => {
    const key = unreadable.policyDefinitionId.toLowerCase()
    const result = evaluateSubscription(
      snapshot([unreadable], [], { unreadableSetDefinitions: { [key]: '403 AuthorizationFailed' } })
    )
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unreadable-initiative')
    expect(result.effectiveEffect).toBeNull()
    expect(result.assignments).toEqual([])
    expect(result.reason).toBe(
      `Could not decide whether JIT is audited on ${SUBSCRIPTION_SCOPE}: initiative ${unreadable.policyDefinitionId}, assigned by 'Custom baseline' at ${groupId('corp')} (403 AuthorizationFailed) could not be read; grant the action's identity read access to policy set definitions (Microsoft.Authorization/policySetDefinitions/read) at the scope where the initiative is defined.`
    )
  })

  test('several are all named', () => {
    const second = {
      ...unreadable,
      name: 'second',
      displayName: undefined,
      policyDefinitionId: setId('missing-builtin')
    }
    const result = evaluateSubscription(snapshot([unreadable, second]))
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unreadable-initiative')
    expect(result.reason).toContain(
      `initiative ${unreadable.policyDefinitionId}, assigned by 'Custom baseline' at ${groupId('corp')}, and initiative ${setId('missing-builtin')}, assigned by 'second'`
    )
    expect(result.reason).toContain(
      "check that the initiative exists and that the action's identity may read it"
    )
  })

  test('a 404 is a missing initiative, a 403 needs read access, anything else a re-run', () => {
    const missing = { ...unreadable, name: 'gone', policyDefinitionId: setId('gone') }
    const throttled = { ...unreadable, name: 'busy', policyDefinitionId: setId('busy') }
    const reasonFor = (why: Record<string, string>, assignments = [missing]) =>
      evaluateSubscription(snapshot(assignments, [], { unreadableSetDefinitions: why })).reason
    const gone = reasonFor({ [setId('gone').toLowerCase()]: '404 PolicySetDefinitionNotFound: x' })
    expect(gone).toContain('is missing (deleted, or moved): restore it')
    expect(gone).not.toContain('grant')
    const all = reasonFor(
      {
        [setId('gone').toLowerCase()]: '404 PolicySetDefinitionNotFound: x',
        [unreadable.policyDefinitionId.toLowerCase()]: '403 AuthorizationFailed: y',
        [setId('busy').toLowerCase()]: '429 TooManyRequests: z'
      },
      [missing, unreadable, throttled]
    )
    expect(all).toMatch(/is missing .*; grant .*; re-run the check/)
  })

  test("carries each initiative, its assignment and Resource Manager's status for the remediation", () => {
    const missing = { ...unreadable, name: 'gone', policyDefinitionId: setId('gone') }
    const result = evaluateSubscription(
      snapshot([unreadable, missing], [], {
        unreadableSetDefinitions: {
          [unreadable.policyDefinitionId.toLowerCase()]: '403 AuthorizationFailed: no access',
          [setId('gone').toLowerCase()]: '404 PolicySetDefinitionNotFound: not found'
        }
      })
    )
    expect(result.unreadableInitiatives).toEqual([
      {
        policySetDefinitionId: unreadable.policyDefinitionId,
        assignmentId: unreadable.id,
        assignmentDisplayName: 'Custom baseline',
        assignmentScope: groupId('corp'),
        status: 403
      },
      {
        policySetDefinitionId: setId('gone'),
        assignmentId: missing.id,
        assignmentDisplayName: 'Custom baseline',
        assignmentScope: groupId('corp'),
        status: 404
      }
    ])
    expect(
      evaluateSubscription(snapshot([unreadable])).unreadableInitiatives?.[0]?.status
    ).toBeNull()
  })

  test('is still an error when the others only partly audit or are Disabled', () => {
    const partly = assignment({
      name: 'jit',
      notScopes: [`${SUBSCRIPTION_SCOPE}/resourceGroups/rg`]
    })
    const result = evaluateSubscription(snapshot([partly, unreadable]))
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unreadable-initiative')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.assignments).toHaveLength(1)
  })

  test('does not matter when another assignment audits fully: compliant', () => {
    const full = assignment({ name: 'jit', displayName: 'JIT' })
    const result = evaluateSubscription(snapshot([unreadable, full]))
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toContain("'JIT'")
  })
})

test('an assignment without a display name is named by its name', () => {
  const nameless = assignment({ name: 'jit-assignment', displayName: undefined })
  const result = evaluateSubscription(snapshot([nameless]))
  expect(result.assignments[0]!.displayName).toBe('jit-assignment')
  expect(result.reason).toContain("Assignment 'jit-assignment' at")
})

test('a multi-line display name is kept as data in a one-sentence reason', () => {
  const odd = assignment({
    name: 'odd',
    displayName: 'Line one\nLine two | *x*',
    parameters: { effect: { value: 'Disabled' } }
  })
  const result = evaluateSubscription(snapshot([odd]))
  expect(result.reason).toBe(
    `Assignment 'Line one\nLine two | *x*' at ${SUBSCRIPTION_SCOPE} sets parameter effect to Disabled; set parameter effect to AuditIfNotExists.`
  )
})

test('evidence carries what the outputs need', () => {
  const ascDefault = assignment({
    name: 'SecurityCenterBuiltIn',
    displayName: ASC_DEFAULT,
    policyDefinitionId: setId(MCSB_V1),
    enforcementMode: 'DoNotEnforce'
  })
  const result = evaluateSubscription(frozen(snapshot([ascDefault], [builtInSet(MCSB_V1)])))
  expect(result.assignments[0]).toEqual({
    id: ascDefault.id,
    displayName: ASC_DEFAULT,
    scope: SUBSCRIPTION_SCOPE,
    policyDefinitionId: setId(MCSB_V1),
    policyDefinitionReferenceId: 'jitNetworkAccessMonitoring',
    effect: 'AuditIfNotExists',
    effectSource: 'initiative-default',
    enforcementMode: 'DoNotEnforce',
    coverage: 'full',
    effectParameter: 'jitNetworkAccessMonitoringEffect',
    exemptionIds: [],
    notes: [
      "The assignment does not set parameter jitNetworkAccessMonitoringEffect; the initiative's default is AuditIfNotExists.",
      'enforcementMode DoNotEnforce: the effect is not enforced at creation or update, but Azure still evaluates resources and records compliance, so AuditIfNotExists still audits.'
    ]
  })
})

test('the same snapshot gives the same result', () => {
  const input = frozen(snapshot([assignment({ name: 'jit' })]))
  expect(evaluateSubscription(input)).toEqual(evaluateSubscription(input))
})

describe('collectionErrorResult', () => {
  test('is an error carrying the collector message as the reason', () => {
    const message = `Access to ${SUBSCRIPTION_SCOPE} was denied (403); grant the identity Reader on it.`
    expect(collectionErrorResult(SUBSCRIPTION, message, 'access-denied')).toEqual({
      subscriptionId: SUBSCRIPTION,
      verdict: 'error',
      reason: message,
      effectiveEffect: null,
      assignments: [],
      errorCause: 'access-denied'
    })
  })
})
