// The job summary: a headline sentence and a table of short cells (what needs attention first) on
// the first screen; below it, folded, each failing subscription's reason, evidence and how to fix
// it (evidence.ts; subscriptions that need the very same steps get them once), how the verdicts
// were decided, and the subscriptions in scope that were not checked because of their state
// (src/collect/discover.ts, SKIPPED_STATES). Markdown that GitHub renders; every string from Azure
// goes through markdown.ts first. Its size is bounded whatever the number of subscriptions or the
// length of the strings Azure returns: GitHub refuses summaries over 1 MiB.
import { plannedChangeSection } from '../planned-change.ts'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import {
  AUDIT_EFFECT,
  JIT_POLICY_DEFINITION_NAME,
  JIT_POLICY_DISPLAY_NAME,
  TOOL_NAME,
  VERDICT_MARKS,
  type SkippedSubscription,
  type SubscriptionResult,
  type Verdict
} from '../../model.ts'
import { DEFAULT_FAIL_ON } from '../../defaults.ts'
import { runUrl, type ReportContext } from '../context.ts'
import { codeBlock, codeSpan, escapeInline, link } from '../markdown.ts'
import { ATTENTION_ORDER, byAttention, countVerdicts } from '../counts.ts'
import { remediationFor, type Remediation } from '../remediation/index.ts'
import { PORTAL_PATH_SEPARATOR, type RemediationStep } from '../remediation/step.ts'
import { MAX_DISPLAY_NAME, MAX_ID, TABLE_HEADER, evidenceDetails, tableRow } from './evidence.ts'
import { exemptionsSection } from './exemptions.ts'
import { virtualMachinesSection } from './virtual-machines.ts'

/** Up to this many subscriptions, the table lists every one; above it, only those that are not
 * compliant (the compliant ones are counted). */
export const DETAIL_THRESHOLD = 200
/** Most table rows when the table lists only the failing subscriptions. */
export const MAX_TABLE_ROWS_LARGE = 100
/** Bytes the table and the details of the failing subscriptions may take together; past it, rows
 * and details are counted instead of shown. Keeps the summary far below GitHub's 1 MiB limit. */
export const SUMMARY_BYTE_BUDGET = 384 * 1024

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Up to this many compliant subscriptions share the table with the others; more go into a
 * collapsed table of their own. */
export const COMPLIANT_ROWS_SHOWN = 30

const CLAUSES: Readonly<Record<Verdict, readonly [string, string]>> = {
  noncompliant: ['is noncompliant', 'are noncompliant'],
  error: ['could not be checked', 'could not be checked'],
  partial: ['is only partly audited', 'are only partly audited'],
  compliant: ['is compliant', 'are compliant']
}

/** `1 thing` or `2 things`. */
function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** "a, b and c". */
function sentenceList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function headline(results: readonly SubscriptionResult[], failOn: ReadonlySet<Verdict>): string {
  const counts = countVerdicts(results)
  if (counts.total === 0) return 'No subscriptions were checked.'
  const attention = counts.total - counts.compliant
  if (attention === 0) {
    return `${VERDICT_MARKS.compliant} **${counts.total === 1 ? 'The subscription audits' : `All ${counts.total} subscriptions audit`} JIT network access** (${AUDIT_EFFECT} over the whole subscription).`
  }
  const fails = [...failOn].some((verdict) => verdict !== 'compliant' && counts[verdict] > 0)
  // The headline takes the mark of a failing verdict, or of a partial one when the step passes.
  const mark = fails ? VERDICT_MARKS.noncompliant : VERDICT_MARKS.partial
  const clauses = ATTENTION_ORDER.filter((verdict) => counts[verdict] > 0).map((verdict) => {
    const [one, many] = CLAUSES[verdict]
    return `${counts[verdict]} ${counts[verdict] === 1 ? one : many}`
  })
  const noun = counts.total === 1 ? 'subscription' : 'subscriptions'
  const outcome = fails
    ? ' The step fails.'
    : ' None of these verdicts is listed in `fail-on`, so the step does not fail.'
  return `${mark} **JIT network access needs attention on ${attention} of ${counts.total} ${noun}**: ${sentenceList(clauses)}.${outcome}`
}

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
  '1. lists every policy assignment associated with it: inherited from management groups, at it, and at resource groups and resources inside it;',
  '2. finds the JIT policy inside each assigned policy or initiative, at the version the assignment runs, by its definition id, never by a display name or reference id;',
  "3. resolves its effect: the initiative's reference (literal or expression), the assignment's parameter or the initiative's default, then the assignment's overrides;",
  "4. works out the part of the subscription each assignment audits (where it was made, excluded scopes, exemptions, resource selectors, overrides, version overrides) and unites them, then weighs the subscription's Defender for Servers plan (JIT needs Plan 2);",
  '5. decides: **compliant** when the assignments together audit JIT on every virtual machine (an exemption of category Mitigated counts when `accept-mitigated-exemptions` accepts it), **partial** when only on part of the subscription (the reason names the part no assignment audits), **noncompliant** when nothing does (no assignment, `Disabled`, exempted or excluded), **error** when the subscription could not be read or its policy data cannot be decided where no other assignment audits.',
  '',
  'Names, descriptions and values shown above come from Azure Policy and are shown as text.'
].join('\n')

