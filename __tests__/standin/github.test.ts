// The GitHub stand-in answers as GitHub's REST API does for the endpoints the notifications use.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  startGitHubStandin,
  type GitHubStandin,
  type GitHubStandinOptions
} from '../../standin/github.ts'

const TOKEN = 'ghs_standin'
let standin: GitHubStandin | null = null

async function start(options: GitHubStandinOptions = {}): Promise<GitHubStandin> {
  standin = await startGitHubStandin(options)
  return standin
}

afterEach(async () => {
  await standin?.close()
  standin = null
})

async function call(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {}
): Promise<{ status: number; headers: Headers; data: unknown }> {
  const response = await fetch(`${standin!.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `token ${init.token ?? TOKEN}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {})
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    data: text ? JSON.parse(text) : null
  }
}

const REPO = '/repos/octo-org/estate'

describe('GitHub stand-in', () => {
  it('creates, lists by label and state, updates and closes issues', async () => {
    await start()
    const created = await call(`${REPO}/issues`, {
      method: 'POST',
      body: { title: 'T', body: 'B', labels: ['jit-network-access'] }
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      number: 1,
      state: 'open',
      labels: [{ name: 'jit-network-access' }]
    })
    await call(`${REPO}/issues`, { method: 'POST', body: { title: 'Other', body: 'x' } })
    const labelled = await call(`${REPO}/issues?labels=jit-network-access&state=all`)
    expect((labelled.data as { number: number }[]).map((issue) => issue.number)).toEqual([1])
    const closed = await call(`${REPO}/issues/1`, {
      method: 'PATCH',
      body: { state: 'closed', state_reason: 'completed' }
    })
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect((await call(`${REPO}/issues?labels=jit-network-access`)).data).toEqual([])
    const reopened = await call(`${REPO}/issues/1`, {
      method: 'PATCH',
      body: { state: 'open', body: 'C' }
    })
    expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened', body: 'C' })
    expect(standin!.store.listIssues().map((issue) => issue.body)).toEqual(['C', 'x'])
  })

  it('pages with Link headers and lists pull requests among issues, marked as such', async () => {
    const { store } = await start()
    for (let i = 0; i < 5; i++)
      await call(`${REPO}/issues`, { method: 'POST', body: { title: `I${i}` } })
    store.addPullRequest()
    const first = await call(`${REPO}/issues?state=all&per_page=2`)
    expect((first.data as unknown[]).length).toBe(2)
    const link = first.headers.get('link')!
    expect(link).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/repos\/octo-org\/estate\/issues\?state=all&per_page=2&page=2>; rel="next"/
    )
    expect(link).toMatch(/page=3>; rel="last"/)
    const last = await call(`${REPO}/issues?state=all&per_page=2&page=3`)
    expect(last.headers.get('link')).toMatch(/rel="prev".*rel="first"/)
    expect(last.headers.get('link')).not.toMatch(/rel="next"/)
    // Newest first: the pull request (number 6) heads the first page.
    expect((first.data as { number: number; pull_request?: unknown }[])[0]).toMatchObject({
      number: 6,
      pull_request: { url: expect.any(String) }
    })
  })

  it('keeps comments on issues and pull requests, and updates them in place', async () => {
    const { store } = await start()
    const pr = store.addPullRequest()
    const created = await call(`${REPO}/issues/${pr}/comments`, {
      method: 'POST',
      body: { body: 'first' }
    })
    expect(created.status).toBe(201)
    const id = (created.data as { id: number }).id
    const updated = await call(`${REPO}/issues/comments/${id}`, {
      method: 'PATCH',
      body: { body: 'second' }
    })
    expect(updated.data).toMatchObject({ id, body: 'second' })
    expect(store.commentsOn(pr).map((comment) => comment.body)).toEqual(['second'])
    expect(((await call(`${REPO}/issues/${pr}/comments`)).data as unknown[]).length).toBe(1)
  })

  it('refuses bodies over 65,536 characters, bad tokens and unknown paths as GitHub does', async () => {
    await start()
    const tooLong = await call(`${REPO}/issues`, {
      method: 'POST',
      body: { title: 'T', body: 'x'.repeat(65_537) }
    })
    expect(tooLong.status).toBe(422)
    expect(JSON.stringify(tooLong.data)).toContain('body is too long (maximum is 65536 characters)')
    expect(
      (
        await call(`${REPO}/issues`, {
          method: 'POST',
          body: { title: 'T', body: 'x'.repeat(65_536) }
        })
      ).status
    ).toBe(201)
    expect((await call(`${REPO}/issues`, { token: 'wrong' })).data).toMatchObject({
      message: 'Bad credentials'
    })
    expect((await call('/repos/other/repo/issues')).status).toBe(404)
  })

  it('refuses writes with GitHub message and documentation link, per permission', async () => {
    const { store } = await start({ faults: { refuse: 'pull-requests' } })
    const pr = store.addPullRequest()
    const onPr = await call(`${REPO}/issues/${pr}/comments`, {
      method: 'POST',
      body: { body: 'x' }
    })
    expect(onPr.status).toBe(403)
    expect(onPr.data).toMatchObject({
      message: 'Resource not accessible by integration',
      documentation_url: expect.stringContaining('docs.github.com/rest/issues/comments')
    })
    expect((await call(`${REPO}/issues`, { method: 'POST', body: { title: 'T' } })).status).toBe(
      201
    )
    store.faults.refuse = 'all'
    expect((await call(`${REPO}/issues`, { method: 'POST', body: { title: 'T' } })).status).toBe(
      403
    )
    expect((await call(`${REPO}/issues?state=all`)).status).toBe(200)
  })

  it('answers secondary and primary rate limits as GitHub words them, then recovers', async () => {
    const { store } = await start({
      faults: { rateLimit: { count: 1, kind: 'secondary', status: 429, retryAfter: 3 } }
    })
    const secondary = await call(`${REPO}/issues`)
    expect(secondary.status).toBe(429)
    expect(secondary.headers.get('retry-after')).toBe('3')
    expect((secondary.data as { message: string }).message).toMatch(
      /^You have exceeded a secondary rate limit\./
    )
    expect((await call(`${REPO}/issues`)).status).toBe(200)
    store.faults.rateLimit = { count: 1, kind: 'primary', resetSeconds: 30 }
    const primary = await call(`${REPO}/issues`)
    expect(primary.status).toBe(403)
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(primary.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 25)
    expect(store.requests.map((request) => request.status)).toEqual([429, 200, 403])
  })

  it("names each issue's and comment's author; GraphQL's viewer is the token's account", async () => {
    const { store } = await start()
    const mine = await call(`${REPO}/issues`, { method: 'POST', body: { title: 'T', body: 'B' } })
    expect(mine.data).toMatchObject({
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
    })
    const theirs = store.addIssue({ body: 'copied' })
    store.addComment(theirs, 'me too')
    expect((await call(`${REPO}/issues/${theirs}`)).data).toMatchObject({
      user: { login: 'mallory', type: 'User' }
    })
    expect((await call(`${REPO}/issues/${theirs}/comments`)).data).toEqual([
      expect.objectContaining({
        body: 'me too',
        user: { login: 'mallory', id: 5150, type: 'User' }
      })
    ])
    const viewer = await call('/graphql', {
      method: 'POST',
      body: { query: 'query { viewer { login databaseId } }' }
    })
    expect(viewer).toMatchObject({
      status: 200,
      data: { data: { viewer: { login: 'github-actions[bot]', databaseId: 41898282 } } }
    })
    store.faults.refuseReads = ['viewer']
    const refused = await call('/graphql', {
      method: 'POST',
      body: { query: '{ viewer { login databaseId } }' }
    })
    expect(refused).toMatchObject({
      status: 200,
      data: {
        data: null,
        errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }]
      }
    })
    const other = await call('/graphql', { method: 'POST', body: { query: '{ repository }' } })
    expect(other.data).toMatchObject({ errors: [{ message: expect.any(String) }] })
  })

  it('keeps code scanning alerts as analyses open, update, fix and reopen them, and lists them', async () => {
    const { store } = await start()
    const sarif = (category: string, ...lines: number[]) => ({
      runs: [
        {
          tool: {
            driver: { name: 'tool', rules: [{ id: 'r', defaultConfiguration: { level: 'error' } }] }
          },
          automationDetails: { id: `${category}/` },
          results: lines.map((line) => ({
            ruleId: 'r',
            message: { text: `at ${line}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'a.yml' },
                  region: { startLine: line }
                }
              }
            ],
            partialFingerprints: { key: `k${line}` }
          }))
        }
      ]
    })
    expect(store.codeScanning.ingest(sarif('c', 1, 2))).toEqual({
      opened: [1, 2],
      updated: [],
      fixed: []
    })
    // Another category is another analysis: it leaves c's alerts alone.
    expect(store.codeScanning.ingest(sarif('d', 1))).toEqual({
      opened: [3],
      updated: [],
      fixed: []
    })
    expect(store.codeScanning.ingest(sarif('c', 2))).toEqual({
      opened: [],
      updated: [2],
      fixed: [1]
    })
    expect(store.codeScanning.ingest(sarif('c', 1, 2))).toEqual({
      opened: [1],
      updated: [2],
      fixed: []
    })
    const listed = await call(`${REPO}/code-scanning/alerts?tool_name=tool&state=open&per_page=2`)
    expect((listed.data as { number: number }[]).map((alert) => alert.number)).toEqual([3, 2])
    expect(listed.headers.get('link')).toMatch(/rel="next"/)
    expect((listed.data as unknown[])[1]).toMatchObject({
      number: 2,
      state: 'open',
      rule: { id: 'r', severity: 'error' },
      tool: { name: 'tool' },
      most_recent_instance: { ref: 'refs/heads/main', category: 'c', message: { text: 'at 2' } }
    })
    expect((await call(`${REPO}/code-scanning/alerts?ref=other`)).data).toEqual([])
    store.faults.refuseReads = ['code-scanning']
    expect(await call(`${REPO}/code-scanning/alerts`)).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' }
    })
  })

  it('serves under /api/v3 as GitHub Enterprise Server does', async () => {
    const { url } = await start({ pathPrefix: '/api/v3' })
    expect(url).toMatch(/\/api\/v3$/)
    expect((await call(`${REPO}/issues`)).status).toBe(200)
  })
})
