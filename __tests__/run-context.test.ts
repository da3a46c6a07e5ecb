import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MAX_WORKFLOW_FILE_BYTES, readRunContext, readWorkflowFile } from '../src/run-context.ts'

const WORKFLOW = '.github/workflows/jit.yml'
const REF = `octo-org/octo-repo/${WORKFLOW}@refs/heads/main`
let workspace: string

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'jit-run-context-'))
  await mkdir(path.join(workspace, '.github/workflows'), { recursive: true })
  await writeFile(path.join(workspace, WORKFLOW), 'subscriptions: x\n')
  await writeFile(
    path.join(workspace, '.github/workflows/big.yml'),
    'x'.repeat(MAX_WORKFLOW_FILE_BYTES + 1)
  )
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
        RUNNER_TEMP: '/home/runner/work/_temp'
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
      runId: '7'
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
    ]
  ])('gives null for %s', async (_what, env) => {
    await expect(read(env)).resolves.toBeNull()
  })
})
