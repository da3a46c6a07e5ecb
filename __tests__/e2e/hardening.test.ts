// Faults, bad input, secrets, hostile data and read-only access, with the bundle as a runner runs
// it against the stand-in.
import { describe, expect, test } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startGitHubStandin } from '../../standin/github.ts'
import type { StandIn } from '../../standin/server.ts'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policySetDefinition,
  serversPricing,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import { REPOSITORY, type ActionRun } from '../../scripts/run-action.ts'
import { githubProblems, schemaProblems } from '../support/sarif-validation.ts'
import { runOnFreshStandIn } from './fresh-run.ts'
import { outsideCode } from '../report/helpers.ts'

const TENANT_ID = guid('hardening/tenant')
const CLIENT_ID = guid('hardening/client')
const subscription = (n: number) => guid(`hardening/subscription/${n}`)

function estateOf(count: number, extra: Partial<Estate> = {}): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    managementGroups: [{ name: 'contoso' }],
    subscriptions: Array.from({ length: count }, (_, index) => ({
      subscriptionId: subscription(index + 1),
      managementGroup: 'contoso'
    })),
    policyAssignments: [
      policyAssignment(managementGroupScope('contoso'), 'mcsb', {
        displayName: 'Microsoft cloud security benchmark',
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      })
    ],
    // Defender for Servers Plan 2 everywhere: the verdicts here come from policy alone.
    pricings: Array.from({ length: count }, (_, index) =>
      serversPricing(subscription(index + 1), 'Standard', 'P2')
    ),
    ...extra
  }
}

interface Files {
  run: ActionRun
  sarif: string
}

function runWith(
  estate: Estate,
  inputs: Record<string, string>,
  check: (files: Files, standIn: StandIn) => void | Promise<void>
): Promise<void> {
  return runOnFreshStandIn(estate, inputs, async (run, standIn) => {
    const sarifPath = run.outputs['sarif-file']
    const sarif = sarifPath ? await readFile(sarifPath, 'utf8') : ''
    await check({ run, sarif }, standIn)
  })
}

const verdictsOf = (run: ActionRun) =>
  (JSON.parse(run.outputs.results ?? '[]') as { verdict: string; reason: string }[]).map(
    (result) => result.verdict
  )

describe('bad input: a clear message naming the value, and no request', () => {
  test.each([
    [{ subscriptions: 'prod-subscription' }, '`subscriptions` holds "prod-subscription"'],
    [
      { subscriptions: '  # nothing here\n' },
      '`subscriptions` and `management-groups` are both empty'
    ],
    [
      { environment: 'AzureStack', 'authority-host': '', 'resource-manager-endpoint': '' },
      '`environment` "AzureStack" is not a known cloud'
    ],
    [{ 'fail-on': 'noncompliant, warning' }, '`fail-on` holds "warning"'],
    [{ 'max-concurrency': '0' }, '`max-concurrency` "0" is not a whole number from 1 to 64'],
    [{ 'max-concurrency': '-1' }, '`max-concurrency` "-1"'],
    [{ 'max-concurrency': 'abc' }, '`max-concurrency` "abc"'],
    [
      { 'sarif-file': '../../etc/jit.sarif' },
      '`sarif-file` "../../etc/jit.sarif" is not a file inside the workspace'
    ],
    [{ 'resource-manager-endpoint': 'http://127.0.0.1:1' }, 'is not https']
  ])('%j', async (inputs, message) => {
    await runWith(
      estateOf(1),
      { subscriptions: subscription(1), ...inputs },
      ({ run }, standIn) => {
        expect(run.exitCode).toBe(1)
        const failures = run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
        expect(failures).toHaveLength(1)
        expect(failures[0]).toContain(message)
        expect(run.stdout).not.toMatch(/ at .*\(.*:\d+:\d+\)/)
        expect(run.stderr).toBe('')
        expect(standIn.requests).toEqual([])
      }
    )
  })
})

