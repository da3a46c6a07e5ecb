// Below the job summary's table: for each subscription that is not compliant, a `<details>` with
// its whole reason (never cut mid-word, its fix kept) and the evidence of each assignment that
// runs the JIT policy. A subscription that could not be read says so instead of listing none.
import type { AssignmentEvidence, SubscriptionResult } from '../model.ts'
import { codeSpan, escapeHtmlText, escapeInline } from './markdown.ts'
import {
  COVERAGE_LABELS,
  MAX_DISPLAY_NAME,
  MAX_ID,
  VERDICT_LABELS,
  sourceLabel
} from './summary-labels.ts'
import { notCheckedCause } from './summary-table.ts'
import { fitReason } from './text.ts'

/** Longest reason shown in full below the table, in code points (a reason longer than this loses
 * words of its cause, never its fix). */
export const MAX_FULL_REASON = 1500
/** Most assignments listed for one subscription. */
export const MAX_ASSIGNMENTS_LISTED = 10

/** One assignment's evidence as a line of Markdown: name, scope, effect and source, the JIT
 * policy's reference id inside the initiative (policyDefinitionReferenceId, which overrides and
 * resource selectors select by; none when the definition is assigned alone), coverage. */
export function assignmentSummary(evidence: AssignmentEvidence): string {
  const name = escapeInline(evidence.displayName || evidence.id, MAX_DISPLAY_NAME)
  const scope = codeSpan(evidence.scope, { max: MAX_ID })
  const effect = codeSpan(evidence.effect, { max: 40 })
  const parameter = evidence.effectParameter
    ? ` ${codeSpan(evidence.effectParameter, { max: 80 })}`
    : ''
  const reference = evidence.policyDefinitionReferenceId
    ? `, JIT reference id ${codeSpan(evidence.policyDefinitionReferenceId, { max: 80 })}`
    : ''
  const coverage = COVERAGE_LABELS[evidence.coverage] ?? 'coverage unknown'
  return `**${name}** at ${scope}: ${effect} from ${sourceLabel(evidence.effectSource)}${parameter}${reference}, ${coverage}`
}

function assignmentLines(result: SubscriptionResult): string[] {
  if (result.assignments.length === 0) {
    if (result.verdict !== 'error') {
      return ['Assignments: none that applies to the subscription runs the JIT policy.']
    }
    const readButUndecided =
      result.errorCause === 'unreadable-initiative' ||
      result.errorCause === 'unknown-ancestry' ||
      result.errorCause === 'undecidable'
    return [
      readButUndecided
        ? `Assignments: none shown; the check could not tell which of them run the JIT policy (${notCheckedCause(result)}).`
        : `Assignments: not known; the check could not read them (${notCheckedCause(result)}).`
    ]
  }
  const listed = result.assignments.slice(0, MAX_ASSIGNMENTS_LISTED)
  const more = result.assignments.length - listed.length
  return [
    'Assignments that run the JIT policy, the deciding one first:',
    '',
    ...listed.map((evidence) => `- ${assignmentSummary(evidence)}`),
    ...(more > 0 ? [`- and ${more} more (in the \`results\` output)`] : [])
  ]
}

/** The `<details>` of one subscription: its verdict, name and id as the summary line, then the
 * reason and the evidence. */
export function evidenceDetails(result: SubscriptionResult): string {
  const label = VERDICT_LABELS[result.verdict] ?? VERDICT_LABELS.error
  const name = escapeHtmlText(result.displayName, MAX_DISPLAY_NAME)
  const id = escapeHtmlText(result.subscriptionId, 64)
  const reason = escapeInline(fitReason(result.reason, MAX_FULL_REASON), MAX_FULL_REASON) || '—'
  return [
    `<details><summary>${label}: ${name ? `${name} ` : ''}<code>${id}</code></summary>`,
    '',
    `**Reason:** ${reason}`,
    '',
    ...assignmentLines(result),
    '',
    '</details>'
  ].join('\n')
}
