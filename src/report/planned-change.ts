// What a pull request's planned changes do to the verdicts (issue 22, "Where it shows"): the job
// summary and the pull-request comment lead with it, so that a reviewer sees first what the change
// makes worse, before the estate as a whole.
import { VERDICT_MARKS, type SubscriptionResult, type Verdict } from '../model.ts'
import { codeSpan } from './markdown.ts'
import { subscriptionCell } from './summary/evidence.ts'

/** How bad each verdict is for what a change does (compliant < partial < noncompliant < error). */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = {
  compliant: 0,
  partial: 1,
  noncompliant: 2,
  error: 3
}

/** Whether the verdict `after` a change is worse than the verdict `now`: it ranks worse
 * (VERDICT_RANK), or `now` is `error` (not decided, so no excuse) and `after` is short of
 * compliant and decided. */
export function worsens(now: Verdict, after: Verdict): boolean {
  if (now === 'error') return after === 'partial' || after === 'noncompliant'
  return VERDICT_RANK[after] > VERDICT_RANK[now]
}

/** Whether the verdict `after` a change is better than the verdict `now`: it ranks better, and
 * from `error` only `compliant` is. */
export function improves(now: Verdict, after: Verdict): boolean {
  if (now === 'error') return after === 'compliant'
  return VERDICT_RANK[after] < VERDICT_RANK[now]
}

/** Most changed subscriptions listed; the others are counted. */
export const MAX_CHANGED_ROWS = 50

/** The results whose verdict the planned changes change, worst change first. */
export function changedResults(results: readonly SubscriptionResult[]): SubscriptionResult[] {
  const now = (result: SubscriptionResult) => result.currentVerdict ?? result.verdict
  // Worse first, the worst verdict after first; then better.
  const order = (result: SubscriptionResult) =>
    worsens(now(result), result.verdict)
      ? -1 - VERDICT_RANK[result.verdict]
      : VERDICT_RANK[result.verdict]
  return results
    .filter(
      (result) =>
        result.currentVerdict !== undefined &&
        (worsens(result.currentVerdict, result.verdict) ||
          improves(result.currentVerdict, result.verdict))
    )
    .sort((a, b) => order(a) - order(b))
}

const plural = (count: number, noun: string) =>
  `${count} subscription${count === 1 ? '' : 's'}${noun}`

/** The sentence that leads: "This change stops JIT auditing on 2 subscriptions", with what else
 * it does (leaves undecidable before apply, weakens, restores), or that it changes no verdict. */
export function changeSentence(results: readonly SubscriptionResult[]): string {
  const changed = changedResults(results)
  if (changed.length === 0) return 'The planned changes change no verdict.'
  const now = (result: SubscriptionResult) => result.currentVerdict ?? result.verdict
  const count = (test: (result: SubscriptionResult) => boolean) => changed.filter(test).length
  const stops = count((r) => r.verdict === 'noncompliant' && now(r) !== 'error')
  const unaudited = count((r) => r.verdict === 'noncompliant' && now(r) === 'error')
  const undecided = count((r) => r.verdict === 'error')
  const weakens = count((r) => r.verdict === 'partial' && worsens(now(r), r.verdict))
  const better = count((r) => improves(now(r), r.verdict))
  const clauses = [
    ...(stops > 0 ? [`stops JIT auditing on ${plural(stops, '')}`] : []),
    ...(unaudited > 0
      ? [`leaves JIT unaudited on ${plural(unaudited, '')} that could not be decided now`]
      : []),
    ...(undecided > 0
      ? [`leaves ${plural(undecided, '')} that cannot be decided before apply`]
      : []),
    ...(weakens > 0 ? [`leaves JIT audited on part of ${plural(weakens, '')}`] : []),
    ...(better > 0 ? [`improves ${plural(better, '')}`] : [])
  ]
  return `This change ${clauses.join(', ')}.`
}

/** The planned resources that touch a result, as a table cell. */
function causeCell(result: SubscriptionResult): string {
  const changes = result.plannedChanges ?? []
  if (changes.length === 0) return ''
  return changes
    .slice(0, 3)
    .map((change) => `${codeSpan(change.address, { table: true, max: 200 })} (${change.action})`)
    .concat(changes.length > 3 ? [`and ${changes.length - 3} more`] : [])
    .join(', ')
}

const mark = (verdict: Verdict) => `${VERDICT_MARKS[verdict]} ${verdict}`

/**
 * Markdown that leads a report when the run weighed planned changes (some result has
 * `currentVerdict`): a heading, changeSentence in bold, and a table of the subscriptions whose
 * verdict changes (subscription, before, after, the planned resources that touch it), at most
 * MAX_CHANGED_ROWS rows; '' when the run weighed no plan.
 */
export function plannedChangeSection(results: readonly SubscriptionResult[]): string {
  if (!results.some((result) => result.currentVerdict !== undefined)) return ''
  const changed = changedResults(results)
  const parts = ['### The planned change', '', `**${changeSentence(results)}**`]
  if (changed.length > 0) {
    parts.push(
      '',
      '| Subscription | Before | After | Planned change |',
      '| --- | --- | --- | --- |',
      ...changed
        .slice(0, MAX_CHANGED_ROWS)
        .map(
          (result) =>
            `| ${subscriptionCell(result)} | ${mark(result.currentVerdict ?? result.verdict)} | ${mark(result.verdict)} | ${causeCell(result)} |`
        )
    )
    if (changed.length > MAX_CHANGED_ROWS)
      parts.push(
        '',
        `And ${changed.length - MAX_CHANGED_ROWS} more: the \`changed-subscriptions\` output lists them all.`
      )
  }
  return parts.join('\n')
}
