// The job summary: a headline, a table of subscriptions, how to fix the failing ones, and how the
// verdicts were decided. Markdown that GitHub renders; every string from Azure goes through
// markdown.ts first. Its size is bounded whatever the number of subscriptions or the length of the
// strings Azure returns: GitHub refuses summaries over 1 MiB.
import { Buffer } from 'node:buffer'
import {
  AUDIT_EFFECT,
  JIT_POLICY_DEFINITION_NAME,
  JIT_POLICY_DISPLAY_NAME,
  VERDICT_MARKS,
  type AssignmentEvidence,
  type SubscriptionResult,
  type Verdict
} from '../model.ts'
import { DEFAULT_FAIL_ON } from '../defaults.ts'
import { TOOL_NAME, runUrl, type ReportContext } from './context.ts'
import { codeSpan, escapeInline, link } from './markdown.ts'
import { countVerdicts, describeCounts } from './counts.ts'
import { groupRemediations, renderGroup } from './summary-fixes.ts'
import {
  COVERAGE_LABELS,
  MAX_DISPLAY_NAME,
  MAX_ID,
  MAX_REASON,
  VERDICT_LABELS,
  plural,
  sourceLabel
} from './summary-labels.ts'

/** Up to this many subscriptions, the table lists every one; above it, only those that are not
 * compliant (the compliant ones are counted). */
export const DETAIL_THRESHOLD = 200
/** Most table rows when the table lists only the failing subscriptions. */
export const MAX_TABLE_ROWS_LARGE = 100
/** Most remediation sections (each covers every subscription that needs the same fix). */
export const MAX_REMEDIATION_SECTIONS = 25
/** Most assignments shown in one table cell. */
export const MAX_ASSIGNMENTS_PER_ROW = 3
/** Bytes the table and the remediation sections may take together; past it, rows and sections are
 * counted instead of shown. Keeps the summary far below GitHub's 1 MiB limit. */
export const SUMMARY_BYTE_BUDGET = 384 * 1024

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function headline(results: readonly SubscriptionResult[], failOn: ReadonlySet<Verdict>): string {
  const counts = countVerdicts(results)
  if (counts.total === 0) return 'No subscriptions were checked.'
  const failing = describeCounts(counts, ['noncompliant', 'partial', 'error'])
  if (failing === null) {
    return `${VERDICT_MARKS.compliant} **${counts.total === 1 ? 'The subscription audits' : `All ${counts.total} subscriptions audit`} JIT network access** (${AUDIT_EFFECT} over the whole subscription).`
  }
  const fails = [...failOn].some((verdict) => verdict !== 'compliant' && counts[verdict] > 0)
  // The headline takes the mark of a failing verdict, or of a partial one when the step passes.
  const mark = fails ? VERDICT_MARKS.noncompliant : VERDICT_MARKS.partial
  const compliant = counts.compliant > 0 ? `; ${counts.compliant} compliant` : ''
  const outcome = fails ? '' : ' (not listed in `fail-on`: the step does not fail)'
  return `${mark} **${failing}**${compliant}.${outcome}`
}

function effectCell(result: SubscriptionResult): string {
  if (result.effectiveEffect === null) return 'none'
  const wanted = result.effectiveEffect.toLowerCase()
  const from = result.assignments.find((evidence) => evidence.effect.toLowerCase() === wanted)
  const effect = codeSpan(result.effectiveEffect, { table: true, max: 40 })
  return from ? `${effect} (${sourceLabel(from.effectSource)})` : effect
}

function assignmentSummary(evidence: AssignmentEvidence, table: boolean): string {
  const name = escapeInline(evidence.displayName || evidence.id, MAX_DISPLAY_NAME)
  const scope = codeSpan(evidence.scope, { table, max: MAX_ID })
  const effect = codeSpan(evidence.effect, { table, max: 40 })
  const parameter = evidence.effectParameter
    ? ` ${codeSpan(evidence.effectParameter, { table, max: 80 })}`
    : ''
  const coverage = COVERAGE_LABELS[evidence.coverage] ?? 'coverage unknown'
  return `**${name}** at ${scope}: ${effect} from ${sourceLabel(evidence.effectSource)}${parameter}, ${coverage}`
}

function assignmentsCell(result: SubscriptionResult): string {
  if (result.assignments.length === 0) return 'none runs the JIT policy'
  const shown = result.assignments
    .slice(0, MAX_ASSIGNMENTS_PER_ROW)
    .map((evidence) => assignmentSummary(evidence, true))
  const more = result.assignments.length - shown.length
  if (more > 0) shown.push(`and ${more} more`)
  return shown.join('<br>')
}

