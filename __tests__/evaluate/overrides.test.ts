// policyEffect overrides: which ones select the JIT reference, in what order, over which part of
// the subscription.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/evaluate.ts'
import type { Override, ParameterValues } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  MCSB_V1,
  MCSB_V2,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const REFERENCE = 'jitNetworkAccessMonitoring'

function mcsb(overrides: Override[], parameters: ParameterValues = {}, set = MCSB_V2) {
  const assigned = assignment({
    name: 'mcsb',
    displayName: 'MCSB',
    policyDefinitionId: setId(set),
    overrides,
    parameters
  })
  return evaluateSubscription(snapshot([assigned], [builtInSet(set)]))
}

function byReference(value: string, selector: { in?: string[]; notIn?: string[] }): Override {
  return {
    kind: 'policyEffect',
    value,
    selectors: [{ kind: 'policyDefinitionReferenceId', ...selector }]
  }
}

function byLocation(value: string, selector: { in?: string[]; notIn?: string[] }): Override {
  return { kind: 'policyEffect', value, selectors: [{ kind: 'resourceLocation', ...selector }] }
}

describe('which overrides select the JIT reference', () => {
  test.each([
    ['no selector', { kind: 'policyEffect', value: 'Disabled' }],
    ['no selectors array entries', { kind: 'policyEffect', value: 'Disabled', selectors: [] }],
    ['in holding the reference id', byReference('Disabled', { in: ['other', REFERENCE] })],
    ['in holding it in another case', byReference('Disabled', { in: [REFERENCE.toUpperCase()] })],
    ['notIn not holding it', byReference('Disabled', { notIn: ['other'] })],
    ['a selector with neither in nor notIn', byReference('Disabled', {})],
    [
      'kind written in another case',
      {
        kind: 'POLICYEFFECT',
        value: 'Disabled',
        selectors: [{ kind: 'PolicyDefinitionReferenceId', in: [REFERENCE] }]
      }
    ],
    ['a location selector with an empty notIn', byLocation('Disabled', { notIn: [] })],
    ['a location selector with neither list', byLocation('Disabled', {})]
  ] as [string, Override][])('%s: applies', (_name, override) => {
    const result = mcsb([override])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: 'override',
      coverage: 'full'
    })
  })

  test.each([
    ['in not holding the reference id', byReference('Disabled', { in: ['other'] })],
    ['notIn holding it', byReference('Disabled', { notIn: [REFERENCE.toLowerCase()] })],
    ['a location selector with an empty in', byLocation('Disabled', { in: [] })]
  ] as [string, Override][])('%s: does not apply', (_name, override) => {
    const result = mcsb([override])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'AuditIfNotExists',
      effectSource: 'definition-default'
    })
  })
})

describe('order', () => {
  // Learn: overrides are "evaluated in the order in which they're specified", without saying
  // whether the first or the last one that selects a reference wins.
  test('two overrides that select the JIT reference, one auditing and one not: error', () => {
    const result = mcsb([
      byReference('Disabled', { in: [REFERENCE] }),
      { kind: 'policyEffect', value: 'AuditIfNotExists' }
    ])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      'has overrides #1 (Disabled) and #2 (AuditIfNotExists) that both select reference'
    )
    expect(result.reason).toContain('keep one policyEffect override that selects reference')
  })

  test('the same outcome whichever wins: decided', () => {
    const result = mcsb([
      byReference('auditifnotexists', { in: [REFERENCE] }),
      { kind: 'policyEffect', value: 'AuditIfNotExists' }
    ])
    expect(result.verdict).toBe('compliant')
    const disabled = mcsb([
      byReference('Disabled', { in: [REFERENCE] }),
      { kind: 'policyEffect', value: 'disabled' }
    ])
    expect(disabled.verdict).toBe('noncompliant')
  })

  test('an override beats the assignment parameter', () => {
    const result = mcsb(
      [{ kind: 'policyEffect', value: 'Disabled' }],
      { jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effectSource: 'override', effectParameter: null })
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${SUBSCRIPTION_SCOPE} overrides the JIT effect to Disabled (override #1); remove override #1 or set its value to AuditIfNotExists.`
    )
  })

  test('overrides that do not select the reference take no part', () => {
    const result = mcsb([
      byReference('AuditIfNotExists', { in: ['other'] }),
      byReference('Disabled', { notIn: ['other'] }),
      byReference('AuditIfNotExists', { in: ['other'] })
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.reason).toContain('(override #2)')
  })
})

