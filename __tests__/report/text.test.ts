import { describe, expect, test } from '@jest/globals'
import { VERDICT_MARKS } from '../../src/model.ts'
import { verdictLogLine } from '../../src/report/counts.ts'
import { fitReason, subscriptionLabel, truncate } from '../../src/report/text.ts'
import { HOSTILE, SUB2, SUB4, result } from './helpers.ts'

describe('truncate', () => {
  test('cuts at a word boundary, never mid-word', () => {
    expect(truncate('the quick brown fox jumps', 13)).toBe('the quick…')
    // No space at all (one long token): cut mid-run.
    expect(truncate('a'.repeat(30), 10)).toBe(`${'a'.repeat(9)}…`)
  })

  test('never cuts inside an id after the first half: the id is left out whole', () => {
    const name = `ASC Default (subscription: ${SUB2})`
    expect(truncate(name, 60)).toBe('ASC Default (subscription…')
    expect(truncate(name, 60)).not.toMatch(/[0-9a-f]…$/)
  })
})

describe('fitReason', () => {
  const fix = 'set parameter effect to AuditIfNotExists.'
  const reason = `Assignment 'Baseline' sets the JIT effect to Disabled through a parameter; ${fix}`

  test('a reason that fits is unchanged', () => {
    expect(fitReason(reason, 500)).toBe(reason)
  })

  test('a long reason loses words of its cause, never its fix', () => {
    const fitted = fitReason(reason, 90)
    expect(Array.from(fitted).length).toBeLessThanOrEqual(90)
    expect(fitted).toBe(`Assignment 'Baseline' sets the JIT effect to…; ${fix}`)
  })

  test('a fix longer than half the room is cut with the rest at a word boundary', () => {
    const fitted = fitReason(`Cause; ${'fix '.repeat(30)}`, 40)
    expect(Array.from(fitted).length).toBeLessThanOrEqual(40)
    expect(fitted.endsWith('fix…')).toBe(true)
  })
})

describe('the log line of a verdict', () => {
  test('has the mark of the verdict, the id and the display name', () => {
    const line = verdictLogLine(result(SUB2, 'noncompliant', { displayName: 'Payments prod' }))
    expect(line).toBe(
      `${VERDICT_MARKS.noncompliant} ${SUB2} (Payments prod): noncompliant. ASC Default sets the JIT policy to Disabled through its parameter.`
    )
    expect(
      verdictLogLine(result(SUB4, 'error')).startsWith(`${VERDICT_MARKS.error} ${SUB4}: error. `)
    ).toBe(true)
  })

  test('a hostile display name stays one inert line', () => {
    const line = verdictLogLine(
      result(SUB2, 'partial', { displayName: `${HOSTILE.workflowCommand}${HOSTILE.newline}` })
    )
    expect(line).not.toMatch(/[\r\n]/)
    expect(line).not.toContain('::')
    expect(subscriptionLabel({ subscriptionId: SUB2, displayName: '  ' })).toBe(SUB2)
  })
})
