// The thin I/O layer: reads the category's issues or pull-request comments with their authors and
// the token's own account, and performs a plan's writes in order, through @actions/github's
// Octokit (loaded here, on first use, so a run that writes nothing never loads it). failureWarning
// turns an error into a warning that names the fix.
import type { getOctokit } from '@actions/github'
import type { Author, Identity } from './identity.ts'
import type { ExistingComment, ExistingIssue, Write } from './plan.ts'
import {
  describeHttpError,
  networkFailure,
  RateLimitBoundError,
  withRateLimitWaits
} from './rate-limit.ts'

export type Octokit = ReturnType<typeof getOctokit>

export interface Repository {
  owner: string
  repo: string
}

/** GitHub.com's REST API, when GITHUB_API_URL is not set. */
export const DEFAULT_API_URL = 'https://api.github.com'

/** Most pages (of 100) read from one listing: bounds a repository with years of issues. */
export const MAX_LISTED_PAGES = 20

/** Thrown when the run's requests to GitHub take longer than the deadline. */
export class DeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(
      `GitHub's API did not answer within the ${Math.ceil(deadlineMs / 1000)} s allowed for notifications`
    )
    this.name = 'DeadlineError'
  }
}

/** An Octokit for `apiUrl` (GITHUB_API_URL; GitHub Enterprise Server's `https://HOST/api/v3`)
 * whose every request waits out rate limits within `boundMs` milliseconds in total, and which
 * gives up on the whole run after `deadlineMs`. */
export async function connect(
  token: string,
  apiUrl: string,
  boundMs: number,
  deadlineMs: number
): Promise<Octokit> {
  const { getOctokit } = await import('@actions/github')
  // Only baseUrl is set: the options are merged shallowly over @actions/github's defaults, whose
  // `request` carries the runner's proxy settings; the deadline goes on each request instead.
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') })
  const signal = AbortSignal.timeout(deadlineMs)
  const waited = { ms: 0 }
  // A wrap's inner layers are bound to the options object the request started with, so the
  // signal is set on that object (before-after-hook's `before`), not on a copy.
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal }
  })
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await withRateLimitWaits(async () => request(options), waited, boundMs)
    } catch (error) {
      // Octokit reports an aborted fetch as a 500 "Unknown Error": say what it was.
      if (signal.aborted) throw new DeadlineError(deadlineMs)
      throw error
    }
  })
  return octokit
}

/** An issue or comment as listed, with who wrote it. */
export type Authored<T> = T & { author: Author | null }

function authorOf(user: { login: string; id: number; type?: string } | null | undefined) {
  return user ? { login: user.login, id: user.id, type: user.type ?? 'User' } : null
}

/** The repository's issues with all of `labels` (any state, newest first), pull requests left
 * out, up to MAX_LISTED_PAGES pages. */
export async function listIssues(
  octokit: Octokit,
  where: Repository,
  labels: readonly string[]
): Promise<Authored<ExistingIssue>[]> {
  const issues: Authored<ExistingIssue>[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...where,
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: 100,
    ...(labels.length > 0 ? { labels: labels.join(',') } : {})
  })
  let count = 0
  for await (const page of pages) {
    for (const issue of page.data) {
      if (issue.pull_request) continue
      issues.push({
        number: issue.number,
        state: issue.state === 'closed' ? 'closed' : 'open',
        body: issue.body ?? null,
        author: authorOf(issue.user)
      })
    }
    if (++count >= MAX_LISTED_PAGES) break
  }
  return issues
}

/** The comments on issue or pull request `number`, up to MAX_LISTED_PAGES pages. */
export async function listComments(
  octokit: Octokit,
  where: Repository,
  number: number
): Promise<Authored<ExistingComment>[]> {
  const comments: Authored<ExistingComment>[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...where,
    issue_number: number,
    per_page: 100
  })
  let count = 0
  for await (const page of pages) {
    for (const comment of page.data) {
      comments.push({ id: comment.id, body: comment.body ?? null, author: authorOf(comment.user) })
    }
    if (++count >= MAX_LISTED_PAGES) break
  }
  return comments
}

/**
 * The account the token belongs to, from GraphQL's `viewer { login databaseId }`: a person for a
 * personal access token, `SLUG[bot]` for a GitHub App installation token (`github-actions[bot]`
 * for a job's GITHUB_TOKEN). One POST to the GraphQL endpoint (GitHub Enterprise Server's
 * `/api/graphql`, which Octokit derives from `/api/v3`); it reads, writes nothing. Throws the
 * request's error, or an Error when the answer has no login.
 */
