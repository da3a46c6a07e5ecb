// Dry run of ci.yml's job `action` on this machine: its "Start the stand-in" script runs in bash
// with the runner's files, the action runs with the `with:` and `env:` of its `uses: ./` step
// (expressions filled in from the earlier step's outputs), and the check step's script judges the
// result with the expectations written in the workflow. What only GitHub can show (that the runner
// passes the step's env to the action and sets no OIDC variables of its own without id-token:
// write) is listed in CONTRIBUTING.md.
import { afterAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { checkRun, workflowPath, type RunToCheck } from '../../.github/self-test/check-run.ts'
import { standInOutputs } from '../../.github/self-test/standin-outputs.ts'
import { REPOSITORY, WORKFLOW_PATH, runAction } from '../../scripts/run-action.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}

/** Fills in ${{ steps.ID.outputs.NAME }} and ${{ steps.ID.outcome }} as the runner would. */
function expand(
  value: string,
  steps: Record<string, { outputs: Record<string, string>; outcome?: string }>
): string {
  return value.replace(
    /\$\{\{\s*steps\.([\w-]+)\.(?:outputs\.([\w-]+)|(outcome))\s*\}\}/g,
    (_, id: string, output: string | undefined) => {
      const step = steps[id]
      if (!step) throw new Error(`no step ${id} ran before`)
      return (output ? step.outputs[output] : step.outcome) ?? ''
    }
  )
}

function expandAll(
  values: Record<string, string> | undefined,
  steps: Parameters<typeof expand>[1]
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([name, value]) => [name, expand(String(value), steps)])
  )
}

const scratch: string[] = []
afterAll(async () => {
  for (const folder of scratch) await rm(folder, { recursive: true, force: true })
})

describe("ci.yml's job `action`", () => {
  test('starts the stand-in, runs the action and its check passes', async () => {
    const workflowText = await readFile(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8')
    const job = (parse(workflowText) as { jobs: Record<string, { steps: Step[] }> }).jobs.action!
    const start = job.steps.find((step) => step.id === 'standin')!
    const action = job.steps.find((step) => step.uses === './')!
    const check = job.steps.find((step) => step.run?.includes('check-run.ts'))!

    const runnerTemp = await mkdtemp(path.join(tmpdir(), 'self-test-runner-'))
    scratch.push(runnerTemp)
    const outputFile = path.join(runnerTemp, 'github_output')
    await writeFile(outputFile, '')
    // A process group of its own, so that the stand-in the script leaves running is stopped after.
    const bash = spawn('bash', ['-e', '-c', start.run!], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile },
      stdio: ['ignore', 'inherit', 'inherit']
    })
    try {
      const startCode = await new Promise<number | null>((resolve) => bash.once('close', resolve))
      expect(startCode).toBe(0)
      const standinOutputs = Object.fromEntries(
        (await readFile(outputFile, 'utf8'))
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
      )
      expect(standinOutputs['authority-host']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const steps: Parameters<typeof expand>[1] = { standin: { outputs: standinOutputs } }

      const inputs = expandAll(action.with, steps)
      const run = await runAction({
        // Only what the workflow's step gives: no variables of the stand-in's own.
        standIn: {
          authorityHost: inputs['authority-host']!,
          resourceManagerEndpoint: inputs['resource-manager-endpoint']!,
          runnerEnvironment: () => ({})
        },
        inputs,
        environment: expandAll(action.env, steps),
        workflowContent: workflowText,
        keepWorkspace: true
      })
      scratch.push(run.workspace)
      expect(run.stderr).toBe('')
      steps[action.id!] = {
        outputs: run.outputs,
        outcome: run.exitCode === 0 ? 'success' : 'failure'
      }

      const env = expandAll(check.env, steps)
      const problems = checkRun({
        expectedVerdicts: JSON.parse(env.EXPECTED_VERDICTS!) as Record<string, string>,
        expectedOutcome: env.EXPECTED_OUTCOME!,
        outcome: env.OUTCOME!,
        compliant: env.COMPLIANT!,
        noncompliantSubscriptions: env.NONCOMPLIANT_SUBSCRIPTIONS!,
        results: env.RESULTS!,
        sarifFile: env.SARIF_FILE!,
        workflowRef: `${REPOSITORY}/${WORKFLOW_PATH}@refs/heads/main`,
        workspace: run.workspace
      })
      expect(problems).toEqual([])
    } finally {
      try {
        process.kill(-bash.pid!, 'SIGTERM')
      } catch {
        // the group has already exited
      }
    }
  }, 60_000)
})