describe('overrides that select by location cover part of the subscription', () => {
  test('Disabled in some locations: JIT is audited only partly', () => {
    const result = mcsb([byLocation('Disabled', { in: ['eastus'] })])
    expect(result.verdict).toBe('partial')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.assignments[0]).toMatchObject({
      effect: 'AuditIfNotExists',
      effectSource: 'definition-default',
      coverage: 'partial'
    })
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${SUBSCRIPTION_SCOPE} audits JIT only on part of ${SUBSCRIPTION_SCOPE}: it overrides the JIT effect to Disabled (override #1) for the resources that override selects; remove override #1 or set its value to AuditIfNotExists.`
    )
  })

  test('AuditIfNotExists in some locations over a Disabled parameter: partly', () => {
    const result = mcsb(
      [byLocation('AuditIfNotExists', { notIn: ['westeurope'] })],
      { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({
      effect: 'AuditIfNotExists',
      effectSource: 'override',
      coverage: 'partial',
      effectParameter: null
    })
    expect(result.reason).toContain(
      'audits only the resources override #1 selects, and elsewhere sets parameter jitNetworkAccessMonitoringEffect to Disabled; set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.'
    )
  })

  test('a location override with the same effect changes nothing', () => {
    const result = mcsb([byLocation('auditifnotexists', { in: ['eastus'] })])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({
      coverage: 'full',
      effectSource: 'definition-default'
    })
  })

  test('two unknown effects that differ only in case are the same effect', () => {
    const result = mcsb([
      { kind: 'policyEffect', value: 'Audit' },
      byLocation('AUDIT', { in: ['eastus'] })
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effect: 'Audit', coverage: 'full' })
  })

  test('Disabled everywhere and Audit in some locations: nothing audits', () => {
    const result = mcsb([
      { kind: 'policyEffect', value: 'Disabled' },
      byLocation('Audit', { in: ['eastus'] })
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effect: 'Disabled', coverage: 'full' })
  })

  test('a later override without selectors replaces the location one', () => {
    const result = mcsb([
      byLocation('Disabled', { in: ['eastus'] }),
      { kind: 'policyEffect', value: 'AuditIfNotExists' }
    ])
    expect(result.verdict).toBe('compliant')
  })

  test('a selector kind this check does not know narrows the override to part', () => {
    const result = mcsb([
      { kind: 'policyEffect', value: 'Disabled', selectors: [{ kind: 'resourceType', in: ['x'] }] }
    ])
    expect(result.verdict).toBe('partial')
  })

  test('a reference selector and a location selector together: part, when the reference matches', () => {
    const both: Override = {
      kind: 'policyEffect',
      value: 'Disabled',
      selectors: [
        { kind: 'policyDefinitionReferenceId', in: [REFERENCE] },
        { kind: 'resourceLocation', in: ['eastus'] }
      ]
    }
    expect(mcsb([both]).verdict).toBe('partial')
    const other = {
      ...both,
      selectors: [{ kind: 'policyDefinitionReferenceId', in: ['x'] }, ...both.selectors!.slice(1)]
    }
    expect(mcsb([other]).verdict).toBe('compliant')
  })
})

describe('overrides on the JIT definition assigned alone', () => {
  function alone(overrides: Override[], parameters: ParameterValues = {}) {
    return evaluateSubscription(snapshot([assignment({ name: 'jit', overrides, parameters })]))
  }

  test('an override without selectors applies', () => {
    const result = alone([{ kind: 'policyEffect', value: 'Disabled' }])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effectSource: 'override', effectParameter: null })
  })

  test('a policyDefinitionReferenceId `in` selector cannot name the definition assigned alone', () => {
    const result = alone([byReference('Disabled', { in: ['jit'] })])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes.join(' ')).toContain(
      'cannot name the JIT definition assigned alone'
    )
  })

  test('a policyDefinitionReferenceId `notIn` selector reaches the definition assigned alone (fails closed)', () => {
    const result = alone([byReference('Disabled', { notIn: ['zzz'] })])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effect: 'Disabled', effectSource: 'override' })
  })

  test('a later location override that disables cancels an earlier one that audits', () => {
    const result = alone(
      [
        byLocation('AuditIfNotExists', { in: ['eastus'] }),
        byLocation('Disabled', { in: ['eastus'] })
      ],
      { effect: { value: 'Disabled' } }
    )
    expect(result.verdict).toBe('noncompliant')
  })

  test('a location override applies to part', () => {
    const result = alone([byLocation('Disabled', { notIn: ['eastus'] })])
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial', effectParameter: 'effect' })
  })
})
