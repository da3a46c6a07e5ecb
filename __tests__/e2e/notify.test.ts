// The committed bundle against the Azure stand-in and the GitHub stand-in (GITHUB_API_URL): one
// issue per category kept up to date over a sequence of scheduled runs, one pull-request comment
// updated in place, and refused permissions and rate limits that end in a warning with the step's
// outcome as it is without notifications. Issue 15; docs/workflows.md, "Issues and comments".
// Text from Azure that reads as an issue reference (`GH-1`) links nothing (issue 20, item 9); an
// issue or comment by another account that copies the hidden marker is never adopted (item 10).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { readMarker } from '../../src/notify/marker.ts'
import {
  startGitHubStandin,
  type GitHubFaults,
  type GitHubStandin,
  type StoredIssue
} from '../../standin/github.ts'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  policyAssignment,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { REPOSITORY, runAction, type ActionRun } from '../../scripts/run-action.ts'
import { outsideCode } from '../report/helpers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TOKEN = 'ghs_e2e_notify_token'
const [OWNER, REPO] = REPOSITORY.split('/') as [string, string]
const SUBS = ['one', 'two', 'three'].map((name) => guid(`notify/subscription/${name}`))
const [S1, S2, S3] = SUBS as [string, string, string]
// The first subscription's name reads as two issue references, in GitHub's `GH-` form.
const S1_NAME = 'notify-1, fix GH-1 (see gh-2)'
// A display name as anyone who may edit policy can write it: Markdown, HTML, a mention, a pipe.
const HOSTILE_NAME =
  '**JIT** [off](https://evil.example) <img src=x onerror=alert(1)> @octo-org/admins | cell'

type Effect = 'AuditIfNotExists' | 'Disabled'

/** Three subscriptions, each with its own assignment of the JIT definition with `effects[i]`. */
function estate(effects: [Effect, Effect, Effect]): Estate {
  return {
    tenantId: guid('notify/tenant'),
    clientId: guid('notify/client'),
    subscriptions: SUBS.map((subscriptionId, index) => ({
      subscriptionId,
      displayName: index === 0 ? S1_NAME : `notify-${index + 1}`
    })),
    policyAssignments: SUBS.map((id, index) =>
      policyAssignment(subscriptionScope(id), `jit-${index + 1}`, {
        displayName: index === 0 ? HOSTILE_NAME : `Audit JIT ${index + 1}`,
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: effects[index] } }
      })
    )
  }
}

let github: GitHubStandin
let scratch: string

beforeAll(async () => {
  github = await startGitHubStandin({ owner: OWNER, repo: REPO, token: TOKEN })
  scratch = await mkdtemp(path.join(tmpdir(), 'jit-notify-e2e-'))
})

afterAll(async () => {
  await github.close()
  await rm(scratch, { recursive: true, force: true })
})

interface Step {
  run: ActionRun
  /** The GitHub requests this run made. */
  requests: GitHubStandin['store']['requests']
}

/** One run of dist/index.js over `effects`, on `event`, against the GitHub stand-in. */
async function runOver(
  effects: [Effect, Effect, Effect],
  event: string,
  options: {
    inputs?: Record<string, string>
    environment?: Record<string, string>
    entryPoint?: string
  } = {}
): Promise<Step> {
  const standIn: StandIn = await startStandIn({ estate: estate(effects) })
  const before = github.store.requests.length
  try {
    const run = await runAction({
      standIn,
      inputs: {
        subscriptions: SUBS.join('\n'),
        'authority-host': standIn.authorityHost,
        'resource-manager-endpoint': standIn.resourceManagerEndpoint,
        'github-token': TOKEN,
        ...options.inputs
      },
      environment: {
        GITHUB_EVENT_NAME: event,
        GITHUB_API_URL: github.url,
        GITHUB_RUN_ID: String(9000 + before),
        ...options.environment
      },
      ...(options.entryPoint ? { entryPoint: options.entryPoint } : {})
    })
    return { run, requests: github.store.requests.slice(before) }
  } finally {
    await standIn.close()
  }
}

const warnings = (run: ActionRun) =>
  run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
const failures = (run: ActionRun) =>
  run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
// GraphQL's POSTs (the token's account) only read.
const writes = (step: Step) =>
  step.requests.filter((request) => request.method !== 'GET' && !request.path.endsWith('/graphql'))

/** The only issue of the repository (the test fails when there is not exactly one). */
function theIssue(): StoredIssue {
  const issues = github.store.listIssues()
  expect(issues).toHaveLength(1)
  return issues[0]!
}