describe('faults end in a verdict per subscription, within the deadline', () => {
  test('429 with and without Retry-After, a 503 burst and resets: retried to success', async () => {
    const estate = estateOf(4)
    estate.subscriptions[0]!.faults = [
      { fault: 'throttle', on: 'assignments', times: 1, retryAfterSeconds: 1 }
    ]
    estate.subscriptions[1]!.faults = [{ fault: 'throttle', on: 'exemptions', times: 2 }]
    estate.subscriptions[2]!.faults = [{ fault: 'unavailable', on: 'any', times: 3 }]
    estate.subscriptions[3]!.faults = [{ fault: 'reset', on: 'any', times: 2 }]
    await runWith(
      estate,
      { subscriptions: [1, 2, 3, 4].map(subscription).join('\n') },
      ({ run }) => {
        expect(run.exitCode).toBe(0)
        expect(verdictsOf(run)).toEqual(['compliant', 'compliant', 'compliant', 'compliant'])
        expect(run.stderr).toBe('')
      }
    )
  })

  test('malformed JSON, a looping nextLink, 403 and 404 become errors; the others are decided', async () => {
    const estate = estateOf(5)
    estate.subscriptions[0]!.faults = [{ fault: 'malformed-json', on: 'assignments' }]
    estate.subscriptions[1]!.faults = [{ fault: 'nextlink-loop', on: 'exemptions' }]
    estate.subscriptions[2]!.faults = [{ fault: 'forbidden', on: 'any' }]
    estate.subscriptions[3]!.faults = [{ fault: 'not-found', on: 'any' }]
    await runWith(
      estate,
      { subscriptions: [1, 2, 3, 4, 5].map(subscription).join('\n') },
      ({ run }) => {
        expect(verdictsOf(run)).toEqual(['error', 'error', 'error', 'error', 'compliant'])
        const reasons = (JSON.parse(run.outputs.results!) as { reason: string }[]).map(
          (r) => r.reason
        )
        expect(reasons[0]).toMatch(/malformed/)
        expect(reasons[1]).toMatch(/paging did not end/)
        expect(reasons[2]).toMatch(/403 AuthorizationFailed.*Reader role/)
        expect(reasons[3]).toMatch(/was not found, or is not visible/)
        expect(run.stdout).toMatch(/^::error::4 of 5 subscriptions could not be checked$/m)
        expect(run.stderr).toBe('')
      }
    )
  })

  test('an initiative with a reference that lacks its definition id costs only the subscriptions that use it', async () => {
    const broken = policySetDefinition(managementGroupScope('contoso'), 'broken', {
      policyDefinitions: [{ policyDefinitionReferenceId: 'jit', parameters: {} }]
    })
    const estate = estateOf(2, { policySetDefinitions: [broken] })
    estate.policyAssignments!.push(
      policyAssignment(subscriptionScope(subscription(1)), 'broken', {
        policyDefinitionId: broken.id
      })
    )
    // Without the management group's MCSB, the broken initiative decides subscription 1 alone.
    estate.policyAssignments!.splice(0, 1)
    await runWith(estate, { subscriptions: [1, 2].map(subscription).join('\n') }, ({ run }) => {
      expect(verdictsOf(run)).toEqual(['error', 'noncompliant'])
      const reasons = (JSON.parse(run.outputs.results!) as { reason: string }[]).map(
        (r) => r.reason
      )
      expect(reasons[0]).toMatch(
        /properties\.policyDefinitions\[0\]\.policyDefinitionId of policy set definition version '[^']*broken[^']*' is missing, not a string/
      )
      expect(run.stderr).toBe('')
    })
  })

  test('the token endpoint failing mid-run turns the rest into errors that say so', async () => {
    const estate = estateOf(3, { entra: { failAfterTokens: 1, accessTokenLifetimeSeconds: 1 } })
    await runWith(
      estate,
      { subscriptions: [1, 2, 3].map(subscription).join('\n') },
      async ({ run }) => {
        expect(run.exitCode).toBe(1)
        const results = JSON.parse(run.outputs.results!) as { verdict: string; reason: string }[]
        expect(results).toHaveLength(3)
        for (const result of results) {
          expect(result.verdict).toBe('error')
          expect(result.reason).toMatch(/Entra ID refused a new access token during the run/)
        }
        expect(run.stderr).toBe('')
      }
    )
  })

  test('5,000 assignments in one subscription are all read', async () => {
    const assignments = Array.from({ length: 5000 }, (_, index) =>
      policyAssignment(subscriptionScope(subscription(1)), `audit-${index}`, {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: index === 4999 ? 'AuditIfNotExists' : 'Disabled' } }
      })
    )
    await runWith(
      estateOf(1, { policyAssignments: assignments }),
      { subscriptions: subscription(1) },
      ({ run }, standIn) => {
        expect(verdictsOf(run)).toEqual(['compliant'])
        const pages = standIn.requests.filter((request) => /policyAssignments$/i.test(request.path))
        expect(pages.length).toBe(50)
        expect(run.summary.length).toBeLessThan(1024 * 1024)
      }
    )
  })

  test('1,000 subscriptions in one run', async () => {
    const ids = Array.from({ length: 1000 }, (_, index) => subscription(index + 1))
    const estate = estateOf(1000)
    estate.subscriptions[10]!.faults = [{ fault: 'forbidden', on: 'any' }]
    await runWith(
      estate,
      { subscriptions: ids.join('\n'), 'max-concurrency': '16' },
      async ({ run, sarif }, standIn) => {
        // The `results` output keeps under 512 KiB (the failing subscription first); the results
        // file has all 1,000.
        expect((run.outputs.results ?? '').length * 2).toBeLessThanOrEqual(512 * 1024)
        expect(verdictsOf(run)).toContain('error')
        const full = JSON.parse(await readFile(run.outputs['results-file'] ?? '', 'utf8')) as {
          verdict: string
        }[]
        const verdicts = full.map((result) => result.verdict)
        expect(verdicts).toHaveLength(1000)
        expect(verdicts.filter((verdict) => verdict === 'compliant')).toHaveLength(999)
        expect(run.stdout).toMatch(/^::error::1 of 1000 subscriptions could not be checked$/m)
        expect(Buffer.byteLength(run.summary)).toBeLessThan(512 * 1024)
        expect(schemaProblems(JSON.parse(sarif))).toEqual([])
        expect(githubProblems(JSON.parse(sarif))).toEqual([])
        const arm = standIn.requests.filter((request) => request.service === 'arm')
        // Assignments, exemptions and the plan per subscription; the set and the JIT definition;
        // discovery reads the subscription list: 10 pages of 100.
        // Three requests a subscription, the shared reads, the machines' three queries, retries.
        expect(arm.length).toBeLessThanOrEqual(1000 * 3 + 2 + 3 + 10)
      }
    )
  }, 60_000)
})

