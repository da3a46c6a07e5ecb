import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { Log, Result } from 'sarif'
import {
  FINGERPRINT_KEY,
  MAX_SARIF_MESSAGE,
  MAX_SARIF_RESULTS,
  RULE_ID,
  SECURITY_SEVERITY,
  buildSarif,
  sarifText,
  subscriptionFingerprint
} from '../../src/report/sarif.ts'
import { FALLBACK_WORKFLOW_PATH } from '../../src/report/locate.ts'
import {
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
  context,
  mixedResults,
  result
} from './helpers.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const schema = JSON.parse(
  readFileSync(path.join(root, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')
) as { definitions: { region: { properties: Record<string, unknown>; anyOf?: unknown } } }
// This copy of the schema nests the region's `anyOf` (startLine, charOffset or byteOffset
// required) inside `properties`, where it is not a valid schema; ajv refuses it there. Moved back
// to where the OASIS schema has it, it also checks that every region has a start.
const region = schema.definitions.region
if (Array.isArray(region.properties.anyOf)) {
  region.anyOf = region.properties.anyOf
  delete region.properties.anyOf
}

const ajv = new Ajv2020({ allErrors: true, strict: false })
// The schema's formats, checked strictly enough to catch an unencoded path or a bad URL.
ajv.addFormat('uri', (value: string) => {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/[\s<>"{}|\\^`]/.test(value) && !!new URL(value)
  } catch {
    return false
  }
})
ajv.addFormat('uri-reference', (value: string) => {
  try {
    return !/[\s<>"{}|\\^`\p{Cc}]/u.test(value) && !!new URL(value, 'https://base.example/')
  } catch {
    return false
  }
})
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)))
const validate = ajv.compile(schema)

/** The rules GitHub code scanning adds to the schema (fixtures/sarif/README.md). */
function githubProblems(log: Log): string[] {
  const problems: string[] = []
  if (log.runs.length > 20) problems.push('more than 20 runs')
  for (const run of log.runs) {
    if (!run.automationDetails?.id) problems.push('automationDetails.id missing')
    if ((run.results?.length ?? 0) > 25_000) problems.push('more than 25,000 results')
    for (const rule of run.tool.driver.rules ?? []) {
      if ((rule.shortDescription?.text.length ?? 0) > 1024)
        problems.push(`${rule.id}: shortDescription > 1024`)
      if ((rule.fullDescription?.text.length ?? 0) > 1024)
        problems.push(`${rule.id}: fullDescription > 1024`)
      if (!rule.help?.text) problems.push(`${rule.id}: help.text missing`)
      const severity = rule.properties?.['security-severity'] as unknown
      if (severity !== undefined) {
        const value = Number(severity)
        if (
          typeof severity !== 'string' ||
          !/^\d{1,2}(\.\d)?$/.test(severity) ||
          !(value >= 0.1 && value <= 10)
        ) {
          problems.push(`${rule.id}: security-severity ${String(severity)}`)
        }
        if (!(rule.properties?.tags ?? []).includes('security'))
          problems.push(`${rule.id}: no security tag`)
      }
    }
    for (const [index, item] of (run.results ?? []).entries()) {
      const physical = item.locations?.[0]?.physicalLocation
      if (!physical?.artifactLocation?.uri) problems.push(`result ${index}: no physical location`)
      if (!physical?.region?.startLine || physical.region.startLine < 1)
        problems.push(`result ${index}: no start line`)
    }
  }
  return problems
}

function results(log: Log): Result[] {
  return log.runs[0]?.results ?? []
}

function byId(log: Log): Map<string, Result> {
  return new Map(results(log).map((item) => [item.properties?.subscriptionId as string, item]))
}

