// policyEffect overrides: which ones select the JIT reference, in what order, over which part of
// the subscription.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
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

  // Overrides limited by location overlap unless their location lists are disjoint; where they
  // overlap, the first-wins and last-wins readings are both worked out.
  test.each([
    [
      'Disabled in eastus, then AuditIfNotExists everywhere',
      [
        byLocation('Disabled', { in: ['eastus'] }),
        { kind: 'policyEffect', value: 'AuditIfNotExists' }
      ],
      'if the first wins, JIT is audited in every location but eastus, if the last wins, in every location'
    ],
    [
      'AuditIfNotExists everywhere, then Disabled in eastus',
      [
        { kind: 'policyEffect', value: 'AuditIfNotExists' },
        byLocation('Disabled', { in: ['eastus'] })
      ],
      'if the first wins, JIT is audited in every location, if the last wins, in every location but eastus'
    ],
    [
      'Disabled everywhere, then AuditIfNotExists in eastus',
      [
        { kind: 'policyEffect', value: 'Disabled' },
        byLocation('AuditIfNotExists', { in: ['eastus'] })
      ],
      'if the first wins, JIT is audited in no location, if the last wins, only in eastus'
    ],
    [
      'AuditIfNotExists in eastus, then Disabled everywhere',
      [
        byLocation('AuditIfNotExists', { in: ['eastus'] }),
        { kind: 'policyEffect', value: 'Disabled' }
      ],
      'if the first wins, JIT is audited only in eastus, if the last wins, in no location'
    ]
  ] as [string, Override[], string][])(
    '%s: the two readings differ, error naming both',
    (_name, overrides, readings) => {
      const result = mcsb(overrides)
      expect(result.verdict).toBe('error')
      expect(result.errorCause).toBe('undecidable')
      expect(result.reason).toContain(
        `that both select reference ${REFERENCE} only in eastus; Azure documents that overrides are evaluated in order, but not whether the first or the last one wins: ${readings}; keep one policyEffect override that selects reference ${REFERENCE}, or give overrides #1 and #2 resourceLocation selectors that do not overlap.`
      )
    }
  )

  test('overlapping overrides whose readings give the same verdict: decided', () => {
    // Last wins: every location but westus; first wins: every location but eastus and westus.
    const result = mcsb([
      byLocation('Disabled', { in: ['eastus', 'westus'] }),
      byLocation('AuditIfNotExists', { in: ['EastUS'] })
    ])
    expect(result.verdict).toBe('partial')
  })

  test('an auditing and a non-auditing override on disjoint locations: no conflict', () => {
    const result = mcsb(
      [
        byLocation('Disabled', { in: ['eastus'] }),
        byLocation('AuditIfNotExists', { in: ['westus'] })
      ],
      { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain('audits only the resources override #2 selects')
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
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group in eastus. Assignment 'MCSB' at ${SUBSCRIPTION_SCOPE} overrides the JIT effect to Disabled (override #1) for the resources that override selects; remove override #1 or set its value to AuditIfNotExists.`
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

  test('a selector kind Learn does not list for policyEffect overrides: error, not a guess', () => {
    const result = mcsb(
      [
        {
          kind: 'policyEffect',
          value: 'AuditIfNotExists',
          selectors: [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
        }
      ],
      { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      "has override #1 (AuditIfNotExists) with a selector of kind 'resourceType', which Azure does not document for overrides of kind policyEffect (only policyDefinitionReferenceId and resourceLocation), so which resources it selects cannot be decided; check override #1: select by policyDefinitionReferenceId or resourceLocation."
    )
  })

  test('an unknown selector kind on an override that does not select the reference: no matter', () => {
    const result = mcsb([
      {
        kind: 'policyEffect',
        value: 'Disabled',
        selectors: [
          { kind: 'policyDefinitionReferenceId', in: ['other'] },
          { kind: 'resourceType', in: ['x'] }
        ]
      }
    ])
    expect(result.verdict).toBe('compliant')
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

describe('location overrides combined', () => {
  test('Disabled in eastus and Disabled notIn eastus: disabled everywhere, noncompliant', () => {
    const result = mcsb([
      byLocation('Disabled', { in: ['eastus'] }),
      byLocation('Disabled', { notIn: ['EastUS'] })
    ])
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
    expect(result.reason).toBe(
      `Assignment 'MCSB' at ${SUBSCRIPTION_SCOPE} does not audit JIT on ${SUBSCRIPTION_SCOPE}: it overrides the JIT effect to Disabled (override #1) for the resources that override selects, and overrides the JIT effect to Disabled (override #2) for the resources that override selects, which together leave no location where JIT is audited; remove override #1 or set its value to AuditIfNotExists, and remove override #2 or set its value to AuditIfNotExists.`
    )
  })

  test('two Disabled location overrides that leave some locations: partial, naming what is left', () => {
    const result = mcsb([
      byLocation('Disabled', { in: ['eastus'] }),
      byLocation('Disabled', { notIn: ['eastus', 'westus'] })
    ])
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in every resource group in every location but westus. Assignment'
    )
  })

  test('AuditIfNotExists in eastus and in westus over a Disabled parameter: partial', () => {
    const result = mcsb(
      [
        byLocation('AuditIfNotExists', { in: ['eastus'] }),
        byLocation('AuditIfNotExists', { in: ['westus'] })
      ],
      { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in every resource group in every location but eastus, westus. Assignment'
    )
    expect(result.reason).toContain(
      'audits only the resources override #1 selects, and elsewhere sets parameter jitNetworkAccessMonitoringEffect to Disabled; set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.'
    )
  })

  test('AuditIfNotExists in eastus and notIn eastus over a Disabled parameter: compliant', () => {
    const result = mcsb(
      [
        byLocation('AuditIfNotExists', { in: ['eastus'] }),
        byLocation('AuditIfNotExists', { notIn: ['eastus'] })
      ],
      { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } },
      MCSB_V1
    )
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ effectSource: 'override', coverage: 'full' })
  })

  test('two location selectors on one override select where both hold', () => {
    const both: Override = {
      kind: 'policyEffect',
      value: 'Disabled',
      selectors: [
        { kind: 'resourceLocation', in: ['eastus', 'westus'] },
        { kind: 'resourceLocation', notIn: ['eastus', 'westus'] }
      ]
    }
    const result = mcsb([both])
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes).toContain(
      'Override #1 (Disabled) selects no location: it applies nowhere.'
    )
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

  test('an auditing and a disabling override on the same location: the order decides, error', () => {
    const result = alone(
      [
        byLocation('AuditIfNotExists', { in: ['eastus'] }),
        byLocation('Disabled', { in: ['eastus'] })
      ],
      { effect: { value: 'Disabled' } }
    )
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain(
      'has overrides #1 (AuditIfNotExists) and #2 (Disabled) that both select the JIT definition only in eastus'
    )
  })

  test('a location override applies to part', () => {
    const result = alone([byLocation('Disabled', { notIn: ['eastus'] })])
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]).toMatchObject({ coverage: 'partial', effectParameter: 'effect' })
  })
})
