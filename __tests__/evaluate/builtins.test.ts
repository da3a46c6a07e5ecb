// The real built-in initiatives that contain the JIT definition, each wiring its effect its own way.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import { JIT_POLICY_DEFINITION_NAME } from '../../src/model.ts'
import {
  assignment,
  builtInSet,
  CIS_110,
  CMMC_20_L2,
  CMMC_L3,
  frozen,
  MCSB_V1,
  MCSB_V2,
  NIST_R5,
  setId,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

interface Row {
  set: string
  title: string
  referenceId: string
  /** The initiative parameter the JIT effect is bound to; null when only an override changes it. */
  parameter: string | null
}

const ROWS: Row[] = [
  {
    set: MCSB_V1,
    title: 'MCSB v1',
    referenceId: 'jitNetworkAccessMonitoring',
    parameter: 'jitNetworkAccessMonitoringEffect'
  },
  { set: MCSB_V2, title: 'MCSB v2', referenceId: 'jitNetworkAccessMonitoring', parameter: null },
  {
    set: CMMC_L3,
    title: 'CMMC Level 3',
    referenceId: JIT_POLICY_DEFINITION_NAME,
    parameter: `effect-${JIT_POLICY_DEFINITION_NAME}`
  },
  { set: CIS_110, title: 'CIS 1.1.0', referenceId: 'CISv110x2x12', parameter: null },
  {
    set: CMMC_20_L2,
    title: 'CMMC 2.0 L2',
    referenceId: JIT_POLICY_DEFINITION_NAME,
    parameter: null
  },
  {
    set: NIST_R5,
    title: 'NIST 800-53 R5',
    referenceId: JIT_POLICY_DEFINITION_NAME,
    parameter: null
  }
]

function assigned(row: Row, fields: Partial<Parameters<typeof assignment>[0]> = {}) {
  return assignment({ name: `assign-${row.set}`, policyDefinitionId: setId(row.set), ...fields })
}

describe.each(ROWS)('$title', (row) => {
  const set = builtInSet(row.set)

  test('assigned with defaults, it audits JIT over the whole subscription', () => {
    const result = evaluateSubscription(frozen(snapshot([assigned(row)], [set])))
    expect(result.verdict).toBe('compliant')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.assignments).toHaveLength(1)
    expect(result.assignments[0]).toMatchObject({
      policyDefinitionId: setId(row.set),
      policyDefinitionReferenceId: row.referenceId,
      effect: 'AuditIfNotExists',
      effectSource: row.parameter === null ? 'definition-default' : 'initiative-default',
      effectParameter: row.parameter,
      coverage: 'full',
      exemptionIds: []
    })
    expect(result.reason).toContain(`'Display assign-${row.set}' at ${SUBSCRIPTION_SCOPE}`)
    expect(result.reason).toContain('audits JIT')
  })

  test('switched to Disabled the way this initiative allows, it is noncompliant', () => {
    const disabled =
      row.parameter === null
        ? assigned(row, {
            overrides: [
              {
                kind: 'policyEffect',
                value: 'Disabled',
                selectors: [{ kind: 'policyDefinitionReferenceId', in: [row.referenceId] }]
              }
            ]
          })
        : assigned(row, { parameters: { [row.parameter]: { value: 'Disabled' } } })
    const result = evaluateSubscription(snapshot([disabled], [set]))
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: row.parameter === null ? 'override' : 'parameter',
      effectParameter: row.parameter,
      coverage: 'full'
    })
    expect(result.reason).toContain(
      row.parameter === null
        ? 'overrides the JIT effect to Disabled (override #1); remove override #1 or set its value to AuditIfNotExists'
        : `sets parameter ${row.parameter} to Disabled; set parameter ${row.parameter} to AuditIfNotExists`
    )
  })

  test('a parameter that merely looks like the JIT one does not change the effect', () => {
    const lookalike = assigned(row, {
      parameters: {
        jitNetworkAccessMonitoringEffectV2: { value: 'Disabled' },
        effect: { value: 'Disabled' }
      }
    })
    expect(evaluateSubscription(snapshot([lookalike], [set])).verdict).toBe('compliant')
  })
})

describe.each(ROWS.filter((row) => row.parameter !== null))('$title parameter', (row) => {
  test('is matched whatever its case in the assignment', () => {
    const parameter = row.parameter!.toUpperCase()
    const disabled = assigned(row, { parameters: { [parameter]: { value: 'disabled' } } })
    const result = evaluateSubscription(snapshot([disabled], [builtInSet(row.set)]))
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.assignments[0]).toMatchObject({ effect: 'disabled', effectSource: 'parameter' })
  })
})

describe('MCSB v2', () => {
  test('disabled only through an override without a selector: noncompliant', () => {
    const mcsb = assignment({
      name: 'mcsb-v2',
      policyDefinitionId: setId(MCSB_V2),
      overrides: [{ kind: 'policyEffect', value: 'Disabled' }]
    })
    const result = evaluateSubscription(snapshot([mcsb], [builtInSet(MCSB_V2)]))
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: 'override',
      effectParameter: null
    })
  })

  test('an override for other references leaves JIT audited', () => {
    const mcsb = assignment({
      name: 'mcsb-v2',
      policyDefinitionId: setId(MCSB_V2),
      overrides: [
        {
          kind: 'policyEffect',
          value: 'Disabled',
          selectors: [{ kind: 'policyDefinitionReferenceId', in: ['someOtherReference'] }]
        }
      ]
    })
    const result = evaluateSubscription(snapshot([mcsb], [builtInSet(MCSB_V2)]))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes.join(' ')).toContain(
      'Override #1 (Disabled) does not select reference jitNetworkAccessMonitoring.'
    )
  })
})

describe('CMMC Level 3', () => {
  test(`effect-${JIT_POLICY_DEFINITION_NAME} set to Disabled names that parameter`, () => {
    const parameter = `effect-${JIT_POLICY_DEFINITION_NAME}`
    const cmmc = assignment({
      name: 'cmmc',
      displayName: 'CMMC L3',
      policyDefinitionId: setId(CMMC_L3),
      parameters: { [parameter]: { value: 'Disabled' } }
    })
    const result = evaluateSubscription(snapshot([cmmc], [builtInSet(CMMC_L3)]))
    expect(result.reason).toBe(
      `Assignment 'CMMC L3' at ${SUBSCRIPTION_SCOPE} sets parameter ${parameter} to Disabled; set parameter ${parameter} to AuditIfNotExists.`
    )
  })
})

describe('the JIT definition assigned alone', () => {
  test('with no parameters it audits with the definition default', () => {
    const result = evaluateSubscription(snapshot([assignment({ name: 'jit' })]))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({
      policyDefinitionReferenceId: null,
      effect: 'AuditIfNotExists',
      effectSource: 'definition-default',
      effectParameter: 'effect'
    })
  })

  test('with effect Disabled it is noncompliant, whatever the parameter name case', () => {
    const jit = assignment({
      name: 'jit',
      displayName: 'JIT',
      parameters: { Effect: { value: 'DISABLED' } }
    })
    const result = evaluateSubscription(snapshot([jit]))
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.assignments[0]).toMatchObject({
      effect: 'DISABLED',
      effectSource: 'parameter',
      effectParameter: 'effect'
    })
    expect(result.reason).toBe(
      `Assignment 'JIT' at ${SUBSCRIPTION_SCOPE} sets parameter effect to DISABLED; set parameter effect to AuditIfNotExists.`
    )
  })
})
