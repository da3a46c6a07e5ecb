// GitHub's REST API as this action uses it for issue 15's notifications, on its own port over
// http (GITHUB_API_URL=http://127.0.0.1:PORT, or PORT/api/v3 as on GitHub Enterprise Server):
// issues listed by labels and state with Link pagination, issues created and updated (state,
// state_reason), issue comments listed, created and updated (a pull request's comments are the
// issue comments of its number), each with its author (`user`), and GraphQL's `viewer`: the
// account the token belongs to, `github-actions[bot]` by default as for a job's GITHUB_TOKEN;
// code scanning's alerts, listed, made from SARIF a test uploads (code-scanning.ts). Tests add
// issues and comments by other accounts (store.addIssue, store.addComment). Faults: writes
// refused as a token without the permission (or a fork's read-only token) is refused, reads
// refused (`viewer`, `code-scanning`), and rate limits, primary and secondary, as GitHub words them.
// Everything written is kept in `store` for tests to read back. docs/design.md, "The stand-in".
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CodeScanning, alertJson } from './code-scanning.ts'
import { DOCS, ghError, rateLimited, refused, type GitHubFaults } from './github-faults.ts'

export type { GitHubFaults } from './github-faults.ts'
import { json, readBody, send, type Reply } from './http.ts'

/** An account as the REST API shows an author (`user`): what a test compares authorship by. */
export interface GitHubAccount {
  login: string
  id: number
  type: 'User' | 'Bot'
}

/** The account a job's GITHUB_TOKEN writes as (an installation token of the GitHub Actions app). */
export const GITHUB_ACTIONS_BOT: GitHubAccount = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot'
}

export interface StoredIssue {
  number: number
  /** Who opened it. */
  author: GitHubAccount
  title: string
  body: string | null
  state: 'open' | 'closed'
  state_reason: string | null
  labels: string[]
  /** True for a pull request (listed among issues, as GitHub lists them). */
  pullRequest: boolean
  created_at: string
  updated_at: string
  closed_at: string | null
}

export interface StoredComment {
  id: number
  issue_number: number
  /** Who wrote it. */
  author: GitHubAccount
  body: string
  created_at: string
  updated_at: string
}

export interface GitHubStore {
  owner: string
  repo: string
  issues: Map<number, StoredIssue>
  comments: StoredComment[]
  /** Every request answered: method, path with query, status. */
  requests: { method: string; path: string; status: number }[]
  faults: GitHubFaults
  /** The account the token belongs to: the author of everything the API writes. */
  viewer: GitHubAccount
  /** Code scanning's alerts; `codeScanning.ingest(sarif, ref)` uploads an analysis. */
  codeScanning: CodeScanning
  /** Adds a pull request (an issue number that is a pull request); returns its number. */
  addPullRequest(title?: string): number
  /** Adds an issue as `author` wrote it (another account, by default); returns its number. */
  addIssue(issue: {
    title?: string
    body: string
    labels?: string[]
    state?: 'open' | 'closed'
    author?: GitHubAccount
  }): number
  /** Adds a comment on issue or pull request `number` as `author` wrote it; returns its id. */
  addComment(number: number, body: string, author?: GitHubAccount): number
  /** The comments on issue or pull request `number`, oldest first. */
  commentsOn(number: number): StoredComment[]
  /** The issues (not pull requests) in number order. */
  listIssues(): StoredIssue[]
}

export interface GitHubStandinOptions {
  owner?: string
  repo?: string
  /** The token the API accepts; default `ghs_standin`. */
  token?: string
  /** The account the token belongs to; default GITHUB_ACTIONS_BOT. */
  viewer?: GitHubAccount
  /** Path before `/repos`: `''` (github.com) or `/api/v3` (GitHub Enterprise Server). */
  pathPrefix?: string
  /** Port on 127.0.0.1; default 0, a free one. */
  port?: number
  faults?: Partial<GitHubFaults>
}

export interface GitHubStandin {
  /** What GITHUB_API_URL would be, e.g. `http://127.0.0.1:PORT`. */
  url: string
  store: GitHubStore
  /** Stops the server; closing twice is harmless. */
  close(): Promise<void>
}

/** GitHub's limit on issue and comment bodies, in characters. */
export const GITHUB_MAX_BODY = 65_536
const STATE_REASONS = new Set(['completed', 'not_planned', 'reopened', 'duplicate'])
/** Another person's account, the default author of what tests add. */
export const OTHER_USER: GitHubAccount = { login: 'mallory', id: 5150, type: 'User' }

