// The step's outcome (src/outcome.ts): which runs fail, with what line, and what is only a warning.
import { describe, expect, test } from '@jest/globals'
import type { SkippedSubscription, Verdict } from '../src/model.ts'
import { changeFailureMessage, madeWorse, stepOutcome } from '../src/outcome.ts'
import { SUB1, SUB2, mixedResults, result } from './report/helpers.ts'

const failOn = (...verdicts: Verdict[]) => new Set<Verdict>(verdicts)
const DEFAULT = failOn('noncompliant', 'error')
const disabled = (subscriptionId: string): SkippedSubscription => ({
  subscriptionId,
  displayName: 'old',
  state: 'Disabled'
})

describe('stepOutcome', () => {
  test('fails with the counts of the verdicts in fail-on, and what could not be written', () => {
    expect(stepOutcome({ results: mixedResults(), skipped: [] }, DEFAULT, [])).toEqual({
      failure: '2 of 5 subscriptions noncompliant, 1 could not be checked',
      warnings: []
    })
    expect(
      stepOutcome({ results: [result(SUB1, 'compliant')], skipped: [] }, DEFAULT, [
        'the job summary (EACCES)'
      ])
    ).toEqual({ failure: 'Could not write the job summary (EACCES)', warnings: [] })
  })

  test('passes when no verdict in fail-on occurred, skipped subscriptions beside the checked', () => {
    expect(
      stepOutcome({ results: [result(SUB1, 'compliant')], skipped: [disabled(SUB2)] }, DEFAULT, [])
    ).toEqual({ failure: null, warnings: [] })
  })

  test('an empty scope (nothing checked, nothing skipped) fails, saying what to check', () => {
    const { failure, warnings } = stepOutcome({ results: [], skipped: [] }, DEFAULT, [])
    expect(failure).toMatch(
      /^The scope resolved to no subscription, so nothing was checked: check that `exclude-subscriptions`/
    )
    expect(failure).toContain('`management-groups`')
    expect(warnings).toEqual([])
    // With fail-on: partial alone too: a gate that checked nothing has not passed.
    expect(stepOutcome({ results: [], skipped: [] }, failOn('partial'), []).failure).toBe(failure)
  })

  test('an empty scope under fail-on: none is a warning, and unwritten reports still fail', () => {
    const none = stepOutcome({ results: [], skipped: [] }, failOn(), [])
    expect(none.failure).toBeNull()
    expect(none.warnings).toEqual([expect.stringMatching(/^The scope resolved to no subscription/)])
    expect(
      stepOutcome({ results: [], skipped: [] }, failOn(), ['the results file F (EROFS)']).failure
    ).toBe('Could not write the results file F (EROFS)')
    expect(
      stepOutcome({ results: [], skipped: [] }, DEFAULT, ['the results file F (EROFS)']).failure
    ).toMatch(
      /^The scope resolved to no subscription.*\. Could not write the results file F \(EROFS\)$/
    )
  })

  test('every subscription skipped for its state: a warning, never a failure', () => {
    expect(stepOutcome({ results: [], skipped: [disabled(SUB1)] }, DEFAULT, [])).toEqual({
      failure: null,
      warnings: [
        'No subscription was checked: the one in scope is Disabled or Deleted (the `skipped-subscriptions` output lists it). Skipped subscriptions do not fail the step.'
      ]
    })
    expect(
      stepOutcome({ results: [], skipped: [disabled(SUB1), disabled(SUB2)] }, DEFAULT, []).warnings
    ).toEqual([expect.stringMatching(/^No subscription was checked: all 2 in scope are Disabled/)])
  })
})

describe('the gate on a change (planned-changes)', () => {
  const changed = (subscriptionId: string, from: Verdict, to: Verdict) => ({
    ...result(subscriptionId, to),
    currentVerdict: from
  })

  test.each<[Verdict, Verdict, boolean]>([
    ['compliant', 'noncompliant', true],
    ['partial', 'noncompliant', true],
    ['compliant', 'error', true],
    ['noncompliant', 'error', true],
    ['error', 'error', false],
    ['noncompliant', 'noncompliant', false],
    // Not decided now is no excuse: a change that leaves it noncompliant fails.
    ['error', 'noncompliant', true],
    ['error', 'compliant', false],
    ['compliant', 'partial', false],
    ['noncompliant', 'compliant', false]
  ])('%s -> %s fails the step under the default fail-on: %s', (from, to, fails) => {
    expect(madeWorse(changed(SUB1, from, to), DEFAULT)).toBe(fails)
    const outcome = stepOutcome({ results: [changed(SUB1, from, to)], skipped: [] }, DEFAULT, [], {
      failOnExisting: false
    })
    expect(outcome.failure !== null).toBe(fails)
  })

  test('the failure names what got worse, and fail-on-existing fails on what the estate has', () => {
    const results = [
      changed(SUB1, 'compliant', 'noncompliant'),
      changed(SUB2, 'noncompliant', 'noncompliant')
    ]
    expect(changeFailureMessage(results, DEFAULT)).toBe(
      `The planned changes make 1 of 2 subscriptions worse: ${SUB1} compliant -> noncompliant`
    )
    const existing = stepOutcome({ results: results.slice(1), skipped: [] }, DEFAULT, [], {
      failOnExisting: true
    })
    expect(existing.failure).toMatch(/noncompliant/)
    expect(changeFailureMessage(results.slice(1), DEFAULT)).toBeNull()
  })
})
