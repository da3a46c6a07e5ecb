import { describe, expect, test } from '@jest/globals'
import type { Log, Result } from 'sarif'
import {
  FINGERPRINT_KEY,
  MAX_SARIF_MESSAGE,
  MAX_SARIF_RESULTS,
  NOT_CHECKED_ID,
  PARTIAL_RULE_ID,
  PARTIAL_SECURITY_SEVERITY,
  RULE_ID,
  SECURITY_SEVERITY,
  buildSarif,
  isFinding,
  sarifText,
  subscriptionFingerprint
} from '../../src/report/sarif.ts'
import { FALLBACK_WORKFLOW_PATH } from '../../src/report/locate.ts'
import { githubProblems, schemaProblems } from '../support/sarif-validation.ts'
import {
  CATEGORY,
  HOSTILE,
  HOSTILE_ALL,
  LINES,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  SUBA,
  SUB_UNLISTED,
  WORKFLOW_PATH,
  WORKFLOW_REF,
  context,
  mixedResults,
  result,
  workflowFile
} from './helpers.ts'

function results(log: Log): Result[] {
  return log.runs[0]?.results ?? []
}

function byId(log: Log): Map<string, Result> {
  return new Map(results(log).map((item) => [item.properties?.subscriptionId as string, item]))
}

