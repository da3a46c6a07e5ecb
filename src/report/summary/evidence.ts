// How the job summary shows one subscription: its row in the table, short cells only so that it
// fits the page (the verdict with its mark, the subscription's display name and id, the effect in
// force and one short cause), and below the table a `<details>` with its whole reason (never cut
// mid-word, its fix kept) and the evidence of each assignment that runs the JIT policy; with the
// labels and limits the summary's sections share. A subscription that could not be read claims
// nothing about its assignments: its cells and its details say why it was not read.
import {
  AUDIT_EFFECT,
  VERDICT_MARKS,
  VERDICTS,
  type AssignmentEvidence,
  type EffectSource,
  type ErrorCause,
  type SubscriptionResult,
  type Verdict
} from '../../model.ts'
import { codeSpan, escapeHtmlText, escapeInline } from '../markdown.ts'
import { MAX_NAME_LENGTH, fitReason } from '../text.ts'

/** Longest display name and id shown, in code points. */
export const MAX_DISPLAY_NAME = 80
export const MAX_ID = 200

/** Each verdict with its mark (model.ts, VERDICT_MARKS), e.g. `❌ noncompliant`. */
export const VERDICT_LABELS = Object.fromEntries(
  VERDICTS.map((verdict) => [verdict, `${VERDICT_MARKS[verdict]} ${verdict}`])
) as Readonly<Record<Verdict, string>>

const SOURCE_LABELS: Readonly<Record<EffectSource, string>> = {
  parameter: 'assignment parameter',
  'initiative-default': 'initiative default',
  'definition-default': 'definition default',
  literal: 'written in the initiative',
  override: 'assignment override'
}

export const COVERAGE_LABELS: Readonly<Record<string, string>> = {
  full: 'covers the whole subscription',
  partial: 'covers part of the subscription',
  none: 'does not cover the subscription',
  unknown: 'coverage unknown'
}

/** How the summary names where an effect came from; an unknown source is shown escaped. */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source as EffectSource] ?? escapeInline(source, 40)
}

export const TABLE_HEADER = ['| Verdict | Subscription | Cause |', '|---|---|---|'].join('\n')

/** Longest assignment name in a cause cell, in code points: a name Azure allows whole (its display
 * names are at most 128 characters), so that the cell names the assignment a person looks for. */
const MAX_CAUSE_NAME = MAX_NAME_LENGTH

/** Why a subscription could not be checked, in a few words, by its cause. */
const NOT_CHECKED_CAUSES: Readonly<Record<ErrorCause, string>> = {
  'access-denied': 'no access (403)',
  'not-found': 'subscription not found (404)',
  'wrong-tenant': 'another tenant (401)',
  transient: 'Azure throttled or failed',
  'unreadable-initiative': 'initiative not read',
  'unknown-ancestry': 'excluded management group not read',
  undecidable: 'the policy data cannot be decided',
  internal: 'the check failed (a defect)'
}

function initiativeCause(result: SubscriptionResult): string {
  const statuses = new Set((result.unreadableInitiatives ?? []).map((item) => item.status))
  if (statuses.has(404)) return 'initiative missing (404)'
  if (statuses.has(403)) return 'initiative not readable (403)'
  return NOT_CHECKED_CAUSES['unreadable-initiative']
}

/** The few words that say why a subscription could not be checked. */
export function notCheckedCause(result: SubscriptionResult): string {
  if (result.errorCause === 'unreadable-initiative') return initiativeCause(result)
  return NOT_CHECKED_CAUSES[result.errorCause ?? 'internal'] ?? NOT_CHECKED_CAUSES.internal
}

function audits(effect: string): boolean {
  return effect.toLowerCase() === AUDIT_EFFECT.toLowerCase()
}

/** The deciding assignment's cause, in a few words (Markdown). */
function assignmentCause(evidence: AssignmentEvidence): string {
  const name = `**${escapeInline(evidence.displayName || evidence.id, MAX_CAUSE_NAME)}**`
  const exempted = evidence.exemptionIds.length > 0
  if (evidence.coverage === 'none') return `${exempted ? 'exempted from' : 'excluded from'} ${name}`
  if (!audits(evidence.effect)) {
    return `${sourceLabel(evidence.effectSource)} sets ${codeSpan(evidence.effect, { table: true, max: 40 })} in ${name}`
  }
  if (evidence.coverage === 'partial') {
    return `${exempted ? 'part exempted from' : 'part excluded from'} ${name}`
  }
  if (evidence.coverage === 'unknown') return `coverage of ${name} unknown`
  return `audited by ${name}`
}

function causeCell(result: SubscriptionResult): string {
  if (result.verdict === 'error') return notCheckedCause(result)
  const [deciding] = result.assignments
  if (!deciding) return 'nothing assigns the JIT policy'
  // Compliant without one assignment that covers all of it: several audit it together.
  if (result.verdict === 'compliant' && deciding.coverage !== 'full') {
    const name = `**${escapeInline(deciding.displayName || deciding.id, MAX_CAUSE_NAME)}**`
    const others = result.assignments.filter((evidence) => audits(evidence.effect)).length - 1
    return others > 0 ? `audited together by ${name} and ${others} more` : `audited by ${name}`
  }
  const accepted = result.acceptedExemptions?.length ?? 0
  const cause = assignmentCause(deciding)
  return accepted > 0
    ? `${cause}; ${accepted} accepted exemption${accepted === 1 ? '' : 's'}`
    : cause
}

/** The subscription's display name (escaped) and the start of its id, or the whole id when it has
 * no name: one short line, so that the table fits the first screen; the whole id is in the
 * subscription's details below the table. */
export function subscriptionCell(result: SubscriptionResult): string {
  const name = escapeInline(result.displayName, MAX_DISPLAY_NAME)
  if (!name) return codeSpan(result.subscriptionId, { table: true, max: 64 })
  const start = /^[0-9a-f]{8}/i.exec(result.subscriptionId)?.[0]
  const id = start ? `${start}…` : result.subscriptionId
  return `${name} ${codeSpan(id, { table: true, max: 64 })}`
}

/** One row of the table, every cell short: the verdict (on one line), the subscription, and the
 * cause in a few words (the effect and where it came from are in the cause, or in the details). */
export function tableRow(result: SubscriptionResult): string {
  const verdict = result.verdict in VERDICT_LABELS ? result.verdict : 'error'
  const cells = [
    `${VERDICT_MARKS[verdict]}&nbsp;${verdict}`,
    subscriptionCell(result),
    causeCell(result)
  ]
  return `| ${cells.join(' | ')} |`
}

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

/** The `<details>` of one subscription: its verdict, name and id in the summary line; its whole
 * reason, the assignments that run the JIT policy, and `fix` (Markdown: the steps, or where they
 * are) under "How to fix" when given. */
export function evidenceDetails(result: SubscriptionResult, fix = ''): string {
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
    ...(fix === '' ? [] : ['', '**How to fix**', '', fix]),
    '',
    '</details>'
  ].join('\n')
}
