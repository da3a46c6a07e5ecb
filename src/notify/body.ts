// The Markdown of the issue, its comments and the pull-request comment. Every string from Azure
// goes through the job summary's escaping (../report/markdown.ts); every body stays under GitHub's
// limit on issue and comment bodies, cutting at a whole row and saying how many were left out.
import { plannedChangeSection } from '../report/planned-change.ts'
import type { SubscriptionResult, Verdict } from '../model.ts'
import { codeSpan, escapeInline, link } from '../report/markdown.ts'
import { byAttention, countVerdicts, describeCounts, VERDICT_PHRASES } from '../report/counts.ts'
import { remediationFor } from '../report/remediation/index.ts'
import { endingExemptionsSection } from '../report/summary/exemptions.ts'
import { MAX_NAME_LENGTH, oneLine } from '../report/text.ts'
import { isFailing, type VerdictChange } from './change.ts'
import type { DecidedVerdict } from './marker.ts'

/** GitHub refuses issue and comment bodies longer than this many characters ("body is too long
 * (maximum is 65536 characters)"). Lengths here are UTF-16 code units, never fewer than
 * characters, so a body within the limit by this count is within GitHub's. */
export const MAX_BODY_LENGTH = 65_536
/** GitHub's limit on issue titles, in characters. */
export const MAX_TITLE_LENGTH = 256
/** Most items named in one list of a change comment; the rest are counted. */
export const MAX_LISTED_PER_CHANGE = 50

const MAX_REASON = 300
const MAX_FIX = 300
const MAX_ID = 64

/** What every body is built from. */
export interface NotificationView {
  results: readonly SubscriptionResult[]
  /** Verdicts that fail the step (the `fail-on` input): these are the failing subscriptions. */
  failOn: ReadonlySet<Verdict>
  /** Subscription id -> display name, when known. From Azure: escaped here. */
  names: ReadonlyMap<string, string>
  category: string
  /** Link to this workflow run, or null when it is not known. */
  runUrl: string | null
  /** The application (client) id the action signs in with, for the fixes' role assignments. */
  clientId?: string | undefined
  /** Subscription id -> its last decided verdict, for those that could not be checked now
   * (change.ts, lastDecided). */
  last?: ReadonlyMap<string, DecidedVerdict>
}

function phrase(verdict: Verdict): string {
  return verdict === 'compliant'
    ? 'compliant'
    : (VERDICT_PHRASES[verdict] ?? 'could not be checked')
}

/** The verdict as the table shows it: `could not be checked now (last: noncompliant)` for a
 * subscription that was decided before. */
function verdictCell(result: SubscriptionResult, view: NotificationView): string {
  const last = result.verdict === 'error' ? view.last?.get(result.subscriptionId) : undefined
  return last === undefined ? phrase(result.verdict) : `could not be checked now (last: ${last})`
}

/** The failing results, noncompliant first, then could not be checked, then partial; by id. */
export function failingResults(view: NotificationView): SubscriptionResult[] {
  return byAttention(
    view.results
      .filter((result) => isFailing(result, view.failOn))
      .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))
  )
}

function subscriptionLabel(view: NotificationView, id: string, table: boolean): string {
  const name = view.names.get(id)
  const code = codeSpan(id, { table, max: MAX_ID })
  return name ? `${code} (${escapeInline(name, MAX_NAME_LENGTH)})` : code
}

function fixCell(result: SubscriptionResult, view: NotificationView): string {
  const remediation = remediationFor(result, { clientId: view.clientId })
  const titles = remediation.steps.map((step) => oneLine(step.title, 120))
  const more = remediation.omittedSteps > 0 ? ` (and ${remediation.omittedSteps} more)` : ''
  return escapeInline(titles.join('; ') + more, MAX_FIX) || '—'
}

function tableRow(result: SubscriptionResult, view: NotificationView): string {
  const name = view.names.get(result.subscriptionId)
  const cells = [
    codeSpan(result.subscriptionId, { table: true, max: MAX_ID }),
    name ? escapeInline(name, MAX_NAME_LENGTH) : '—',
    verdictCell(result, view),
    escapeInline(withMachines(result), MAX_REASON) || '—',
    fixCell(result, view)
  ]
  return `| ${cells.join(' | ')} |`
}

