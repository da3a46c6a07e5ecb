// notify() against the GitHub stand-in: a sequence of scheduled runs keeps exactly one issue up to
// date; a pull request gets one comment updated in place; refusals and rate limits end in warnings.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import type { SubscriptionResult } from '../../src/model.ts'
import { readMarker, writeMarker } from '../../src/notify/marker.ts'
import { notify, type NotifyInput, type NotifySettings } from '../../src/notify/index.ts'
import {
  GITHUB_ACTIONS_BOT,
  startGitHubStandin,
  type GitHubStandin,
  type GitHubStandinOptions
} from '../../standin/github.ts'
import { CATEGORY, result, RUN_URL, sub } from './helpers.ts'

const TOKEN = 'ghs_standin'
let standin: GitHubStandin
let secrets: string[]

async function start(options: GitHubStandinOptions = {}): Promise<void> {
  await standin?.close()
  standin = await startGitHubStandin(options)
}

beforeEach(async () => {
  secrets = []
  await start()
})
afterEach(async () => standin.close())

function settings(extra: Partial<NotifySettings> = {}): NotifySettings {
  return {
    token: TOKEN,
    apiUrl: standin.url,
    repository: 'octo-org/estate',
    issue: 'auto',
    eventName: 'schedule',
    labels: ['jit-network-access'],
    pullRequestComment: false,
    pullRequest: null,
    setSecret: (secret) => secrets.push(secret),
    maxRateLimitWaitMs: 5_000,
    ...extra
  }
}

const NAMES = new Map([
  [sub(1), 'prod-1'],
  [sub(2), 'sandbox']
])

function input(results: SubscriptionResult[]): NotifyInput {
  return {
    results: results.map((result) => {
      const displayName = NAMES.get(result.subscriptionId)
      return displayName === undefined ? result : { ...result, displayName }
    }),
    category: CATEGORY,
    runUrl: RUN_URL
  }
}

/** The methods of the requests since the `count`th that write: GraphQL's POSTs only read. */
function writesSince(count: number): string[] {
  return standin.store.requests
    .slice(count)
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('/graphql'))
    .map((request) => request.method)
}