describe('check-run.ts', () => {
  const workspace = () => mkdtemp(path.join(tmpdir(), 'self-test-check-'))
  const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`

  async function fixture(): Promise<RunToCheck> {
    const folder = await workspace()
    scratch.push(folder)
    const workflow = '.github/workflows/ci.yml'
    await mkdir(path.join(folder, '.github/workflows'), { recursive: true })
    await writeFile(path.join(folder, workflow), `subscriptions: |\n  ${id(1)}\n  ${id(2)}\n`)
    const sarifFile = path.join(folder, 'jit.sarif')
    const location = (line: number) => [
      { physicalLocation: { artifactLocation: { uri: workflow }, region: { startLine: line } } }
    ]
    await writeFile(
      sarifFile,
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            results: [
              {
                level: 'error',
                message: { text: `Subscription ${id(2)} is noncompliant` },
                locations: location(3),
                partialFingerprints: { a: 'b' }
              }
            ]
          }
        ]
      })
    )
    return {
      expectedVerdicts: { [id(1)]: 'compliant', [id(2)]: 'noncompliant' },
      expectedOutcome: 'failure',
      outcome: 'failure',
      compliant: 'false',
      noncompliantSubscriptions: JSON.stringify([id(2)]),
      results: JSON.stringify([
        { subscriptionId: id(1), verdict: 'compliant', reason: 'r' },
        { subscriptionId: id(2), verdict: 'noncompliant', reason: 'r' }
      ]),
      sarifFile,
      workflowRef: `o/r/${workflow}@refs/heads/main`,
      workspace: folder
    }
  }

  test('accepts a run that matches', async () => {
    expect(checkRun(await fixture())).toEqual([])
  })

  test.each<[string, (run: RunToCheck) => Promise<void> | void, RegExp]>([
    ['a step that passed', (run) => void (run.outcome = 'success'), /ended in 'success'/],
    ['compliant true', (run) => void (run.compliant = 'true'), /output compliant is 'true'/],
    [
      'a verdict that differs',
      (run) => void (run.results = run.results.replace('"noncompliant"', '"partial"')),
      /output results gives/
    ],
    ['no SARIF file', (run) => void (run.sarifFile = ''), /expected an absolute path/],
    [
      'a result carried forward for a subscription that was checked',
      async (run) => {
        const sarif = JSON.parse(await readFile(run.sarifFile, 'utf8')) as {
          runs: { results: unknown[] }[]
        }
        sarif.runs[0]!.results.push({
          message: { text: `Subscription ${id(1)} could not be checked now` },
          properties: { verdict: 'error' }
        })
        await writeFile(run.sarifFile, JSON.stringify(sarif))
      },
      /carries a result forward for 00000000-0000-0000-0000-000000000001, expected only for those/
    ],
    [
      'a SARIF result at the wrong line',
      async (run) => {
        const text = await readFile(run.sarifFile, 'utf8')
        await writeFile(run.sarifFile, text.replace('"startLine":3', '"startLine":1'))
      },
      /points at \.github\/workflows\/ci\.yml:1, expected \.github\/workflows\/ci\.yml:3/
    ]
  ])('reports %s', async (_, change, problem) => {
    const run = await fixture()
    await change(run)
    expect(checkRun(run).join('\n')).toMatch(problem)
  })

  test('workflowPath reads GITHUB_WORKFLOW_REF', () => {
    expect(workflowPath('octo/repo/.github/workflows/ci.yml@refs/pull/1/merge')).toBe(
      '.github/workflows/ci.yml'
    )
  })
})

describe('standin-outputs.ts', () => {
  test('waits for a whole line, then maps it to step outputs', () => {
    const line = JSON.stringify({
      authorityHost: 'https://127.0.0.1:1',
      resourceManagerEndpoint: 'https://127.0.0.1:2',
      oidcRequestUrl: 'https://127.0.0.1:3/token?api-version=2.0',
      oidcRequestToken: 't',
      caCertificatePath: '/tmp/ca.pem',
      tenantId: 'tenant',
      clientId: 'client'
    })
    expect(standInOutputs(line)).toBeNull()
    expect(standInOutputs(`${line}\n`)).toEqual({
      'authority-host': 'https://127.0.0.1:1',
      'resource-manager-endpoint': 'https://127.0.0.1:2',
      'oidc-request-url': 'https://127.0.0.1:3/token?api-version=2.0',
      'oidc-request-token': 't',
      'ca-certificates': '/tmp/ca.pem',
      'tenant-id': 'tenant',
      'client-id': 'client'
    })
  })
})
