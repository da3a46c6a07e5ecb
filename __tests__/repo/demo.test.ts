// `npm run demo -- <flags>`: the flags reach the action as its inputs, and a flag that is no input
// is refused, as the command line refuses it; without flags it also shows a pull request's plan.
import { describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function demo(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      `${ROOT}node_modules/.bin/node`,
      ['scripts/demo.ts', ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr })
    )
  )
}

describe('npm run demo -- <flags>', () => {
  test('--engine and --fail-on reach the action', async () => {
    const run = await demo(['--engine', 'resource-graph', '--fail-on', 'none'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('inputs given: engine: resource-graph, fail-on: none.')
    expect(run.stdout).toContain('Checking 12 subscription(s) with the resource-graph engine.')
    expect(run.stdout).toContain('The step would pass (exit code 0).')
  })

  test('then shows a pull request whose Terraform plan turns JIT off', async () => {
    const run = await demo([])
    expect(run.exitCode).toBe(0)
    const pullRequest = run.stdout.slice(
      run.stdout.indexOf('--- a pull request that turns JIT off')
    )
    expect(pullRequest).toContain('This change stops JIT auditing on 2 subscriptions.')
    expect(pullRequest).toContain(
      'module.identity.azurerm_subscription_policy_assignment.jit_audit'
    )
    expect(pullRequest).toContain(
      'The step would fail (exit code 1): The planned changes make 2 of 12 subscriptions worse'
    )
  })

  test('a flag that is no input is refused (exit code 2), before anything runs', async () => {
    expect(await demo(['--engines', 'resource-graph'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        'npm run demo --: Unknown flag --engines; did you mean --engine? Run with --help for the flags.\n'
    })
  })
})