export async function readViewer(octokit: Octokit): Promise<Identity> {
  const answer = await octokit.graphql<{ viewer?: { login?: unknown; databaseId?: unknown } }>(
    'query { viewer { login databaseId } }'
  )
  const { login, databaseId } = answer.viewer ?? {}
  if (typeof login !== 'string' || login === '') {
    throw new Error('GraphQL answered `viewer` without a login')
  }
  return { login, id: typeof databaseId === 'number' ? databaseId : null }
}

/** Performs one write; returns the issue number or comment id it wrote. */
export async function perform(octokit: Octokit, where: Repository, write: Write): Promise<number> {
  switch (write.op) {
    case 'create-issue': {
      const { data } = await octokit.rest.issues.create({
        ...where,
        title: write.title,
        body: write.body,
        labels: write.labels
      })
      return data.number
    }
    case 'update-issue': {
      await octokit.rest.issues.update({
        ...where,
        issue_number: write.number,
        ...(write.title !== undefined ? { title: write.title } : {}),
        ...(write.body !== undefined ? { body: write.body } : {}),
        ...(write.state !== undefined ? { state: write.state } : {}),
        ...(write.stateReason !== undefined ? { state_reason: write.stateReason } : {})
      })
      return write.number
    }
    case 'create-comment': {
      const { data } = await octokit.rest.issues.createComment({
        ...where,
        issue_number: write.number,
        body: write.body
      })
      return data.id
    }
    case 'update-comment': {
      const { data } = await octokit.rest.issues.updateComment({
        ...where,
        comment_id: write.commentId,
        body: write.body
      })
      return data.id
    }
  }
}

/** What a write does, for warnings ("comment on #12"). */
export function describeWrite(write: Write): string {
  switch (write.op) {
    case 'create-issue':
      return 'open the issue'
    case 'update-issue':
      return `update issue #${write.number}`
    case 'create-comment':
      return `comment on #${write.number}`
    case 'update-comment':
      return `update comment ${write.commentId}`
  }
}

/**
 * A warning for a failed request: what was being done, GitHub's status and message, and the fix.
 * `permission` is what the job's `permissions:` needs for it (e.g. `issues: write`); `notFound`,
 * when given, is what a 404 means for this request instead of a missing permission (a listing's
 * 404 names what was not found). A request that got no answer is a network error, with no status.
 */
export function failureWarning(
  error: unknown,
  doing: string,
  permission: string,
  notFound?: string
): string {
  if (error instanceof RateLimitBoundError || error instanceof DeadlineError) {
    return `Could not ${doing}: ${error.message}. The next run tries again.`
  }
  const graphqlErrors = graphqlErrorMessages(error)
  if (graphqlErrors !== null) {
    return `Could not ${doing}: GitHub's GraphQL API answered ${graphqlErrors}.`
  }
  const network = networkFailure(error)
  if (network !== null) {
    const where = network.origin === null ? '' : ` (${network.origin})`
    return `Could not ${doing}: a network error reaching GitHub's API at GITHUB_API_URL${where}, so there is no HTTP status: ${network.message}. Check that the runner can reach it; the next run tries again.`
  }
  const http = describeHttpError(error)
  if (http === null) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return `Could not ${doing}: ${text}.`
  }
  const said = `${http.status}${http.message ? ` ${http.message}` : ''}`
  if (http.status === 404 && notFound !== undefined)
    return `Could not ${doing} (${said}): ${notFound}.`
  if (http.status === 403 || http.status === 404) {
    return (
      `Could not ${doing} (${said}): the token lacks \`${permission}\`. Add \`permissions: ${permission}\` to the job ` +
      '(a pull request from a fork gets a read-only token whatever the workflow asks; such runs cannot write).'
    )
  }
  if (http.status === 401)
    return `Could not ${doing} (${said}): GitHub refused the token given as \`github-token\`.`
  if (http.status === 410)
    return `Could not ${doing} (${said}): issues are turned off in this repository's settings.`
  return `Could not ${doing} (${said}).`
}

/** The messages of a GraphQL answer that carried `errors` (Octokit's GraphqlResponseError, thrown
 * on a 200 answer), quoted and joined; null for any other error. */
function graphqlErrorMessages(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return null
  const errors = (error as { errors?: unknown }).errors
  if (!Array.isArray(errors)) return null
  const messages = errors.map((item: unknown) =>
    JSON.stringify(String((item as { message?: unknown } | null)?.message ?? 'an error'))
  )
  return messages.length > 0 ? messages.join(', ') : 'with errors'
}
