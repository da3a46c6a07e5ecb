// The command line end to end: the committed bin (dist/cli.js, package.json's `bin`) run as a
// process against the stand-in, signed in as a terminal signs in: a service principal in the
// environment (the stand-in plays Entra's client-secret grant for EnvironmentCredential), or the
// Azure CLI's login (a fake `az` first on PATH, which holds that service principal's secret as a
// real `az` holds a login, and answers `az account get-access-token` as the real one does).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { SAMPLE_SUBSCRIPTIONS, sampleEstate } from '../../scripts/sample-estate.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = path.join(ROOT, 'dist/cli.js')
const SUBSCRIPTIONS = SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId).join(',')

interface CliRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

let standIn: StandIn
let folder: string

beforeAll(async () => {
  standIn = await startStandIn({ estate: sampleEstate() })
  folder = mkdtempSync(path.join(tmpdir(), 'jit-cli-'))
})

afterAll(async () => {
  await standIn.close()
  rmSync(folder, { recursive: true, force: true })
})

/** Runs the bin with `args` in a folder of its own, with `environment` only (and the stand-in's
 * certificate authority); never through a shell. */
async function runCli(args: string[], environment: Record<string, string> = {}): Promise<CliRun> {
  const cwd = mkdtempSync(path.join(folder, 'run-'))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: folder,
          NODE_EXTRA_CA_CERTS: standIn.caCertificatePath,
          ...environment
        },
        encoding: 'utf8',
        timeout: 60_000
      },
      (error, stdout, stderr) =>
        resolve({
          exitCode: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr
        })
    )
  }).then((run) => ({ ...(run as CliRun), cwd }) as CliRun & { cwd: string })
}

const standInFlags = () => [
  '--authority-host',
  standIn.authorityHost,
  '--resource-manager-endpoint',
  standIn.resourceManagerEndpoint
]

const servicePrincipal = () => ({
  AZURE_TENANT_ID: standIn.tenantId,
  AZURE_CLIENT_ID: standIn.clientId,
  AZURE_CLIENT_SECRET: standIn.clientSecret
})

/** Every secret the stand-in knows (the tokens it issued, the client secret): none may reach what
 * the command line prints or writes. */
function expectNoSecret(...texts: string[]): void {
  for (const secret of [...standIn.secretsIssued(), standIn.clientSecret]) {
    for (const text of texts) expect(text).not.toContain(secret)
  }
}

