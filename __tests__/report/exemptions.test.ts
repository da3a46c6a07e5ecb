// Accepted exemptions and exemptions that end soon in the job summary, the SARIF message, the
// results output and the issue; results that hold none add nothing.
import { describe, expect, test } from '@jest/globals'
import type { ExemptionSummary, ExpiringExemption, SubscriptionResult } from '../../src/model.ts'
import { issueBody } from '../../src/notify/body.ts'
import { resultOutput } from '../../src/report/outputs.ts'
import { buildSarif } from '../../src/report/sarif.ts'
import { buildJobSummary } from '../../src/report/summary/index.ts'
import { exemptionsSection, MAX_EXEMPTIONS_LISTED } from '../../src/report/summary/exemptions.ts'
import { view } from '../notify/helpers.ts'
import { context, evidence, HOSTILE, result, SUB1, SUB2, SUB3, workflowFile } from './helpers.ts'

const BASTION: ExemptionSummary = {
  id: `/subscriptions/${SUB1}/resourceGroups/rg-bastion/providers/Microsoft.Authorization/policyExemptions/bastion`,
  displayName: 'Bastion hosts',
  exemptionCategory: 'Mitigated',
  expiresOn: '2026-09-30T00:00:00Z'
}
const ACCEPTED = "accepted: exemption 'Bastion hosts' (Mitigated, expires 2026-09-30T00:00:00Z)"

const ENDING: ExpiringExemption = {
  ...BASTION,
  id: `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyExemptions/migration`,
  displayName: 'Migration waiver',
  exemptionCategory: 'Waiver',
  expiresOn: '2026-05-20T00:00:00Z',
  accepted: false,
  verdictWhenEnded: 'compliant'
}

/** SUB1 compliant through an accepted exemption; SUB2 partial, with a waiver that ends soon and
 * an accepted exemption that ends and changes nothing; SUB3 with neither. */
function withExemptions(): SubscriptionResult[] {
  return [
    result(SUB1, 'compliant', {
      reason: `Assignment 'ASC Default' audits JIT network access. The run accepts part as covered (accept-mitigated-exemptions): ${ACCEPTED} for resource group rg-bastion in every location.`,
      acceptedExemptions: [BASTION]
    }),
    result(SUB2, 'partial', {
      reason: `JIT is audited on only part of /subscriptions/${SUB2}: no assignment audits it in resource group rg-legacy in every location. The run accepts part as covered (accept-mitigated-exemptions): ${ACCEPTED} for resource group rg-bastion in every location.`,
      acceptedExemptions: [BASTION],
      expiringExemptions: [ENDING, { ...BASTION, accepted: true, verdictWhenEnded: 'partial' }]
    }),
    result(SUB3, 'noncompliant')
  ]
}

describe('the job summary', () => {
  // Markdown escaping breaks emoji shortcodes with a zero-width space after each colon.
  const summary = buildJobSummary(withExemptions(), context()).replaceAll('\u200B', '')

  test('lists each accepted exemption with its subscription, as the issue words it', () => {
    expect(summary).toContain('### Exemptions')
    expect(summary).toContain(
      `- \`${SUB1}\`: accepted: exemption 'Bastion hosts' (Mitigated, expires 2026-09-30T00:00:00Z)`
    )
    expect(summary).toContain(`- \`${SUB2}\`: accepted: exemption`)
  })

  test('lists each exemption that ends soon with the verdict once it has ended', () => {
    expect(summary).toContain(
      `- \`${SUB2}\`: exemption 'Migration waiver' (Waiver) ends \`2026-05-20T00:00:00Z\`; the verdict becomes compliant (partial now).`
    )
    expect(summary).toContain(
      `- \`${SUB2}\`: exemption 'Bastion hosts' (Mitigated, accepted) ends \`2026-09-30T00:00:00Z\`; the verdict stays partial.`
    )
  })

  test('a compliant subscription that rests on an accepted exemption says so in its row', () => {
    const row = summary.split('\n').find((line) => line.includes(SUB1) && line.startsWith('|'))
    expect(row).toContain('audited by **ASC Default**; 1 accepted exemption |')
  })

  test('a compliant subscription audited by several assignments together says so in its row', () => {
    const together = buildJobSummary(
      [
        result(SUB1, 'compliant', {
          assignments: [
            evidence({ displayName: 'Ring 1', coverage: 'partial' }),
            evidence({ displayName: 'Ring 0', coverage: 'partial' }),
            evidence({ displayName: 'Off', effect: 'Disabled' })
          ]
        })
      ],
      context()
    )
    expect(together).toContain('| audited together by **Ring 1** and 1 more |')
    const alone = buildJobSummary(
      [result(SUB1, 'compliant', { assignments: [evidence({ coverage: 'partial' })] })],
      context()
    )
    expect(alone).toContain('| audited by **ASC Default** |')
  })

  test('results with neither add no section', () => {
    expect(exemptionsSection([result(SUB3, 'noncompliant')])).toBe('')
    expect(buildJobSummary([result(SUB3, 'noncompliant')], context())).not.toContain(
      '### Exemptions'
    )
  })

  test('names from Azure are escaped, and long lists are cut with a count', () => {
    const many = Array.from({ length: MAX_EXEMPTIONS_LISTED + 3 }, () => ({
      ...BASTION,
      displayName: HOSTILE.html
    }))
    const section = exemptionsSection([result(SUB1, 'compliant', { acceptedExemptions: many })])
    expect(section).not.toContain('<img')
    expect(section).toContain('- and 3 more (in the results)')
  })
})

test('the SARIF message of a partial subscription carries what was accepted', () => {
  const log = buildSarif(withExemptions(), workflowFile(), context())
  const message = log.runs[0]!.results!.find((item) => item.properties?.subscriptionId === SUB2)
    ?.message.text
  expect(message).toContain(
    "accepted: exemption 'Bastion hosts' (Mitigated, expires 2026-09-30T00:00:00Z) for resource group rg-bastion"
  )
})

test('the results output carries both lists, and leaves them out when there are none', () => {
  const [first, second, third] = withExemptions().map(resultOutput)
  expect(first).toMatchObject({ acceptedExemptions: [BASTION] })
  expect(second?.expiringExemptions).toEqual([
    ENDING,
    { ...BASTION, accepted: true, verdictWhenEnded: 'partial' }
  ])
  expect(JSON.parse(JSON.stringify(third))).not.toHaveProperty('acceptedExemptions')
  expect(Object.keys(JSON.parse(JSON.stringify(second)))).toEqual([
    'subscriptionId',
    'verdict',
    'reason',
    'effectiveEffect',
    'acceptedExemptions',
    'expiringExemptions',
    'assignments'
  ])
})

test('the issue names the exemptions that end soon, and says nothing of them when none do', () => {
  const body = issueBody(view(withExemptions()), '<!-- m -->')
  expect(body).toContain('**Exemptions that end soon** (within `exemption-expiry-days`)')
  expect(body).toContain("exemption 'Migration waiver' (Waiver) ends `2026-05-20T00:00:00Z`")
  expect(body.indexOf('Exemptions that end soon')).toBeGreaterThan(body.indexOf('Checked:'))
  expect(issueBody(view([result(SUB3, 'noncompliant')]), '<!-- m -->')).not.toContain(
    'Exemptions that end soon'
  )
})
