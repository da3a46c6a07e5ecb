// What the action reads from the runner besides its inputs: the identifiers of the run and the
// workflow file that ran it (to point results at the line listing each subscription).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ReportContext } from './report/context.ts'
import { parseWorkflowRef } from './report/locate.ts'
import type { Settings } from './inputs.ts'

// A workflow file larger than this is not one people list subscriptions in; do not read it.
const MAX_WORKFLOW_FILE_BYTES = 1024 * 1024

export async function readReportContext(
  environment: NodeJS.ProcessEnv,
  settings: Settings,
  actionVersion: string
): Promise<ReportContext> {
  return {
    workflowRef: environment.GITHUB_WORKFLOW_REF,
    workflowFileContent: await readWorkflowFile(environment),
    actionVersion,
    job: environment.GITHUB_JOB,
    workflowName: environment.GITHUB_WORKFLOW,
    runId: environment.GITHUB_RUN_ID,
    runAttempt: environment.GITHUB_RUN_ATTEMPT,
    serverUrl: environment.GITHUB_SERVER_URL,
    repository: environment.GITHUB_REPOSITORY,
    actionRepository: environment.GITHUB_ACTION_REPOSITORY,
    clientId: settings.clientId,
    failOn: settings.failOn
  }
}

/** The workflow file as checked out in the workspace, or null when it is not there. */
async function readWorkflowFile(environment: NodeJS.ProcessEnv): Promise<string | null> {
  const workflow = parseWorkflowRef(environment.GITHUB_WORKFLOW_REF)
  if (!workflow) return null
  // A reusable workflow from another repository is not in this workspace.
  const repository = environment.GITHUB_REPOSITORY
  if (
    repository &&
    repository.toLowerCase() !== `${workflow.owner}/${workflow.repo}`.toLowerCase()
  ) {
    return null
  }
  const workspace = path.resolve(environment.GITHUB_WORKSPACE || process.cwd())
  const file = path.resolve(workspace, workflow.path)
  if (path.relative(workspace, file).startsWith('..')) return null
  try {
    const content = await readFile(file)
    return content.length > MAX_WORKFLOW_FILE_BYTES ? null : content.toString('utf8')
  } catch {
    return null
  }
}
