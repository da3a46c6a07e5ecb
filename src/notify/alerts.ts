// What code scanning still holds open for the subscriptions a run could not check, read before
// the reports are written (docs/reading-results.md, "Code scanning"). Code scanning closes an
// alert as fixed when the next analysis of the same tool and category (on the same ref) lacks its
// result; a subscription that could not be checked is a tool notification, not a result, so an
// alert of a noncompliant subscription whose Reader role was then removed would close. GitHub's
// REST API "List code scanning alerts for a repository" (GET /repos/{owner}/{repo}/code-scanning/
// alerts, `tool_name`, `ref`, `state=open`; a token with `security-events: read`) gives each open
// alert's rule, severity and most recent instance (category, message). An alert of this action's
// rule in the run's category names its subscription at the start of its message; its last result
// is then carried forward (report/sarif.ts). When the alerts cannot be read (no token, no
// permission, code scanning off, a rate limit, GitHub Enterprise Server without code scanning),
// the run fails closed: every such subscription is carried forward as a result, and a warning
// names the permission to add.
import type { Settings } from '../inputs/index.ts'
import type { Log } from '../log.ts'
import { TOOL_NAME, type LastFinding, type SubscriptionResult } from '../model.ts'
import { runCategory } from '../report/context.ts'
import { CARRIED_STATE, LAST_RESULT_MARK, PARTIAL_RULE_ID, RULE_ID } from '../report/sarif.ts'
import type { RunContext } from '../run-context.ts'
import { connect, DEFAULT_API_URL, failureWarning, type Octokit } from './github.ts'
import { describeHttpError } from './rate-limit.ts'

/** Most time the read may take, rate-limit waits included, in milliseconds. */
export const ALERTS_DEADLINE_MS = 60_000
/** Most time spent waiting out rate limits for it, in milliseconds. */
export const ALERTS_MAX_RATE_LIMIT_WAIT_MS = 30_000
/** Most pages (of 100 open alerts of this tool) read; more is not read as all of them. */
export const MAX_ALERT_PAGES = 10

/** An open alert as the list endpoint gives it, the fields read here. */
export interface OpenAlert {
  number: number
  ruleId: string | null
  /** `error`, `warning`, `note`, `none` or null. */
  severity: string | null
  /** The most recent instance's category and message. */
  category: string | null
  message: string
}

/** The open alerts of this tool on `ref` (the default branch when undefined), newest first, up
 * to MAX_ALERT_PAGES pages; throws the request's error, or an Error when there are more. */
export async function listOpenAlerts(
  octokit: Octokit,
  where: { owner: string; repo: string },
  ref: string | undefined
): Promise<OpenAlert[]> {
  const alerts: OpenAlert[] = []
  const pages = octokit.paginate.iterator(octokit.rest.codeScanning.listAlertsForRepo, {
    ...where,
    tool_name: TOOL_NAME,
    state: 'open',
    sort: 'created',
    direction: 'desc',
    per_page: 100,
    ...(ref ? { ref } : {})
  })
  let count = 0
  for await (const page of pages) {
    if (++count > MAX_ALERT_PAGES) {
      throw new Error(`more than ${MAX_ALERT_PAGES * 100} open alerts of ${TOOL_NAME}`)
    }
    for (const alert of page.data) {
      const instance = alert.most_recent_instance
      alerts.push({
        number: alert.number,
        ruleId: alert.rule?.id ?? null,
        severity: alert.rule?.severity ?? null,
        category: instance?.category ?? null,
        message: instance?.message?.text ?? ''
      })
    }
  }
  return alerts
}

/** The category as code scanning stores it: `automationDetails.id` up to its last `/`. */
function sameCategory(stored: string | null, category: string): boolean {
  return stored !== null && stored.replace(/\/+$/, '') === category
}

/** The last result an alert holds: its message, SARIF's escapes undone; for an alert whose
 * message was itself carried forward, the last result it carries. */
function lastResultOf(message: string): string {
  const text = message.replace(/\\([\\[\]])/g, '$1')
  const carried = text.indexOf(` ${CARRIED_STATE}: `)
  const mark = carried < 0 ? -1 : text.indexOf(LAST_RESULT_MARK, carried)
  return mark < 0 ? text : text.slice(mark + LAST_RESULT_MARK.length)
}

/** The rules of this action's results (report/sarif.ts). */
const OUR_RULES: readonly string[] = [RULE_ID, PARTIAL_RULE_ID]

/**
 * `results` with a `lastFinding` on each `error` result that an open alert of `alerts` names: an
 * alert of RULE_ID or PARTIAL_RULE_ID in `category` whose message starts with `Subscription ID ` (how
 * report/sarif.ts words every message), the newest when several do. Pure.
 */