describe('secrets and read-only access', () => {
  test('tokens never appear in what the action writes, and only reads reach Resource Manager', async () => {
    const estate = estateOf(3)
    estate.subscriptions[1]!.faults = [{ fault: 'forbidden', on: 'any' }]
    await runWith(
      estate,
      { subscriptions: [1, 2, 3].map(subscription).join('\n') },
      ({ run, sarif }, standIn) => {
        const secrets = standIn.secretsIssued()
        expect(secrets.length).toBe(2) // one GitHub OIDC token, one access token
        const masked = run.stdout
          .split('\n')
          .filter((line) => line.startsWith('::add-mask::'))
          .map((line) => line.slice('::add-mask::'.length))
        // Both are masked for the runner, which then hides them wherever they would appear.
        expect(masked.sort()).toEqual([...secrets].sort())
        const written = [
          run.stdout
            .split('\n')
            .filter((line) => !line.startsWith('::add-mask::'))
            .join('\n'),
          run.stderr,
          run.summary,
          sarif,
          JSON.stringify(run.outputs)
        ].join('\n')
        for (const secret of secrets) {
          expect(written).not.toContain(secret)
          // Nor a part long enough to matter (a JWT's signature, say).
          expect(written).not.toContain(secret.slice(-24))
        }
        const arm = standIn.requests.filter((request) => request.service === 'arm')
        expect(arm.length).toBeGreaterThan(0)
        // Reads only: GETs, and the POSTs Azure documents as queries (Resource Graph's, and Policy
        // Insights' query of policy states), each of them read-only.
        const posts = arm.filter((request) => request.method !== 'GET')
        expect(new Set(arm.map((request) => request.method))).toEqual(new Set(['GET', 'POST']))
        for (const post of posts) {
          expect(post.path).toMatch(
            /^\/providers\/Microsoft\.ResourceGraph\/resources$|\/providers\/Microsoft\.PolicyInsights\/policyStates\/latest\/queryResults$/
          )
        }
      }
    )
  })

  test('an Entra refusal shows the claims to match, never the token', async () => {
    const estate = estateOf(1, {
      federatedSubjects: ['repo:octo-org/octo-repo:environment:production']
    })
    await runWith(estate, { subscriptions: subscription(1) }, ({ run }, standIn) => {
      expect(run.exitCode).toBe(1)
      const failure = run.stdout.split('\n').find((line) => line.startsWith('::error::'))!
      expect(failure).toContain('AADSTS700213')
      expect(failure).toContain("sub 'repo:octo-org/octo-repo:ref:refs/heads/main'")
      expect(failure).toContain("iss 'https://token.actions.githubusercontent.com'")
      expect(failure).toContain("aud 'api://AzureADTokenExchange'")
      for (const secret of standIn.secretsIssued())
        expect(run.stdout.replace(`::add-mask::${secret}`, '')).not.toContain(secret)
      expect(standIn.requests.filter((request) => request.service === 'arm')).toEqual([])
    })
  })
})

