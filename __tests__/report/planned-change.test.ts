// What planned changes do, leading the job summary and the pull-request comment
// (src/report/planned-change.ts).
import { describe, expect, test } from '@jest/globals'
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import { pullRequestBody } from '../../src/notify/body.ts'
import {
  MAX_CHANGED_ROWS,
  changeSentence,
  changedResults,
  plannedChangeSection
} from '../../src/report/planned-change.ts'
import { buildJobSummary } from '../../src/report/summary/index.ts'
import { view } from '../notify/helpers.ts'
import { SUB1, SUB2, SUB3, SUB4, context, result } from './helpers.ts'

const ADDRESS = 'module.alz.azurerm_management_group_policy_assignment.mcsb'

function changed(subscriptionId: string, from: Verdict, to: Verdict): SubscriptionResult {
  return result(subscriptionId, to, {
    currentVerdict: from,
    plannedChanges: [{ address: ADDRESS, file: 'plan.json', format: 'terraform', action: 'update' }]
  })
}

const RESULTS = [
  changed(SUB1, 'compliant', 'noncompliant'),
  changed(SUB2, 'compliant', 'noncompliant'),
  changed(SUB3, 'noncompliant', 'compliant'),
  changed(SUB4, 'compliant', 'compliant')
]

describe('the planned change', () => {
  test('the sentence counts what the change stops, leaves undecided, weakens and improves', () => {
    expect(changeSentence(RESULTS)).toBe(
      'This change stops JIT auditing on 2 subscriptions, improves 1 subscription.'
    )
    expect(
      changeSentence([changed(SUB1, 'compliant', 'error'), changed(SUB2, 'compliant', 'partial')])
    ).toBe(
      'This change leaves 1 subscription that cannot be decided before apply, leaves JIT audited on part of 1 subscription.'
    )
    expect(changeSentence([changed(SUB4, 'compliant', 'compliant')])).toBe(
      'The planned changes change no verdict.'
    )
    // From a verdict not decided now, noncompliant after is no improvement; compliant is.
    expect(
      changeSentence([changed(SUB1, 'error', 'noncompliant'), changed(SUB2, 'error', 'compliant')])
    ).toBe(
      'This change leaves JIT unaudited on 1 subscription that could not be decided now, improves 1 subscription.'
    )
    // Every change the table lists has its clause: error -> partial too.
    expect(changeSentence([changed(SUB1, 'error', 'partial')])).toBe(
      'This change leaves JIT audited on part of 1 subscription.'
    )
    expect(
      changedResults([
        changed(SUB2, 'error', 'compliant'),
        changed(SUB3, 'compliant', 'partial'),
        changed(SUB1, 'error', 'noncompliant')
      ]).map((r) => r.subscriptionId)
    ).toEqual([SUB1, SUB3, SUB2])
  })

  test('the table: worst change first, before, after and the planned resource', () => {
    expect(changedResults(RESULTS).map((r) => r.subscriptionId)).toEqual([SUB1, SUB2, SUB3])
    const section = plannedChangeSection(RESULTS)
    expect(section).toContain('**This change stops JIT auditing on 2 subscriptions')
    expect(section).toContain(`| ✅ compliant | ❌ noncompliant | \`${ADDRESS}\` (update) |`)
    expect(section).not.toContain(SUB4)
    expect(plannedChangeSection([result(SUB1, 'noncompliant')])).toBe('')
    const many = Array.from({ length: MAX_CHANGED_ROWS + 2 }, () =>
      changed(SUB1, 'compliant', 'noncompliant')
    )
    expect(plannedChangeSection(many)).toContain('And 2 more: the `changed-subscriptions` output')
  })

  test('the job summary and the pull-request comment lead with it', () => {
    const summary = buildJobSummary(RESULTS, context())
    expect(summary.indexOf('### The planned change')).toBeGreaterThan(0)
    expect(summary.indexOf('### The planned change')).toBeLessThan(
      summary.indexOf('### After the change')
    )
    expect(buildJobSummary([result(SUB1, 'compliant')], context())).not.toContain('planned change')
    const body = pullRequestBody(view(RESULTS), '<!-- m -->')
    expect(body.indexOf('This change stops JIT auditing on 2 subscriptions')).toBeGreaterThan(0)
  })
})