describe('the command line (dist/cli.js)', () => {
  test("signed in as a service principal, it prints the summary, writes the SARIF and results files where asked, skips what is GitHub's, and fails as the step would", async () => {
    const stepSummary = path.join(folder, 'step-summary.md')
    writeFileSync(stepSummary, '')
    const run = await runCli(
      [
        '--subscriptions',
        SUBSCRIPTIONS,
        ...standInFlags(),
        '--sarif-file',
        'out/jit.sarif',
        '--results-file=results.json'
      ],
      // Run inside a workflow step, the command line is still a terminal: no job summary file.
      { ...servicePrincipal(), GITHUB_STEP_SUMMARY: stepSummary }
    )
    const { cwd } = run as CliRun & { cwd: string }
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^Azure JIT network access audit\n=+\n\n❌ JIT network access needs attention on 7 of 12 subscriptions/
    )
    expect(run.stdout).toContain(
      '  Verdict       ❌ noncompliant\n  Subscription  platform-connectivity'
    )
    expect(run.stdout).toContain('Why, and how to fix')
    expect(run.stderr).toContain(
      "Signed in to AzureCloud with the environment's service principal (EnvironmentCredential)."
    )
    expect(run.stderr).toContain('== Reads: 12 subscription(s), resource-manager engine ==')
    expect(run.stderr).toContain('Code scanning: not read outside a GitHub workflow')
    expect(run.stderr).toContain(
      'Issue and pull-request comment: skipped outside a GitHub workflow'
    )
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: 4 of 12 subscriptions noncompliant, 2 could not be checked'
    )
    const sarif = JSON.parse(readFileSync(path.join(cwd, 'out/jit.sarif'), 'utf8')) as {
      runs: { results: unknown[] }[]
    }
    expect(sarif.runs[0]?.results.length).toBe(7)
    const results = JSON.parse(readFileSync(path.join(cwd, 'results.json'), 'utf8')) as {
      verdict: string
    }[]
    expect(results.map((result) => result.verdict).sort()).toEqual(
      [...'ccccc', ...'nnnn', 'p', 'e', 'e']
        .map((mark) => ({ c: 'compliant', n: 'noncompliant', p: 'partial', e: 'error' })[mark])
        .sort()
    )
    expect(run.stderr).toContain(`SARIF written to ${path.join(cwd, 'out/jit.sarif')}.`)
    expect(readFileSync(stepSummary, 'utf8')).toBe('')
    expectNoSecret(
      run.stdout,
      run.stderr,
      readFileSync(path.join(cwd, 'out/jit.sarif'), 'utf8'),
      readFileSync(path.join(cwd, 'results.json'), 'utf8')
    )
  })

  test('flags are the inputs: --engine and --fail-on change the run', async () => {
    const run = await runCli(
      [
        '--subscriptions',
        SUBSCRIPTIONS,
        ...standInFlags(),
        '--engine',
        'resource-graph',
        '--fail-on',
        'none',
        '--sarif-file',
        ''
      ],
      servicePrincipal()
    )
    expect(run.stderr).toContain('== Reads: 12 subscription(s), resource-graph engine ==')
    expect(run.stdout).toContain('needs attention on 7 of 12 subscriptions')
    expect(run.exitCode).toBe(0)
    expect(
      existsSync(path.join((run as CliRun & { cwd: string }).cwd, 'jit-network-access.sarif'))
    ).toBe(false)
  })

  test("signed in with the Azure CLI's login when the environment holds no service principal", async () => {
    const azFolder = mkdtempSync(path.join(folder, 'az-'))
    const calls = path.join(azFolder, 'calls')
    // `az account get-access-token --output json --resource R [--tenant T]`: the token comes from
    // Entra (the stand-in) for the login az holds, printed in az's own shape.
    writeFileSync(
      path.join(azFolder, 'az'),
      [
        `#!${process.execPath}`,
        "const { appendFileSync } = require('node:fs')",
        'const args = process.argv.slice(2)',
        `appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + '\\n')`,
        "const resource = args[args.indexOf('--resource') + 1]",
        `fetch(${JSON.stringify(`${standIn.authorityHost}/${standIn.tenantId}/oauth2/v2.0/token`)}, {`,
        "  method: 'POST',",
        '  body: new URLSearchParams({',
        "    grant_type: 'client_credentials',",
        `    client_id: ${JSON.stringify(standIn.clientId)},`,
        `    client_secret: ${JSON.stringify(standIn.clientSecret)},`,
        "    scope: resource + '/.default'",
        '  })',
        '}).then((response) => response.json()).then((token) => {',
        '  const expires = Math.floor(Date.now() / 1000) + token.expires_in',
        '  console.log(JSON.stringify({ accessToken: token.access_token, expiresOn: new Date(expires * 1000).toISOString().replace("T", " ").slice(0, 19) + ".000000", expires_on: expires, subscription: "", tenant: "", tokenType: "Bearer" }))',
        '})',
        ''
      ].join('\n')
    )
    chmodSync(path.join(azFolder, 'az'), 0o755)
    const run = await runCli(
      ['--subscriptions', SUBSCRIPTIONS, ...standInFlags(), '--tenant-id', standIn.tenantId],
      { PATH: `${azFolder}:${process.env.PATH ?? ''}` }
    )
    expect(run.stderr).toContain(
      "Signed in to AzureCloud with the Azure CLI's login (AzureCliCredential)."
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('needs attention on 7 of 12 subscriptions')
    const asked = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[])
    expect(asked[0]).toEqual([
      'account',
      'get-access-token',
      '--output',
      'json',
      '--resource',
      standIn.resourceManagerEndpoint,
      '--tenant',
      standIn.tenantId
    ])
  })

  test('with neither way to sign in, it fails naming both and the fix', async () => {
    const run = await runCli(['--subscriptions', SUBSCRIPTIONS, ...standInFlags()], {
      PATH: path.join(folder, 'nothing-here')
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /error: Could not sign in to Entra ID at https:\/\/127\.0\.0\.1:\d+ with the environment's service principal .* Run `az login`/
    )
  })

  test('an unknown flag is a usage error (exit code 2) naming it, before any request', async () => {
    const before = standIn.requests.length
    const run = await runCli(['--management-groups', 'corp', '--enigne', 'resource-graph'])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      'azure-jit-network-access-check: Unknown flag --enigne; did you mean --engine? Run with --help for the flags.\n'
    )
    expect(standIn.requests.length).toBe(before)
  })

  test('an input the action refuses fails as the step would (exit code 1), before any request', async () => {
    const before = standIn.requests.length
    const run = await runCli(['--subscriptions', SUBSCRIPTIONS, '--max-concurrency', '0'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/error: Invalid input: `max-concurrency`/)
    expect(standIn.requests.length).toBe(before)
  })

  test('dist/ alone runs: copied out of the repository, with no node_modules to find a package in', async () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'jit-dist-')), 'dist')
    try {
      cpSync(path.join(ROOT, 'dist'), copy, { recursive: true })
      const run = await new Promise<CliRun>((resolve) =>
        execFile(
          process.execPath,
          [path.join(copy, 'cli.js'), '--subscriptions', SUBSCRIPTIONS, ...standInFlags()],
          {
            cwd: path.dirname(copy),
            env: {
              PATH: '',
              NODE_EXTRA_CA_CERTS: standIn.caCertificatePath,
              ...servicePrincipal()
            },
            encoding: 'utf8'
          },
          (error, stdout, stderr) =>
            resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr })
        )
      )
      expect(run.stderr).toContain('Signed in to AzureCloud with the environment')
      expect(run.stdout).toContain('needs attention on 7 of 12 subscriptions')
      expect(run.exitCode).toBe(1)
    } finally {
      rmSync(path.dirname(copy), { recursive: true, force: true })
    }
  })

  test('--help lists every input of action.yml as a flag, with its default', async () => {
    const run = await runCli(['--help'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Usage: azure-jit-network-access-check \[--INPUT VALUE\]\.\.\./)
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const flags = [...run.stdout.matchAll(/^ {2}--([a-z-]+) VALUE$/gm)].map((match) => match[1])
    expect(flags).toEqual(Object.keys(action.inputs))
    expect(run.stdout).toContain('  --engine VALUE\n')
    expect(run.stdout).toMatch(/--engine VALUE\n(?: {6}.*\n)* {6}Default: resource-manager\n/)
  })
})
