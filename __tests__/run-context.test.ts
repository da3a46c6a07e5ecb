import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  MAX_WORKFLOW_FILE_BYTES,
  readPullRequestNumber,
  readRunContext,
  readWorkflowFile
} from '../src/run-context.ts'

const WORKFLOW = '.github/workflows/jit.yml'
const REF = `octo-org/octo-repo/${WORKFLOW}@refs/heads/main`
let workspace: string

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'jit-run-context-'))
  await mkdir(path.join(workspace, '.github/workflows'), { recursive: true })
  await writeFile(path.join(workspace, WORKFLOW), 'subscriptions: x\n')
  await writeFile(path.join(workspace, 'pr.json'), JSON.stringify({ pull_request: { number: 17 } }))
  await writeFile(
    path.join(workspace, 'odd.json'),
    JSON.stringify({ pull_request: { number: '17' } })
  )
  await writeFile(path.join(workspace, 'broken.json'), '{"pull_request":')
  await writeFile(
    path.join(workspace, '.github/workflows/big.yml'),
    'x'.repeat(MAX_WORKFLOW_FILE_BYTES + 1)
  )
  // What reading would wait on forever (a pipe no one writes) or never finish (a device).
  execFileSync('mkfifo', [path.join(workspace, '.github/workflows/pipe.yml')])
  execFileSync('mkfifo', [path.join(workspace, 'pipe.json')])
  await symlink('/dev/zero', path.join(workspace, '.github/workflows/zero.yml'))
})

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true })
})

describe('readRunContext', () => {
  test('reads the runner variables once, GITHUB_WORKFLOW_REF parsed', () => {
    const run = readRunContext(
      {
        GITHUB_WORKSPACE: 'relative/ws',
        AZURE_CLIENT_ID: ' client \n',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
        GITHUB_WORKFLOW_REF: REF,
        GITHUB_JOB: 'audit',
        GITHUB_RUN_ID: '7',
        RUNNER_TEMP: '/home/runner/work/_temp',
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_EVENT_PATH: '/runner/event.json',
        GITHUB_API_URL: 'https://ghe.example/api/v3'
      },
      '/cwd'
    )
    expect(run).toMatchObject({
      workspace: path.resolve('relative/ws'),
      runnerTemp: '/home/runner/work/_temp',
      azureClientId: 'client',
      azureTenantId: '',
      oidcAvailable: true,
      jobSummaryAvailable: false,
      workflowRef: { owner: 'octo-org', repo: 'octo-repo', path: WORKFLOW, ref: 'refs/heads/main' },
      job: 'audit',
      runId: '7',
      eventName: 'schedule',
      eventPath: '/runner/event.json',
      apiUrl: 'https://ghe.example/api/v3'
    })
  })

  test('without the runner: the current folder, no workflow, no OIDC, no summary', () => {
    expect(readRunContext({}, '/cwd')).toMatchObject({
      workspace: '/cwd',
      runnerTemp: path.resolve(tmpdir()),
      workflowRef: null,
      oidcAvailable: false,
      jobSummaryAvailable: false
    })
  })
})

describe('readWorkflowFile', () => {
  const read = (env: NodeJS.ProcessEnv) =>
    readWorkflowFile(readRunContext({ GITHUB_WORKSPACE: workspace, ...env }))

  test('reads the workflow file of this repository from the workspace', async () => {
    await expect(
      read({ GITHUB_WORKFLOW_REF: REF, GITHUB_REPOSITORY: 'Octo-Org/octo-repo' })
    ).resolves.toBe('subscriptions: x\n')
  })

  test.each([
    ['no GITHUB_WORKFLOW_REF', {}],
    [
      'a reusable workflow of another repository',
      { GITHUB_WORKFLOW_REF: REF, GITHUB_REPOSITORY: 'o/other' }
    ],
    [
      'a file not checked out',
      { GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/gone.yml@refs/heads/main' }
    ],
    [
      'a file too large',
      { GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/big.yml@refs/heads/main' }
    ],
    [
      'a named pipe',
      { GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/pipe.yml@refs/heads/main' }
    ],
    [
      'a link to a device',
      { GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/zero.yml@refs/heads/main' }
    ]
  ])('gives null for %s', async (_what, env) => {
    await expect(read(env)).resolves.toBeNull()
  })
})

describe('readPullRequestNumber', () => {
  const read = (env: NodeJS.ProcessEnv) =>
    readPullRequestNumber(readRunContext({ GITHUB_WORKSPACE: workspace, ...env }))

  test.each(['pull_request', 'pull_request_target'])(
    'reads pull_request.number of the payload on %s',
    async (event) => {
      await expect(
        read({ GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: path.join(workspace, 'pr.json') })
      ).resolves.toBe(17)
    }
  )

  test.each([
    ['another event', { GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: 'pr.json' }],
    ['no payload file named', { GITHUB_EVENT_NAME: 'pull_request' }],
    [
      'a payload file missing',
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'gone.json' }
    ],
    [
      'a payload that is not JSON',
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'broken.json' }
    ],
    [
      'a number that is not one',
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'odd.json' }
    ],
    ['a named pipe', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'pipe.json' }]
  ])('gives null for %s', async (_what, env: NodeJS.ProcessEnv) => {
    const where = env.GITHUB_EVENT_PATH
    await expect(
      read({ ...env, ...(where ? { GITHUB_EVENT_PATH: path.join(workspace, where) } : {}) })
    ).resolves.toBeNull()
  })
})
