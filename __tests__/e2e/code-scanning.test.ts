// Code scanning keeps the alert of a subscription the check can no longer read (issue 20, item 3),
// through the committed bundle: a scheduled run finds a subscription noncompliant and its SARIF,
// uploaded to the GitHub stand-in, opens an alert and the issue; then the identity loses its Reader
// role there, and each later run carries the last result forward, so the upload keeps the alert
// open, and the issue stays open listing it as could not be checked now, whatever fail-on says;
// when the alerts cannot be read, every subscription that could not be checked is a result (fail
// closed) and a warning names the permission. Once it is readable and compliant, both close.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import type { Log } from 'sarif'
import type { StoredAlert } from '../../standin/code-scanning.ts'
import { startGitHubStandin, type GitHubStandin } from '../../standin/github.ts'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  policyAssignment,
  subscriptionScope,
  type Estate,
  type Fault
} from '../../standin/estate/index.ts'
import { startStandIn } from '../../standin/server.ts'
import { REPOSITORY, runAction, type ActionRun } from '../../scripts/run-action.ts'

const TOKEN = 'ghs_e2e_code_scanning'
const REF = 'refs/heads/main'
const [OWNER, REPO] = REPOSITORY.split('/') as [string, string]
const PROD = guid('code-scanning/subscription/prod')
const DEV = guid('code-scanning/subscription/dev')

/** `prod` runs the JIT policy with `prodEffect` (its requests meet `prodFaults`); `dev` audits. */
function estate(prodEffect: 'Disabled' | 'AuditIfNotExists', prodFaults: Fault[] = []): Estate {
  const subscription = (subscriptionId: string, displayName: string, faults: Fault[]) => ({
    subscriptionId,
    displayName,
    faults
  })
  const assign = (id: string, effect: string) =>
    policyAssignment(subscriptionScope(id), 'jit', {
      policyDefinitionId: JIT_POLICY_DEFINITION_ID,
      parameters: { effect: { value: effect } }
    })
  return {
    tenantId: guid('code-scanning/tenant'),
    clientId: guid('code-scanning/client'),
    subscriptions: [subscription(PROD, 'prod', prodFaults), subscription(DEV, 'dev', [])],
    policyAssignments: [assign(PROD, prodEffect), assign(DEV, 'AuditIfNotExists')]
  }
}

let github: GitHubStandin

beforeAll(async () => {
  github = await startGitHubStandin({ owner: OWNER, repo: REPO, token: TOKEN })
})
afterAll(async () => github.close())

/** A scheduled run with `fail-on: noncompliant` whose SARIF is then uploaded to code scanning. */
async function scheduledRun(state: Estate): Promise<{ run: ActionRun; sarif: Log }> {
  const standIn = await startStandIn({ estate: state })
  try {
    const run = await runAction({
      standIn,
      inputs: {
        subscriptions: `${PROD}\n${DEV}`,
        'authority-host': standIn.authorityHost,
        'resource-manager-endpoint': standIn.resourceManagerEndpoint,
        'github-token': TOKEN,
        'fail-on': 'noncompliant',
        'defender-plan-check': 'false'
      },
      workflowContent: `on: schedule\njobs:\n  jit:\n    steps:\n      - with:\n          subscriptions: |\n            ${PROD}\n            ${DEV}\n`,
      environment: { GITHUB_EVENT_NAME: 'schedule', GITHUB_API_URL: github.url, GITHUB_REF: REF },
      keepWorkspace: true
    })
    try {
      const sarif = JSON.parse(await readFile(run.outputs['sarif-file']!, 'utf8')) as Log
      github.store.codeScanning.ingest(sarif, REF)
      return { run, sarif }
    } finally {
      await rm(run.workspace, { recursive: true, force: true })
    }
  } finally {
    await standIn.close()
  }
}

const alertOfProd = (): StoredAlert => {
  const alerts = github.store.codeScanning.alerts
  expect(alerts).toHaveLength(1)
  return alerts[0]!
}
const theIssue = () => {
  const issues = github.store.listIssues()
  expect(issues).toHaveLength(1)
  return issues[0]!
}
const prodRow = (body: string) => body.split('\n').find((line) => line.startsWith(`| \`${PROD}\``))
const warnings = (run: ActionRun) =>
  run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
const FORBIDDEN: Fault[] = [{ fault: 'forbidden' }]

describe('a subscription that can no longer be read keeps its open alert and its issue', () => {
  test('1. noncompliant: the upload opens an alert, and the run the issue', async () => {
    const { run } = await scheduledRun(estate('Disabled'))
    expect(run.exitCode).toBe(1)
    expect(alertOfProd()).toMatchObject({ state: 'open', severity: 'error' })
    expect(alertOfProd().message).toMatch(
      new RegExp(`^Subscription ${PROD} \\(prod\\) is noncompliant`)
    )
    expect(theIssue().state).toBe('open')
  })

  test('2. its Reader role removed: the last result is carried forward, the alert stays open', async () => {
    const { run, sarif } = await scheduledRun(estate('Disabled', FORBIDDEN))
    // fail-on: noncompliant, and nothing was found noncompliant: the step passes.
    expect(run.exitCode).toBe(0)
    expect(warnings(run)).toEqual([])
    expect(sarif.runs[0]!.results).toEqual([
      expect.objectContaining({
        level: 'error',
        properties: expect.objectContaining({ subscriptionId: PROD, lastVerdict: 'noncompliant' })
      })
    ])
    const alert = alertOfProd()
    expect(alert.state).toBe('open')
    expect(alert.message).toMatch(
      new RegExp(
        `^Subscription ${PROD} \\(prod\\) could not be checked now: .*403.*; last result: Subscription ${PROD} \\(prod\\) is noncompliant`
      )
    )
    const issue = theIssue()
    expect(issue.state).toBe('open')
    expect(prodRow(issue.body!)).toContain('| could not be checked now (last: noncompliant) |')
    expect(run.stdout).toContain('whatever fail-on says')
  })

  test('3. the alerts cannot be read: fail closed, every one carried, and a warning', async () => {
    github.store.faults.refuseReads = ['code-scanning']
    try {
      const { run, sarif } = await scheduledRun(estate('Disabled', FORBIDDEN))
      expect(warnings(run)).toEqual([
        expect.stringMatching(
          /^::warning::Could not read the open code scanning alerts of category .* \(403 Resource not accessible by integration\): the token lacks `security-events: read`/
        )
      ])
      expect(sarif.runs[0]!.results).toEqual([
        expect.objectContaining({
          properties: expect.objectContaining({ subscriptionId: PROD, lastVerdict: 'unknown' })
        })
      ])
      expect(alertOfProd().state).toBe('open')
      // The issue remembers the last verdict the alert gave before.
      expect(prodRow(theIssue().body!)).toContain('(last: noncompliant)')
    } finally {
      github.store.faults.refuseReads = []
    }
  })

  test('4. readable and compliant again: the alert is fixed and the issue closed', async () => {
    const { run } = await scheduledRun(estate('AuditIfNotExists'))
    expect(run.exitCode).toBe(0)
    expect(alertOfProd().state).toBe('fixed')
    expect(theIssue()).toMatchObject({ state: 'closed', state_reason: 'completed' })
  })
})