describe('scheduled runs keep one issue', () => {
  it('opens, leaves alone, updates with one comment, closes and reopens the same issue', async () => {
    const { store } = standin
    const issue = (): ReturnType<typeof store.listIssues>[number] => {
      expect(store.listIssues()).toHaveLength(1)
      return store.listIssues()[0]!
    }

    // 1. Something fails: an issue is opened, labelled, with the failing table; no comment yet.
    const first = await notify(
      input([result(1, 'noncompliant'), result(2, 'compliant')]),
      settings()
    )
    expect(first.warnings).toEqual([])
    expect(issue()).toMatchObject({ state: 'open', labels: ['jit-network-access'] })
    expect(first.issueNumber).toBe(issue().number)
    expect(issue().body).toContain('| prod-1 | noncompliant | reason 1 |')
    expect(issue().body).not.toContain(sub(2))
    expect(readMarker(issue().body)?.failing).toEqual({ [sub(1)]: 'noncompliant' })
    expect(store.commentsOn(issue().number)).toEqual([])
    expect(secrets).toEqual([TOKEN])

    // 2. The same failure: nothing is written.
    const bodyBefore = issue().body
    let count = store.requests.length
    const second = await notify(
      input([result(1, 'noncompliant'), result(2, 'compliant')]),
      settings()
    )
    expect(writesSince(count)).toEqual([])
    expect(second.notes).toEqual([
      `Nothing changed since issue #${issue().number} was last written.`
    ])
    expect(issue().body).toBe(bodyBefore)

    // 3. Another failure: the body is updated and one comment says what changed.
    count = store.requests.length
    await notify(input([result(1, 'noncompliant'), result(2, 'error', 'Forbidden')]), settings())
    expect(writesSince(count)).toEqual(['PATCH', 'POST'])
    expect(issue().body).toContain('| sandbox | could not be checked | Forbidden |')
    expect(store.commentsOn(issue().number)).toHaveLength(1)
    const changed = store.commentsOn(issue().number)[0]!.body
    expect(changed).toMatch(/^Verdicts changed\./)
    expect(changed).toContain(
      `**Newly failing (1)**\n- \`${sub(2)}\` (sandbox): could not be checked, Forbidden`
    )
    expect(changed).toContain(`**Still failing (1)**\n- \`${sub(1)}\` (prod-1)`)

    // 4. Everything passes: a comment, and the issue is closed as completed.
    await notify(input([result(1, 'compliant'), result(2, 'compliant')]), settings())
    expect(issue()).toMatchObject({ state: 'closed', state_reason: 'completed' })
    const comments = store.commentsOn(issue().number)
    expect(comments).toHaveLength(2)
    expect(comments[1]!.body).toMatch(/^✅ Every checked subscription passes now/)
    expect(comments[1]!.body).toContain('**Fixed (2)**')

    // 5. Failing again: the same issue is reopened with a new body and one comment.
    const fifth = await notify(
      input([result(1, 'compliant'), result(2, 'noncompliant', 'Disabled')]),
      settings()
    )
    expect(fifth.issueNumber).toBe(issue().number)
    expect(issue()).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(issue().body).toContain('| sandbox | noncompliant | Disabled |')
    expect(issue().body).not.toContain('prod-1')
    expect(store.commentsOn(issue().number)).toHaveLength(3)
    expect(store.commentsOn(issue().number)[2]!.body).toMatch(/^❌ Failing again\./)
  })

  it('finds its issue past the first page of a listing (Link pagination)', async () => {
    await notify(input([result(1, 'noncompliant')]), settings())
    // 150 newer issues with the same label push it to the second page of 100.
    for (let i = 0; i < 150; i++) {
      await fetch(`${standin.url}/repos/octo-org/estate/issues`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}` },
        body: JSON.stringify({ title: `other ${i}`, body: 'x', labels: ['jit-network-access'] })
      })
    }
    await notify(input([result(1, 'compliant')]), settings())
    expect(standin.store.issues.get(1)).toMatchObject({ state: 'closed' })
    expect(standin.store.requests.some((request) => /[?&]page=2/.test(request.path))).toBe(true)
  })

  it('writes no issue on a push with issue: auto, and none with issue: never', async () => {
    expect(
      await notify(input([result(1, 'noncompliant')]), settings({ eventName: 'push' }))
    ).toMatchObject({ warnings: [], issueNumber: null })
    await notify(input([result(1, 'noncompliant')]), settings({ issue: 'never' }))
    expect(standin.store.requests).toEqual([])
    expect(secrets).toEqual([])
  })

  it('honours an API URL with a path, as on GitHub Enterprise Server', async () => {
    await start({ pathPrefix: '/api/v3' })
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ apiUrl: `${standin.url}/` })
    )
    expect(outcome.warnings).toEqual([])
    expect(standin.store.listIssues()).toHaveLength(1)
    expect(standin.store.requests.every((request) => request.path.startsWith('/api/v3/'))).toBe(
      true
    )
  })
})

describe('pull request comment', () => {
  it('is one comment per category, updated in place on each run', async () => {
    const pr = standin.store.addPullRequest()
    const prSettings = settings({
      eventName: 'pull_request',
      pullRequestComment: true,
      pullRequest: pr
    })
    const first = await notify(input([result(1, 'noncompliant')]), prSettings)
    expect(first.warnings).toEqual([])
    expect(standin.store.listIssues()).toEqual([])
    const [comment] = standin.store.commentsOn(pr)
    expect(first.commentId).toBe(comment!.id)
    expect(comment!.body).toContain('| prod-1 | noncompliant |')

    await notify(input([result(1, 'noncompliant'), result(2, 'error')]), prSettings)
    expect(standin.store.commentsOn(pr)).toHaveLength(1)
    expect(standin.store.commentsOn(pr)[0]!.body).toContain('| sandbox | could not be checked |')

    const third = await notify(input([result(1, 'compliant'), result(2, 'compliant')]), prSettings)
    expect(third.commentId).toBe(comment!.id)
    expect(standin.store.commentsOn(pr)).toHaveLength(1)
    expect(standin.store.commentsOn(pr)[0]!.body).toContain('✅')
  })
})

describe("only the token's own issue and comment are adopted", () => {
  const copied = (kind: 'issue' | 'pull-request-comment') =>
    `${writeMarker({ kind, category: CATEGORY, failing: {} })}\nI copied the marker.`

  it("leaves another account's issue with a copied marker alone and opens its own", async () => {
    const { store } = standin
    const theirs = store.addIssue({ body: copied('issue'), labels: ['jit-network-access'] })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(outcome.warnings).toEqual([])
    expect(outcome.notes).toEqual([
      `Issue #${theirs} carries this category's marker but was written by mallory, not by the token's account github-actions[bot]: left alone.`,
      'Something fails: opening an issue.'
    ])
    expect(store.issues.get(theirs)).toMatchObject({ body: copied('issue'), state: 'open' })
    expect(store.commentsOn(theirs)).toEqual([])
    const mine = store.listIssues().filter((issue) => issue.number !== theirs)
    expect(mine).toEqual([expect.objectContaining({ author: GITHUB_ACTIONS_BOT, state: 'open' })])
    // The next run adopts its own issue (one GraphQL read for the account), still not theirs.
    const count = store.requests.length
    const next = await notify(input([result(1, 'compliant')]), settings())
    expect(store.requests.slice(count).filter((r) => r.path.endsWith('/graphql'))).toHaveLength(1)
    expect(next.issueNumber).toBe(mine[0]!.number)
    expect(store.issues.get(mine[0]!.number)).toMatchObject({ state: 'closed' })
    expect(store.issues.get(theirs)).toMatchObject({ body: copied('issue'), state: 'open' })
  })

  it("never edits another account's pull-request comment that copies the marker", async () => {
    const { store } = standin
    const pr = store.addPullRequest()
    const theirs = store.addComment(pr, copied('pull-request-comment'))
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ eventName: 'pull_request', pullRequestComment: true, pullRequest: pr })
    )
    expect(outcome.notes).toContain(
      `Comment ${theirs} carries this category's marker but was written by mallory, not by the token's account github-actions[bot]: left alone.`
    )
    expect(store.commentsOn(pr).map((comment) => [comment.id === theirs, comment.body])).toEqual([
      [true, copied('pull-request-comment')],
      [false, expect.stringContaining('### ❌ Just-in-time network access audit')]
    ])
  })

  it('a personal access token adopts what its person wrote', async () => {
    await start({ viewer: { login: 'octocat', id: 583231, type: 'User' } })
    const { store } = standin
    const own = store.addIssue({
      body: copied('issue'),
      labels: ['jit-network-access'],
      author: store.viewer
    })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(outcome.issueNumber).toBe(own)
    expect(store.listIssues()).toHaveLength(1)
  })

  it('when the account cannot be read: a warning, and a new issue rather than an edit', async () => {
    await start({ faults: { refuseReads: ['viewer'] } })
    const { store } = standin
    const earlier = store.addIssue({
      body: copied('issue'),
      labels: ['jit-network-access'],
      author: store.viewer
    })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(outcome.warnings).toEqual([
      'Could not tell which account `github-token` belongs to: GitHub\'s GraphQL API answered "Resource not accessible by integration". Issues and comments that earlier runs wrote are not adopted: a new one is written, never one that someone else wrote edited.'
    ])
    expect(store.issues.get(earlier)).toMatchObject({ body: copied('issue') })
    expect(store.listIssues()).toHaveLength(2)
  })

  it('reads the account at /api/graphql on GitHub Enterprise Server', async () => {
    await start({ pathPrefix: '/api/v3' })
    await notify(input([result(1, 'noncompliant')]), settings({ apiUrl: `${standin.url}/` }))
    await notify(input([result(1, 'compliant')]), settings({ apiUrl: `${standin.url}/` }))
    expect(standin.store.listIssues()).toEqual([expect.objectContaining({ state: 'closed' })])
    expect(standin.store.requests.map((request) => request.path)).toContain('/api/graphql')
  })
})