describe('buildSarif', () => {
  const log = buildSarif(mixedResults(), context())

  test('is valid SARIF 2.1.0 and within GitHub code scanning rules', () => {
    expect(validate(log)).toBe(true)
    expect(validate.errors ?? []).toEqual([])
    expect(githubProblems(log)).toEqual([])
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
  })

  test('one rule with help, security-severity, tags and precision', () => {
    const driver = log.runs[0]!.tool.driver
    expect(driver.name).toBe('azure-jit-network-access-check')
    expect(driver.version).toBe('1.2.3')
    expect(driver.informationUri).toBe(
      'https://github.com/example-org/azure-jit-network-access-check'
    )
    expect(driver.rules).toHaveLength(1)
    const rule = driver.rules![0]!
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

  test('one result per subscription that is not compliant, with the level of its verdict', () => {
    const found = byId(log)
    expect([...found.keys()].sort()).toEqual([SUB2, SUB3, SUB4, SUBA].sort())
    expect(found.has(SUB1)).toBe(false)
    expect(found.get(SUB2)?.level).toBe('error')
    expect(found.get(SUBA)?.level).toBe('error')
    expect(found.get(SUB4)?.level).toBe('error')
    expect(found.get(SUB3)?.level).toBe('warning')
    expect(found.get(SUB4)?.properties).toMatchObject({ subscriptionId: SUB4, verdict: 'error' })
    for (const item of results(log)) {
      expect(item.ruleId).toBe(RULE_ID)
      expect(item.ruleIndex).toBe(0)
    }
  })

  test('each result is in the workflow file at the line that lists its subscription, else line 1', () => {
    const found = byId(
      buildSarif([...mixedResults(), result(SUB_UNLISTED, 'noncompliant')], context())
    )
    const where = (id: string) => found.get(id)?.locations?.[0]?.physicalLocation
    expect(where(SUB2)).toEqual({
      artifactLocation: { uri: WORKFLOW_PATH },
      region: { startLine: LINES.sub2 }
    })
    expect(where(SUB3)?.region?.startLine).toBe(LINES.sub3)
    expect(where(SUB4)?.region?.startLine).toBe(LINES.sub4)
    expect(where(SUBA)?.region?.startLine).toBe(LINES.subA)
    expect(where(SUB_UNLISTED)?.region?.startLine).toBe(1)
  })

  test('still located without GITHUB_WORKFLOW_REF or the file content', () => {
    const noRef = buildSarif(mixedResults(), context({ workflowRef: undefined }))
    expect(githubProblems(noRef)).toEqual([])
    expect(validate(noRef)).toBe(true)
    for (const item of results(noRef)) {
      expect(item.locations?.[0]?.physicalLocation).toEqual({
        artifactLocation: { uri: FALLBACK_WORKFLOW_PATH },
        region: { startLine: 1 }
      })
    }
    const noContent = buildSarif(mixedResults(), context({ workflowFileContent: null }))
    expect(
      results(noContent).every(
        (item) => item.locations?.[0]?.physicalLocation?.region?.startLine === 1
      )
    ).toBe(true)
  })

  test('a workflow path with a space is percent-encoded', () => {
    const spaced = buildSarif(
      mixedResults(),
      context({ workflowRef: 'o/r/.github/workflows/jit audit.yml@refs/heads/main' })
    )
    expect(results(spaced)[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      '.github/workflows/jit%20audit.yml'
    )
    expect(validate(spaced)).toBe(true)
  })

  test('fingerprints are stable across runs and distinct per subscription', () => {
    const again = buildSarif(
      mixedResults().reverse(),
      context({ runId: '9999', workflowFileContent: null })
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

  test('automationDetails.id: a category per workflow file and job, empty run id', () => {
    expect(log.runs[0]!.automationDetails?.id).toBe(
      `azure-jit-network-access/${WORKFLOW_PATH}:jit/`
    )
    const otherJob = buildSarif(mixedResults(), context({ job: 'nightly', runId: '1' }))
    expect(otherJob.runs[0]!.automationDetails?.id).toBe(
      `azure-jit-network-access/${WORKFLOW_PATH}:nightly/`
    )
    const sameJobLaterRun = buildSarif(mixedResults(), context({ runId: '777', runAttempt: '3' }))
    expect(sameJobLaterRun.runs[0]!.automationDetails?.id).toBe(log.runs[0]!.automationDetails?.id)
    const hostileJob = buildSarif(mixedResults(), context({ job: 'a b/c\n::x' }))
    expect(hostileJob.runs[0]!.automationDetails?.id).toMatch(
      /^azure-jit-network-access\/[A-Za-z0-9._/:-]+\/$/
    )
  })

  test('messages are the reason as inert plain text', () => {
    const hostile = buildSarif(
      [result(SUB2, 'noncompliant', { reason: `The assignment "${HOSTILE_ALL}" sets Disabled` })],
      context()
    )
    const text = results(hostile)[0]?.message.text ?? ''
    expect(text).not.toMatch(/[\p{Cc}\u202e]/u)
    // SARIF's embedded links are [text](target): no unescaped bracket survives.
    expect(text).not.toMatch(/(?<!\\)[[\]]/)
    expect(text).toContain('\\[click me\\](javascript:alert(1))')
    expect(Array.from(text).length).toBeLessThanOrEqual(MAX_SARIF_MESSAGE)
    expect(validate(hostile)).toBe(true)
    expect(sarifText('a\\b [c]')).toBe('a\\\\b \\[c\\]')
    expect(sarifText(HOSTILE.newline)).toBe('line one # Heading - item line two')
  })

  test('caps the results of one run and says how many were left out', () => {
    const many = Array.from({ length: MAX_SARIF_RESULTS + 5 }, (_, index) =>
      result(`00000000-0000-0000-0000-${index.toString().padStart(12, '0')}`, 'noncompliant')
    )
    const capped = buildSarif(many, context())
    expect(results(capped)).toHaveLength(MAX_SARIF_RESULTS)
    expect(capped.runs[0]!.properties).toMatchObject({ resultsOmitted: 5 })
    expect(githubProblems(capped)).toEqual([])
  })

  test('an all-compliant run has no results and is still valid', () => {
    const clean = buildSarif([result(SUB1, 'compliant')], context())
    expect(results(clean)).toEqual([])
    expect(validate(clean)).toBe(true)
  })
})
