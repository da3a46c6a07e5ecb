// Code scanning's memory of subscriptions that could not be checked (issue 20, item 3): the open
// alerts of this tool in the run's category, read before the SARIF, carry each one's last result
// forward; when they cannot be read, every such subscription is carried forward (fail closed).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Log } from 'sarif'
import type { SubscriptionResult } from '../../src/model.ts'
import { carryForward, withLastFindings, type OpenAlert } from '../../src/notify/alerts.ts'
import { readRunContext } from '../../src/run-context.ts'
import { buildSarif, RULE_ID } from '../../src/report/sarif.ts'
import { startGitHubStandin, type GitHubStandin } from '../../standin/github.ts'
import { recordingLog } from '../support/log.ts'
import { CATEGORY, SUB2, SUB3, SUB4, context, result, workflowFile } from '../report/helpers.ts'

const TOKEN = 'ghs_alerts'

function alert(number: number, message: string, extra: Partial<OpenAlert> = {}): OpenAlert {
  return { number, ruleId: RULE_ID, severity: 'error', category: CATEGORY, message, ...extra }
}

describe('withLastFindings', () => {
  const unchecked = result(SUB2, 'error')

  it('finds the open alert of the rule and category whose message names the subscription', () => {
    const [carried, other] = withLastFindings(
      [unchecked, result(SUB3, 'noncompliant')],
      [
        alert(3, `Subscription ${SUB2.toUpperCase()} (prod) is noncompliant: Disabled \\[x\\]`),
        alert(9, `Subscription ${SUB2} is noncompliant: other rule`, { ruleId: 'x' }),
        alert(8, `Subscription ${SUB2} is noncompliant: other category`, { category: 'other' }),
        alert(7, `Subscription ${SUB3} is noncompliant: decided this run`)
      ],
      CATEGORY
    )
    expect(carried!.lastFinding).toEqual({
      verdict: 'noncompliant',
      level: 'error',
      alert: 3,
      message: `Subscription ${SUB2.toUpperCase()} (prod) is noncompliant: Disabled [x]`
    })
    // A decided subscription is not touched, whatever alert names it.
    expect(other!.lastFinding).toBeUndefined()
  })

  it('takes a warning as partial, the newest of two, and a trailing slash in the category', () => {
    const [carried] = withLastFindings(
      [unchecked],
      [
        alert(2, `Subscription ${SUB2} is noncompliant: older`),
        alert(5, `Subscription ${SUB2} is only partly audited: newer`, {
          severity: 'warning',
          category: `${CATEGORY}/`
        })
      ],
      CATEGORY
    )
    expect(carried!.lastFinding).toMatchObject({ verdict: 'partial', level: 'warning', alert: 5 })
  })

  it('an alert carried before gives the last result it carries, not its own message', () => {
    const [carried] = withLastFindings(
      [unchecked],
      [
        alert(
          4,
          `Subscription ${SUB2} could not be checked now: 403; last result: Subscription ${SUB2} is noncompliant: Disabled.`
        )
      ],
      CATEGORY
    )
    expect(carried!.lastFinding).toMatchObject({
      message: `Subscription ${SUB2} is noncompliant: Disabled.`
    })
  })

  it('no alert: nothing to carry', () => {
    expect(withLastFindings([unchecked], [], CATEGORY)).toEqual([unchecked])
  })
})

