// What to write, decided from this run's results and what is already on GitHub. Pure: no I/O;
// github.ts performs the writes in order. The rules (issue 15, docs/design.md "Architecture"):
// one issue per category, found by its marker; open it when something fails (reopening the last
// closed one), update it and comment once when the verdicts change, touch nothing when they do not,
// comment and close when everything passes, never while a subscription could not be checked
// (whatever `fail-on` says: it stays listed, with its last decided verdict). One pull-request
// comment per category, updated in place.
import { compareStates, failingState, hasChanged, lastDecided, lastState } from './change.ts'
import {
  issueBody,
  issueTitle,
  changeComment,
  pullRequestBody,
  type NotificationView
} from './body.ts'
import { readMarker, writeMarker } from './marker.ts'
import type { IssueMode } from '../defaults.ts'
import { derivedCategoryStem } from '../category.ts'
import type { Verdict } from '../model.ts'

/** Events on which `issue: auto` keeps the issue: the runs nobody watches. */
export const AUTO_ISSUE_EVENTS: readonly string[] = ['schedule', 'workflow_dispatch']

/** An issue as the list endpoint returns it (pull requests already left out). */
export interface ExistingIssue {
  number: number
  state: 'open' | 'closed'
  body: string | null
}

export interface ExistingComment {
  id: number
  body: string | null
}

export type Write =
  | { op: 'create-issue'; title: string; body: string; labels: string[] }
  | {
      op: 'update-issue'
      number: number
      /** Rewritten with the body: the title counts what fails (body.ts, issueTitle). */
      title?: string
      body?: string
      state?: 'open' | 'closed'
      stateReason?: 'completed' | 'not_planned' | 'reopened'
    }
  | { op: 'create-comment'; number: number; body: string }
  | { op: 'update-comment'; commentId: number; body: string }

export interface Plan {
  writes: Write[]
  /** The issue number or comment id the plan is about, when it exists already (null when the plan
   * creates it, or there is none). */
  subject: number | null
  /** For people: what the plan does and why (one line each). */
  notes: string[]
  warnings: string[]
}

/** True when `issue` asks for the issue on this event (`auto`: schedule and workflow_dispatch). */
export function issueWanted(mode: IssueMode, eventName: string | undefined): boolean {
  if (mode === 'always') return true
  if (mode === 'never') return false
  return eventName !== undefined && AUTO_ISSUE_EVENTS.includes(eventName)
}

function ours(
  body: string | null,
  kind: 'issue' | 'pull-request-comment',
  category: string
): boolean {
  const marker = readMarker(body)
  return marker !== null && marker.kind === kind && marker.category === category
}

/**
 * The writes that bring the category's issue up to date with `given`. `existing` are the issues
 * carrying the labels, in any order. When more than one of this category is open (two runs that
 * raced), the newest is kept and the others are closed as not planned with a comment pointing at
 * it, and a warning says so. While one is open, a subscription that could not be checked counts as
 * failing whatever `fail-on` says, so the issue is not closed on it; a failing one that could not
 * be checked since shows its last decided verdict (lastDecided). No results at all decide nothing
 * (a run that checked nothing says nothing about drift).
 */
export function planIssue(
  given: NotificationView,
  existing: readonly ExistingIssue[],
  labels: readonly string[]
): Plan {
  const plan: Plan = { writes: [], subject: null, notes: [], warnings: [] }
  if (given.results.length === 0) {
    plan.notes.push('No subscriptions were checked: the issue is left as it is.')
    return plan
  }
  const mine = existing
    .filter((issue) => ours(issue.body, 'issue', given.category))
    .sort((a, b) => b.number - a.number)
  const open = mine.filter((issue) => issue.state === 'open')
  const [kept, ...duplicates] = open
  const view: NotificationView = {
    ...given,
    failOn: kept ? new Set<Verdict>([...given.failOn, 'error']) : given.failOn,
    last: lastDecided(given.results, kept ? readMarker(kept.body) : null)
  }
  const current = failingState(view.results, view.failOn)
  const failing = Object.keys(current).length > 0
  const last = lastState(current, view.last ?? new Map())
  const marker = writeMarker({
    kind: 'issue',
    category: view.category,
    failing: current,
    ...(Object.keys(last).length > 0 ? { last } : {})
  })
  if (kept) {
    closeDuplicates(plan, kept, duplicates, view.category)
    plan.subject = kept.number
    const previous = readMarker(kept.body)
    const change = compareStates(previous?.failing ?? {}, current, view.results)
    if (!failing) {
      const body = changeComment(view, change, '✅ Every checked subscription passes now; closing.')
      plan.writes.push(
        { op: 'create-comment', number: kept.number, body },
        { op: 'update-issue', number: kept.number, state: 'closed', stateReason: 'completed' }
      )
      plan.notes.push(`Every subscription passes: closing issue #${kept.number}.`)
    } else if (hasChanged(change)) {
      plan.writes.push(
        {
          op: 'update-issue',
          number: kept.number,
          title: issueTitle(view),
          body: issueBody(view, marker)
        },
        {
          op: 'create-comment',
          number: kept.number,
          body: changeComment(view, change, 'Verdicts changed.')
        }
      )
      plan.notes.push(`Verdicts changed: updating issue #${kept.number}.`)
      heldOpen(plan, given, kept.number)
    } else if (lastChanged(previous?.last ?? {}, last)) {
      // Only what is known of a subscription's last verdict: the body, without a comment.
      plan.writes.push({
        op: 'update-issue',
        number: kept.number,
        title: issueTitle(view),
        body: issueBody(view, marker)
      })
      plan.notes.push(`Last verdicts learnt: updating the body of issue #${kept.number}.`)
      heldOpen(plan, given, kept.number)
    } else {
      plan.notes.push(`Nothing changed since issue #${kept.number} was last written.`)
      heldOpen(plan, given, kept.number)
    }
    return plan
  }
  if (!failing) {
    plan.notes.push('Every subscription passes and no issue is open.')
    return plan
  }
  const [lastClosed] = mine
  if (lastClosed) {
    plan.subject = lastClosed.number
    const change = compareStates({}, current, view.results)
    plan.writes.push(
      {
        op: 'update-issue',
        number: lastClosed.number,
        title: issueTitle(view),
        body: issueBody(view, marker),
        state: 'open',
        stateReason: 'reopened'
      },
      {
        op: 'create-comment',
        number: lastClosed.number,
        body: changeComment(view, change, '❌ Failing again.')
      }
    )
    plan.notes.push(`Something fails again: reopening issue #${lastClosed.number}.`)
  } else {
    const earlier = earlierScopes(existing, view.category)
    plan.writes.push({
      op: 'create-issue',
      title: issueTitle(view),
      body: issueBody(view, marker, earlier),
      labels: [...labels]
    })
    plan.notes.push(
      earlier.length > 0
        ? `Something fails in a new scope: opening an issue (earlier scopes: ${earlier.map((number) => `#${number}`).join(', ')}).`
        : 'Something fails: opening an issue.'
    )
  }
  return plan
}

