// How the run weighs exemptions: `accept-mitigated-exemptions` (which exemptions of category
// Mitigated cover their part) and `exemption-expiry-days` (how far ahead an exemption's end is
// named). Learn's categories: Mitigated "because the policy intent is met through another method",
// Waiver because "the non-compliance state of the resource is temporarily accepted"
// (https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure#exemption-category).
import { ACCEPT_MITIGATED_VALUES, INPUT_DEFAULTS, MAX_EXEMPTION_EXPIRY_DAYS } from '../defaults.ts'
import type { ExemptionRules } from '../model.ts'
import { quote } from './values.ts'

const ACCEPTED: Record<
  (typeof ACCEPT_MITIGATED_VALUES)[number],
  ExemptionRules['acceptMitigated']
> = { false: 'none', true: 'all', 'with-expiry': 'with-expiry' }

/** The exemption rules from the two inputs (`input` gives an input trimmed, '' when unset);
 * pushes a problem naming each bad value and the fix. */
export function readExemptionRules(
  input: (name: string) => string,
  problems: string[]
): ExemptionRules {
  const accept = (
    input('accept-mitigated-exemptions') || INPUT_DEFAULTS['accept-mitigated-exemptions']
  ).toLowerCase()
  const known = ACCEPT_MITIGATED_VALUES.find((value) => value === accept)
  if (known === undefined) {
    problems.push(
      `\`accept-mitigated-exemptions\` ${quote(accept)} is not one of ${ACCEPT_MITIGATED_VALUES.join(', ')}.`
    )
  }
  const days = input('exemption-expiry-days') || INPUT_DEFAULTS['exemption-expiry-days']
  const expiryDays = Number(days)
  if (!/^\d+$/.test(days) || expiryDays > MAX_EXEMPTION_EXPIRY_DAYS) {
    problems.push(
      `\`exemption-expiry-days\` ${quote(days)} is not a whole number of days from 0 (name no exemption's end) to ${MAX_EXEMPTION_EXPIRY_DAYS}.`
    )
  }
  return {
    acceptMitigated: ACCEPTED[known ?? 'false'],
    expiryDays: Number.isFinite(expiryDays) ? expiryDays : 0
  }
}
