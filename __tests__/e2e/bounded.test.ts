// Every wait bounded (issue 20, item 6), with the bundle as a runner runs it against the
// stand-in: Entra ID that stops answering meets the run's deadline, and the reports are written.
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { guid, type Estate } from '../../standin/estate/index.ts'
import { startGitHubStandin } from '../../standin/github.ts'
import { REPOSITORY, type ActionRun } from '../../scripts/run-action.ts'
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
