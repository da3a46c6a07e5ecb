// Every wait bounded, every report whole (issue 20, items 6 and 7), with the bundle as a runner
// runs it against the stand-in: Entra ID that stops answering mid-run meets the run's deadline;
// a full disk, a runner file that never opens, a folder in a file's place and a symbolic link out
// of the workspace each leave the other reports whole and say what was not written.
//
// A full disk without root: /dev/full answers every write with ENOSPC (nothing written), and a
// file size limit on the action's process (RLIMIT_FSIZE, set by util-linux's `prlimit`) cuts a
// write part way with EFBIG, as a disk that fills up during the write does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { guid, type Estate } from '../../standin/estate/index.ts'
import { startGitHubStandin } from '../../standin/github.ts'
import { REPOSITORY, parseOutputFile, type ActionRun } from '../../scripts/run-action.ts'
import { runOnFreshStandIn } from './fresh-run.ts'
import { oneGroupEstate } from './one-group-estate.ts'

const subscription = (n: number) => guid(`bounded/subscription/${n}`)
const BOTH = [1, 2].map(subscription).join('\n')

/** Two subscriptions that JIT is audited on, with Defender for Servers Plan 2: compliant. */
function estate(extra: Partial<Estate> = {}): Estate {
  const ids = [1, 2].map(subscription)
  return { ...oneGroupEstate('bounded', ids, { unaudited: () => false, plan2: true }), ...extra }
}

const failureLine = (run: ActionRun) =>
  run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
const verdicts = (run: ActionRun) =>
  (JSON.parse(run.outputs.results ?? '[]') as { verdict: string }[]).map((r) => r.verdict)

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'jit-bounded-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('the run deadline', () => {
  test('Entra ID that stops answering after sign-in: at the deadline every report is written and the step fails', async () => {
    const [owner, repo] = REPOSITORY.split('/') as [string, string]
    const github = await startGitHubStandin({ owner, repo, token: 'ghs_bounded' })
    // Tokens that live 4 minutes are renewed at once (the check renews 5 minutes ahead): every
    // read after sign-in waits on a token request Entra ID never answers.
    const hanging = estate({ entra: { accessTokenLifetimeSeconds: 240, hangAfterTokens: 1 } })
    try {
      await runOnFreshStandIn(
        hanging,
        {
          subscriptions: BOTH,
          'deadline-minutes': '0.05',
          issue: 'always',
          'github-token': 'ghs_bounded'
        },
        async (run, standIn) => {
          const tokens = standIn.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'))
          expect(tokens[0]?.status).toBe(200)
          expect(tokens.slice(1).some((r) => r.status === 0)).toBe(true)
          expect(run.exitCode).toBe(1)
          // 3 s of deadline, the process start, the reports, at most 2 s for what still hangs.
          expect(run.durationMs).toBeLessThan(12_000)
          expect(failureLine(run)).toEqual(['::error::2 of 2 subscriptions could not be checked'])
          expect(run.stdout).toContain(
            "::warning::The run's deadline (3 s) passed with 2 of 2 subscription(s) not read: they are reported as error, and the reports are written now."
          )
          const results = JSON.parse(run.outputs.results!) as { verdict: string; reason: string }[]
          expect(results.map((r) => r.verdict)).toEqual(['error', 'error'])
          for (const result of results) {
            expect(result.reason).toMatch(
              /^The run's deadline \(3 s, `deadline-minutes`\) passed before \/subscriptions\/\S+ was read, so nothing was decided for it: .*fewer subscriptions per step, lower `max-concurrency` .*`engine: resource-graph`/
            )
          }
          // Every report: the summary, the outputs, the SARIF file and the results file.
          expect(run.summary).toContain(subscription(1))
          expect(run.summary).toContain(subscription(2))
          const sarif = JSON.parse(await readFile(run.outputs['sarif-file']!, 'utf8')) as {
            runs: { invocations: { toolExecutionNotifications: unknown[] }[] }[]
          }
          expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications).toHaveLength(2)
          const file = JSON.parse(await readFile(run.outputs['results-file']!, 'utf8')) as []
          expect(file).toHaveLength(2)
          // And the issue, within the grace notifications get after the deadline.
          const [issue] = github.store.listIssues()
          expect(issue?.body).toContain(subscription(1))
          expect(issue?.body).toContain(subscription(2))
        },
        { environment: { GITHUB_API_URL: github.url }, timeoutMs: 60_000 }
      )
    } finally {
      await github.close()
    }
  }, 90_000)
})