/** The reason, and before it (short, so that a long reason's end is what a cut takes) how many
 * machines the JIT policy flags, when the run read them. */
function withMachines(result: SubscriptionResult): string {
  const counts = result.virtualMachines
  if (!counts) return result.reason
  const disagrees = result.crossCheck === 'disagrees' ? "; Azure's record disagrees" : ''
  return `${counts.flagged} of ${counts.evaluated} VMs flagged${disagrees}. ${result.reason}`
}

const TABLE_HEADER = '| Subscription | Name | Verdict | Reason | Fix |\n|---|---|---|---|---|'

/**
 * As many of `items` as fit in `budget` characters (each followed by a line feed), whole items
 * only, and a closing line saying how many were left out (room for it is kept). Returns the
 * lines and the characters they take.
 */
export function fitLines(
  items: readonly string[],
  budget: number,
  more: (count: number) => string,
  maxItems = Number.POSITIVE_INFINITY
): { lines: string[]; length: number } {
  const lines: string[] = []
  let length = 0
  const reserve = more(items.length).length + 1
  for (const [index, item] of items.entries()) {
    const last = index === items.length - 1
    const room = budget - length - (last ? 0 : reserve)
    if (lines.length >= maxItems || item.length + 1 > room) {
      const note = more(items.length - index)
      lines.push(note)
      length += note.length + 1
      break
    }
    lines.push(item)
    length += item.length + 1
  }
  return { lines, length }
}

function countsLine(view: NotificationView): string {
  const counts = countVerdicts(view.results)
  const failing = describeCounts(counts, ['noncompliant', 'partial', 'error'])
  const compliant = `${counts.compliant} compliant`
  return failing === null
    ? `All ${counts.total} checked subscriptions are compliant.`
    : `Checked: ${failing}; ${compliant}.`
}

function runLine(view: NotificationView): string {
  const run = view.runUrl ? link('this workflow run', view.runUrl) : 'this workflow run'
  return `Category ${codeSpan(view.category, { max: 200 })}, as of ${run}. Commands that make each fix are in the run's job summary.`
}

/** `head`, then a table of the failing subscriptions cut to fit, then `tail`, within the limit. */
function withTable(head: string[], tail: string[], view: NotificationView): string {
  const fixed = [...head, TABLE_HEADER, ...tail].join('\n\n').length + 4
  const rows = failingResults(view).map((result) => tableRow(result, view))
  const { lines } = fitLines(
    rows,
    MAX_BODY_LENGTH - fixed,
    (count) =>
      `\n_and ${count} more failing subscription${count === 1 ? '' : 's'}: see the run's job summary._`
  )
  return [...head, `${TABLE_HEADER}\n${lines.join('\n')}`, ...tail].join('\n\n')
}

/**
 * The issue's title: short, and saying which: `JIT network access not audited on 3 subscriptions`
 * (those failing as noncompliant or partial), `..., 2 could not be checked` when some could not be
 * checked too, or `JIT network access: 2 subscriptions could not be checked` when that is all. The
 * category is in the body (runLine); the title is rewritten with the body.
 */
export function issueTitle(view: NotificationView): string {
  const notAudited = failingResults(view).filter((result) => result.verdict !== 'error').length
  const unchecked = view.results.filter((result) => result.verdict === 'error').length
  const subscriptions = (count: number) => `${count} subscription${count === 1 ? '' : 's'}`
  if (notAudited === 0) {
    return `JIT network access: ${subscriptions(unchecked)} could not be checked`
  }
  const also = unchecked > 0 ? `, ${unchecked} could not be checked` : ''
  return oneLine(
    `JIT network access not audited on ${subscriptions(notAudited)}${also}`,
    MAX_TITLE_LENGTH
  )
}

/** The issue's body: the marker, what fails, the table of failing subscriptions, the counts, and
 * the open issues of this workflow job's previous scopes (`earlierScopes`, numbers) when any. */