function footer(context: ReportContext): string {
  const version = codeSpan(context.actionVersion, { max: 40 })
  const url = runUrl(context)
  const run = url ? ` in ${link('this run', url)}` : ''
  return `<sub>${TOOL_NAME} ${version}${run}</sub>`
}

/** Adds the rows that fit the budget under a table header; returns how many did. */
function addTable(parts: string[], budget: Budget, rows: readonly SubscriptionResult[]): number {
  if (rows.length === 0) return 0
  parts.push(TABLE_HEADER)
  let shown = 0
  for (const result of rows) {
    if (!spend(parts, budget, tableRow(result))) break
    shown++
  }
  return shown
}

/** Where every result is whole: the `results` output unless it was trimmed (outputs.ts), else
 * only the results file. */
function wholeResults(resultsTrimmed: boolean): string {
  return resultsTrimmed
    ? 'the results file (its path is the `results-file` output; the `results` output is trimmed)'
    : 'the `results` output'
}

/**
 * Adds the section of details, one `<details>` per subscription that is not compliant, folded, in
 * the table's order, while the budget allows: its reason, its evidence and how to fix it. The steps
 * that fix several subscriptions alike (groupRemediations) are given in the first one's details;
 * the others point at it.
 */
function addDetails(
  parts: string[],
  budget: Budget,
  results: readonly SubscriptionResult[],
  context: ReportContext,
  whole: string
) {
  if (results.length === 0) return
  parts.push('### Why, and how to fix', '')
  const groups = groupRemediations(results, context)
  const groupOf = new Map(
    groups.flatMap((group) => group.results.map((result) => [result.subscriptionId, group]))
  )
  let shown = 0
  for (const result of results) {
    const group = groupOf.get(result.subscriptionId)
    if (!spend(parts, budget, `${evidenceDetails(result, group ? fixFor(result, group) : '')}\n`)) {
      break
    }
    shown++
  }
  if (shown < results.length) {
    parts.push(
      `The reasons and fixes of ${plural(results.length - shown, 'more subscription are', 'more subscriptions are')} in ${whole}.`,
      ''
    )
  }
}

/** How to fix `result`, whose steps `group` holds: the steps in the first subscription of the
 * group (with the others it fixes named), a pointer to that one in the others. */
function fixFor(result: SubscriptionResult, group: RemediationGroup): string {
  const [first, ...others] = group.results as [SubscriptionResult, ...SubscriptionResult[]]
  if (first !== result) {
    const name = escapeInline(first.displayName, MAX_DISPLAY_NAME)
    return `The same steps as for ${name ? `${name} ` : ''}${codeSpan(first.subscriptionId, { max: 64 })} above fix this subscription too.`
  }
  const fix = renderFix(group.remediation)
  if (others.length === 0) return fix
  const named = others
    .slice(0, MAX_SUBSCRIPTIONS_PER_SECTION)
    .map((other) => codeSpan(other.subscriptionId, { max: 64 }))
  const more = others.length - named.length
  return `${fix}\n\nThese steps fix ${plural(others.length, 'more subscription', 'more subscriptions')} too: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`
}

/** Most other subscriptions named under steps that fix several alike; the rest are counted. */
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

/** The fix of one remediation in Markdown: the intro and the numbered steps. */
export function renderFix(remediation: Remediation): string {
  const lines: string[] = []
  if (remediation.intro) lines.push(escapeInline(remediation.intro, 600), '')
  remediation.steps.forEach((step, index) => lines.push(renderStep(step, index), ''))
  if (remediation.omittedSteps > 0) {
    lines.push(`${plural(remediation.omittedSteps, 'more step is', 'more steps are')} not shown.`)
  }
  return lines.join('\n').trim()
}