function validation(resource: string, field: string, message: string): Reply {
  return json(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: DOCS,
    status: '422'
  })
}

interface Counters {
  issue: number
  comment: number
}

function createStore(options: GitHubStandinOptions, counters: Counters): GitHubStore {
  const store: GitHubStore = {
    owner: options.owner ?? 'octo-org',
    repo: options.repo ?? 'estate',
    issues: new Map(),
    comments: [],
    requests: [],
    faults: { refuse: null, rateLimit: null, ...options.faults },
    viewer: options.viewer ?? GITHUB_ACTIONS_BOT,
    codeScanning: new CodeScanning(),
    addPullRequest(title = 'A pull request') {
      const now = new Date().toISOString()
      const number = counters.issue++
      store.issues.set(number, {
        number,
        author: OTHER_USER,
        title,
        body: '',
        state: 'open',
        state_reason: null,
        labels: [],
        pullRequest: true,
        created_at: now,
        updated_at: now,
        closed_at: null
      })
      return number
    },
    addIssue({ title = 'An issue', body, labels = [], state = 'open', author = OTHER_USER }) {
      const now = new Date().toISOString()
      const number = counters.issue++
      store.issues.set(number, {
        number,
        author,
        title,
        body,
        state,
        state_reason: state === 'closed' ? 'completed' : null,
        labels,
        pullRequest: false,
        created_at: now,
        updated_at: now,
        closed_at: state === 'closed' ? now : null
      })
      return number
    },
    addComment(number, body, author = OTHER_USER) {
      const now = new Date().toISOString()
      const id = counters.comment++
      store.comments.push({
        id,
        issue_number: number,
        author,
        body,
        created_at: now,
        updated_at: now
      })
      return id
    },
    commentsOn: (number) => store.comments.filter((comment) => comment.issue_number === number),
    listIssues: () =>
      [...store.issues.values()]
        .filter((issue) => !issue.pullRequest)
        .sort((a, b) => a.number - b.number)
  }
  return store
}

function accountJson(account: GitHubAccount): unknown {
  return { login: account.login, id: account.id, type: account.type }
}

function issueJson(base: string, store: GitHubStore, issue: StoredIssue): unknown {
  const api = `${base}/repos/${store.owner}/${store.repo}`
  return {
    id: 100000 + issue.number,
    number: issue.number,
    url: `${api}/issues/${issue.number}`,
    html_url: `https://github.com/${store.owner}/${store.repo}/issues/${issue.number}`,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    labels: issue.labels.map((name, index) => ({ id: index + 1, name })),
    user: accountJson(issue.author),
    comments: store.commentsOn(issue.number).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    ...(issue.pullRequest ? { pull_request: { url: `${api}/pulls/${issue.number}` } } : {})
  }
}

function commentJson(base: string, store: GitHubStore, comment: StoredComment): unknown {
  return {
    id: comment.id,
    url: `${base}/repos/${store.owner}/${store.repo}/issues/comments/${comment.id}`,
    body: comment.body,
    user: accountJson(comment.author),
    created_at: comment.created_at,
    updated_at: comment.updated_at
  }
}