describe('carryForward against the GitHub stand-in', () => {
  let github: GitHubStandin
  const settings = {
    githubToken: TOKEN,
    sarifFile: '/tmp/jit.sarif',
    category: CATEGORY,
    scope: {
      subscriptionIds: [],
      allSubscriptions: false,
      managementGroups: [],
      excludeSubscriptionIds: []
    }
  }
  const runContext = () =>
    readRunContext({
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'octo-org/estate',
      GITHUB_REF: 'refs/heads/main'
    })
  /** The analysis of a run that found `results`, uploaded to the stand-in. */
  const upload = (results: SubscriptionResult[]): Log => {
    const sarif = buildSarif(results, workflowFile(), context())
    github.store.codeScanning.ingest(sarif, 'refs/heads/main')
    return sarif
  }

  beforeEach(async () => {
    github = await startGitHubStandin({ token: TOKEN })
  })
  afterEach(async () => github.close())

  it('keeps the alert of a noncompliant subscription that could not be checked next', async () => {
    upload([result(SUB2, 'noncompliant'), result(SUB3, 'noncompliant')])
    const log = recordingLog()
    const now = [result(SUB2, 'error'), result(SUB3, 'compliant'), result(SUB4, 'error')]
    const carried = await carryForward(now, settings, runContext(), log)
    expect(carried.map((item) => item.lastFinding?.verdict)).toEqual([
      'noncompliant',
      undefined,
      undefined
    ])
    expect(log.lines).toEqual([
      {
        kind: 'info',
        text: `Code scanning: 2 open alert(s) of azure-jit-network-access-check read; 1 of the 2 subscription(s) that could not be checked had one open in category ${CATEGORY}, and keep it: their last result is carried forward.`
      }
    ])
    expect(github.store.requests).toEqual([
      {
        method: 'GET',
        path: '/repos/octo-org/estate/code-scanning/alerts?tool_name=azure-jit-network-access-check&state=open&sort=created&direction=desc&per_page=100&ref=refs%2Fheads%2Fmain',
        status: 200
      }
    ])
    // Uploaded, the SARIF keeps the alert of SUB2 open; SUB3 became compliant: fixed.
    const done = github.store.codeScanning.ingest(
      buildSarif(carried, workflowFile(), context()),
      'refs/heads/main'
    )
    const [alertOf2, alertOf3] = github.store.codeScanning.alerts
    expect(done).toEqual({ opened: [], updated: [alertOf2!.number], fixed: [alertOf3!.number] })
    expect(alertOf2).toMatchObject({ state: 'open', severity: 'error' })
    expect(alertOf2!.message).toMatch(
      new RegExp(
        `^Subscription ${SUB2} could not be checked now: .*; last result: Subscription ${SUB2} is noncompliant: ASC Default`
      )
    )
  })

  it('fails closed when the token may not read the alerts: every one is carried, and a warning', async () => {
    upload([result(SUB2, 'noncompliant')])
    github.store.faults.refuseReads = ['code-scanning']
    const log = recordingLog()
    const carried = await carryForward(
      [result(SUB2, 'error'), result(SUB4, 'error')],
      settings,
      runContext(),
      log
    )
    expect(carried.map((item) => item.lastFinding)).toEqual([
      { verdict: 'unknown', why: '403 Resource not accessible by integration' },
      { verdict: 'unknown', why: '403 Resource not accessible by integration' }
    ])
    expect(log.lines.map((line) => line.kind)).toEqual(['warning'])
    expect(log.lines[0]!.text).toBe(
      `Could not read the open code scanning alerts of category ${CATEGORY} (403 Resource not accessible by integration): the token lacks \`security-events: read\`. Add \`permissions: security-events: read\` to the job (or \`security-events: write\`, which upload-sarif needs and which includes it). Until they can be read, each of the 2 subscription(s) that could not be checked is a SARIF result, and no alert of theirs closes as fixed.`
    )
  })

  it('fails closed without a token, and reads nothing when nothing needs it', async () => {
    const log = recordingLog()
    const without = await carryForward(
      [result(SUB2, 'error')],
      { ...settings, githubToken: '' },
      runContext(),
      log
    )
    expect(without[0]!.lastFinding).toEqual({ verdict: 'unknown', why: 'no github-token' })
    expect(log.lines[0]!.text).toMatch(
      /^Could not read the open code scanning alerts .*: no github-token, so each of the 1 subscription/
    )
    const decided = [result(SUB2, 'noncompliant')]
    expect(await carryForward(decided, settings, runContext(), log)).toBe(decided)
    const unchecked = [result(SUB2, 'error')]
    expect(await carryForward(unchecked, { ...settings, sarifFile: null }, runContext(), log)).toBe(
      unchecked
    )
    expect(github.store.requests).toEqual([])
  })
})
