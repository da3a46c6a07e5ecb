import { describe, expect, test } from '@jest/globals'
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import {
  COMPLIANT_ROWS_SHOWN,
  DETAIL_THRESHOLD,
  MAX_SUBSCRIPTIONS_PER_SECTION,
  MAX_TABLE_ROWS_LARGE,
  buildJobSummary
} from '../../src/report/summary/index.ts'
import { MAX_FULL_REASON, TABLE_HEADER } from '../../src/report/summary/evidence.ts'
import { buildSarif } from '../../src/report/sarif.ts'
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
  splitTableRow,
  workflowFile
} from './helpers.ts'

const HEADER = TABLE_HEADER.split('\n')[0] as string

/** The rows of every table of the summary (the main one, then the collapsed compliant one). */
function tableRows(summary: string): string[] {
  const lines = summary.split('\n')
  const rows: string[] = []
  lines.forEach((line, index) => {
    if (line !== HEADER) return
    for (const row of lines.slice(index + 2)) {
      if (!row.startsWith('|')) break
      rows.push(row)
    }
  })
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

  test('the headline reads as a sentence, in the order of attention', () => {
    expect(summary).toContain(
      '❌ **JIT network access needs attention on 4 of 5 subscriptions**: 2 are noncompliant, 1 could not be checked, 1 is only partly audited and 1 is compliant. The step fails.'
    )
  })

  test('a table of short cells: verdict, subscription, cause; what needs attention first', () => {
    const rows = tableRows(summary)
    expect(rows).toHaveLength(5)
    for (const row of rows) {
      expect(splitTableRow(row, 'any')).toHaveLength(3)
      expect(splitTableRow(row, 'pipe')).toHaveLength(3)
    }
    // The verdict does not wrap: a no-break space between its mark and its word.
    expect(rows.map((row) => splitTableRow(row)[0]?.trim())).toEqual([
      '❌&nbsp;noncompliant',
      '❌&nbsp;noncompliant',
      '❓&nbsp;error',
      '⚠️&nbsp;partial',
      '✅&nbsp;compliant'
    ])
    expect(splitTableRow(rows[0] as string).map((cell) => cell.trim())).toEqual([
      '❌&nbsp;noncompliant',
      `\`${SUB2}\``,
      'assignment parameter sets `Disabled` in **ASC Default**'
    ])
    expect(rows[1]).toContain('nothing assigns the JIT policy')
    expect(rows[3]).toContain('part exempted from **ASC Default**')
    expect(rows[4]).toContain('audited by **ASC Default**')
    // No cell carries a long reason.
    for (const row of rows) expect(row.length).toBeLessThan(200)
  })

  test('a subscription that could not be read says why, and claims nothing about its assignments', () => {
    const row = tableRows(summary)[2] as string
    expect(splitTableRow(row).map((cell) => cell.trim())).toEqual([
      '❓&nbsp;error',
      `\`${SUB4}\``,
      'no access (403)'
    ])
    expect(summary).not.toContain('none runs the JIT policy')
    const why = summary.slice(summary.indexOf(`<code>${SUB4}</code>`))
    expect(why.slice(0, why.indexOf('</details>'))).toContain(
      'Assignments: not known; the check could not read them (no access (403)).'
    )
  })

  test('below the table, a <details> per failing subscription with its whole reason and evidence', () => {
    const why = summary.slice(
      summary.indexOf('### Why, and how to fix'),
      summary.indexOf('### How this was decided')
    )
    expect(why.match(/<details><summary>/g)).toHaveLength(4)
    expect(why).toContain(`<details><summary>❌ noncompliant: <code>${SUB2}</code></summary>`)
    expect(why).toContain(
      '**Reason:** ASC Default sets the JIT policy to Disabled through its parameter.'
    )
    expect(why).toContain(
      `- **ASC Default** at \`${MG_SCOPE}\`: \`Disabled\` from assignment parameter`
    )
    // The reference id an override's selector names, as the fix of an override asks for it.
    expect(why).toMatch(
      /`jitNetworkAccessMonitoringEffect`, JIT reference id `jitNetworkAccessMonitoring`, /
    )
    expect(why).not.toContain(SUB1)
  })

  test('an assignment of the definition alone names no reference id', () => {
    const alone = buildJobSummary(
      [
        result(SUB2, 'noncompliant', {
          assignments: [evidence({ policyDefinitionReferenceId: null, effect: 'Disabled' })]
        })
      ],
      context()
    )
    expect(alone).toContain('- **ASC Default** at')
    expect(alone).not.toContain('JIT reference id')
  })

  test("remediation folded into each failing subscription's details: portal path and az command", () => {
    const fix = summary.slice(
      summary.indexOf('### Why, and how to fix'),
      summary.indexOf('### How this was decided')
    )
    // Each subscription's details, in the table's order, holds its fix after its evidence.
    const details = fix.split('<details>').slice(1)
    expect(details.map((item) => /<code>([^<]+)<\/code>/.exec(item)?.[1])).toEqual([
      SUB2,
      SUBA,
      SUB4,
      SUB3
    ])
    for (const item of details) {
      expect(item.indexOf('**Reason:**')).toBeLessThan(item.indexOf('**How to fix**'))
      expect(item.slice(0, item.indexOf('</details>'))).toContain('**How to fix**')
    }
    expect(fix).not.toContain(SUB1)
    // The first screen: the headline and the table come before any details.
    expect(summary.indexOf('| Verdict |')).toBeLessThan(summary.indexOf('<details>'))
    expect(fix).toContain(
      'Portal: Azure portal > Policy > Assignments > ASC Default > Edit assignment > Parameters'
    )
    expect(fix).toContain('Portal: Microsoft Defender for Cloud > Environment settings >')
    // One separator in every portal path, the summary's and the SARIF help's alike.
    expect(summary).not.toContain('›')
    expect(JSON.stringify(buildSarif(mixedResults(), workflowFile(), context()))).not.toContain('›')
    const { blocks } = outsideCode(fix)
    expect(blocks).toEqual([
      expect.stringContaining('az policy assignment update --name'),
      expect.stringContaining("az policy assignment create --name 'jit-network-access-audit'"),
      `az role assignment create --assignee '${CLIENT_ID}' --role 'Reader' --scope '/subscriptions/${SUB4}'`,
      expect.stringContaining('az policy exemption delete --name')
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
    expect(summary).not.toContain('### Why, and how to fix')
    expect(summary).not.toContain('**How to fix**')
  })

  test('failing verdicts outside fail-on: a warning, and the step does not fail', () => {
    const summary = buildJobSummary([result(SUB1, 'compliant'), result(SUB3, 'partial')], context())
    expect(summary).toContain(
      '⚠️ **JIT network access needs attention on 1 of 2 subscriptions**: 1 is only partly audited and 1 is compliant. None of these verdicts is listed in `fail-on`, so the step does not fail.'
    )
    const strict = buildJobSummary(
      [result(SUB3, 'partial')],
      context({ failOn: new Set(['partial']) })
    )
    expect(strict).toContain(
      '❌ **JIT network access needs attention on 1 of 1 subscription**: 1 is only partly audited. The step fails.'
    )
  })
})

describe('display names and reasons', () => {
  test('the display name appears, escaped, next to the id in the table, Why and How to fix', () => {
    const summary = buildJobSummary(
      [result(SUB2, 'noncompliant', { displayName: 'Payments <prod> | *EU*' })],
      context()
    )
    const [row] = tableRows(summary)
    expect(splitTableRow(row as string)[1]?.trim()).toBe(
      // The name and the start of the id on one line; the whole id is in the details.
      `Payments &lt;prod&gt; &#124; \\*EU\\* \`${SUB2.slice(0, 8)}…\``
    )
    expect(summary).toContain(
      `<details><summary>❌ noncompliant: Payments &lt;prod&gt; | *EU* <code>${SUB2}</code></summary>`
    )
    expect(summary).toContain('**How to fix**')
  })

  test('a long reason is shown whole up to its limit, never cut mid-word, its fix kept', () => {
    const fix = 'set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.'
    const long = `${'Assignment Baseline sets the JIT effect to Disabled '.repeat(20).trim()}; ${fix}`
    const summary = buildJobSummary([result(SUB2, 'noncompliant', { reason: long })], context())
    expect(long.length).toBeGreaterThan(300)
    expect(long.length).toBeLessThan(MAX_FULL_REASON)
    expect(summary).toContain(`**Reason:** ${long}`)
    const longer = `${'Assignment Baseline sets the JIT effect to Disabled '.repeat(40).trim()}; ${fix}`
    const cut = buildJobSummary([result(SUB2, 'noncompliant', { reason: longer })], context())
    expect(cut).toMatch(
      /\*\*Reason:\*\* Assignment .* (Assignment|Baseline|sets|the|JIT|effect|to|Disabled)…; set parameter/
    )
    expect(cut).toContain(fix)
  })
})

describe('compliant subscriptions', () => {
  test(`past ${COMPLIANT_ROWS_SHOWN}, collapsed in a table of their own after the others`, () => {
    const results = [
      ...Array.from({ length: COMPLIANT_ROWS_SHOWN + 1 }, (_, index) =>
        result(idOf(index), 'compliant')
      ),
      result(SUB2, 'noncompliant')
    ]
    const summary = buildJobSummary(results, context())
    const collapsed = summary.indexOf(
      `<details><summary>${COMPLIANT_ROWS_SHOWN + 1} compliant subscriptions</summary>`
    )
    expect(collapsed).toBeGreaterThan(summary.indexOf(SUB2))
    expect(summary.indexOf(idOf(0))).toBeGreaterThan(collapsed)
    expect(tableRows(summary)).toHaveLength(COMPLIANT_ROWS_SHOWN + 2)
  })

  test(`up to ${COMPLIANT_ROWS_SHOWN}, in the one table, last`, () => {
    const results = [result(SUB1, 'compliant'), result(SUB2, 'noncompliant')]
    const summary = buildJobSummary(results, context())
    expect(summary).not.toContain('compliant subscription</summary>')
    expect(tableRows(summary).map((row) => splitTableRow(row)[0]?.trim())).toEqual([
      '❌&nbsp;noncompliant',
      '✅&nbsp;compliant'
    ])
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
      expect(splitTableRow(row, 'any')).toHaveLength(3)
      expect(splitTableRow(row, 'pipe')).toHaveLength(3)
    }
  })

  test('cannot add headings, lists or lines of their own', () => {
    const headings = summary.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual([
      '## Azure JIT network access audit',
      '### Why, and how to fix',
      '### How this was decided'
    ])
    expect(summary).not.toMatch(/^::/m)
    expect(summary).not.toContain('\n- item')
  })

  test('long strings are cut: the summary stays small', () => {
    expect(Buffer.byteLength(summary)).toBeLessThan(40 * 1024)
    expect(summary).toContain('…')
    expect(summary).not.toContain('A'.repeat(MAX_FULL_REASON))
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
    expect(rows.every((row) => row.includes('❌&nbsp;noncompliant'))).toBe(true)
    expect(summary).toContain(
      'Not listed: 100 more subscriptions that are not compliant and 800 compliant subscriptions. The `results` output has every subscription.'
    )
  })

  test('when the results output is trimmed, what is not shown points at the results file', () => {
    const results = Array.from({ length: 1000 }, (_, index) =>
      result(idOf(index), index % 5 === 0 ? 'noncompliant' : 'compliant')
    )
    const summary = buildJobSummary(results, context(), true)
    expect(summary).toContain(
      'compliant subscriptions. The results file (its path is the `results-file` output; the `results` output is trimmed) has every subscription.'
    )
    expect(summary).not.toContain('The `results` output has')
  })

  test('subscriptions that need the same fix get its steps once; the others point at them', () => {
    const results = Array.from({ length: 50 }, (_, index) => result(idOf(index), 'noncompliant'))
    const summary = buildJobSummary(results, context())
    expect(summary).toContain('These steps fix 49 more subscriptions too: ')
    expect(summary).toContain(
      `\`${idOf(MAX_SUBSCRIPTIONS_PER_SECTION)}\`, and ${49 - MAX_SUBSCRIPTIONS_PER_SECTION} more.`
    )
    expect(
      summary.match(/The same steps as for `[^`]+` above fix this subscription too\./g)
    ).toHaveLength(49)
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
    // Each failing row has its details, or the details that did not fit are counted and pointed at.
    const details = summary.match(/<details><summary>[❌❓⚠]/gu)?.length ?? 0
    const more = Number(/The reasons and fixes of (\d+) more/.exec(summary)?.[1] ?? 0)
    expect(details + more).toBe(MAX_TABLE_ROWS_LARGE)
    expect(activeMarkdown(outsideCode(summary).text)).toEqual([])
  })
})
