// The SARIF of several estates through Microsoft's SARIF Multitool, with GitHub's rules: nothing at
// error or warning level.
import { describe, expect, test } from '@jest/globals'
import { buildSarif } from '../../src/report/sarif.ts'
import { multitoolProblems } from '../support/sarif-validation.ts'
import {
  HOSTILE_ALL,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  context,
  mixedResults,
  result,
  workflowFile
} from './helpers.ts'

describe('SARIF Multitool (validate --rule-kind "Gh;Sarif")', () => {
  test('finds nothing at error or warning level in the SARIF of several estates', () => {
    const file = workflowFile()
    const logs = {
      mixed: buildSarif(mixedResults(), file, context()),
      noncompliant: buildSarif(
        [result(SUB1, 'noncompliant', { displayName: 'Payments [prod]' })],
        file,
        context()
      ),
      partial: buildSarif([result(SUB3, 'partial')], file, context()),
      errors: buildSarif(
        [
          result(SUB2, 'error', { errorCause: 'transient' }),
          result(SUB4, 'error', { errorCause: 'unreadable-initiative' })
        ],
        file,
        context()
      ),
      carried: buildSarif(
        [
          result(SUB2, 'error', {
            lastFinding: {
              verdict: 'partial',
              level: 'warning',
              alert: 3,
              message: `Subscription ${SUB2} is only partly audited: ${HOSTILE_ALL}`
            }
          }),
          result(SUB4, 'error', { lastFinding: { verdict: 'unknown', why: 'no github-token' } })
        ],
        file,
        context()
      ),
      compliant: buildSarif([result(SUB1, 'compliant')], file, context()),
      empty: buildSarif([], file, context()),
      noWorkflowRef: buildSarif(mixedResults(), workflowFile(null), context()),
      hostile: buildSarif(
        [
          result(SUB2, 'noncompliant', { reason: HOSTILE_ALL, displayName: HOSTILE_ALL }),
          result(SUB4, 'error', { reason: HOSTILE_ALL })
        ],
        file,
        context({ actionVersion: 'dev build' })
      )
    }
    expect(multitoolProblems(logs)).toEqual([])
  }, 180_000)

  test('reports what GitHub needs: a rule without help', () => {
    const broken = buildSarif([result(SUB1, 'noncompliant')], workflowFile(), context())
    delete (broken.runs[0]!.tool.driver.rules![0] as { help?: unknown }).help
    expect(multitoolProblems({ broken }).join('\n')).toMatch(/GH\d+/)
  }, 180_000)
})