function tableRow(result: SubscriptionResult): string {
  const cells = [
    codeSpan(result.subscriptionId, { table: true, max: 64 }),
    VERDICT_LABELS[result.verdict] ?? VERDICT_LABELS.error,
    effectCell(result),
    assignmentsCell(result),
    escapeInline(result.reason, MAX_REASON) || '—'
  ]
  return `| ${cells.join(' | ')} |`
}

const TABLE_HEADER = [
  '| Subscription | Verdict | Effective effect | Assignments and scope | Reason |',
  '|---|---|---|---|---|'
].join('\n')

interface Budget {
  left: number
}

/** Adds `text` when the budget allows it; returns false (and adds nothing) when it does not. */
function spend(parts: string[], budget: Budget, text: string): boolean {
  const size = bytes(text) + 1
  if (size > budget.left) return false
  budget.left -= size
  parts.push(text)
  return true
}

const HOW_DECIDED = [
  '### How this was decided',
  '',
  `Defender for Cloud recommends just-in-time network access only while a policy assignment that applies to the subscription runs the built-in policy \`${JIT_POLICY_DEFINITION_NAME}\` ("${JIT_POLICY_DISPLAY_NAME}") with the effect \`${AUDIT_EFFECT}\`. For each subscription the check:`,
  '',
  '1. lists every policy assignment that applies to it, including those inherited from management groups;',
  '2. finds the JIT policy inside each assigned policy or initiative by its definition id, never by a display name or reference id;',
  "3. resolves its effect: the initiative's reference, the assignment's parameter or the initiative's default, then the assignment's overrides;",
  '4. works out how much of the subscription each assignment covers: excluded scopes, exemptions, resource selectors;',
  '5. decides: **compliant** when some assignment audits JIT over the whole subscription, **partial** when only over part of it, **noncompliant** when nothing does (no assignment, `Disabled`, exempted or excluded), **error** when the subscription could not be read.',
  '',
  'Names, descriptions and values shown above come from Azure Policy and are shown as text.'
].join('\n')

function footer(context: ReportContext): string {
  const version = codeSpan(context.actionVersion, { max: 40 })
  const url = runUrl(context)
  const run = url ? ` in ${link('this run', url)}` : ''
  return `<sub>${TOOL_NAME} ${version}${run}</sub>`
}

/**
 * The job summary in Markdown for `results` (in the order given). Up to DETAIL_THRESHOLD
 * subscriptions it lists each one; above it, only those that are not compliant, up to
 * MAX_TABLE_ROWS_LARGE rows, with counts for the rest. Remediation steps follow for the failing
 * subscriptions (those that need the same fix share a section), then how the verdicts were decided.
 */
export function buildJobSummary(
  results: readonly SubscriptionResult[],
  context: ReportContext
): string {
  const failOn = context.failOn ?? DEFAULT_FAIL_ON
  const counts = countVerdicts(results)
  const failing = results.filter((result) => result.verdict !== 'compliant')
  const parts: string[] = ['## Azure JIT network access audit', '', headline(results, failOn), '']
  const budget: Budget = { left: SUMMARY_BYTE_BUDGET }

  const large = results.length > DETAIL_THRESHOLD
  const rows = large ? failing.slice(0, MAX_TABLE_ROWS_LARGE) : results
  if (rows.length > 0) {
    parts.push(TABLE_HEADER)
    let shown = 0
    for (const result of rows) {
      if (!spend(parts, budget, tableRow(result))) break
      shown++
    }
    const hiddenFailing =
      failing.length - rows.slice(0, shown).filter((r) => r.verdict !== 'compliant').length
    const hiddenCompliant = large ? counts.compliant : rows.length - shown - hiddenFailing
    const notes: string[] = []
    if (hiddenFailing > 0)
      notes.push(
        plural(
          hiddenFailing,
          'more subscription that is not compliant',
          'more subscriptions that are not compliant'
        )
      )
    if (hiddenCompliant > 0)
      notes.push(plural(hiddenCompliant, 'compliant subscription', 'compliant subscriptions'))
    if (notes.length > 0)
      parts.push(
        '',
        `Not listed: ${notes.join(' and ')}. The \`results\` output has every subscription.`
      )
    parts.push('')
  }

  if (failing.length > 0) {
    parts.push('### How to fix', '')
    const groups = groupRemediations(failing, context)
    let shownGroups = 0
    for (const group of groups.slice(0, MAX_REMEDIATION_SECTIONS)) {
      if (!spend(parts, budget, `${renderGroup(group)}\n`)) break
      shownGroups++
    }
    const hidden = groups.slice(shownGroups).reduce((sum, group) => sum + group.results.length, 0)
    if (hidden > 0) {
      parts.push(
        `Steps for ${plural(hidden, 'more subscription', 'more subscriptions')} are not shown; their reasons are in the \`results\` output.`,
        ''
      )
    }
  }

  parts.push(HOW_DECIDED, '', footer(context), '')
  return parts.join('\n')
}
