// Notifications of a run (issue 15): the category's issue on scheduled runs, the category's comment
// on a pull request. Decided by plan.ts (pure), written by github.ts; only what the token's own
// account wrote is adopted (identity.ts). Never throws and never changes the check's verdict:
// every failure comes back as a warning for the caller to log.
import type { SubscriptionResult, Verdict } from '../model.ts'
import { DEFAULT_FAIL_ON, type IssueMode } from '../defaults.ts'
import { redactDeep } from '../redact.ts'
import type { NotificationView } from './body.ts'
import {
  connect,
  DEFAULT_API_URL,
  describeWrite,
  failureWarning,
  listComments,
  listIssues,
  perform,
  readViewer,
  type Authored,
  type Octokit,
  type Repository
} from './github.ts'
import { adoptable, anyMarked, type Identity } from './identity.ts'
import type { MarkerKind } from './marker.ts'
import { issueWanted, planIssue, planPullRequestComment, type Plan } from './plan.ts'

export { carryForward, failClosed } from './alerts.ts'
export { DEFAULT_API_URL } from './github.ts'

/** Most time spent waiting out rate limits in one run, in milliseconds. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 120_000
/** Most time all of a run's GitHub requests may take, waits included, in milliseconds. */
export const DEFAULT_DEADLINE_MS = 300_000

export interface NotifyInput {
  /** The verdicts, with each subscription's display name when the run learnt it. */
  results: readonly SubscriptionResult[]
  /** The SARIF category of the checked scope: one issue and one pull-request comment per category. */
  category: string
  /** Link to this workflow run, or null. */
  runUrl: string | null
  /** Verdicts that fail the step (`fail-on`); default noncompliant and error. */
  failOn?: ReadonlySet<Verdict>
  /** The application (client) id signed in with, for the fixes' role assignment commands. */
  clientId?: string
}

export interface NotifySettings {
  /** `github-token`. Masked (through `setSecret`) before any use. */
  token: string
  /** GITHUB_API_URL; default https://api.github.com. */
  apiUrl?: string
  /** GITHUB_REPOSITORY, `owner/name`. */
  repository: string
  /** The `issue` input. */
  issue: IssueMode
  /** GITHUB_EVENT_NAME. */
  eventName: string | undefined
  /** `issue-labels`: the issue is created with them and found by them (all of them). */
  labels: readonly string[]
  /** `pr-comment`. */
  pullRequestComment: boolean
  /** The pull request's number on pull_request events, else null. */
  pullRequest: number | null
  /** @actions/core's setSecret. */
  setSecret: (secret: string) => void
  /** Bound on rate-limit waits, in milliseconds; default DEFAULT_MAX_RATE_LIMIT_WAIT_MS. */
  maxRateLimitWaitMs?: number
  /** Bound on the whole of it, in milliseconds; default DEFAULT_DEADLINE_MS. */
  deadlineMs?: number
}

export interface NotifyOutcome {
  /** For the log as warnings: what could not be written, and the fix. */
  warnings: string[]
  /** For the log as information: what was done or left alone, and why. */
  notes: string[]
  /** The category's issue after the run, when one was written or found. */
  issueNumber: number | null
  /** The pull-request comment written, when one was. */
  commentId: number | null
}

/** Adds `plan`'s notes and warnings to `outcome` and performs its writes in order; the first
 * failure stops the rest (and becomes a warning). Returns what the plan is about: `plan.subject`,
 * or the issue or comment it created. */
async function execute(
  octokit: Octokit,
  where: Repository,
  plan: Plan,
  permission: string,
  outcome: NotifyOutcome
): Promise<number | null> {
  outcome.notes.push(...plan.notes)
  outcome.warnings.push(...plan.warnings)
  let subject = plan.subject
  for (const write of plan.writes) {
    try {
      // The last guard in front of GitHub: the bodies were built from redacted text (report/text.ts).
      const id = await perform(octokit, where, redactDeep(write))
      if (subject === null && write.op.startsWith('create-')) subject = id
    } catch (error) {
      outcome.warnings.push(failureWarning(error, describeWrite(write), permission))
      break
    }
  }
  return subject
}

/**
 * Keeps the category's issue and pull-request comment up to date with this run's results, as
 * `settings` ask (issue 15; docs/design.md "Architecture"). Loads @actions/github only when an issue
 * or a comment is wanted. Resolves, never rejects: failures (a refused permission, a rate limit
 * past the bound, a network error) are in `warnings`.
 */
