import { describe, expect, test } from '@jest/globals'
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import {
  DETAIL_THRESHOLD,
  MAX_REMEDIATION_SECTIONS,
  MAX_TABLE_ROWS_LARGE,
  buildJobSummary
} from '../../src/report/summary.ts'
import { MAX_SUBSCRIPTIONS_PER_SECTION } from '../../src/report/summary-fixes.ts'
import {
  CLIENT_ID,
  HOSTILE,
  HOSTILE_ALL,
  MG_SCOPE,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  SUBA,
  activeMarkdown,
  context,
  evidence,
  mixedResults,
  outsideCode,
  result,
  splitTableRow
} from './helpers.ts'

const TABLE_HEADER =
  '| Subscription | Verdict | Effective effect | Assignments and scope | Reason |'

function tableRows(summary: string): string[] {
  const lines = summary.split('\n')
  const start = lines.indexOf(TABLE_HEADER)
  if (start === -1) return []
  const rows: string[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(line)
  }
  return rows
}

function idOf(index: number): string {
  return `00000000-0000-0000-0000-${index.toString().padStart(12, '0')}`
}

/** A subscription whose every Azure string is hostile and 10,000+ characters long. */
function hostileResult(subscriptionId: string, verdict: Verdict): SubscriptionResult {
  const long = `${HOSTILE_ALL} ${HOSTILE.long}`
  return result(subscriptionId, verdict, {
    reason: `The assignment "${long}" sets the effect to Disabled.`,
    effectiveEffect: verdict === 'error' ? null : `Disabled${HOSTILE.backticks}`,
    assignments:
      verdict === 'error'
        ? []
        : [
            evidence({
              id: `${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/${HOSTILE.pipe}${HOSTILE.html}`,
              displayName: long,
              scope: `${MG_SCOPE}${HOSTILE.closeCell}|\\|`,
              effect: 'Disabled',
              effectSource: 'parameter',
              effectParameter: `${HOSTILE.backticks}${HOSTILE.long}`,
              coverage: verdict === 'partial' ? 'partial' : 'full',
              exemptionIds:
                verdict === 'partial'
                  ? [
                      `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyExemptions/${HOSTILE.link}`
                    ]
                  : [],
              notes: [long]
            })
          ]
  })
}

describe('buildJobSummary with mixed verdicts', () => {
  const summary = buildJobSummary(mixedResults(), context())

  test('a verdict line with the counts', () => {
    expect(summary).toContain(
      '❌ **2 of 5 subscriptions noncompliant, 1 only partly audited, 1 could not be checked**; 1 compliant.'
    )
  })

  test('a table row per subscription: verdict, effect and its source, assignment and scope, reason', () => {
    const rows = tableRows(summary)
    expect(rows).toHaveLength(5)
    for (const row of rows) {
      expect(splitTableRow(row, 'any')).toHaveLength(5)
      expect(splitTableRow(row, 'pipe')).toHaveLength(5)
    }
    const [, cells2] = [rows[0], splitTableRow(rows[1] as string)]
    expect(cells2[0]?.trim()).toBe(`\`${SUB2}\``)
    expect(cells2[1]?.trim()).toBe('❌ noncompliant')
    expect(cells2[2]?.trim()).toBe('`Disabled` (assignment parameter)')
    expect(cells2[3]).toContain(`**ASC Default** at \`${MG_SCOPE}\``)
    expect(cells2[3]).toContain('`jitNetworkAccessMonitoringEffect`')
    expect(cells2[4]?.trim()).toBe(
      'ASC Default sets the JIT policy to Disabled through its parameter.'
    )
    expect(rows[0]).toContain('✅ compliant')
    expect(rows[2]).toContain('⚠️ partial')
    expect(rows[3]).toContain('❓ error')
    expect(rows[4]).toContain('none runs the JIT policy')
  })

  test('remediation for each failing subscription: portal path and az command', () => {
    const fix = summary.slice(
      summary.indexOf('### How to fix'),
      summary.indexOf('### How this was decided')
    )
    expect(fix).toContain(`#### ❌ noncompliant: \`${SUB2}\``)
    expect(fix).toContain(`#### ⚠️ partial: \`${SUB3}\``)
    expect(fix).toContain(`#### ❓ error: \`${SUB4}\``)
    expect(fix).toContain(`#### ❌ noncompliant: \`${SUBA}\``)
    expect(fix).not.toContain(SUB1)
    expect(fix).toContain(
      'Portal: Azure portal › Policy › Assignments › ASC Default › Edit assignment › Parameters'
    )
    expect(fix).toContain('Portal: Microsoft Defender for Cloud › Environment settings ›')
    const { blocks } = outsideCode(fix)
    expect(blocks).toEqual([
      expect.stringContaining('az policy assignment update --name'),
      expect.stringContaining('az policy exemption delete --name'),
      `az role assignment create --assignee '${CLIENT_ID}' --role 'Reader' --scope '/subscriptions/${SUB4}'`,
      expect.stringContaining("az policy assignment create --name 'jit-network-access-audit'")
    ])
  })

  test('how it was decided, and a footer with the version and the run', () => {
    expect(summary).toContain('### How this was decided')
    expect(summary).toContain('`b0f33259-77d7-4c9e-aac6-3aabcfae693c`')
    expect(summary).toContain(
      '<sub>azure-jit-network-access-check `1.2.3` in [this run](https://github.com/example-org/infra/actions/runs/4242)</sub>'
    )
    expect(activeMarkdown(outsideCode(summary).text)).toEqual([])
  })
})

