import { describe, expect, test } from '@jest/globals'
import type { Verdict } from '../../src/model.ts'
import {
  MIN_CUT_LENGTH,
  RESULTS_OUTPUT_MAX_BYTES,
  fitResults,
  outputBytes,
  trimmedWarning,
  resultOutput,
  type FittedResult
} from '../../src/report/outputs.ts'
import { evidence, result } from './helpers.ts'

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

/** `count` results cycling through the verdicts, each with `assignments` pieces of evidence. */
function entries(count: number, assignments: number) {
  const verdicts: Verdict[] = ['compliant', 'noncompliant', 'partial', 'error']
  return Array.from({ length: count }, (_, n) =>
    resultOutput(
      result(id(n), verdicts[n % verdicts.length]!, {
        displayName: `subscription ${n} — ünïcødé 🚀`,
        assignments: Array.from({ length: assignments }, () => evidence())
      })
    )
  )
}

describe('fitResults', () => {
  test('results that fit are given whole', () => {
    const all = entries(10, 2)
    expect(fitResults(all)).toEqual({
      json: JSON.stringify(all),
      evidenceTrimmed: 0,
      subscriptionsLeftOut: 0,
      byVerdict: {
        evidenceTrimmed: { compliant: 0, partial: 0, noncompliant: 0, error: 0 },
        leftOut: { compliant: 0, partial: 0, noncompliant: 0, error: 0 }
      }
    })
    expect(trimmedWarning(fitResults(all), '/tmp/r.json')).toBeNull()
  })

  test("the cross-check's reason is evidence: trimmed with the assignments, the counts kept", () => {
    const all = Array.from({ length: 40 }, (_, n) =>
      resultOutput(
        result(id(n), 'noncompliant', {
          virtualMachines: { evaluated: 5, flagged: 1, notAudited: 0 },
          crossCheck: 'agrees',
          crossCheckReason: `Azure's record: ${'5 virtual machines evaluated, '.repeat(20)}`
        })
      )
    )
    const bare = all.map((entry) => ({ ...entry, assignments: null, crossCheckReason: null }))
    // Room for every subscription only once the reasons go too.
    const budget = outputBytes(JSON.stringify(bare)) + 200
    const fitted = fitResults(all, budget)
    expect(fitted.subscriptionsLeftOut).toBe(0)
    const parsed = JSON.parse(fitted.json) as FittedResult[]
    expect(parsed).toHaveLength(40)
    expect(parsed.filter((entry) => entry.crossCheckReason === null).length).toBeGreaterThan(30)
    expect(parsed.every((entry) => entry.crossCheck === 'agrees')).toBe(true)
    expect(parsed[0]?.virtualMachines).toEqual({ evaluated: 5, flagged: 1, notAudited: 0 })
  })

  test('counts bytes as GitHub does: UTF-16 code units, two bytes each', () => {
    expect(outputBytes('a')).toBe(2)
    expect(outputBytes('🚀')).toBe(4)
    expect(outputBytes('é')).toBe(2)
  })

  test('trims evidence before subscriptions, keeping it for the verdicts that need action first', () => {
    const all = entries(40, 3)
    const whole = outputBytes(JSON.stringify(all))
    const budget = Math.floor(whole * 0.6)
    const fitted = fitResults(all, budget)
    expect(outputBytes(fitted.json)).toBeLessThanOrEqual(budget)
    expect(fitted.subscriptionsLeftOut).toBe(0)
    expect(fitted.evidenceTrimmed).toBeGreaterThan(0)
    const parsed = JSON.parse(fitted.json) as FittedResult[]
    expect(parsed.map((entry) => entry.subscriptionId)).toEqual(all.map((e) => e.subscriptionId))
    expect(parsed.filter((entry) => entry.assignments === null)).toHaveLength(
      fitted.evidenceTrimmed
    )
    // Every error keeps its evidence before any compliant result does.
    const kept = (verdict: Verdict) =>
      parsed.filter((entry) => entry.verdict === verdict && entry.assignments !== null).length
    expect(kept('error')).toBe(10)
    expect(kept('compliant')).toBe(0)
  })

  test('past evidence, leaves out compliant subscriptions first, from the end', () => {
    const all = entries(40, 1)
    const bare = all.map((entry) => ({ ...entry, assignments: null }))
    const budget = Math.floor(outputBytes(JSON.stringify(bare)) * 0.8)
    const fitted = fitResults(all, budget)
    expect(outputBytes(fitted.json)).toBeLessThanOrEqual(budget)
    expect(fitted.subscriptionsLeftOut).toBeGreaterThan(0)
    expect(fitted.subscriptionsLeftOut).toBeLessThanOrEqual(10)
    const parsed = JSON.parse(fitted.json) as FittedResult[]
    expect(parsed.filter((entry) => entry.verdict !== 'compliant')).toHaveLength(30)
    const compliantKept = parsed.filter((entry) => entry.verdict === 'compliant')
    expect(compliantKept.map((entry) => entry.subscriptionId)).toEqual(
      all
        .filter((entry) => entry.verdict === 'compliant')
        .slice(0, 10 - fitted.subscriptionsLeftOut)
        .map((entry) => entry.subscriptionId)
    )
  })

  test('5,000 subscriptions with evidence stay under 512 KiB', () => {
    const fitted = fitResults(entries(5000, 2))
    expect(outputBytes(fitted.json)).toBeLessThanOrEqual(RESULTS_OUTPUT_MAX_BYTES)
    expect(fitted.evidenceTrimmed + fitted.subscriptionsLeftOut).toBeGreaterThan(0)
  })

  test('the warning counts what was dropped by verdict, errors too when they are dropped', () => {
    const errors = Array.from({ length: 60 }, (_, n) =>
      resultOutput(result(id(n), 'error', { assignments: [evidence()] }))
    )
    const bare = errors.map((entry) => ({ ...entry, assignments: null }))
    const fitted = fitResults(errors, Math.floor(outputBytes(JSON.stringify(bare)) * 0.5))
    expect(fitted.byVerdict.leftOut.error).toBe(fitted.subscriptionsLeftOut)
    expect(fitted.subscriptionsLeftOut).toBeGreaterThan(0)
    const warning = trimmedWarning(fitted, '/tmp/results.json')
    expect(warning).toContain(
      ` ${fitted.subscriptionsLeftOut} subscription(s) whole (${fitted.subscriptionsLeftOut} error) to stay under 512 KiB`
    )
    expect(warning).not.toContain('compliant')
    expect(warning).toMatch(
      /the results file \/tmp\/results\.json \(output `results-file`\) has every result in full\.$/
    )
  })

  test('the warning names the evidence trimmed per verdict, and a results file not written', () => {
    const all = entries(40, 3)
    const fitted = fitResults(all, Math.floor(outputBytes(JSON.stringify(all)) * 0.6))
    const { evidenceTrimmed } = fitted.byVerdict
    expect(Object.values(evidenceTrimmed).reduce((a, b) => a + b)).toBe(fitted.evidenceTrimmed)
    const counted = (['error', 'noncompliant', 'partial', 'compliant'] as const)
      .filter((verdict) => evidenceTrimmed[verdict] > 0)
      .map((verdict) => `${evidenceTrimmed[verdict]} ${verdict}`)
      .join(', ')
    expect(trimmedWarning(fitted, null)).toBe(
      `The \`results\` output leaves out the evidence (assignments) of ${fitted.evidenceTrimmed} subscription(s) (${counted}) to stay under 512 KiB; the results file could not be written.`
    )
  })

  test('one oversized string costs that string alone: cut and marked, every subscription whole', () => {
    const all = entries(40, 3)
    const huge = 'x'.repeat(1024 * 1024)
    all[7] = { ...all[7]!, reason: huge }
    all[7]!.assignments[1] = { ...all[7]!.assignments[1]!, displayName: huge }
    const fitted = fitResults(all)
    expect(outputBytes(fitted.json)).toBeLessThanOrEqual(RESULTS_OUTPUT_MAX_BYTES)
    expect(outputBytes(fitted.json)).toBeGreaterThan(RESULTS_OUTPUT_MAX_BYTES - 200)
    expect(fitted).toMatchObject({ evidenceTrimmed: 0, subscriptionsLeftOut: 0 })
    expect(fitted.cut).toEqual({ values: 2, subscriptions: 1, length: expect.any(Number) })
    const parsed = JSON.parse(fitted.json) as FittedResult[]
    // The others are as they were; the offender keeps its fields, the long ones cut and marked.
    expect(parsed.filter((_, n) => n !== 7)).toEqual(all.filter((_, n) => n !== 7))
    const offender = parsed[7]!
    expect(offender.reason).toMatch(/^x+…\[cut from 1048576 characters\]$/)
    expect(offender.reason).toHaveLength(fitted.cut!.length)
    expect(offender.assignments![1]!.displayName).toBe(offender.reason)
    expect(offender.assignments![0]).toEqual(all[7]!.assignments[0])
    expect(trimmedWarning(fitted, '/tmp/r.json')).toBe(
      `The \`results\` output leaves out the end of 2 value(s) longer than ${fitted.cut!.length} characters in 1 subscription(s) (marked \`…[cut from N characters]\`) to stay under 512 KiB; the results file /tmp/r.json (output \`results-file\`) has every result in full.`
    )
  })

  test('strings are never cut under MIN_CUT_LENGTH: past that, evidence goes as before', () => {
    const all = entries(5000, 2)
    // An error, kept longest.
    all[3] = { ...all[3]!, reason: 'r'.repeat(MIN_CUT_LENGTH + 100) }
    const fitted = fitResults(all)
    expect(outputBytes(fitted.json)).toBeLessThanOrEqual(RESULTS_OUTPUT_MAX_BYTES)
    expect(fitted.cut).toEqual({ values: 1, subscriptions: 1, length: MIN_CUT_LENGTH })
    expect(fitted.evidenceTrimmed).toBeGreaterThan(0)
    const first = (JSON.parse(fitted.json) as FittedResult[]).find(
      (entry) => entry.subscriptionId === all[3]!.subscriptionId
    )
    expect(first!.reason).toHaveLength(MIN_CUT_LENGTH)
    expect(trimmedWarning(fitted, null)).toMatch(
      /^The `results` output leaves out the end of 1 value\(s\) longer than 2048 characters in 1 subscription\(s\) \(marked `…\[cut from N characters\]`\) and the evidence \(assignments\) of \d+ subscription\(s\)/
    )
  })

  test('strings within MIN_CUT_LENGTH are never cut, however many', () => {
    const all = entries(40, 3).map((entry) => ({ ...entry, reason: 'r'.repeat(MIN_CUT_LENGTH) }))
    const fitted = fitResults(all, Math.floor(outputBytes(JSON.stringify(all)) * 0.6))
    expect(fitted.cut).toBeUndefined()
    expect(fitted.evidenceTrimmed).toBeGreaterThan(0)
  })
})