export function issueBody(
  view: NotificationView,
  marker: string,
  earlierScopes: readonly number[] = []
): string {
  const head = [
    marker,
    '## Just-in-time network access is not audited everywhere',
    `Microsoft Defender for Cloud's audit of just-in-time network access on virtual machines is not in force on every subscription checked. ${runLine(view)}`
  ]
  const ending = endingExemptionsSection(view.results).join('\n')
  const tail = [
    countsLine(view),
    ...(ending === '' ? [] : [ending]),
    'This issue is kept up to date by each scheduled run, and closed when every subscription passes.'
  ]
  if (earlierScopes.length > 0) tail.push(scopeChangedLine(earlierScopes))
  return withTable(head, tail, view)
}

/** Why an earlier issue of the same workflow job stays open: the category is derived from the
 * scope (src/category.ts), so another scope is another category and another issue. */
function scopeChangedLine(issues: readonly number[]): string {
  const shown = issues.slice(0, 10).map((number) => `#${number}`)
  const more = issues.length > shown.length ? ` and ${issues.length - shown.length} more` : ''
  const which = `${issues.length === 1 ? 'earlier issue' : 'earlier issues'} ${shown.join(', ')}${more}`
  return `The scope changed: ${which} ${issues.length === 1 ? 'tracks' : 'track'} the previous scope of this workflow job. Close ${issues.length === 1 ? 'it' : 'them'} by hand if that scope is no longer checked; set the \`category\` input to keep one category (and one issue) across edits of the scope.`
}

/** The pull-request comment: the marker, what planned changes change (when the run weighed
 * any), and either the failing table or that everything passes. */
export function pullRequestBody(view: NotificationView, marker: string): string {
  // With planned changes, what the pull request changes leads (report/planned-change.ts).
  const change = plannedChangeSection(view.results)
  const lead = change === '' ? [] : [change]
  if (failingResults(view).length === 0) {
    return [
      marker,
      '### ✅ Just-in-time network access audit',
      ...lead,
      `${countsLine(view)} ${runLine(view)}`
    ].join('\n\n')
  }
  const head = [marker, '### ❌ Just-in-time network access audit', ...lead, runLine(view)]
  return withTable(head, [countsLine(view)], view)
}

function changeItem(view: NotificationView, id: string, detail: string): string {
  return `- ${subscriptionLabel(view, id, false)}${detail}`
}

function changeSection(title: string, items: string[], budget: { left: number }): string | null {
  if (items.length === 0) return null
  const heading = `**${title} (${items.length})**`
  const { lines, length } = fitLines(
    items,
    budget.left - heading.length - 2,
    (count) => `- _and ${count} more_`,
    MAX_LISTED_PER_CHANGE
  )
  budget.left -= heading.length + 2 + length
  return `${heading}\n${lines.join('\n')}`
}

/** The comment that says what changed since the issue was last written. `opening` is the first
 * line ("Verdicts changed", "Failing again", "Every subscription passes"). */
export function changeComment(
  view: NotificationView,
  change: VerdictChange,
  opening: string
): string {
  const byId = new Map(view.results.map((result) => [result.subscriptionId, result]))
  const reason = (id: string): string => {
    const result = byId.get(id)
    return result ? `: ${phrase(result.verdict)}, ${escapeInline(result.reason, MAX_REASON)}` : ''
  }
  const head = `${opening} ${runLine(view)}`
  const tail = countsLine(view)
  // Room for the sections' headings and their "and N more" lines is kept back.
  const budget = { left: MAX_BODY_LENGTH - head.length - tail.length - 400 }
  const sections = [
    changeSection(
      'Newly failing',
      change.newlyFailing.map((id) => changeItem(view, id, reason(id))),
      budget
    ),
    changeSection(
      'Verdict changed',
      change.changed.map(({ id, from }) =>
        changeItem(view, id, ` was ${phrase(from)}, now${reason(id).slice(1)}`)
      ),
      budget
    ),
    changeSection(
      'Fixed',
      change.fixed.map((id) => changeItem(view, id, '')),
      budget
    ),
    changeSection(
      'No longer checked',
      change.noLongerChecked.map((id) => changeItem(view, id, " (not in this run's results)")),
      budget
    ),
    changeSection(
      'Still failing',
      change.stillFailing.map((id) => changeItem(view, id, '')),
      budget
    )
  ].filter((section): section is string => section !== null)
  return [head, ...sections, tail].join('\n\n')
}