/**
 * The job summary in Markdown for `results`, in the order a person should look at them
 * (ATTENTION_ORDER): with planned changes, first what they change (plannedChangeSection), the rest
 * being the estate after them; a headline sentence; a table of short cells; past COMPLIANT_ROWS_SHOWN
 * compliant subscriptions, those in a collapsed table of their own; then, for each subscription
 * that is not compliant, its whole reason and evidence in a `<details>`; the exemptions the run
 * accepts and those that end soon (exemptions.ts); remediation steps (those
 * that need the same fix share a section); how the verdicts were decided. Above DETAIL_THRESHOLD
 * subscriptions only the failing ones are listed, up to MAX_TABLE_ROWS_LARGE, with counts for the
 * rest. The variable parts stay within SUMMARY_BYTE_BUDGET. What is not shown is pointed at the
 * `results` output, or at the results file when `resultsTrimmed` (the output left something out).
 */
export function buildJobSummary(
  results: readonly SubscriptionResult[],
  context: ReportContext,
  resultsTrimmed = false
): string {
  const failOn = context.failOn ?? DEFAULT_FAIL_ON
  const whole = wholeResults(resultsTrimmed)
  const ordered = byAttention(results)
  const failing = ordered.filter((result) => result.verdict !== 'compliant')
  const compliant = ordered.filter((result) => result.verdict === 'compliant')
  const parts: string[] = ['## Azure JIT network access audit', '']
  // With planned changes, what the change does leads: the estate as it is comes after.
  const change = plannedChangeSection(results)
  if (change !== '') parts.push(change, '', '### After the change', '')
  parts.push(headline(results, failOn), '')
  const budget: Budget = { left: SUMMARY_BYTE_BUDGET }

  const large = results.length > DETAIL_THRESHOLD
  const listedFailing = large ? failing.slice(0, MAX_TABLE_ROWS_LARGE) : failing
  const inline = !large && compliant.length <= COMPLIANT_ROWS_SHOWN ? compliant : []
  const shownMain = addTable(parts, budget, [...listedFailing, ...inline])
  const shownFailing = Math.min(shownMain, listedFailing.length)
  let shownCompliant = shownMain - shownFailing
  if (!large && inline.length === 0 && compliant.length > 0) {
    const summary = plural(compliant.length, 'compliant subscription', 'compliant subscriptions')
    parts.push('', `<details><summary>${summary}</summary>`, '')
    shownCompliant = addTable(parts, budget, compliant)
    parts.push('', '</details>')
  }
  const notes: string[] = []
  const hiddenFailing = failing.length - shownFailing
  const hiddenCompliant = compliant.length - shownCompliant
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
      `Not listed: ${notes.join(' and ')}. ${capitalized(whole)} has every subscription.`
    )
  if (results.length > 0) parts.push('')

  addDetails(parts, budget, listedFailing.slice(0, shownFailing), context, whole)
  const exemptions = exemptionsSection(ordered)
  if (exemptions !== '' && !spend(parts, budget, exemptions)) {
    parts.push(`The accepted exemptions and those that end soon are in ${whole}.`, '')
  }
  const machines = virtualMachinesSection(ordered, context)
  if (machines !== '' && !spend(parts, budget, machines)) {
    parts.push(`What Azure records of the virtual machines is in ${whole}.`, '')
  }

  parts.push(HOW_DECIDED, '', footer(context), '')
  return parts.join('\n')
}

/** Most skipped subscriptions listed by name; the others are counted. */
export const MAX_SKIPPED_ROWS = 50

/**
 * Markdown for `skipped`: a heading, a sentence and a table (subscription, display name, state)
 * of at most MAX_SKIPPED_ROWS rows, then how many more there are. '' when nothing was skipped.
 */
export function skippedSection(skipped: readonly SkippedSubscription[]): string {
  if (skipped.length === 0) return ''
  const rows = skipped
    .slice(0, MAX_SKIPPED_ROWS)
    .map(
      (subscription) =>
        `| ${codeSpan(subscription.subscriptionId, { table: true })} | ${escapeInline(subscription.displayName ?? '', MAX_DISPLAY_NAME)} | ${escapeInline(subscription.state, 40)} |`
    )
  const more = skipped.length - rows.length
  return [
    '',
    '### Skipped subscriptions',
    '',
    `${plural(skipped.length, 'subscription in scope was', 'subscriptions in scope were')} not checked because ${skipped.length === 1 ? 'it is' : 'they are'} disabled or deleted; ${skipped.length === 1 ? 'it does' : 'they do'} not affect the outcome. The \`skipped-subscriptions\` output lists ${skipped.length === 1 ? 'it' : 'them all'}.`,
    '',
    '| subscription | name | state |',
    '| --- | --- | --- |',
    ...rows,
    ...(more > 0 ? ['', `…and ${plural(more, 'more', 'more')}.`] : []),
    ''
  ].join('\n')
}