describe('buildSarif', () => {
  const log = buildSarif(mixedResults(), workflowFile(), context())

  test('is valid SARIF 2.1.0 and within GitHub code scanning rules', () => {
    expect(schemaProblems(log)).toEqual([])
    expect(githubProblems(log)).toEqual([])
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
  })

  test('two rules with help, security-severity, tags and precision: noncompliant high, partial medium', () => {
    const driver = log.runs[0]!.tool.driver
    expect(driver.name).toBe('azure-jit-network-access-check')
    expect(driver.version).toBe('1.2.3')
    expect(driver.informationUri).toBe(
      'https://github.com/example-org/azure-jit-network-access-check'
    )
    expect(driver.rules).toHaveLength(2)
    const [rule, partial] = driver.rules!
    expect(partial?.id).toBe(PARTIAL_RULE_ID)
    expect(partial?.properties).toMatchObject({
      'security-severity': PARTIAL_SECURITY_SEVERITY,
      'problem.severity': 'warning'
    })
    // GitHub's bands: 7.0-8.9 high, 4.0-6.9 medium.
    expect(Number(SECURITY_SEVERITY)).toBeGreaterThanOrEqual(7)
    expect(Number(PARTIAL_SECURITY_SEVERITY)).toBeGreaterThanOrEqual(4)
    expect(Number(PARTIAL_SECURITY_SEVERITY)).toBeLessThan(7)
    expect(partial?.help).toEqual(rule?.help)
    if (rule === undefined) throw new Error('no rule')
    expect(rule.id).toBe(RULE_ID)
    expect(rule.help?.markdown).toMatch(/## How to fix/)
    expect(rule.help?.markdown).toMatch(/az policy assignment update --params/)
    expect(rule.properties).toMatchObject({
      'security-severity': SECURITY_SEVERITY,
      precision: 'very-high',
      'problem.severity': 'error'
    })
    expect(rule.properties?.tags).toEqual(expect.arrayContaining(['security', 'azure']))
  })

  test('one result per subscription found not compliant, with the level of its verdict', () => {
    const found = byId(log)
    expect([...found.keys()].sort()).toEqual([SUB2, SUB3, SUBA].sort())
    expect(found.has(SUB1)).toBe(false)
    expect(found.get(SUB2)?.level).toBe('error')
    expect(found.get(SUBA)?.level).toBe('error')
    expect(found.get(SUB3)?.level).toBe('warning')
    expect(found.get(SUB2)?.properties).toMatchObject({
      subscriptionId: SUB2,
      verdict: 'noncompliant'
    })
    for (const item of results(log)) {
      const partial = item.properties?.verdict === 'partial'
      expect(item.ruleId).toBe(partial ? PARTIAL_RULE_ID : RULE_ID)
      expect(item.ruleIndex).toBe(partial ? 1 : 0)
      // What code scanning matches results by: per rule and subscription, not per workflow line.
      const fingerprint = subscriptionFingerprint(item.properties?.subscriptionId, item.ruleId)
      expect(item.partialFingerprints).toEqual({
        [FINGERPRINT_KEY]: fingerprint,
        primaryLocationLineHash: fingerprint
      })
    }
  })

  test('a subscription that could not be checked is a tool execution notification, not a result', () => {
    expect(byId(log).has(SUB4)).toBe(false)
    const invocation = log.runs[0]!.invocations?.[0]
    expect(invocation?.executionSuccessful).toBe(false)
    expect(invocation?.toolExecutionNotifications).toHaveLength(1)
    const notification = invocation!.toolExecutionNotifications![0]!
    expect(notification.level).toBe('error')
    expect(notification.descriptor).toEqual({ id: NOT_CHECKED_ID, index: 0 })
    expect(log.runs[0]!.tool.driver.notifications?.[0]?.id).toBe(NOT_CHECKED_ID)
    expect(notification.message.text).toMatch(
      new RegExp(`^Subscription ${SUB4} could not be checked: The identity .* may not read`)
    )
    expect(notification.message.text).toContain('give it the Reader role')
    expect(notification.properties).toMatchObject({
      subscriptionId: SUB4,
      errorCause: 'access-denied'
    })
    expect(notification.locations?.[0]?.physicalLocation?.region?.startLine).toBe(LINES.sub4)
  })

  test.each([
    ['throttled', 'transient'],
    ['forbidden', 'access-denied'],
    ['not found', 'not-found'],
    ['another tenant', 'wrong-tenant'],
    ['unreadable initiative', 'unreadable-initiative'],
    ['unknown ancestry', 'unknown-ancestry'],
    ['cannot be decided', 'undecidable'],
    ['a defect', 'internal']
  ] as const)('%s (%s) opens no alert', (_what, cause) => {
    const only = buildSarif(
      [result(SUB4, 'error', { errorCause: cause })],
      workflowFile(),
      context()
    )
    expect(results(only)).toEqual([])
    expect(only.runs[0]!.invocations?.[0]?.executionSuccessful).toBe(false)
    expect(
      only.runs[0]!.invocations?.[0]?.toolExecutionNotifications?.[0]?.properties
    ).toMatchObject({
      errorCause: cause
    })
    expect(schemaProblems(only)).toEqual([])
  })

  test('one that could not be checked keeps its open alert: the same rule, location and fingerprint', () => {
    const before = results(
      buildSarif([result(SUB4, 'noncompliant')], workflowFile(), context())
    )[0]!
    const last = {
      verdict: 'noncompliant' as const,
      level: 'error' as const,
      alert: 12,
      message: before.message.text!
    }
    const now = buildSarif(
      [result(SUB4, 'error', { lastFinding: last }), result(SUB2, 'error')],
      workflowFile(),
      context()
    )
    expect(schemaProblems(now)).toEqual([])
    expect(githubProblems(now)).toEqual([])
    const [carried, ...others] = results(now)
    expect(others).toEqual([])
    expect(carried).toMatchObject({
      ruleId: before.ruleId,
      level: 'error',
      locations: before.locations,
      partialFingerprints: before.partialFingerprints,
      properties: {
        subscriptionId: SUB4,
        verdict: 'error',
        lastVerdict: 'noncompliant',
        alertNumber: 12
      }
    })
    expect(carried!.message.text).toMatch(
      new RegExp(
        `^Subscription ${SUB4} could not be checked now: The identity .*; last result: Subscription ${SUB4} is noncompliant: ASC Default`
      )
    )
    // The reason's own full stop does not run into the mark.
    expect(carried!.message.text).not.toContain('.;')
    // Still a notification of the run, which did not complete.
    const invocation = now.runs[0]!.invocations![0]!
    expect(invocation.executionSuccessful).toBe(false)
    expect(invocation.toolExecutionNotifications).toHaveLength(2)
    expect(now.runs[0]!.properties).toMatchObject({ resultsCarriedForward: 1 })
  })

  test('when the open alerts could not be read, each one that could not be checked is a result', () => {
    const unknown = buildSarif(
      [result(SUB4, 'error', { lastFinding: { verdict: 'unknown', why: 'no github-token' } })],
      workflowFile(),
      context()
    )
    expect(results(unknown)).toEqual([
      expect.objectContaining({
        level: 'error',
        partialFingerprints: {
          [FINGERPRINT_KEY]: subscriptionFingerprint(SUB4),
          primaryLocationLineHash: subscriptionFingerprint(SUB4)
        },
        properties: expect.objectContaining({ lastVerdict: 'unknown' })
      })
    ])
    expect(results(unknown)[0]!.message.text).toMatch(
      /; last result: unknown, the open code scanning alerts could not be read \(no github-token\)$/
    )
  })

  test('a run that checked every subscription was successful', () => {
    const checked = buildSarif(
      [result(SUB1, 'compliant'), result(SUB2, 'partial')],
      workflowFile(),
      context()
    )
    expect(checked.runs[0]!.invocations).toEqual([
      { executionSuccessful: true, toolExecutionNotifications: [] }
    ])
  })

  test('messages name the subscription with its display name when the run learnt it', () => {
    const named = buildSarif(
      [
        result(SUB2, 'noncompliant', { displayName: 'Payments [prod]' }),
        result(SUB4, 'error', { displayName: 'Shop' })
      ],
      workflowFile(),
      context()
    )
    expect(results(named)[0]?.message.text).toMatch(
      new RegExp(
        `^Subscription ${SUB2} \\(Payments \\\\\\[prod\\\\\\]\\) is noncompliant: ASC Default`
      )
    )
    expect(results(named)[0]?.properties).toMatchObject({ displayName: 'Payments [prod]' })
    expect(named.runs[0]!.invocations?.[0]?.toolExecutionNotifications?.[0]?.message.text).toMatch(
      new RegExp(`^Subscription ${SUB4} \\(Shop\\) could not be checked: `)
    )
  })

  test('a long reason keeps its fix and whole words', () => {
    const cause = `Assignment 'Baseline' at /providers/Microsoft.Management/managementGroups/mg ${'sets parameter effect to Disabled '.repeat(60)}`
    const fix = 'set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.'
    const long = buildSarif(
      [result(SUB2, 'noncompliant', { reason: `${cause.trim()}; ${fix}` })],
      workflowFile(),
      context()
    )
    const text = results(long)[0]!.message.text!
    expect(Array.from(text).length).toBeLessThanOrEqual(MAX_SARIF_MESSAGE)
    expect(text).toMatch(
      / (Assignment|sets|parameter|effect|to|Disabled)…; set parameter \S+ to AuditIfNotExists\.$/
    )
  })

  test('each result is in the workflow file at the line that lists its subscription, else line 1', () => {
    const found = byId(
      buildSarif(
        [...mixedResults(), result(SUB_UNLISTED, 'noncompliant')],
        workflowFile(),
        context()
      )
    )
    const where = (id: string) => found.get(id)?.locations?.[0]?.physicalLocation
    expect(where(SUB2)).toEqual({
      artifactLocation: { uri: WORKFLOW_PATH },
      region: { startLine: LINES.sub2 }
    })
    expect(where(SUB3)?.region?.startLine).toBe(LINES.sub3)
    expect(where(SUBA)?.region?.startLine).toBe(LINES.subA)
    expect(where(SUB_UNLISTED)?.region?.startLine).toBe(1)
  })

  test('still located without GITHUB_WORKFLOW_REF or the file content', () => {
    const noRef = buildSarif(mixedResults(), workflowFile(null), context())
    expect(githubProblems(noRef)).toEqual([])
    expect(schemaProblems(noRef)).toEqual([])
    for (const item of results(noRef)) {
      expect(item.locations?.[0]?.physicalLocation).toEqual({
        artifactLocation: { uri: FALLBACK_WORKFLOW_PATH },
        region: { startLine: 1 }
      })
    }
    const noContent = buildSarif(mixedResults(), workflowFile(WORKFLOW_REF, null), context())
    expect(
      results(noContent).every(
        (item) => item.locations?.[0]?.physicalLocation?.region?.startLine === 1
      )
    ).toBe(true)
  })

  test('a workflow path with a space is percent-encoded', () => {
    const spaced = buildSarif(
      mixedResults(),
      workflowFile('o/r/.github/workflows/jit audit.yml@refs/heads/main'),
      context()
    )
    expect(results(spaced)[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      '.github/workflows/jit%20audit.yml'
    )
    expect(schemaProblems(spaced)).toEqual([])
  })

  test('fingerprints are stable across runs and distinct per subscription', () => {
    const again = buildSarif(
      mixedResults().reverse(),
      workflowFile(WORKFLOW_REF, null),
      context({ runId: '9999' })
    )
    const first = byId(log)
    const second = byId(again)
    const prints = [...first.entries()].map(([id, item]) => {
      const print = item.partialFingerprints?.[FINGERPRINT_KEY]
      expect(print).toMatch(/^[0-9a-f]{64}$/)
      expect(second.get(id)?.partialFingerprints?.[FINGERPRINT_KEY]).toBe(print)
      return print
    })
    expect(new Set(prints).size).toBe(prints.length)
    expect(subscriptionFingerprint(SUBA.toUpperCase())).toBe(subscriptionFingerprint(SUBA))
  })

  test('automationDetails.id is the category of the checked scope, with an empty run id', () => {
    expect(log.runs[0]!.automationDetails?.id).toBe(`${CATEGORY}/`)
    expect(CATEGORY).toMatch(
      new RegExp(`^azure-jit-network-access/${WORKFLOW_PATH}:jit/[0-9a-f]{12}$`)
    )
    const explicit = buildSarif(mixedResults(), workflowFile(), context({ category: 'jit/prod' }))
    expect(explicit.runs[0]!.automationDetails?.id).toBe('jit/prod/')
  })

  test('messages carry the reason as inert plain text', () => {
    const hostile = buildSarif(
      [result(SUB2, 'noncompliant', { reason: `The assignment "${HOSTILE_ALL}" sets Disabled` })],
      workflowFile(),
      context()
    )
    const text = results(hostile)[0]?.message.text ?? ''
    expect(text).not.toMatch(/[\p{Cc}\u202e]/u)
    // SARIF's embedded links are [text](target): no unescaped bracket survives.
    expect(text).not.toMatch(/(?<!\\)[[\]]/)
    expect(text).toContain('\\[click me\\](javascript:alert(1))')
    expect(Array.from(text).length).toBeLessThanOrEqual(MAX_SARIF_MESSAGE)
    expect(schemaProblems(hostile)).toEqual([])
    expect(sarifText('a\\b [c]')).toBe('a\\\\b \\[c\\]')
    expect(sarifText(HOSTILE.newline)).toBe('line one # Heading - item line two')
  })

  test('caps the results of one run and says how many were left out', () => {
    const many = Array.from({ length: MAX_SARIF_RESULTS + 5 }, (_, index) =>
      result(`00000000-0000-0000-0000-${index.toString().padStart(12, '0')}`, 'noncompliant')
    )
    const capped = buildSarif(many, workflowFile(), context())
    expect(results(capped)).toHaveLength(MAX_SARIF_RESULTS)
    expect(capped.runs[0]!.properties).toMatchObject({ resultsOmitted: 5 })
    expect(githubProblems(capped)).toEqual([])
  })

  test('only noncompliant and partial are findings', () => {
    expect(
      ['compliant', 'partial', 'noncompliant', 'error'].filter((v) => isFinding(v as never))
    ).toEqual(['partial', 'noncompliant'])
  })

  test('an all-compliant run has no results and is still valid', () => {
    const clean = buildSarif([result(SUB1, 'compliant')], workflowFile(), context())
    expect(results(clean)).toEqual([])
    expect(schemaProblems(clean)).toEqual([])
  })
})
