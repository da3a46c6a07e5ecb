// main.ts in-process with the GitHub stand-in: the issue and pull-request comment are wired after
// the reports, with the SARIF file's category, the run's link and the masked token; a notification
// that fails is a warning and leaves the step's outcome as it was.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Log } from 'sarif'
import { startGitHubStandin, type GitHubStandin } from '../../standin/github.ts'
import { readMarker } from '../../src/notify/marker.ts'
import { REPOSITORY } from '../../scripts/run-action.ts'
import { SAMPLE_SUBSCRIPTIONS } from '../../scripts/sample-estate.ts'
import { logged, mockCore, recorded } from './fake-core.ts'
import { useWiring } from './harness.ts'

mockCore()
const main = await import('../../src/main.ts')
const { actionsRunner } = await import('../../src/runner.ts')
const run = () => main.run(actionsRunner)

const TOKEN = 'ghs_wiring_token'
const [OWNER, REPO] = REPOSITORY.split('/') as [string, string]
const NONCOMPLIANT = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.expected === 'noncompliant')!
const COMPLIANT = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.expected === 'compliant')!
const wiring = useWiring()
let github: GitHubStandin

beforeAll(async () => {
  github = await startGitHubStandin({ owner: OWNER, repo: REPO, token: TOKEN })
})

afterAll(async () => {
  await github.close()
})

afterEach(() => {
  github.store.faults.refuse = null
})

async function runOn(
  event: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
) {
  await wiring.runner(
    { 'github-token': TOKEN, ...inputs },
    {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '777',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_EVENT_NAME: event,
      GITHUB_API_URL: github.url,
      ...env
    }
  )
  await run()
}

describe('notifications wired into the run', () => {
  test('a scheduled run opens the issue after the reports, under the SARIF file category', async () => {
    await runOn('schedule', { subscriptions: NONCOMPLIANT.subscriptionId })
    expect(recorded.failed).toEqual(['1 of 1 subscription noncompliant'])
    // Masked as soon as the inputs are read, before any request.
    expect(recorded.calls[0]).toEqual(['setSecret', TOKEN])
    const [issue] = github.store.listIssues()
    expect(github.store.listIssues()).toHaveLength(1)
    expect(issue).toMatchObject({ state: 'open', labels: ['jit-network-access'] })
    const sarif = JSON.parse(await readFile(recorded.outputs['sarif-file']!, 'utf8')) as Log
    // automationDetails.id is the category followed by `/` (SARIF: category/runId, run id empty).
    expect(`${readMarker(issue!.body)?.category}/`).toBe(sarif.runs[0]!.automationDetails!.id)
    expect(issue!.body).toContain(`https://github.com/${REPOSITORY}/actions/runs/777/attempts/2`)
    expect(issue!.body).toContain(NONCOMPLIANT.subscriptionId)
    expect(logged('info')).toContain('Something fails: opening an issue.')
    const names = recorded.calls.map((call) => call[0])
    expect(names.indexOf('summary.write')).toBeLessThan(
      names.indexOf('info', names.lastIndexOf('setOutput'))
    )
  })

  test("a new scope opens a new issue that names the previous scope's open issue", async () => {
    const [first, second] = SAMPLE_SUBSCRIPTIONS.filter(
      (entry) => entry.expected === 'noncompliant'
    )
    await runOn('schedule', { subscriptions: `${first!.subscriptionId} ${second!.subscriptionId}` })
    const earlier = github.store.listIssues().at(-1)!
    await runOn('schedule', {
      subscriptions: `${second!.subscriptionId} ${COMPLIANT.subscriptionId}`
    })
    const opened = github.store.listIssues().at(-1)!
    expect(opened.number).toBeGreaterThan(earlier.number)
    expect(opened.body).toMatch(
      new RegExp(`The scope changed: earlier issues? [#\\d, ]*#${earlier.number}\\b`)
    )
  })

  test('a run on push writes nothing to GitHub', async () => {
    const before = github.store.requests.length
    await runOn('push', { subscriptions: NONCOMPLIANT.subscriptionId })
    expect(recorded.failed).toEqual(['1 of 1 subscription noncompliant'])
    expect(github.store.requests.length).toBe(before)
    expect(logged('warning')).toEqual([])
  })

  test('a refused write is a warning; the verdict and the outcome stand', async () => {
    github.store.faults.refuse = 'all'
    await runOn('workflow_dispatch', {
      subscriptions: COMPLIANT.subscriptionId,
      'issue-labels': 'other-label'
    })
    expect(recorded.failed).toEqual([])
    expect(recorded.outputs.compliant).toBe('true')
    // Nothing of this category under `other-label`: nothing to write, nothing refused.
    expect(logged('warning')).toEqual([])
    await runOn('workflow_dispatch', {
      subscriptions: NONCOMPLIANT.subscriptionId,
      issue: 'always',
      'issue-labels': 'other-label'
    })
    expect(recorded.failed).toEqual(['1 of 1 subscription noncompliant'])
    expect(logged('warning')).toEqual([
      expect.stringContaining(
        'Could not open the issue (403 Resource not accessible by integration): the token lacks `issues: write`'
      )
    ])
  })

  test('a pull request gets the comment when pr-comment is true, read from the event payload', async () => {
    const number = github.store.addPullRequest()
    const event = path.join(wiring.workspace, 'event.json')
    await writeFile(event, JSON.stringify({ pull_request: { number } }))
    await runOn(
      'pull_request',
      { subscriptions: NONCOMPLIANT.subscriptionId, 'pr-comment': 'true' },
      { GITHUB_EVENT_PATH: event }
    )
    expect(recorded.failed).toEqual(['1 of 1 subscription noncompliant'])
    const comments = github.store.commentsOn(number)
    expect(comments).toHaveLength(1)
    expect(readMarker(comments[0]!.body)?.kind).toBe('pull-request-comment')
    expect(logged('warning')).toEqual([])
  })
})
