// The command line in process: what it does before any request (help, usage errors, inputs the
// action refuses), and the terminal's Runner. The runs against Azure are end to end, through the
// bundle (__tests__/e2e/cli.test.ts).
import { describe, expect, test } from '@jest/globals'
import { Writable } from 'node:stream'
import { EXIT, runCommandLine } from '../../src/cli/index.ts'
import { terminalRunner } from '../../src/cli/terminal.ts'

function sink(): Writable & { text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    }
  })
  return Object.assign(stream, { text: () => chunks.join('') })
}

async function commandLine(argv: string[]) {
  const output = sink()
  const errors = sink()
  const code = await runCommandLine(argv, {
    actionYml: new URL('../../action.yml', import.meta.url),
    command: 'jit-check',
    environment: { GITHUB_WORKSPACE: '/work/space' },
    output,
    errors
  })
  return { code, output: output.text(), errors: errors.text() }
}

describe('runCommandLine', () => {
  test('--help: the flags on standard output, exit code 0', async () => {
    const run = await commandLine(['--help'])
    expect(run).toMatchObject({ code: EXIT.passed, errors: '' })
    expect(run.output).toMatch(/^Usage: jit-check \[--INPUT VALUE\]\.\.\./)
  })

  test("-h as a flag's value is the value: the check runs (here to refuse the empty scope), no help", async () => {
    const run = await commandLine(['--category', '-h', '--management-groups', ''])
    expect(run.code).toBe(EXIT.failed)
    expect(run.output).not.toMatch(/Usage:/)
    expect(run.errors).toMatch(/`subscriptions` and `management-groups` are both empty/)
  })

  test('an unknown flag: the message on standard error, exit code 2', async () => {
    expect(await commandLine(['--subscription', 'x'])).toEqual({
      code: EXIT.usage,
      output: '',
      errors:
        'jit-check: Unknown flag --subscription; did you mean --subscriptions? Run with --help for the flags.\n'
    })
  })

  test('an input the action refuses fails the run as the step (exit code 1), before sign-in', async () => {
    const run = await commandLine(['--management-groups', '', '--audience', 'api://x'])
    expect(run.code).toBe(EXIT.failed)
    expect(run.errors).toBe(
      "warning: `audience` is the GitHub OIDC token's, which a terminal does not sign in with: not used.\n\nerror: Invalid input: `subscriptions` and `management-groups` are both empty; give subscription ids (or `*` for every subscription the identity can read), management groups, or both.\n"
    )
  })
})

describe('terminalRunner', () => {
  const runner = (environment: NodeJS.ProcessEnv = {}) => {
    const output = sink()
    const errors = sink()
    const made = terminalRunner(
      new Map([['engine', 'resource-graph']]),
      new Map([
        ['engine', 'resource-manager'],
        ['fail-on', 'noncompliant, error']
      ]),
      environment,
      output,
      errors
    )
    return { made, output, errors }
  }

  test("takes the flags given, else action.yml's defaults, else ''", () => {
    const { made } = runner()
    expect(['engine', 'fail-on', 'category'].map((name) => made.getInput(name))).toEqual([
      'resource-graph',
      'noncompliant, error',
      ''
    ])
  })

  test("writes to none of a runner's files, even inside a workflow step", () => {
    const context = runner({
      GITHUB_STEP_SUMMARY: '/tmp/summary',
      GITHUB_OUTPUT: '/tmp/output',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc',
      GITHUB_WORKSPACE: '/work/space'
    }).made.readRunContext()
    expect(context).toMatchObject({
      jobSummaryFile: undefined,
      jobSummaryAvailable: false,
      outputFile: undefined,
      oidcAvailable: false,
      workspace: '/work/space'
    })
  })

  test('the summary for the terminal on standard output, the log and the failure on standard error, secrets redacted', async () => {
    const { made, output, errors } = runner()
    made.setSecret('s3cr3t-value-of-some-length')
    made.showSummary?.(
      '## Verdicts\n\n| a | b |\n| - | - |\n| ❌&nbsp;x | s3cr3t-value-of-some-length |\n'
    )
    await made.log.group('Reads', async () => made.log.info('reading'))
    made.log.debug('a stack')
    expect(made.failed()).toBe(false)
    made.setFailed('1 of 1 subscriptions noncompliant')
    expect(made.failed()).toBe(true)
    expect(output.text()).toBe('Verdicts\n========\n\n  a  ❌ x\n  b  [redacted]\n\n\n')
    expect(errors.text()).toBe(
      '\n== Reads ==\nreading\n\nerror: 1 of 1 subscriptions noncompliant\n'
    )
  })
})
