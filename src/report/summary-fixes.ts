// The job summary's "How to fix" sections: subscriptions that need the very same steps share one
// section, and each step is rendered with every string from Azure escaped (markdown.ts).
import { createHash } from 'node:crypto'
import type { SubscriptionResult } from '../model.ts'
import type { ReportContext } from './context.ts'
import { codeBlock, codeSpan, escapeInline } from './markdown.ts'
import { remediationFor, type Remediation } from './remediation.ts'
import { PORTAL_PATH_SEPARATOR, type RemediationStep } from './remediation/step.ts'
import { MAX_DISPLAY_NAME, MAX_ID, VERDICT_LABELS, plural } from './summary-labels.ts'

/** Most subscriptions named in one remediation section; the rest are counted. */
export const MAX_SUBSCRIPTIONS_PER_SECTION = 20
function renderStep(step: RemediationStep, index: number): string {
  const lines: string[] = [`**${index + 1}. ${escapeInline(step.title, 200)}**`, '']
  const items: string[] = []
  if (step.target) {
    const name = step.target.displayName
      ? `**${escapeInline(step.target.displayName, MAX_DISPLAY_NAME)}** `
      : ''
    items.push(
      `${escapeInline(step.target.label, 40)}: ${name}${codeSpan(step.target.id, { max: MAX_ID })}`
    )
  }
  if (step.portalPath.length > 0) {
    items.push(
      `Portal: ${step.portalPath.map((segment) => escapeInline(segment, MAX_DISPLAY_NAME)).join(PORTAL_PATH_SEPARATOR)}`
    )
  }
  for (const detail of step.details) items.push(escapeInline(detail, 600))
  lines.push(...items.map((item) => `- ${item}`))
  if (step.command !== null) lines.push('', codeBlock(step.command, 'sh'))
  if (step.commandNote) lines.push('', escapeInline(step.commandNote, 600))
  return lines.join('\n')
}

export interface RemediationGroup {
  remediation: Remediation
  results: SubscriptionResult[]
}

/** Subscriptions that need the very same steps (typically all those under one management-group
 * assignment) share one section. */
export function groupRemediations(
  failing: readonly SubscriptionResult[],
  context: ReportContext
): RemediationGroup[] {
  const groups = new Map<string, RemediationGroup>()
  for (const result of failing) {
    const remediation = remediationFor(result, { clientId: context.clientId })
    // A digest, not the JSON itself: V8 hashes strings longer than 16,383 characters by their
    // length alone, so long keys of equal length would turn the map into a linear search.
    const key = createHash('sha256')
      .update(JSON.stringify([remediation.intro, remediation.steps, remediation.omittedSteps]))
      .digest('hex')
    const group = groups.get(key)
    if (group) group.results.push(result)
    else groups.set(key, { remediation, results: [result] })
  }
  return [...groups.values()]
}

/** One section in Markdown: which subscriptions (the reasons are under the table), the intro,
 * the numbered steps. */
export function renderGroup(group: RemediationGroup): string {
  const [first] = group.results as [SubscriptionResult, ...SubscriptionResult[]]
  const lines: string[] = []
  if (group.results.length === 1) {
    const name = escapeInline(first.displayName, MAX_DISPLAY_NAME)
    lines.push(
      `#### ${VERDICT_LABELS[first.verdict] ?? VERDICT_LABELS.error}: ${name ? `${name} ` : ''}${codeSpan(first.subscriptionId, { max: 64 })}`
    )
  } else {
    const named = group.results
      .slice(0, MAX_SUBSCRIPTIONS_PER_SECTION)
      .map((result) => codeSpan(result.subscriptionId, { max: 64 }))
    const more = group.results.length - named.length
    lines.push(
      `#### ${group.results.length} subscriptions with the same fix`,
      '',
      `Subscriptions: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}. Their reasons are under Why.`
    )
  }
  if (group.remediation.intro) lines.push('', escapeInline(group.remediation.intro, 600))
  group.remediation.steps.forEach((step, index) => lines.push('', renderStep(step, index)))
  if (group.remediation.omittedSteps > 0) {
    lines.push(
      '',
      `${plural(group.remediation.omittedSteps, 'more step is', 'more steps are')} not shown.`
    )
  }
  return lines.join('\n')
}