export async function notify(input: NotifyInput, settings: NotifySettings): Promise<NotifyOutcome> {
  const outcome: NotifyOutcome = { warnings: [], notes: [], issueNumber: null, commentId: null }
  const wantIssue = issueWanted(settings.issue, settings.eventName)
  const wantComment = settings.pullRequestComment && settings.pullRequest !== null
  if (!wantIssue && !wantComment) return outcome
  if (settings.token === '') {
    outcome.warnings.push('No `github-token`: the issue and pull-request comment are not written.')
    return outcome
  }
  settings.setSecret(settings.token)
  const [owner, repo, ...rest] = settings.repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    outcome.warnings.push(
      `GITHUB_REPOSITORY is ${JSON.stringify(settings.repository)}, not owner/name: nothing is written.`
    )
    return outcome
  }
  const where = { owner, repo }
  const view: NotificationView = {
    results: input.results,
    failOn: input.failOn ?? DEFAULT_FAIL_ON,
    names: displayNames(input.results),
    category: input.category,
    runUrl: input.runUrl,
    clientId: input.clientId
  }
  let octokit: Octokit
  try {
    octokit = await connect(
      settings.token,
      settings.apiUrl || DEFAULT_API_URL,
      settings.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
      settings.deadlineMs ?? DEFAULT_DEADLINE_MS
    )
  } catch (error) {
    outcome.warnings.push(failureWarning(error, 'load the GitHub client', 'issues: write'))
    return outcome
  }
  const own = ownOnly(view.category, viewerOnce(octokit, outcome), outcome)
  if (wantIssue) {
    try {
      const listed = await listIssues(octokit, where, settings.labels)
      const existing = await own(listed, 'issue', (issue) => `Issue #${issue.number}`)
      const plan = planIssue(view, existing, settings.labels)
      outcome.issueNumber = await execute(octokit, where, plan, 'issues: write', outcome)
    } catch (error) {
      outcome.warnings.push(
        failureWarning(
          error,
          'list the issues',
          'issues: write',
          `the repository ${settings.repository} was not found, or the token cannot see it; check that \`github-token\` has access to this repository`
        )
      )
    }
  }
  if (wantComment && settings.pullRequest !== null) {
    try {
      const listed = await listComments(octokit, where, settings.pullRequest)
      const comments = await own(listed, 'pull-request-comment', (item) => `Comment ${item.id}`)
      const plan = planPullRequestComment(view, settings.pullRequest, comments)
      outcome.commentId = await execute(octokit, where, plan, 'pull-requests: write', outcome)
    } catch (error) {
      outcome.warnings.push(
        failureWarning(
          error,
          `list the comments of pull request #${settings.pullRequest}`,
          'pull-requests: write',
          `pull request #${settings.pullRequest} was not found in ${settings.repository}, or the token cannot see it (listing comments needs no write permission); check the pull request number the event gives and that \`github-token\` belongs to this repository`
        )
      )
    }
  }
  return outcome
}

/** The token's account, read once on first call (readViewer); null, with a warning in `outcome`,
 * when it cannot be read. */
function viewerOnce(octokit: Octokit, outcome: NotifyOutcome): () => Promise<Identity | null> {
  let viewer: Promise<Identity | null> | undefined
  return () =>
    (viewer ??= readViewer(octokit).catch((error: unknown) => {
      outcome.warnings.push(
        `${failureWarning(error, 'tell which account `github-token` belongs to', 'issues: write')} ` +
          'Issues and comments that earlier runs wrote are not adopted: a new one is written, never one that someone else wrote edited.'
      )
      return null
    }))
}

/**
 * For `category`: a filter of listed issues or comments down to those a plan may adopt, the ones
 * the token's account wrote or that carry no marker of `kind` (adoptable, identity.ts). The
 * account (`identity`) is read only when some item carries a marker, so a run that finds nothing
 * of its own costs no request for it. Notes on the marked items left alone go to `outcome`;
 * `label` names an item in them.
 */
function ownOnly(
  category: string,
  identity: () => Promise<Identity | null>,
  outcome: NotifyOutcome
) {
  return async <T extends Authored<{ body: string | null }>>(
    listed: T[],
    kind: MarkerKind,
    label: (item: T) => string
  ): Promise<T[]> => {
    if (!anyMarked(listed, kind)) return listed
    const { items, notes } = adoptable(listed, kind, category, await identity(), label)
    outcome.notes.push(...notes)
    return items
  }
}

/** Subscription id -> display name, for the subscriptions whose result carries one. */
function displayNames(results: readonly SubscriptionResult[]): Map<string, string> {
  const names = new Map<string, string>()
  for (const result of results) {
    if (result.displayName) names.set(result.subscriptionId, result.displayName)
  }
  return names
}