describe('refusals and rate limits end in warnings', () => {
  it('names issues: write when the token may not write issues', async () => {
    await start({ faults: { refuse: 'issues' } })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(outcome.warnings).toEqual([
      'Could not open the issue (403 Resource not accessible by integration): the token lacks `issues: write`. Add `permissions: issues: write` to the job (a pull request from a fork gets a read-only token whatever the workflow asks; such runs cannot write).'
    ])
    expect(standin.store.listIssues()).toEqual([])
  })

  it("names pull-requests: write for a fork's read-only token", async () => {
    await start({ faults: { refuse: 'all' } })
    const pr = standin.store.addPullRequest()
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ eventName: 'pull_request', pullRequestComment: true, pullRequest: pr })
    )
    expect(outcome.warnings).toHaveLength(1)
    expect(outcome.warnings[0]).toMatch(
      /^Could not comment on #\d+ \(403 Resource not accessible by integration\): the token lacks `pull-requests: write`/
    )
  })

  it('a 404 listing the comments says the pull request was not found, not a permission', async () => {
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({
        eventName: 'pull_request',
        pullRequestComment: true,
        pullRequest: 9999,
        issue: 'never'
      })
    )
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        /^Could not list the comments of pull request #9999 \(404 Not Found\): pull request #9999 was not found in octo-org\/estate, or the token cannot see it/
      )
    ])
    expect(outcome.warnings[0]).not.toContain('lacks')
  })

  it('a 404 listing the issues says the repository was not found', async () => {
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ repository: 'octo-org/elsewhere' })
    )
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        /^Could not list the issues \(404 Not Found\): the repository octo-org\/elsewhere was not found, or the token cannot see it/
      )
    ])
  })

  it('a request that gets no answer is a network error reaching GITHUB_API_URL, with no status', async () => {
    // A port nothing listens on any more: the connection is refused.
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ apiUrl: `https://127.0.0.1:${port}` })
    )
    expect(outcome.warnings).toEqual([
      `Could not list the issues: a network error reaching GitHub's API at GITHUB_API_URL (https://127.0.0.1:${port}), so there is no HTTP status: connect ECONNREFUSED 127.0.0.1:${port}. Check that the runner can reach it; the next run tries again.`
    ])
    expect(outcome.warnings[0]).not.toMatch(/\b500\b/)
  })

  it('waits out a secondary rate limit within the bound', async () => {
    await start({
      faults: { rateLimit: { count: 1, kind: 'secondary', status: 429, retryAfter: 1 } }
    })
    const started = Date.now()
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(outcome.warnings).toEqual([])
    expect(standin.store.listIssues()).toHaveLength(1)
    expect(standin.store.requests.map((request) => request.status)).toEqual([429, 200, 201])
  })

  it('waits out a primary rate limit until x-ratelimit-reset', async () => {
    await start({ faults: { rateLimit: { count: 1, kind: 'primary', resetSeconds: 1 } } })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings())
    expect(outcome.warnings).toEqual([])
    expect(standin.store.listIssues()).toHaveLength(1)
  })

  it('warns instead of waiting past the bound, and does not hang', async () => {
    await start({ faults: { rateLimit: { count: 5, kind: 'secondary', retryAfter: 60 } } })
    const started = Date.now()
    const outcome = await notify(
      input([result(1, 'noncompliant')]),
      settings({ maxRateLimitWaitMs: 2_000 })
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(outcome.warnings).toEqual([
      "Could not list the issues: GitHub's rate limit asked for a wait of 60 s after 0 s of waiting; the bound is 2 s. The next run tries again."
    ])
  })

  it('gives up at the deadline with a warning', async () => {
    await start({ faults: { rateLimit: { count: 1, kind: 'secondary', retryAfter: 1 } } })
    const outcome = await notify(input([result(1, 'noncompliant')]), settings({ deadlineMs: 300 }))
    expect(outcome.warnings).toEqual([
      "Could not list the issues: GitHub's API did not answer within the 1 s allowed for notifications. The next run tries again."
    ])
    expect(standin.store.listIssues()).toEqual([])
  })

  it('warns on a token GitHub refuses, and on a repository that is not owner/name', async () => {
    const refused = await notify(input([result(1, 'noncompliant')]), settings({ token: 'wrong' }))
    expect(refused.warnings).toEqual([
      'Could not list the issues (401 Bad credentials): GitHub refused the token given as `github-token`.'
    ])
    const bad = await notify(input([result(1, 'noncompliant')]), settings({ repository: 'estate' }))
    expect(bad.warnings).toEqual([
      'GITHUB_REPOSITORY is "estate", not owner/name: nothing is written.'
    ])
  })
})
