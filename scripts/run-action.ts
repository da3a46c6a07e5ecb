// Runs the bundled action (dist/index.js) as a child process, the way a GitHub runner does: every
// input as INPUT_* (defaults from action.yml), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the
// OIDC variables, GITHUB_WORKFLOW_REF of a workflow file in a scratch workspace.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type { StandIn } from '../standin/server.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export const REPOSITORY = 'octo-org/octo-repo'
export const WORKFLOW_PATH = '.github/workflows/jit-network-access.yml'

export interface ActionRunOptions {
  standIn: Pick<StandIn, 'authorityHost' | 'resourceManagerEndpoint' | 'runnerEnvironment'>
  /** Inputs by name as in action.yml; the others take action.yml's defaults. */
  inputs: Record<string, string>
  /** The workflow file checked out in the workspace; absent: none. */
  workflowContent?: string
  /** More environment, overriding what the runner would set (e.g. remove a variable with ''). */
  environment?: Record<string, string | undefined>
  /** The action's entry point; default the committed bundle. */
  entryPoint?: string
  /** Keep the workspace after the run (the caller removes it). */
  keepWorkspace?: boolean
  /** Run in this folder (created, and kept) instead of a new temporary one. */
  workspace?: string
  /** Kill the action after this many milliseconds (exitCode is then null); default never. */
  timeoutMs?: number
  /** Run it with this limit on the size of any file it writes, in bytes (RLIMIT_FSIZE, through
   * util-linux's `prlimit`, which keeps the environment as it is): a write past it fails part way
   * with EFBIG, as on a disk that fills up. */
  fileSizeLimitBytes?: number
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  workspace: string
  /** Milliseconds from spawning the process to its exit. */
  durationMs: number
}

/** Every input of action.yml with its default, as the runner passes them. A default that is an
 * expression (`github-token`'s `${{ github.token }}`) is evaluated by the runner; here there is no
 * job token to evaluate it to, so it is passed empty. */
export async function actionDefaults(): Promise<Record<string, string>> {
  const action = parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      /^\$\{\{.*\}\}$/s.test(input.default ?? '') ? '' : (input.default ?? '')
    ])
  )
}

/** Reads the name<<delimiter / value / delimiter blocks that @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index += 1) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[index]!)
    if (!header) continue
    const [, name, delimiter] = header as unknown as [string, string, string]
    const value: string[] = []
    for (index += 1; index < lines.length && lines[index] !== delimiter; index += 1) {
      value.push(lines[index]!)
    }
    outputs[name] = value.join('\n')
  }
  return outputs
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const workspace =
    options.workspace ?? (await mkdtemp(path.join(tmpdir(), 'jit-action-workspace-')))
  const runnerTemp = path.join(workspace, '_temp')
  await mkdir(runnerTemp, { recursive: true })
  const outputFile = path.join(runnerTemp, 'github_output')
  const summaryFile = path.join(runnerTemp, 'step_summary.md')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  if (options.workflowContent !== undefined) {
    await mkdir(path.join(workspace, path.dirname(WORKFLOW_PATH)), { recursive: true })
    await writeFile(path.join(workspace, WORKFLOW_PATH), options.workflowContent)
  }
  const inputs = { ...(await actionDefaults()), ...options.inputs }
  const environment: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'JIT network access',
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/${WORKFLOW_PATH}@refs/heads/main`,
    GITHUB_JOB: 'jit-audit',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    // A push: `issue: auto` writes no issue then. Tests of the issue set schedule (and the API).
    GITHUB_EVENT_NAME: 'push',
    ...options.standIn.runnerEnvironment(),
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [
        `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
        value
      ])
    ),
    ...options.environment
  }
  const started = performance.now()
  const entryPoint = options.entryPoint ?? path.join(ROOT, 'dist/index.js')
  // Node ignores SIGXFSZ, so a write past the limit fails with EFBIG instead of ending it. (A
  // shell's `ulimit` would do, but dash drops the INPUT_* variables whose names hold a `-`.)
  const [command, args] =
    options.fileSizeLimitBytes === undefined
      ? [process.execPath, [entryPoint]]
      : ['prlimit', [`--fsize=${options.fileSizeLimitBytes}`, '--', process.execPath, entryPoint]]
  const child = spawn(command, args, {
    cwd: workspace,
    env: Object.fromEntries(
      Object.entries(environment).filter(
        (entry): entry is [string, string] => entry[1] !== undefined
      )
    ),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const killer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code))
  }).finally(() => clearTimeout(killer))
  const durationMs = performance.now() - started
  const run: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    workspace,
    durationMs
  }
  if (!options.keepWorkspace && !options.workspace)
    await rm(workspace, { recursive: true, force: true })
  return run
}