/** True when a subscription's last decided verdict differs from what the marker recorded. */
function lastChanged(before: Record<string, string>, now: Record<string, string>): boolean {
  const ids = new Set([...Object.keys(before), ...Object.keys(now)])
  return [...ids].some((id) => before[id] !== now[id])
}

/** Notes that issue `number` stays open only for subscriptions that could not be checked, when
 * `fail-on` (`view.failOn`) would not have kept it open. */
function heldOpen(plan: Plan, view: NotificationView, number: number): void {
  if (Object.keys(failingState(view.results, view.failOn)).length > 0) return
  const unchecked = view.results.filter((result) => result.verdict === 'error').length
  plan.notes.push(
    `Issue #${number} stays open: ${unchecked} subscription(s) could not be checked, whatever fail-on says.`
  )
}

/** The open issues (numbers, newest first) of the same workflow job as `category` but another
 * scope: derived categories with the same stem and another digest (src/category.ts). None
 * when `category` was given explicitly. */
function earlierScopes(existing: readonly ExistingIssue[], category: string): number[] {
  const stem = derivedCategoryStem(category)
  if (stem === null) return []
  return existing
    .filter((issue) => {
      const marker = issue.state === 'open' ? readMarker(issue.body) : null
      return (
        marker?.kind === 'issue' &&
        marker.category !== category &&
        derivedCategoryStem(marker.category) === stem
      )
    })
    .map((issue) => issue.number)
    .sort((a, b) => b - a)
}

/** Closes the other open issues of the category (left by two runs that raced), pointing at the
 * one kept, and warns. */
function closeDuplicates(
  plan: Plan,
  kept: ExistingIssue,
  duplicates: readonly ExistingIssue[],
  category: string
): void {
  if (duplicates.length === 0) return
  for (const duplicate of duplicates) {
    plan.writes.push(
      {
        op: 'create-comment',
        number: duplicate.number,
        body: `Closed as a duplicate of #${kept.number}, which tracks this category.`
      },
      { op: 'update-issue', number: duplicate.number, state: 'closed', stateReason: 'not_planned' }
    )
  }
  const closed = duplicates.map((issue) => `#${issue.number}`).join(', ')
  plan.warnings.push(
    `${duplicates.length + 1} open issues tracked category ${category}: kept #${kept.number}, closing ${closed}.`
  )
}

/**
 * The write that brings the category's comment on a pull request up to date: updated in place when
 * one exists (the newest, when a race left two), created when something fails and none exists;
 * nothing when everything passes and there is no comment yet, or the body would not change.
 */
export function planPullRequestComment(
  view: NotificationView,
  pullRequest: number,
  comments: readonly ExistingComment[]
): Plan {
  const plan: Plan = { writes: [], subject: null, notes: [], warnings: [] }
  const mine = comments
    .filter((comment) => ours(comment.body, 'pull-request-comment', view.category))
    .sort((a, b) => b.id - a.id)
  const body = pullRequestBody(
    { ...view, last: lastDecided(view.results, null) },
    writeMarker({ kind: 'pull-request-comment', category: view.category })
  )
  const [newest] = mine
  if (mine.length > 1) {
    plan.warnings.push(
      `${mine.length} comments of category ${view.category} on pull request #${pullRequest}: updating the newest.`
    )
  }
  if (newest) {
    plan.subject = newest.id
    if (newest.body === body) plan.notes.push('The pull-request comment is already up to date.')
    else plan.writes.push({ op: 'update-comment', commentId: newest.id, body })
  } else if (Object.keys(failingState(view.results, view.failOn)).length > 0) {
    plan.writes.push({ op: 'create-comment', number: pullRequest, body })
  } else {
    plan.notes.push('Every subscription passes: no pull-request comment needed.')
  }
  return plan
}