describe('the run deadline at sign-in', () => {
  test('Entra ID that never answers the first token: sign-in ends at the deadline, saying so', async () => {
    await runOnFreshStandIn(
      estate({ entra: { hangAfterTokens: 0 } }),
      { subscriptions: BOTH, 'deadline-minutes': '0.05' },
      (run, standIn) => {
        expect(run.exitCode).toBe(1)
        expect(run.durationMs).toBeLessThan(12_000)
        expect(failureLine(run)).toEqual([
          `::error::Sign-in did not finish before the run's deadline (\`deadline-minutes\`): the runner's OIDC endpoint or Entra ID at ${standIn.authorityHost} did not answer. Re-run the job, and check \`authority-host\` if it is set.`
        ])
      },
      { timeoutMs: 60_000 }
    )
  })
})

describe('writing the reports', () => {
  test('results-file in /proc is refused before any request, not spun on', async () => {
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH, 'results-file': '/proc/x/r.json' },
      (run, standIn) => {
        expect(run.exitCode).toBe(1)
        expect(failureLine(run)).toEqual([
          expect.stringContaining(
            '::error::Invalid input: `results-file` "/proc/x/r.json" is not a file inside the workspace'
          )
        ])
        expect(standIn.requests).toEqual([])
      },
      { timeoutMs: 30_000 }
    )
  })

  test('a full disk under GITHUB_OUTPUT: no output at all, the others whole, and the step says so', async () => {
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH },
      async (run) => {
        expect(run.exitCode).toBe(1)
        expect(failureLine(run)).toEqual([
          '::error::Could not write the step outputs (GITHUB_OUTPUT /dev/full: no space is left on the disk that holds /dev (ENOSPC); none of it was written)'
        ])
        expect(run.summary).toContain('| ✅&nbsp;compliant |')
        expect(existsSync(path.join(run.workspace, 'jit-network-access.sarif'))).toBe(true)
        const results = path.join(run.workspace, '_temp', 'jit-network-access-results.json')
        expect(JSON.parse(await readFile(results, 'utf8'))).toHaveLength(2)
      },
      { environment: { GITHUB_OUTPUT: '/dev/full' }, timeoutMs: 30_000 }
    )
  })

  test('a disk that fills up part way: the summary and the outputs are cut back to what they were', async () => {
    // What earlier steps wrote, just under the limit: this step's text does not fit after it.
    const limit = 64 * 1024
    const summaryFile = path.join(scratch, 'full-summary.md')
    const outputFile = path.join(scratch, 'full-output')
    const earlierSummary = `## An earlier step\n\n${'x'.repeat(limit - 200)}\n`
    const earlierOutputs = `earlier<<EOF\n${'y'.repeat(limit - 300)}\nEOF\n`
    await writeFile(summaryFile, earlierSummary)
    await writeFile(outputFile, earlierOutputs)
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH },
      async (run) => {
        expect(run.exitCode).toBe(1)
        const [failure] = failureLine(run)
        expect(failure).toContain(
          `Could not write the job summary (GITHUB_STEP_SUMMARY ${summaryFile}: the file would be larger than the runner lets a file be (EFBIG); none of it was written)`
        )
        expect(failure).toContain(
          `the step outputs (GITHUB_OUTPUT ${outputFile}: the file would be larger than the runner lets a file be (EFBIG); none of it was written)`
        )
        expect(await readFile(summaryFile, 'utf8')).toBe(earlierSummary)
        expect(await readFile(outputFile, 'utf8')).toBe(earlierOutputs)
        expect(parseOutputFile(earlierOutputs)).toEqual({ earlier: 'y'.repeat(limit - 300) })
        // The report files, smaller than the limit, are written whole.
        const results = path.join(run.workspace, '_temp', 'jit-network-access-results.json')
        expect(JSON.parse(await readFile(results, 'utf8'))).toHaveLength(2)
      },
      {
        environment: { GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile },
        fileSizeLimitBytes: limit,
        timeoutMs: 30_000
      }
    )
  })

  test('a summary file that never opens holds nothing up for longer than its bound', async () => {
    // A named pipe no one reads: opening it for writing waits forever.
    const fifo = path.join(scratch, 'summary-fifo')
    execFileSync('mkfifo', [fifo])
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH },
      (run) => {
        expect(failureLine(run)).toEqual([
          `::error::Could not write the job summary (GITHUB_STEP_SUMMARY ${fifo}: writing did not finish within 10 s, the runner's file system does not answer; none of it was written)`
        ])
        expect(verdicts(run)).toEqual(['compliant', 'compliant'])
        expect(run.outputs['results-file']).toMatch(/jit-network-access-results\.json$/)
        // Node's exit would wait forever for the thread the pipe holds: the action ends itself by
        // a signal (no exit code; a runner shows 137), 2 s after its last line.
        expect(run.exitCode).toBeNull()
        expect(run.durationMs).toBeLessThan(25_000)
      },
      { environment: { GITHUB_STEP_SUMMARY: fifo }, timeoutMs: 60_000 }
    )
  }, 90_000)

  test('a folder where the results file goes: a sentence with the fix, the other reports written', async () => {
    const workspace = path.join(scratch, 'folder-in-the-way')
    await mkdir(path.join(workspace, 'reports', 'results.json'), { recursive: true })
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH, 'results-file': 'reports/results.json' },
      (run) => {
        const target = path.join(workspace, 'reports', 'results.json')
        expect(failureLine(run)).toEqual([
          `::error::Could not write the results file ${target} (${target} is a folder, not a file (EISDIR): give \`results-file\` a file name, such as ${path.join(target, 'jit-network-access-results.json')})`
        ])
        expect(run.stdout).not.toMatch(/rename|\.tmp/)
        expect(run.outputs['results-file']).toBe('')
        expect(verdicts(run)).toEqual(['compliant', 'compliant'])
        expect(run.summary).toContain('| ✅&nbsp;compliant |')
      },
      { workspace, timeoutMs: 30_000 }
    )
  })

  test('a symbolic link out of the workspace does not take the SARIF file with it', async () => {
    const workspace = path.join(scratch, 'linked')
    const outside = path.join(scratch, 'outside')
    await mkdir(workspace, { recursive: true })
    await mkdir(outside, { recursive: true })
    await symlink(outside, path.join(workspace, 'reports'))
    await runOnFreshStandIn(
      estate(),
      { subscriptions: BOTH, 'sarif-file': 'reports/deep/jit.sarif' },
      async (run) => {
        expect(run.exitCode).toBe(1)
        expect(failureLine(run)).toEqual([
          `::error::Could not write the SARIF file ${path.join(workspace, 'reports', 'deep', 'jit.sarif')} (its folder is ${outside} on its real path (symbolic links followed), outside the workspace (${workspace}) or the runner's temporary folder (RUNNER_TEMP, ${path.join(workspace, '_temp')}): give \`sarif-file\` a path inside one of them that no symbolic link leads out of)`
        ])
        expect(await readdir(outside)).toEqual([])
        expect(run.outputs['sarif-file']).toBe('')
        expect(verdicts(run)).toEqual(['compliant', 'compliant'])
      },
      { workspace, timeoutMs: 30_000 }
    )
  })
})