/** Ids in the table rows of `body` (rows that start with a subscription's code span). */
function tableIds(body: string): string[] {
  return SUBS.filter((id) => body.split('\n').some((line) => line.startsWith(`| \`${id}\``)))
}

function resetGitHub(faults: Partial<GitHubFaults> = {}): void {
  github.store.issues.clear()
  github.store.comments.length = 0
  github.store.faults = { refuse: null, rateLimit: null, ...faults }
}

describe('scheduled runs keep one issue', () => {
  const A: Effect = 'AuditIfNotExists'
  const D: Effect = 'Disabled'
  const steps: Step[] = []
  let opened = 0
  beforeAll(async () => {
    resetGitHub()
  })

  test('1. a failure opens the issue with the failing table, escaped, and a link to the run', async () => {
    const step = await runOver([D, A, A], 'schedule')
    steps.push(step)
    expect(step.run.exitCode).toBe(1)
    expect(failures(step.run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(warnings(step.run)).toEqual([])
    const issue = theIssue()
    expect(issue).toMatchObject({
      state: 'open',
      labels: ['jit-network-access'],
      title: 'JIT network access not audited on 1 subscription'
    })
    opened = issue.number
    expect(tableIds(issue.body!)).toEqual([S1])
    expect(readMarker(issue.body)).toMatchObject({
      kind: 'issue',
      failing: { [S1]: 'noncompliant' }
    })
    expect(issue.body).toContain(`https://github.com/${REPOSITORY}/actions/runs/`)
    expect(github.store.commentsOn(issue.number)).toEqual([])
    // Azure's display name is shown, inert: no emphasis, link, HTML, mention or extra cell.
    expect(issue.body).toContain('JIT')
    expect(issue.body).not.toContain('**JIT**')
    // What GitHub renders outside code: no link, no mention (a word it would act on is code).
    expect(outsideCode(issue.body!).text).not.toContain('](https://evil.example)')
    expect(issue.body).not.toContain('<img')
    expect(outsideCode(issue.body!).text).not.toContain('@octo-org/admins')
    expect(issue.body).toContain('`@octo-org/admins`')
    const header = issue.body!.split('\n').find((line) => line.startsWith('| Subscription'))!
    const row = issue.body!.split('\n').find((line) => line.startsWith(`| \`${S1}\``))!
    const cells = (line: string) => line.split(/(?<!\\)\|/).length
    expect(cells(row)).toBe(cells(header))
    expect(step.run.stdout).toContain('Something fails: opening an issue.')
  })

  test('2. the same failure touches nothing', async () => {
    const before = structuredClone(theIssue())
    const step = await runOver([D, A, A], 'schedule')
    steps.push(step)
    expect(step.run.exitCode).toBe(1)
    expect(writes(step)).toEqual([])
    expect(theIssue()).toEqual(before)
    expect(github.store.comments).toEqual([])
    expect(step.run.stdout).toContain(`Nothing changed since issue #${before.number}`)
  })

  test('3. another failure rewrites the body and says what changed in one comment', async () => {
    const step = await runOver([A, D, A], 'schedule')
    steps.push(step)
    expect(step.run.exitCode).toBe(1)
    const issue = theIssue()
    expect(issue.state).toBe('open')
    expect(tableIds(issue.body!)).toEqual([S2])
    const comments = github.store.commentsOn(issue.number)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body).toMatch(/^Verdicts changed\./)
    expect(comments[0]!.body).toMatch(new RegExp(`Newly failing \\(1\\)\\*\\*\\n- \`${S2}\``))
    expect(comments[0]!.body).toMatch(new RegExp(`Fixed \\(1\\)\\*\\*\\n- \`${S1}\``))
    expect(comments[0]!.body).not.toContain('<img')
  })

  test('4. everything passing comments and closes the issue', async () => {
    const step = await runOver([A, A, A], 'schedule')
    steps.push(step)
    expect(step.run.exitCode).toBe(0)
    expect(warnings(step.run)).toEqual([])
    const issue = theIssue()
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' })
    const comments = github.store.commentsOn(issue.number)
    expect(comments).toHaveLength(2)
    expect(comments[1]!.body).toMatch(/^✅ Every checked subscription passes now; closing\./)
    expect(comments[1]!.body).toMatch(new RegExp(`Fixed \\(1\\)\\*\\*\\n- \`${S2}\``))
  })

  test('5. failing again reopens the same issue', async () => {
    const step = await runOver([A, A, D], 'schedule')
    steps.push(step)
    expect(step.run.exitCode).toBe(1)
    const issue = theIssue()
    expect(issue).toMatchObject({ number: opened, state: 'open', state_reason: 'reopened' })
    expect(tableIds(issue.body!)).toEqual([S3])
    const comments = github.store.commentsOn(issue.number)
    expect(comments).toHaveLength(3)
    expect(comments[2]!.body).toMatch(/^❌ Failing again\./)
    expect(comments[2]!.body).toMatch(new RegExp(`Newly failing \\(1\\)\\*\\*\\n- \`${S3}\``))
  })

  test('every step wrote to the one issue, never opened a second, and leaked no token', () => {
    const created = steps.flatMap((step) =>
      step.requests.filter((r) => r.method === 'POST' && /\/issues$/.test(r.path.split('?')[0]!))
    )
    expect(created).toHaveLength(1)
    for (const step of steps) {
      // Masked before anything else is written; never shown.
      const [first, ...rest] = step.run.stdout.split('\n')
      expect(first).toBe(`::add-mask::${TOKEN}`)
      const shown = rest.filter((line) => !line.startsWith('::add-mask::'))
      expect(shown.filter((line) => line.includes(TOKEN))).toEqual([])
      expect(step.run.stderr).not.toContain(TOKEN)
      expect(step.run.summary).not.toContain(TOKEN)
    }
  })
})

describe('a pull request gets one comment, updated in place', () => {
  test('three runs: failing, failing otherwise, passing', async () => {
    resetGitHub()
    const number = github.store.addPullRequest()
    const event = path.join(scratch, 'pull_request.json')
    await writeFile(event, JSON.stringify({ action: 'synchronize', pull_request: { number } }))
    const onPullRequest = (effects: [Effect, Effect, Effect]) =>
      runOver(effects, 'pull_request', {
        inputs: { 'pr-comment': 'true' },
        environment: { GITHUB_EVENT_PATH: event }
      })

    const first = await onPullRequest(['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'])
    expect(first.run.exitCode).toBe(1)
    const [comment] = github.store.commentsOn(number)
    expect(github.store.commentsOn(number)).toHaveLength(1)
    expect(comment!.body).toMatch(/### ❌ Just-in-time network access audit/)
    expect(tableIds(comment!.body)).toEqual([S1])

    const second = await onPullRequest(['AuditIfNotExists', 'Disabled', 'AuditIfNotExists'])
    expect(second.run.exitCode).toBe(1)
    expect(github.store.commentsOn(number)).toEqual([expect.objectContaining({ id: comment!.id })])
    expect(tableIds(github.store.commentsOn(number)[0]!.body)).toEqual([S2])

    const third = await onPullRequest(['AuditIfNotExists', 'AuditIfNotExists', 'AuditIfNotExists'])
    expect(third.run.exitCode).toBe(0)
    expect(github.store.commentsOn(number)).toHaveLength(1)
    expect(github.store.commentsOn(number)[0]).toMatchObject({ id: comment!.id })
    expect(github.store.commentsOn(number)[0]!.body).toMatch(/### ✅ Just-in-time/)
    // `issue: auto` writes no issue on pull requests.
    expect(github.store.listIssues()).toEqual([])
    for (const step of [first, second, third]) expect(warnings(step.run)).toEqual([])
  })
})

/** Every `GH-<digits>` (any case) that GitHub would turn into a link to an issue: outside code,
 * which GitHub leaves alone. */
const issueLinks = (text: string) => outsideCode(text).text.match(/\bgh-\d+/gi) ?? []

describe('an issue reference in a display name from Azure links nothing', () => {
  test('GH-1 in the job summary, the issue and the pull-request comment', async () => {
    resetGitHub()
    const scheduled = await runOver(
      ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'],
      'schedule'
    )
    expect(scheduled.run.exitCode).toBe(1)
    const body = theIssue().body!
    expect(body).toContain('notify-1, fix `GH-1` \\(see `gh-2`\\)')
    for (const text of [body, scheduled.run.summary]) {
      expect(text).toMatch(/`GH-1`|<code>GH-1<\/code>/)
      expect(issueLinks(text)).toEqual([])
    }
    const number = github.store.addPullRequest()
    const event = path.join(scratch, 'references.json')
    await writeFile(event, JSON.stringify({ pull_request: { number } }))
    const onPullRequest = await runOver(
      ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'],
      'pull_request',
      { inputs: { 'pr-comment': 'true' }, environment: { GITHUB_EVENT_PATH: event } }
    )
    expect(onPullRequest.run.exitCode).toBe(1)
    const [comment] = github.store.commentsOn(number)
    expect(comment!.body).toContain('`GH-1`')
    expect(issueLinks(comment!.body)).toEqual([])
  })
})

describe("another account's copy of the marker is never adopted", () => {
  test('a newer issue that copies the body is left alone; the action keeps its own', async () => {
    resetGitHub()
    expect(
      (await runOver(['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'], 'schedule')).run.exitCode
    ).toBe(1)
    const ours = theIssue()
    // Someone copies the issue, marker and all, into a newer issue of their own.
    const theirs = github.store.addIssue({
      title: ours.title,
      body: ours.body!,
      labels: ours.labels
    })
    const copy = structuredClone(github.store.issues.get(theirs))
    const second = await runOver(['Disabled', 'Disabled', 'AuditIfNotExists'], 'schedule')
    expect(second.run.exitCode).toBe(1)
    expect(github.store.issues.get(theirs)).toEqual(copy)
    expect(github.store.commentsOn(theirs)).toEqual([])
    const kept = github.store.issues.get(ours.number)!
    expect(kept.state).toBe('open')
    expect(readMarker(kept.body)?.failing).toEqual({ [S1]: 'noncompliant', [S2]: 'noncompliant' })
    expect(github.store.commentsOn(ours.number)).toHaveLength(1)
    expect(second.run.stdout).toContain(
      `Issue #${theirs} carries this category's marker but was written by mallory, not by the token's account github-actions[bot]: left alone.`
    )
  })

  test('a pull-request comment with a copied marker is not edited; the action writes its own', async () => {
    resetGitHub()
    const number = github.store.addPullRequest()
    const event = path.join(scratch, 'copied.json')
    await writeFile(event, JSON.stringify({ pull_request: { number } }))
    const run = () =>
      runOver(['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'], 'pull_request', {
        inputs: { 'pr-comment': 'true' },
        environment: { GITHUB_EVENT_PATH: event }
      })
    expect((await run()).run.exitCode).toBe(1)
    const [ours] = github.store.commentsOn(number)
    const theirs = github.store.addComment(number, `${ours!.body}\n\nNothing to see here.`)
    const copied = structuredClone(github.store.comments.find((comment) => comment.id === theirs))
    const second = await run()
    expect(second.run.exitCode).toBe(1)
    expect(github.store.comments.find((comment) => comment.id === theirs)).toEqual(copied)
    expect(github.store.commentsOn(number).map((comment) => comment.id)).toEqual([ours!.id, theirs])
    expect(second.run.stdout).toContain(`Comment ${theirs} carries this category's marker`)
  })
})

describe('GitHub refusing or limiting: a warning, and the outcome as without notifications', () => {
  const failing: [Effect, Effect, Effect] = ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists']

  test('without notifications, for comparison', async () => {
    resetGitHub()
    const { run, requests } = await runOver(failing, 'schedule', { inputs: { issue: 'never' } })
    expect(run.exitCode).toBe(1)
    expect(failures(run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(requests).toEqual([])
  })

  test('a token without issues: write', async () => {
    resetGitHub({ refuse: 'issues' })
    const { run } = await runOver(failing, 'schedule')
    expect(run.exitCode).toBe(1)
    expect(failures(run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /^::warning::Could not open the issue \(403 Resource not accessible by integration\): the token lacks `issues: write`\. Add `permissions: issues: write`/
      )
    ])
    expect(github.store.listIssues()).toEqual([])
  })

  test("a fork's read-only token on a pull request", async () => {
    resetGitHub({ refuse: 'all' })
    const number = github.store.addPullRequest()
    const event = path.join(scratch, 'fork.json')
    await writeFile(event, JSON.stringify({ pull_request: { number } }))
    const { run } = await runOver(failing, 'pull_request_target', {
      inputs: { 'pr-comment': 'true' },
      environment: { GITHUB_EVENT_PATH: event }
    })
    expect(run.exitCode).toBe(1)
    expect(failures(run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /^::warning::Could not comment on #\d+ \(403 .*\): the token lacks `pull-requests: write`.*read-only token/
      )
    ])
    expect(github.store.commentsOn(number)).toEqual([])
  })

  test('a secondary rate limit with retry-after is waited out, and the issue written', async () => {
    resetGitHub({ rateLimit: { count: 2, kind: 'secondary', status: 429, retryAfter: 1 } })
    const { run, requests } = await runOver(failing, 'schedule')
    expect(run.exitCode).toBe(1)
    expect(warnings(run)).toEqual([])
    expect(requests.filter((request) => request.status === 429)).toHaveLength(2)
    expect(theIssue().state).toBe('open')
  })

  test('a primary rate limit past the bound is a warning, with the verdict unchanged', async () => {
    resetGitHub({ rateLimit: { count: 100, kind: 'primary', resetSeconds: 3600 } })
    const { run, requests } = await runOver(failing, 'schedule')
    expect(run.exitCode).toBe(1)
    expect(failures(run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /^::warning::Could not list the issues: GitHub's rate limit asked for a wait of \d+ s/
      )
    ])
    expect(requests).toHaveLength(1)
    expect(github.store.listIssues()).toEqual([])
  })
})

describe('Octokit is loaded only when something is written', () => {
  let entryPoint: string

  beforeAll(async () => {
    // dist/ without the chunk that holds Octokit: a run that loads it cannot write.
    const folder = path.join(scratch, 'dist')
    await cp(path.join(ROOT, 'dist'), folder, { recursive: true })
    const chunks: string[] = []
    for (const name of await readdir(folder)) {
      if (!name.endsWith('.js')) continue
      if ((await readFile(path.join(folder, name), 'utf8')).includes('octokit-core.js/')) {
        chunks.push(name)
      }
    }
    expect(chunks).toHaveLength(1)
    expect(chunks[0]).not.toBe('index.js')
    await rm(path.join(folder, chunks[0]!))
    entryPoint = path.join(folder, 'index.js')
  })

  test('a run that writes neither an issue nor a comment does not need it', async () => {
    resetGitHub()
    const { run, requests } = await runOver(
      ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'],
      'push',
      { entryPoint }
    )
    expect(run.exitCode).toBe(1)
    expect(failures(run)).toEqual(['::error::1 of 3 subscriptions noncompliant'])
    expect(warnings(run)).toEqual([])
    expect(run.stderr).toBe('')
    expect(requests).toEqual([])
  })

  test('a run that writes the issue loads it (here: fails to, and says so)', async () => {
    resetGitHub()
    const { run } = await runOver(
      ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'],
      'schedule',
      {
        entryPoint
      }
    )
    expect(run.exitCode).toBe(1)
    expect(warnings(run)).toEqual([
      expect.stringMatching(/^::warning::Could not load the GitHub client: /)
    ])
  })
})

describe('GitHub Enterprise Server and the stand-in as a process', () => {
  test('GITHUB_API_URL with /api/v3 is honoured', async () => {
    const ghes = await startGitHubStandin({
      owner: OWNER,
      repo: REPO,
      token: TOKEN,
      pathPrefix: '/api/v3'
    })
    try {
      const { run } = await runOver(
        ['Disabled', 'AuditIfNotExists', 'AuditIfNotExists'],
        'schedule',
        {
          environment: { GITHUB_API_URL: `${ghes.url}/` }
        }
      )
      expect(ghes.url).toMatch(/\/api\/v3$/)
      expect(run.exitCode).toBe(1)
      expect(warnings(run)).toEqual([])
      expect(ghes.store.listIssues()).toHaveLength(1)
    } finally {
      await ghes.close()
    }
  })

  test('standin/cli.ts --github-port serves the API a person points the action at', async () => {
    const estateFile = path.join(scratch, 'estate.json')
    await writeFile(
      estateFile,
      JSON.stringify(estate(['Disabled', 'Disabled', 'AuditIfNotExists']))
    )
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/node'),
      [
        'standin/cli.ts',
        '--estate',
        estateFile,
        '--github-port',
        '0',
        '--github-repository',
        REPOSITORY
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve)
        child.once('exit', () => reject(new Error('the stand-in exited')))
      })
      const info = JSON.parse(line) as {
        authorityHost: string
        resourceManagerEndpoint: string
        environment: Record<string, string>
        github: { apiUrl: string; token: string; repository: string }
      }
      expect(info.github).toMatchObject({ token: 'ghs_standin', repository: REPOSITORY })
      expect(info.environment).toMatchObject({
        GITHUB_API_URL: info.github.apiUrl,
        GITHUB_REPOSITORY: REPOSITORY
      })
      const run = await runAction({
        standIn: { ...info, runnerEnvironment: () => info.environment },
        inputs: {
          subscriptions: SUBS.join('\n'),
          'authority-host': info.authorityHost,
          'resource-manager-endpoint': info.resourceManagerEndpoint,
          'github-token': info.github.token,
          issue: 'always'
        }
      })
      expect(run.exitCode).toBe(1)
      expect(warnings(run)).toEqual([])
      const listed = await fetch(`${info.github.apiUrl}/repos/${REPOSITORY}/issues?state=all`, {
        headers: { authorization: `Bearer ${info.github.token}` }
      })
      const issues = (await listed.json()) as { body: string; state: string }[]
      expect(issues).toHaveLength(1)
      expect(tableIds(issues[0]!.body)).toEqual([S1, S2])
    } finally {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
