// The job summary's table, short cells only so that it fits the page: the verdict with its mark,
// the subscription (display name and id), the effect in force and one short cause. The long
// reason and the evidence go below the table (summary-evidence.ts). A subscription that could not
// be read claims nothing about its assignments: its cells say why it was not read.
import {
  AUDIT_EFFECT,
  type AssignmentEvidence,
  type ErrorCause,
  type SubscriptionResult
} from '../model.ts'
import { codeSpan, escapeInline } from './markdown.ts'
import { MAX_DISPLAY_NAME, VERDICT_LABELS, sourceLabel } from './summary-labels.ts'

export const TABLE_HEADER = [
  '| Verdict | Subscription | Effect | Cause |',
  '|---|---|---|---|'
].join('\n')

/** Longest assignment name in a cause cell, in code points. */
const MAX_CAUSE_NAME = 60

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
  return deciding ? assignmentCause(deciding) : 'nothing assigns the JIT policy'
}

function effectCell(result: SubscriptionResult): string {
  if (result.effectiveEffect === null) return result.verdict === 'error' ? 'not read' : 'none'
  const wanted = result.effectiveEffect.toLowerCase()
  const from = result.assignments.find((evidence) => evidence.effect.toLowerCase() === wanted)
  const effect = codeSpan(result.effectiveEffect, { table: true, max: 40 })
  return from ? `${effect} (${sourceLabel(from.effectSource)})` : effect
}

/** The subscription's display name (escaped) over its id, or the id alone. */
export function subscriptionCell(result: SubscriptionResult): string {
  const id = codeSpan(result.subscriptionId, { table: true, max: 64 })
  const name = escapeInline(result.displayName, MAX_DISPLAY_NAME)
  return name ? `${name}<br>${id}` : id
}

/** One row of the table, every cell short. */
export function tableRow(result: SubscriptionResult): string {
  const cells = [
    VERDICT_LABELS[result.verdict] ?? VERDICT_LABELS.error,
    subscriptionCell(result),
    effectCell(result),
    causeCell(result)
  ]
  return `| ${cells.join(' | ')} |`
}