describe('a proxy that echoes headers', () => {
  const GITHUB_TOKEN = 'ghs_hardening_echo_0123456789abcdef'

  test('the token an Azure error body quotes reaches no log, annotation, summary, SARIF, results file, output, issue or comment', async () => {
    const [owner, repo] = REPOSITORY.split('/') as [string, string]
    const github = await startGitHubStandin({ owner, repo, token: GITHUB_TOKEN })
    const scratch = await mkdtemp(path.join(tmpdir(), 'jit-echo-'))
    try {
      const pullRequest = github.store.addPullRequest()
      const event = path.join(scratch, 'pull_request.json')
      await writeFile(event, JSON.stringify({ pull_request: { number: pullRequest } }))
      const estate = estateOf(2)
      // Between the action and Resource Manager, something answers with the request it got.
      estate.subscriptions[0]!.faults = [{ fault: 'echo-headers', on: 'assignments' }]
      const inputs = {
        subscriptions: [1, 2].map(subscription).join('\n'),
        'github-token': GITHUB_TOKEN,
        issue: 'always',
        'pr-comment': 'true'
      }
      const environment = {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: github.url
      }
      await runOnFreshStandIn(
        estate,
        inputs,
        async (run, standIn) => {
          const echoed = standIn.requests.filter((request) => request.status === 400)
          expect(echoed).toHaveLength(1)
          const [issue] = github.store.listIssues()
          expect(issue).toBeDefined()
          expect(github.store.commentsOn(pullRequest)).toHaveLength(1)
          const sinks: Record<string, string> = {
            log: run.stdout
              .split('\n')
              .filter((line) => !line.startsWith('::add-mask::'))
              .join('\n'),
            stderr: run.stderr,
            summary: run.summary,
            sarif: await readFile(run.outputs['sarif-file']!, 'utf8'),
            resultsFile: await readFile(run.outputs['results-file']!, 'utf8'),
            outputs: JSON.stringify(run.outputs),
            issue: `${issue!.title}\n${issue!.body}`,
            comment: github.store.commentsOn(pullRequest)[0]!.body
          }
          const results = JSON.parse(run.outputs.results!) as { verdict: string; reason: string }[]
          expect(results.map((result) => result.verdict)).toEqual(['error', 'compliant'])
          // The reason keeps what the echo says, the token replaced.
          expect(results[0]!.reason).toMatch(
            /^Could not read the policy assignments of .*\(400 InvalidRequest: The gateway could not forward the request\. Headers received: .*authorization: Bearer \[redacted\] .* Request: GET /
          )
          const secrets = [...standIn.secretsIssued(), GITHUB_TOKEN]
          expect(secrets.length).toBe(3) // the OIDC token, an access token, `github-token`
          for (const [sink, text] of Object.entries(sinks)) {
            // Escaping for Markdown or SARIF (a backslash before `_`, `-`, `.`), and zero-width
            // spaces, must not hide a token: they are taken out before looking.
            const plain = text.replace(/[\\\u200B]/g, '')
            // Every sink but stderr shows the echo, the token replaced.
            expect([sink, plain.includes('Bearer [redacted]')]).toEqual([sink, sink !== 'stderr'])
            for (const secret of secrets) {
              for (const part of [secret, secret.slice(0, 24), secret.slice(-24)]) {
                expect([sink, plain.includes(part)]).toEqual([sink, false])
              }
            }
          }
        },
        { environment }
      )
    } finally {
      await github.close()
      await rm(scratch, { recursive: true, force: true })
    }
  })
})

test('an expired GitHub token is explained as AADSTS700024, before any ARM request', async () => {
  const estate = estateOf(1, { oidc: { lifetimeSeconds: 300, backdateSeconds: 600 } })
  await runWith(estate, { subscriptions: subscription(1) }, ({ run }, standIn) => {
    expect(run.exitCode).toBe(1)
    const failure = run.stdout.split('\n').find((line) => line.startsWith('::error::'))!
    expect(failure).toContain('AADSTS700024')
    expect(failure).toContain('expired or not yet valid')
    expect(standIn.requests.filter((request) => request.service === 'arm')).toEqual([])
  })
})

test('a SARIF file that cannot be written fails the step, after every other report is written', async () => {
  // The workflow file's folder exists in the workspace, so a file cannot take its place.
  await runWith(
    estateOf(1),
    { subscriptions: subscription(1), 'sarif-file': '.github/workflows', 'fail-on': 'none' },
    ({ run }) => {
      expect(run.exitCode).toBe(1)
      const failures = run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
      expect(failures).toHaveLength(1)
      expect(failures[0]).toMatch(
        /^::error::Could not write the SARIF file .*\.github\/workflows \(/
      )
      expect(run.outputs['sarif-file']).toBe('')
      expect(run.outputs.compliant).toBe('true')
      expect(run.summary).toMatch(/Azure JIT network access audit/)
      expect(run.stderr).toBe('')
      // Nothing half-written is left behind.
      expect(readdirSync(path.join(run.workspace, '.github'))).toEqual(['workflows'])
    }
  )
})

describe('hostile data from Azure is rendered inert', () => {
  const hostile = [
    'x\n::error::injected annotation',
    '<img src=x onerror=alert(1)></td><script>alert(2)</script>',
    '| col | `code` [link](javascript:alert(3)) @octo-org/admins',
    '##[error]fake',
    '%0A::warning::encoded',
    'y'.repeat(20_000)
  ].join(' ')

  test('in the log, the annotations, the summary and SARIF', async () => {
    const estate = estateOf(1, {
      policyAssignments: [
        policyAssignment(subscriptionScope(subscription(1)), 'hostile', {
          displayName: hostile,
          description: hostile,
          policyDefinitionId: MCSB_SET_DEFINITION_ID,
          parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
        })
      ]
    })
    await runWith(estate, { subscriptions: subscription(1) }, ({ run, sarif }) => {
      expect(verdictsOf(run)).toEqual(['noncompliant'])
      // No workflow command but the action's own: a mask, debug lines, the groups of the phases,
      // one annotation, the failure.
      const commands = run.stdout.split('\n').filter((line) => /^::|##\[/.test(line))
      for (const line of commands) {
        expect(line).toMatch(
          /^::(add-mask|debug)::|^::group::(Sign-in|Scope|Reads: 1 subscription\(s\), resource-manager engine|Verdicts|Reports|Notifications)$|^::endgroup::$|^::error title=JIT network access not audited|^::error::1 of 1 subscription noncompliant$/
        )
      }
      expect(commands.filter((line) => line.startsWith('::error'))).toHaveLength(2)
      expect(run.stdout).not.toMatch(/^::error::injected|^::warning::encoded/m)
      // The summary has no live HTML and no table break from the display name.
      // What GitHub renders outside code (a word it would act on is code, which it leaves alone).
      const rendered = outsideCode(run.summary).text
      expect(rendered).not.toMatch(/<img|<script|<\/td>|\]\(javascript:/i)
      expect(rendered).not.toContain('@octo-org/admins')
      expect(run.summary.length).toBeLessThan(100_000)
      const log = JSON.parse(sarif)
      expect(schemaProblems(log)).toEqual([])
      const message = log.runs[0].results[0].message.text as string
      expect(message).not.toMatch(/[\r\n]/)
      expect(message.length).toBeLessThanOrEqual(1000)
    })
  })
})
