// What the action reads from the runner besides its inputs, read once from the environment: the
// identifiers of the run and the event that started it, what the runner offers (an OIDC token, a
// job summary file), GitHub's API (for the issue and pull-request comment, src/notify), the
// workflow file that ran it (to point results at the line listing each subscription) and the pull
// request of the event payload. The inputs (inputs/) take their fallbacks from here too, so no
// other module reads process.env.
import { readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseWorkflowRef, type WorkflowRef } from './workflow-ref.ts'

export interface RunContext {
  /** GITHUB_WORKSPACE as an absolute path; the current directory when it is not set. */
  workspace: string
  /** RUNNER_TEMP as an absolute path (emptied by the runner after each job); the operating
   * system's temporary folder when it is not set. */
  runnerTemp: string
  /** AZURE_CLIENT_ID and AZURE_TENANT_ID, trimmed; '' when not set. */
  azureClientId: string
  azureTenantId: string
  /** Whether the runner offers an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is set). */
  oidcAvailable: boolean
  /** Whether the runner takes a job summary (GITHUB_STEP_SUMMARY is set). */
  jobSummaryAvailable: boolean
  /** GITHUB_STEP_SUMMARY: the file the job summary is appended to; undefined when not set. */
  jobSummaryFile: string | undefined
  /** GITHUB_OUTPUT: the file the step outputs are appended to; undefined when not set (then
   * @actions/core's `set-output` command in the log is the only way to set them). */
  outputFile: string | undefined
  /** GITHUB_WORKFLOW_REF, parsed; null when it is missing or unusable. */
  workflowRef: WorkflowRef | null
  /** GITHUB_JOB: the job's id in the workflow. */
  job: string | undefined
  /** GITHUB_WORKFLOW: the workflow's name. */
  workflowName: string | undefined
  /** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT. */
  runId: string | undefined
  runAttempt: string | undefined
  /** GITHUB_SERVER_URL, e.g. `https://github.com`. */
  serverUrl: string | undefined
  /** GITHUB_REPOSITORY, `owner/name`. */
  repository: string | undefined
  /** GITHUB_ACTION_REPOSITORY: the repository of this action. */
  actionRepository: string | undefined
  /** GITHUB_EVENT_NAME: the event that started the workflow (`schedule`, `pull_request`...). */
  eventName: string | undefined
  /** GITHUB_EVENT_PATH: the file holding the event's webhook payload. */
  eventPath: string | undefined
  /** GITHUB_API_URL: GitHub's REST API (`https://HOST/api/v3` on GitHub Enterprise Server). */
  apiUrl: string | undefined
  /** GITHUB_REF: the ref the run is for (`refs/heads/main`, `refs/pull/7/merge`), the ref whose
   * code scanning alerts the SARIF upload updates. */
  ref: string | undefined
}

/** The run context from `environment` (process.env on a runner); `cwd` stands in for an unset
 * GITHUB_WORKSPACE. Reads nothing else and never throws. */
export function readRunContext(
  environment: NodeJS.ProcessEnv,
  cwd: string = process.cwd()
): RunContext {
  return {
    workspace: path.resolve(environment.GITHUB_WORKSPACE || cwd),
    runnerTemp: path.resolve(environment.RUNNER_TEMP || tmpdir()),
    azureClientId: (environment.AZURE_CLIENT_ID ?? '').trim(),
    azureTenantId: (environment.AZURE_TENANT_ID ?? '').trim(),
    oidcAvailable: Boolean(environment.ACTIONS_ID_TOKEN_REQUEST_URL),
    jobSummaryAvailable: Boolean(environment.GITHUB_STEP_SUMMARY),
    jobSummaryFile: environment.GITHUB_STEP_SUMMARY || undefined,
    outputFile: environment.GITHUB_OUTPUT || undefined,
    workflowRef: parseWorkflowRef(environment.GITHUB_WORKFLOW_REF),
    job: environment.GITHUB_JOB,
    workflowName: environment.GITHUB_WORKFLOW,
    runId: environment.GITHUB_RUN_ID,
    runAttempt: environment.GITHUB_RUN_ATTEMPT,
    serverUrl: environment.GITHUB_SERVER_URL,
    repository: environment.GITHUB_REPOSITORY,
    actionRepository: environment.GITHUB_ACTION_REPOSITORY,
    eventName: environment.GITHUB_EVENT_NAME,
    eventPath: environment.GITHUB_EVENT_PATH,
    apiUrl: environment.GITHUB_API_URL,
    ref: environment.GITHUB_REF
  }
}

// A workflow file larger than this is not one people list subscriptions in; do not read it.
export const MAX_WORKFLOW_FILE_BYTES = 1024 * 1024

/**
 * The text of the workflow file that ran the action, as checked out in the workspace; null when
 * there is no usable GITHUB_WORKFLOW_REF, the workflow belongs to another repository (a reusable
 * workflow), the path leaves the workspace, the file is missing, unreadable or no regular file
 * (a pipe or a device would hold the run), or it is larger than MAX_WORKFLOW_FILE_BYTES. Never
 * throws.
 */
export async function readWorkflowFile(runContext: RunContext): Promise<string | null> {
  const workflow = runContext.workflowRef
  if (!workflow) return null
  const repository = runContext.repository
  if (
    repository &&
    repository.toLowerCase() !== `${workflow.owner}/${workflow.repo}`.toLowerCase()
  ) {
    return null
  }
  const file = path.resolve(runContext.workspace, workflow.path)
  if (path.relative(runContext.workspace, file).startsWith('..')) return null
  try {
    const found = await stat(file)
    if (!found.isFile() || found.size > MAX_WORKFLOW_FILE_BYTES) return null
    const content = await readFile(file)
    return content.length > MAX_WORKFLOW_FILE_BYTES ? null : content.toString('utf8')
  } catch {
    return null
  }
}

/** Events whose payload carries `pull_request` (GitHub's "Events that trigger workflows"). */
export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']
// A webhook payload is capped at 25 MB by GitHub; a pull request's is far smaller.
const MAX_EVENT_FILE_BYTES = 25 * 1024 * 1024

/**
 * The number of the pull request that started the run: `pull_request.number` of the event payload
 * (GITHUB_EVENT_PATH) on `pull_request` and `pull_request_target` events; null on other events, or
 * when the payload is missing, unreadable, no regular file, larger than GitHub's webhook limit or
 * holds no positive whole number there. Never throws.
 */
export async function readPullRequestNumber(runContext: RunContext): Promise<number | null> {
  const { eventName, eventPath } = runContext
  if (!eventName || !PULL_REQUEST_EVENTS.includes(eventName) || !eventPath) return null
  try {
    const found = await stat(eventPath)
    if (!found.isFile() || found.size > MAX_EVENT_FILE_BYTES) return null
    const payload: unknown = JSON.parse(await readFile(eventPath, 'utf8'))
    const number =
      typeof payload === 'object' && payload !== null
        ? (payload as { pull_request?: { number?: unknown } }).pull_request?.number
        : undefined
    return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : null
  } catch {
    return null
  }
}
