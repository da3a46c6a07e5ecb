// What the job summary says of Azure's own record of the virtual machines (src/evaluate/
// cross-check.ts; docs/reading-results.md, "Virtual machines"): how many verdicts it agrees with,
// each disagreement and why it may be, each subscription's flagged machines with a link to the
// first few in the Azure portal, and why it could not be compared where it could not. Every
// string from Azure goes through markdown.ts.
import { MACHINES_NOT_ASKED, type SubscriptionResult } from '../../model.ts'
import type { ReportContext } from '../context.ts'
import { machineCounts, portalResourceUrl } from '../machines.ts'
import { codeSpan, escapeInline, link } from '../markdown.ts'
import { subscriptionLabel } from '../text.ts'
import { VERDICT_LABELS } from './evidence.ts'

/** Subscriptions whose flagged machines are listed; the rest are counted. */
export const MAX_SUBSCRIPTIONS_WITH_MACHINES = 25
/** Machines named per subscription, each with its portal link. */
export const MACHINES_NAMED = 5
/** Disagreements and reasons for `unavailable` listed; the rest are counted. */
export const MAX_CROSS_CHECK_LINES = 20

/** `- item`s, at most `max`, then how many more there are. */
function capped(lines: readonly string[], max: number, where: string): string[] {
  const more = lines.length - max
  return more > 0 ? [...lines.slice(0, max), `- and ${more} more (${where})`] : [...lines]
}

/** A machine's name, linked to its page in the portal when the run knows the portal. */
function machineLink(id: string, context: ReportContext): string {
  const name = id.split('/').pop() ?? id
  return context.portalTenantUrl
    ? link(
        escapeInline(name, 80) === '' ? id : name,
        portalResourceUrl(context.portalTenantUrl, id)
      )
    : codeSpan(name, { max: 80 })
}

function flaggedLine(result: SubscriptionResult, context: ReportContext): string {
  const machines = result.flaggedVirtualMachines ?? []
  const named = machines.slice(0, MACHINES_NAMED).map((machine) => {
    const where = [machine.resourceGroup, machine.location].filter((part) => part !== '')
    return `${machineLink(machine.id, context)}${where.length ? ` (${escapeInline(where.join(', '), 160)})` : ''}`
  })
  const more = machines.length - named.length
  const counts = escapeInline(machineCounts(result) ?? '', 400)
  return `- ${codeSpan(subscriptionLabel(result), { max: 200 })} (${VERDICT_LABELS[result.verdict]}): ${counts}. ${named.length ? `Flagged: ${named.join(', ')}${more > 0 ? `, and ${more} more in the results file` : ''}.` : ''}`.trimEnd()
}

/**
 * The section for `results` (in the order the summary shows them), '' when the run did not read
 * the machines: counts of the cross-check, the disagreements with their reasons, the flagged
 * machines of each subscription that is not compliant (MACHINES_NAMED of them linked to the
 * portal), and why the record could not be compared where it could not (the permission to add).
 */
export function virtualMachinesSection(
  results: readonly SubscriptionResult[],
  context: ReportContext
): string {
  const read = results.filter(
    (result) => result.crossCheck !== undefined && result.crossCheckReason !== MACHINES_NOT_ASKED
  )
  if (read.length === 0) return ''
  const count = (check: string) => read.filter((result) => result.crossCheck === check).length
  const parts = [
    '### Virtual machines',
    '',
    `Azure's own record of the JIT audit (Azure Policy's policy states of the JIT definition, and Defender for Cloud's JIT assessment), a second opinion that does not change the verdicts: it agrees with ${count('agrees')} verdict(s), disagrees with ${count('disagrees')}, and could not be compared for ${count('unavailable')}.`,
    ''
  ]
  const disagreeing = read
    .filter((result) => result.crossCheck === 'disagrees')
    .map(
      (result) =>
        `- ${codeSpan(subscriptionLabel(result), { max: 200 })} (${VERDICT_LABELS[result.verdict]}): ${escapeInline(result.crossCheckReason, 1200)}`
    )
  if (disagreeing.length > 0) {
    parts.push(
      "**Azure's record disagrees with the verdict**",
      '',
      ...capped(disagreeing, MAX_CROSS_CHECK_LINES, 'in the results'),
      ''
    )
  }
  const flagged = read
    .filter(
      (result) => result.verdict !== 'compliant' && (result.virtualMachines?.flagged ?? 0) > 0
    )
    .map((result) => flaggedLine(result, context))
  if (flagged.length > 0) {
    parts.push(
      '**Machines the JIT policy flags**',
      '',
      ...capped(flagged, MAX_SUBSCRIPTIONS_WITH_MACHINES, 'in the results file'),
      ''
    )
  }
  const unavailable = read
    .filter((result) => result.crossCheck === 'unavailable' && result.verdict !== 'error')
    .map(
      (result) =>
        `- ${codeSpan(subscriptionLabel(result), { max: 200 })}: ${escapeInline(result.crossCheckReason, 1200)}`
    )
  if (unavailable.length > 0) {
    parts.push(
      '**Could not be compared**',
      '',
      ...capped(unavailable, MAX_CROSS_CHECK_LINES, 'in the results'),
      ''
    )
  }
  return parts.join('\n')
}
