import { describe, expect, test } from '@jest/globals'
import { failureMessage } from '../../src/outcome.ts'
import { buildOutputs } from '../../src/report/outputs.ts'
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import {
  HOSTILE_ALL,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  SUBA,
  evidence,
  mixedResults,
  result
} from './helpers.ts'

const outputsOf = (results: SubscriptionResult[], sarifFile: string | null = null) =>
  buildOutputs(results, [], { sarifFile, resultsFile: '/tmp/results.json' }).values

describe('buildOutputs', () => {
  test('exactly the outputs DESIGN.md names', () => {
    const outputs = outputsOf(mixedResults(), '/work/jit-network-access.sarif')
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'compliant',
        'noncompliant-subscriptions',
        'results',
        'results-trimmed',
        'results-file',
        'skipped-subscriptions',
        'changed-subscriptions',
        'sarif-file'
      ].sort()
    )
    expect(outputs['changed-subscriptions']).toBe('[]')
    expect(outputs['results-trimmed']).toBe('false')
    expect(outputs['results-file']).toBe('/tmp/results.json')
    expect(outputs['skipped-subscriptions']).toBe('[]')
    expect(outputs.compliant).toBe('false')
    expect(JSON.parse(outputs['noncompliant-subscriptions'])).toEqual([SUB2, SUBA])
    expect(outputs['sarif-file']).toBe('/work/jit-network-access.sarif')
  })

  test('changed-subscriptions: each subscription whose verdict the planned changes change', () => {
    const results = [
      result(SUB1, 'noncompliant', { currentVerdict: 'compliant' }),
      result(SUB2, 'noncompliant', { currentVerdict: 'noncompliant' }),
      result(SUB3, 'compliant')
    ]
    expect(JSON.parse(outputsOf(results)['changed-subscriptions'])).toEqual([
      { subscriptionId: SUB1, from: 'compliant', to: 'noncompliant' }
    ])
  })

  test('results: one object per subscription with exactly the DESIGN.md fields, in order', () => {
    const parsed = JSON.parse(outputsOf(mixedResults()).results) as Record<string, unknown>[]
    expect(parsed.map((item) => item.subscriptionId)).toEqual([SUB1, SUB2, SUB3, SUB4, SUBA])
    for (const item of parsed) {
      expect(Object.keys(item)).toEqual([
        'subscriptionId',
        'verdict',
        'reason',
        'effectiveEffect',
        'assignments'
      ])
      for (const assignment of item.assignments as Record<string, unknown>[]) {
        expect(Object.keys(assignment)).toEqual([
          'id',
          'displayName',
          'scope',
          'policyDefinitionId',
          'policyDefinitionReferenceId',
          'effect',
          'effectSource',
          'enforcementMode',
          'coverage'
        ])
      }
    }
    expect(parsed[1]).toEqual({
      subscriptionId: SUB2,
      verdict: 'noncompliant',
      reason: 'ASC Default sets the JIT policy to Disabled through its parameter.',
      effectiveEffect: 'Disabled',
      assignments: [
        {
          id: evidence().id,
          displayName: 'ASC Default',
          scope: evidence().scope,
          policyDefinitionId: evidence().policyDefinitionId,
          policyDefinitionReferenceId: 'jitNetworkAccessMonitoring',
          effect: 'Disabled',
          effectSource: 'parameter',
          enforcementMode: 'Default',
          coverage: 'full'
        }
      ]
    })
    expect(parsed[3]?.effectiveEffect).toBeNull()
  })

  test('keeps Azure strings as data, exactly', () => {
    const hostile = result(SUB2, 'noncompliant', {
      assignments: [evidence({ displayName: HOSTILE_ALL })]
    })
    const parsed = JSON.parse(outputsOf([hostile]).results) as {
      assignments: { displayName: string }[]
    }[]
    expect(parsed[0]?.assignments[0]?.displayName).toBe(HOSTILE_ALL)
  })

  test("compliant is 'true' only when every subscription is compliant; sarif-file '' when none", () => {
    const outputs = outputsOf([result(SUB1, 'compliant'), result(SUB2, 'compliant')])
    expect(outputs.compliant).toBe('true')
    expect(outputs['noncompliant-subscriptions']).toBe('[]')
    expect(outputs['sarif-file']).toBe('')
    expect(outputsOf([result(SUB1, 'compliant'), result(SUB2, 'partial')]).compliant).toBe('false')
    expect(outputsOf([result(SUB1, 'error')]).compliant).toBe('false')
    expect(outputsOf([]).compliant).toBe('false')
  })
})

describe('buildOutputs: display names and skipped subscriptions', () => {
  test('results carry the display name after the id when the run learnt it', () => {
    const named = result(SUB1, 'compliant', { displayName: 'prod <1>' })
    const parsed = JSON.parse(outputsOf([named]).results) as Record<string, unknown>[]
    expect(Object.keys(parsed[0]!).slice(0, 3)).toEqual([
      'subscriptionId',
      'displayName',
      'verdict'
    ])
    expect(parsed[0]?.displayName).toBe('prod <1>')
  })

  test('skipped-subscriptions lists id, display name and state', () => {
    const { values } = buildOutputs(
      [],
      [{ subscriptionId: SUB3, displayName: 'old', state: 'Disabled' }],
      { sarifFile: null, resultsFile: null }
    )
    expect(JSON.parse(values['skipped-subscriptions'])).toEqual([
      { subscriptionId: SUB3, displayName: 'old', state: 'Disabled' }
    ])
    expect(values['results-file']).toBe('')
  })
})

describe('failureMessage', () => {
  const failOn = (...verdicts: Verdict[]) => new Set<Verdict>(verdicts)

  test('counts the verdicts listed in fail-on', () => {
    expect(failureMessage(mixedResults(), failOn('noncompliant', 'error'))).toBe(
      '2 of 5 subscriptions noncompliant, 1 could not be checked'
    )
    expect(failureMessage(mixedResults(), failOn('noncompliant', 'partial', 'error'))).toBe(
      '2 of 5 subscriptions noncompliant, 1 only partly audited, 1 could not be checked'
    )
    expect(failureMessage(mixedResults(), failOn('error'))).toBe(
      '1 of 5 subscriptions could not be checked'
    )
    expect(failureMessage(mixedResults(), failOn('partial'))).toBe(
      '1 of 5 subscriptions only partly audited'
    )
  })

  test('null when nothing listed in fail-on occurred', () => {
    expect(failureMessage(mixedResults(), failOn())).toBeNull()
    expect(
      failureMessage(
        [result(SUB1, 'compliant'), result(SUB3, 'partial')],
        failOn('noncompliant', 'error')
      )
    ).toBeNull()
    expect(failureMessage([], failOn('noncompliant'))).toBeNull()
  })

  test('one subscription reads in the singular', () => {
    expect(failureMessage([result(SUB2, 'noncompliant')], failOn('noncompliant'))).toBe(
      '1 of 1 subscription noncompliant'
    )
  })
})
