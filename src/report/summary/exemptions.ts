// What the job summary and the issue say of exemptions: those the run accepts as covering their part
// (`accept-mitigated-exemptions`), and those that end soon (`exemption-expiry-days`) with the
// verdict each leaves. Every string from Azure goes through markdown.ts.
import {
  acceptedExemptionLabel,
  type ExemptionSummary,
  type ExpiringExemption,
  type SubscriptionResult
} from '../../model.ts'
import { codeSpan, escapeInline } from '../markdown.ts'
import { subscriptionLabel } from '../text.ts'

/** Most exemptions listed in one list; the rest are counted. */
export const MAX_EXEMPTIONS_LISTED = 50

/** One subscription's accepted exemption: "`id (name)`: accepted: exemption 'X' (Mitigated,
 * expires …)". */
function acceptedLine(result: SubscriptionResult, exemption: ExemptionSummary): string {
  const label = acceptedExemptionLabel(exemption, (value) => escapeInline(value, 128))
  return `- ${codeSpan(subscriptionLabel(result), { max: 200 })}: ${label}`
}

/** One subscription's exemption that ends soon, and the verdict when it has ended. */
function endingLine(result: SubscriptionResult, exemption: ExpiringExemption): string {
  const category = `${escapeInline(exemption.exemptionCategory, 40)}${exemption.accepted ? ', accepted' : ''}`
  const ends = codeSpan(exemption.expiresOn, { max: 40 })
  const then =
    exemption.verdictWhenEnded === result.verdict
      ? `the verdict stays ${result.verdict}`
      : `the verdict becomes ${exemption.verdictWhenEnded} (${result.verdict} now)`
  return `- ${codeSpan(subscriptionLabel(result), { max: 200 })}: exemption '${escapeInline(exemption.displayName, 128)}' (${category}) ends ${ends}; ${then}.`
}

function capped(lines: readonly string[]): string[] {
  const more = lines.length - MAX_EXEMPTIONS_LISTED
  return more > 0
    ? [...lines.slice(0, MAX_EXEMPTIONS_LISTED), `- and ${more} more (in the results)`]
    : [...lines]
}

/** The exemptions that end soon, as a Markdown paragraph and list; [] when none do. */
export function endingExemptionsSection(results: readonly SubscriptionResult[]): string[] {
  const lines = results.flatMap((result) =>
    (result.expiringExemptions ?? []).map((exemption) => endingLine(result, exemption))
  )
  if (lines.length === 0) return []
  return [
    '**Exemptions that end soon** (within `exemption-expiry-days`), with the verdict once each has ended:',
    '',
    ...capped(lines)
  ]
}

/** The job summary's section on exemptions: those accepted, then those that end soon; '' when
 * there are none of either. */
export function exemptionsSection(results: readonly SubscriptionResult[]): string {
  const accepted = results.flatMap((result) =>
    (result.acceptedExemptions ?? []).map((exemption) => acceptedLine(result, exemption))
  )
  const ending = endingExemptionsSection(results)
  if (accepted.length === 0 && ending.length === 0) return ''
  const acceptedPart =
    accepted.length === 0
      ? []
      : [
          '**Accepted exemptions** (`accept-mitigated-exemptions`): the part each exempts counts as covered.',
          '',
          ...capped(accepted),
          ''
        ]
  return ['### Exemptions', '', ...acceptedPart, ...ending, ''].join('\n')
}