/** One page of `items` and GitHub's Link header (first, prev, next, last as they apply). */
function paginate<T>(
  items: T[],
  url: URL,
  origin: string
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30))
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const at = (n: number): string => {
    const target = new URL(url.pathname + url.search, origin)
    target.searchParams.set('page', String(n))
    target.searchParams.set('per_page', String(perPage))
    return `<${target.href}>`
  }
  const links: string[] = []
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`)
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (page > 1) links.push(`${at(1)}; rel="first"`)
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { Link: links.join(', ') } : {}
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text || '{}')
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value
    .map((label) =>
      typeof label === 'string'
        ? label
        : typeof label === 'object' && label !== null
          ? String((label as { name?: unknown }).name ?? '')
          : ''
    )
    .filter((name) => name !== '')
}

function bodyTooLong(body: unknown, resource: string): Reply | null {
  if (typeof body === 'string' && Array.from(body).length > GITHUB_MAX_BODY) {
    return validation(
      resource,
      'body',
      `body is too long (maximum is ${GITHUB_MAX_BODY} characters)`
    )
  }
  return null
}

/** GitHub's GraphQL API for the one query the action sends: `viewer { login databaseId }`. A
 * refused read or any other query is answered 200 with `errors`, as GitHub's GraphQL API does. */
function graphql(store: GitHubStore, input: Record<string, unknown> | null): Reply {
  const query = typeof input?.query === 'string' ? input.query : ''
  if (!/^\s*(query\s*)?\{\s*viewer\s*\{\s*login\s+databaseId\s*\}\s*\}\s*$/.test(query)) {
    return json(200, { errors: [{ message: `The stand-in does not answer this query: ${query}` }] })
  }
  if (store.faults.refuseReads?.includes('viewer')) {
    return json(200, {
      data: null,
      errors: [
        {
          type: 'FORBIDDEN',
          path: ['viewer'],
          message: 'Resource not accessible by integration'
        }
      ]
    })
  }
  return json(200, { data: { viewer: { login: store.viewer.login, databaseId: store.viewer.id } } })
}

async function route(
  req: IncomingMessage,
  store: GitHubStore,
  counters: Counters,
  base: string,
  origin: string,
  prefix: string,
  token: string
): Promise<Reply> {
  const auth = req.headers.authorization ?? ''
  if (auth !== `token ${token}` && auth !== `Bearer ${token}` && auth !== `bearer ${token}`) {
    return ghError(401, 'Bad credentials', DOCS)
  }
  const limited = rateLimited(store.faults)
  if (limited) return limited
  const url = new URL(req.url ?? '/', origin)
  // GitHub Enterprise Server serves GraphQL at /api/graphql beside the REST API's /api/v3.
  const graphqlPath = prefix === '' ? '/graphql' : `${prefix.replace(/\/v3$/, '')}/graphql`
  if (url.pathname === graphqlPath && req.method === 'POST') {
    return graphql(store, parse(await readBody(req)))
  }
  const repoPath = `${prefix}/repos/${store.owner}/${store.repo}`
  if (url.pathname === `${repoPath}/code-scanning/alerts` && req.method === 'GET') {
    if (store.faults.refuseReads?.includes('code-scanning')) {
      return ghError(
        403,
        'Resource not accessible by integration',
        `${DOCS}/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository`
      )
    }
    const { page, headers } = paginate(store.codeScanning.listed(url.searchParams), url, origin)
    const html = `https://github.com/${store.owner}/${store.repo}`
    return json(
      200,
      page.map((alert) => alertJson(`${base}/repos/${store.owner}/${store.repo}`, html, alert)),
      headers
    )
  }
  if (!url.pathname.startsWith(`${repoPath}/issues`)) return ghError(404, 'Not Found', DOCS)
  const rest = url.pathname.slice(repoPath.length)
  const method = req.method ?? 'GET'
  const now = new Date().toISOString()
  const input = method === 'GET' ? {} : parse(await readBody(req))
  if (input === null) return ghError(400, 'Problems parsing JSON', DOCS)

  if (rest === '/issues' && method === 'GET') {
    const state = url.searchParams.get('state') ?? 'open'
    const wanted = (url.searchParams.get('labels') ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean)
    const direction = url.searchParams.get('direction') === 'asc' ? 1 : -1
    const key = url.searchParams.get('sort') === 'updated' ? 'updated_at' : 'created_at'
    const items = [...store.issues.values()]
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) =>
        wanted.every((label) =>
          issue.labels.some((name) => name.toLowerCase() === label.toLowerCase())
        )
      )
      .sort((a, b) => direction * (a[key].localeCompare(b[key]) || a.number - b.number))
    const { page, headers } = paginate(items, url, origin)
    return json(
      200,
      page.map((issue) => issueJson(base, store, issue)),
      headers
    )
  }
  if (rest === '/issues' && method === 'POST') {
    const denied = refused(store.faults, false, `${DOCS}/issues/issues#create-an-issue`)
    if (denied) return denied
    if (typeof input.title !== 'string' || input.title === '')
      return validation('Issue', 'title', "title wasn't supplied")
    const tooLong = bodyTooLong(input.body, 'Issue')
    if (tooLong) return tooLong
    const number = counters.issue++
    const issue: StoredIssue = {
      number,
      title: input.title,
      body: typeof input.body === 'string' ? input.body : null,
      state: 'open',
      state_reason: null,
      labels: labelNames(input.labels),
      pullRequest: false,
      author: store.viewer,
      created_at: now,
      updated_at: now,
      closed_at: null
    }
    store.issues.set(number, issue)
    return json(201, issueJson(base, store, issue))
  }
  const comment = /^\/issues\/comments\/(\d+)$/.exec(rest)
  if (comment) {
    const stored = store.comments.find((item) => item.id === Number(comment[1]))
    if (!stored) return ghError(404, 'Not Found', DOCS)
    if (method === 'GET') return json(200, commentJson(base, store, stored))
    if (method !== 'PATCH') return ghError(404, 'Not Found', DOCS)
    const denied = refused(
      store.faults,
      store.issues.get(stored.issue_number)?.pullRequest === true,
      `${DOCS}/issues/comments#update-an-issue-comment`
    )
    if (denied) return denied
    if (typeof input.body !== 'string')
      return validation('IssueComment', 'body', "body wasn't supplied")
    const tooLong = bodyTooLong(input.body, 'IssueComment')
    if (tooLong) return tooLong
    stored.body = input.body
    stored.updated_at = now
    return json(200, commentJson(base, store, stored))
  }
  const single = /^\/issues\/(\d+)(\/comments)?$/.exec(rest)
  const issue = single ? store.issues.get(Number(single[1])) : undefined
  if (!single || !issue) return ghError(404, 'Not Found', DOCS)
  if (single[2]) {
    if (method === 'GET') {
      const { page, headers } = paginate(store.commentsOn(issue.number), url, origin)
      return json(
        200,
        page.map((item) => commentJson(base, store, item)),
        headers
      )
    }
    if (method !== 'POST') return ghError(404, 'Not Found', DOCS)
    const denied = refused(
      store.faults,
      issue.pullRequest,
      `${DOCS}/issues/comments#create-an-issue-comment`
    )
    if (denied) return denied
    if (typeof input.body !== 'string' || input.body === '')
      return validation('IssueComment', 'body', "body wasn't supplied")
    const tooLong = bodyTooLong(input.body, 'IssueComment')
    if (tooLong) return tooLong
    const created: StoredComment = {
      id: counters.comment++,
      issue_number: issue.number,
      author: store.viewer,
      body: input.body,
      created_at: now,
      updated_at: now
    }
    store.comments.push(created)
    return json(201, commentJson(base, store, created))
  }
  if (method === 'GET') return json(200, issueJson(base, store, issue))
  if (method !== 'PATCH') return ghError(404, 'Not Found', DOCS)
  const denied = refused(store.faults, issue.pullRequest, `${DOCS}/issues/issues#update-an-issue`)
  if (denied) return denied
  const tooLong = bodyTooLong(input.body, 'Issue')
  if (tooLong) return tooLong
  if (input.state !== undefined && input.state !== 'open' && input.state !== 'closed')
    return validation('Issue', 'state', 'state is not included in the list')
  if (
    input.state_reason !== undefined &&
    input.state_reason !== null &&
    !STATE_REASONS.has(String(input.state_reason))
  ) {
    return validation('Issue', 'state_reason', 'state_reason is not included in the list')
  }
  if (typeof input.title === 'string') issue.title = input.title
  if (typeof input.body === 'string' || input.body === null) issue.body = input.body
  if (input.labels !== undefined) issue.labels = labelNames(input.labels)
  if (input.state === 'closed' && issue.state !== 'closed') {
    issue.state = 'closed'
    issue.closed_at = now
    issue.state_reason = typeof input.state_reason === 'string' ? input.state_reason : 'completed'
  } else if (input.state === 'open' && issue.state !== 'open') {
    issue.state = 'open'
    issue.closed_at = null
    issue.state_reason = 'reopened'
  }
  issue.updated_at = now
  return json(200, issueJson(base, store, issue))
}

/** Starts the GitHub stand-in on 127.0.0.1, on `options.port` or a free port. */
export async function startGitHubStandin(
  options: GitHubStandinOptions = {}
): Promise<GitHubStandin> {
  const counters: Counters = { issue: 1, comment: 1000 }
  const store = createStore(options, counters)
  const prefix = options.pathPrefix ?? ''
  const token = options.token ?? 'ghs_standin'
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const base = `${origin}${prefix}`
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, store, counters, base, origin, prefix, token)
      .catch((error: unknown) =>
        ghError(500, error instanceof Error ? error.message : String(error), DOCS)
      )
      .then((reply) => {
        store.requests.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status: reply.status
        })
        send(res, {
          ...reply,
          headers: {
            'x-github-request-id': randomUUID(),
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '4999',
            ...reply.headers
          }
        })
      })
  })
  return {
    url: base,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve()
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}