export function withLastFindings(
  results: readonly SubscriptionResult[],
  alerts: readonly OpenAlert[],
  category: string
): SubscriptionResult[] {
  const ours = alerts
    .filter(
      (alert) => OUR_RULES.includes(alert.ruleId ?? '') && sameCategory(alert.category, category)
    )
    .sort((a, b) => b.number - a.number)
  return results.map((result) => {
    if (result.verdict !== 'error') return result
    const subject = `subscription ${result.subscriptionId.toLowerCase()} `
    const alert = ours.find((item) => item.message.toLowerCase().startsWith(subject))
    if (alert === undefined) return result
    const level =
      alert.severity === 'warning' || alert.severity === 'note' ? alert.severity : 'error'
    const lastFinding: LastFinding = {
      verdict: alert.ruleId === PARTIAL_RULE_ID || level === 'warning' ? 'partial' : 'noncompliant',
      level,
      alert: alert.number,
      message: lastResultOf(alert.message)
    }
    return { ...result, lastFinding }
  })
}

/** Why the alerts could not be read (`doing`), and the fix: the permission to add for a 403 (the
 * list endpoint needs `security-events: read`), or code scanning to turn on. */
function readFailure(error: unknown, doing: string): string {
  const http = describeHttpError(error)
  const said = http ? `${http.status}${http.message ? ` ${http.message}` : ''}` : ''
  if (http?.status === 403 && /advanced security|code security|not enabled/i.test(http.message)) {
    return `Could not ${doing} (${said}): code scanning is not enabled for this repository.`
  }
  if (http?.status === 403) {
    return `Could not ${doing} (${said}): the token lacks \`security-events: read\`. Add \`permissions: security-events: read\` to the job (or \`security-events: write\`, which upload-sarif needs and which includes it).`
  }
  return failureWarning(
    error,
    doing,
    'security-events: read',
    'code scanning has no analysis in this repository, or is not available, or the token cannot see the repository'
  )
}

/** `results` with every `error` result's last finding unknown, for `why`: each is a SARIF result
 * then, so that no alert of theirs closes as fixed where the SARIF is uploaded. */
export function failClosed(
  results: readonly SubscriptionResult[],
  why: string
): SubscriptionResult[] {
  return results.map((result) =>
    result.verdict === 'error' ? { ...result, lastFinding: { verdict: 'unknown', why } } : result
  )
}

/**
 * Before the reports: for each subscription of `results` that could not be checked, what code
 * scanning still holds open for it in the run's category (withLastFindings), read with
 * `github-token` from GITHUB_API_URL on the run's ref (GITHUB_REF). Reads nothing, and returns
 * `results` as they are, when none is `error` or no SARIF file is written. Fails closed: when the
 * alerts cannot be read, every `error` result gets an unknown last finding (and is carried forward
 * as a result) and `log` gets a warning that says why and the fix. Never throws.
 */
export async function carryForward(
  results: SubscriptionResult[],
  settings: Pick<Settings, 'githubToken' | 'sarifFile' | 'category' | 'scope'>,
  runContext: RunContext,
  log: Log
): Promise<SubscriptionResult[]> {
  const unchecked = results.filter((result) => result.verdict === 'error').length
  if (unchecked === 0 || settings.sarifFile === null) return results
  const category = runCategory(runContext, settings)
  const doing = `read the open code scanning alerts of category ${category}`
  const kept = `so each of the ${unchecked} subscription(s) that could not be checked is a SARIF result, and no alert of theirs closes as fixed`
  const [owner, repo, ...rest] = (runContext.repository ?? '').split('/')
  if (settings.githubToken === '' || !owner || !repo || rest.length > 0) {
    const why = settings.githubToken === '' ? 'no github-token' : 'GITHUB_REPOSITORY is not set'
    log.warning(`Could not ${doing}: ${why}, ${kept}.`)
    return failClosed(results, why)
  }
  let alerts: OpenAlert[]
  try {
    const octokit = await connect(
      settings.githubToken,
      runContext.apiUrl || DEFAULT_API_URL,
      ALERTS_MAX_RATE_LIMIT_WAIT_MS,
      ALERTS_DEADLINE_MS
    )
    alerts = await listOpenAlerts(octokit, { owner, repo }, runContext.ref)
  } catch (error) {
    const http = describeHttpError(error)
    log.warning(`${readFailure(error, doing)} Until they can be read, ${kept.replace(/^so /, '')}.`)
    return failClosed(results, http ? `${http.status} ${http.message}`.trim() : 'no answer')
  }
  const carried = withLastFindings(results, alerts, category)
  const held = carried.filter((result) => result.lastFinding !== undefined).length
  log.info(
    `Code scanning: ${alerts.length} open alert(s) of ${TOOL_NAME} read; ${held} of the ${unchecked} subscription(s) that could not be checked had one open in category ${category}, and keep it: their last result is carried forward.`
  )
  return carried
}