describe('headline', () => {
  test('all compliant', () => {
    const summary = buildJobSummary(
      [result(SUB1, 'compliant'), result(SUB2, 'compliant')],
      context()
    )
    expect(summary).toContain('✅ **All 2 subscriptions audit JIT network access**')
    expect(summary).not.toContain('### How to fix')
  })

  test('failing verdicts outside fail-on: a warning, and the step does not fail', () => {
    const summary = buildJobSummary([result(SUB1, 'compliant'), result(SUB3, 'partial')], context())
    expect(summary).toContain(
      '⚠️ **1 of 2 subscriptions only partly audited**; 1 compliant. (not listed in `fail-on`'
    )
    const strict = buildJobSummary(
      [result(SUB3, 'partial')],
      context({ failOn: new Set(['partial']) })
    )
    expect(strict).toContain('❌ **1 of 1 subscription only partly audited**.')
  })
})

describe('hostile strings from Azure', () => {
  const summary = buildJobSummary(
    [
      hostileResult(SUB2, 'noncompliant'),
      hostileResult(SUB3, 'partial'),
      hostileResult(SUB4, 'error')
    ],
    context()
  )
  const { text, blocks } = outsideCode(summary)

  test('render inert: no HTML, links, images, mentions, autolinks or emoji outside code', () => {
    expect(activeMarkdown(text)).toEqual([])
    expect(text).not.toMatch(/<img|<script|<\/td>|<\/tr>/i)
    expect(summary).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;')
  })

  test('cannot add table cells or rows', () => {
    const rows = tableRows(summary)
    expect(rows).toHaveLength(3)
    for (const row of rows) {
      expect(splitTableRow(row, 'any')).toHaveLength(5)
      expect(splitTableRow(row, 'pipe')).toHaveLength(5)
    }
  })

  test('cannot add headings, lists or lines of their own', () => {
    const headings = summary.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual([
      '## Azure JIT network access audit',
      '### How to fix',
      `#### ❌ noncompliant: \`${SUB2}\``,
      `#### ⚠️ partial: \`${SUB3}\``,
      `#### ❓ error: \`${SUB4}\``,
      '### How this was decided'
    ])
    expect(summary).not.toMatch(/^::/m)
    expect(summary).not.toContain('\n- item')
  })

  test('long strings are cut: the summary stays small', () => {
    expect(Buffer.byteLength(summary)).toBeLessThan(40 * 1024)
    expect(summary).toContain('…')
    expect(summary).not.toContain('A'.repeat(400))
  })

  test('values that cannot go into a command get none, the others are quoted inside closed fences', () => {
    for (const block of blocks) {
      expect(block).not.toContain(HOSTILE.long)
      expect(block).not.toMatch(/(?!\n)\p{Cc}|\u202e/u)
    }
    expect(summary).toContain('No command is given because')
  })
})

describe('many subscriptions', () => {
  test(`up to ${DETAIL_THRESHOLD}: every subscription has a row`, () => {
    const results = Array.from({ length: DETAIL_THRESHOLD }, (_, index) =>
      result(idOf(index), index % 10 === 0 ? 'noncompliant' : 'compliant')
    )
    expect(tableRows(buildJobSummary(results, context()))).toHaveLength(DETAIL_THRESHOLD)
  })

  test(`above ${DETAIL_THRESHOLD}: only the failing ones, capped, with counts for the rest`, () => {
    const results = Array.from({ length: 1000 }, (_, index) =>
      result(idOf(index), index % 5 === 0 ? 'noncompliant' : 'compliant')
    )
    const summary = buildJobSummary(results, context())
    const rows = tableRows(summary)
    expect(rows).toHaveLength(MAX_TABLE_ROWS_LARGE)
    expect(rows.every((row) => row.includes('❌ noncompliant'))).toBe(true)
    expect(summary).toContain(
      'Not listed: 100 more subscriptions that are not compliant and 800 compliant subscriptions.'
    )
  })

  test('subscriptions that need the same fix share one section', () => {
    const results = Array.from({ length: 50 }, (_, index) => result(idOf(index), 'noncompliant'))
    const summary = buildJobSummary(results, context())
    expect(summary).toContain('#### 50 subscriptions with the same fix')
    expect(summary).toContain(
      `\`${idOf(MAX_SUBSCRIPTIONS_PER_SECTION - 1)}\`, and ${50 - MAX_SUBSCRIPTIONS_PER_SECTION} more.`
    )
    expect(outsideCode(summary).blocks).toHaveLength(1)
  })

  test('5,000 subscriptions with long hostile strings stay under 512 KiB', () => {
    const verdicts: Verdict[] = ['noncompliant', 'partial', 'error', 'compliant']
    const results = Array.from({ length: 5000 }, (_, index) =>
      hostileResult(idOf(index), verdicts[index % verdicts.length] as Verdict)
    )
    const started = Date.now()
    const summary = buildJobSummary(results, context())
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(512 * 1024)
    expect(summary).toContain('### How this was decided')
    expect(summary.match(/^#### /gm)?.length ?? 0).toBeLessThanOrEqual(MAX_REMEDIATION_SECTIONS)
    expect(summary).toMatch(/Steps for \d+ more subscriptions are not shown/)
    expect(activeMarkdown(outsideCode(summary).text)).toEqual([])
  })
})
