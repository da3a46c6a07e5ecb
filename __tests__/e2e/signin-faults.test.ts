// Sign-in as users meet it, with the bundle as a runner runs it against the stand-in: the OIDC
// endpoint failing or unreachable, Entra's refusals (AADSTS90002, 700212, 7002138), an access
// token expiring mid-run, and the input hints.
import { expect, test } from '@jest/globals'
import {
  guid,
  managementGroupScope,
  MCSB_SET_DEFINITION_ID,
  policyAssignment,
  type Estate
} from '../../standin/estate/index.ts'
import type { StandIn } from '../../standin/server.ts'
import type { ActionRun } from '../../scripts/run-action.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const TENANT_ID = guid('signin-faults/tenant')
const CLIENT_ID = guid('signin-faults/client')
const subscription = (n: number) => guid(`signin-faults/subscription/${n}`)

function estate(extra: Partial<Estate> = {}): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    managementGroups: [{ name: 'contoso' }],
    subscriptions: [1, 2].map((n) => ({
      subscriptionId: subscription(n),
      managementGroup: 'contoso'
    })),
    policyAssignments: [
      policyAssignment(managementGroupScope('contoso'), 'mcsb', {
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      })
    ],
    ...extra
  }
}

function runWith(
  extra: Partial<Estate>,
  inputs: Record<string, string>,
  check: (run: ActionRun, standIn: StandIn) => void
): Promise<void> {
  return runOnFreshStandIn(estate(extra), { subscriptions: subscription(1), ...inputs }, check)
}

const errorLine = (run: ActionRun) =>
  run.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? ''
const armRequests = (standIn: StandIn) => standIn.requests.filter((r) => r.service === 'arm')

test('the OIDC endpoint answering 500: its status and message, no advice about permissions', async () => {
  await runWith({ oidc: { status: 500 } }, {}, (run, standIn) => {
    expect(run.exitCode).toBe(1)
    expect(errorLine(run)).toContain(
      "::error::Could not get a GitHub OIDC token: the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) for a token for audience 'api://AzureADTokenExchange' answered HTTP 500 (The OIDC token service failed (stand-in status 500).)."
    )
    expect(run.stdout).not.toContain('id-token: write')
    expect(armRequests(standIn)).toEqual([])
  })
})

test('the OIDC endpoint unreachable: the network error', async () => {
  await runWith({ oidc: { unreachable: true } }, {}, (run) => {
    expect(run.exitCode).toBe(1)
    expect(errorLine(run)).toMatch(
      /could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\. Re-run the job; on a self-hosted runner/
    )
    expect(run.stdout).not.toContain('id-token: write')
  })
})

test('a tenant Entra ID does not know: not found in that cloud, and what to check', async () => {
  const tenant = guid('signin-faults/another tenant')
  await runWith({}, { 'tenant-id': tenant }, (run, standIn) => {
    expect(run.exitCode).toBe(1)
    expect(errorLine(run)).toContain(
      `::error::Tenant '${tenant}' was not found in AzureCloud (Entra ID at ${standIn.authorityHost}) (AADSTS90002, through MSAL as endpoints_resolution_error). Check \`tenant-id\``
    )
    expect(armRequests(standIn)).toEqual([])
  })
})

test('in Azure Government the audience defaults to its own; a mismatch names the input and that default', async () => {
  await runWith({}, { environment: 'AzureUSGovernment' }, (run, standIn) => {
    expect(run.exitCode).toBe(1)
    expect(standIn.requests.find((r) => r.service === 'oidc')?.query.audience).toBe(
      'api://AzureADTokenExchangeUSGov'
    )
    expect(errorLine(run)).toContain(
      "AADSTS700212 (no federated credential of the application has the token's audience 'api://AzureADTokenExchangeUSGov', which is the `audience` input, or when it is empty AzureUSGovernment's default 'api://AzureADTokenExchangeUSGov')."
    )
  })
})

test('a federated subject that differs in letter case only: AADSTS7002138 and the exact subject', async () => {
  await runWith(
    { federatedSubjects: ['repo:Octo-Org/octo-repo:ref:refs/heads/main'] },
    {},
    (run) => {
      expect(run.exitCode).toBe(1)
      expect(errorLine(run)).toContain(
        "AADSTS7002138 (the token's subject 'repo:octo-org/octo-repo:ref:refs/heads/main' matches a federated credential's subject only when letter case is ignored"
      )
    }
  )
})

test('an access token expiring mid-run is said to be that, not a wrong tenant', async () => {
  await runWith(
    { entra: { accessTokenExpiresAfterRequests: 1 } },
    { subscriptions: `${subscription(1)}\n${subscription(2)}`, 'max-concurrency': '1' },
    (run, standIn) => {
      expect(armRequests(standIn).map((r) => r.status)).toContain(401)
      const results = JSON.parse(run.outputs.results ?? '[]') as {
        verdict: string
        reason: string
      }[]
      const expired = results.filter((result) => result.verdict === 'error')
      expect(expired.length).toBeGreaterThan(0)
      for (const result of expired) {
        expect(result.reason).toContain('401 ExpiredAuthenticationToken')
        expect(result.reason).toContain('the access token expired during the run')
        expect(result.reason).toContain('This is not a tenant problem')
        expect(result.reason).not.toContain('`tenant-id`')
      }
    }
  )
})

test("input hints: a subscription name, fail-on: warning, and Azure/login's subscription-id", async () => {
  await runWith(
    {},
    { subscriptions: 'Production', 'fail-on': 'warning', 'subscription-id': subscription(1) },
    (run, standIn) => {
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('az account list --query "[].{name:name,id:id}"')
      expect(run.stdout).toMatch(/`fail-on` holds "warning".*did you mean `partial`\?/)
      expect(run.stdout).toMatch(/`subscription-id` ".*" is Azure\/login's input/)
      expect(standIn.requests).toEqual([])
    }
  )
})

test('/subscriptions/<id> and {<id>} are read as the ids', async () => {
  await runWith(
    {},
    { subscriptions: `/subscriptions/${subscription(1)}\n{${subscription(2).toUpperCase()}}` },
    (run) => {
      expect(run.exitCode).toBe(0)
      const results = JSON.parse(run.outputs.results ?? '[]') as { subscriptionId: string }[]
      expect(results.map((result) => result.subscriptionId)).toEqual([
        subscription(1),
        subscription(2)
      ])
    }
  )
})

test('a resource-manager-endpoint Entra ID knows no resource for: AADSTS500011 names the input', async () => {
  const wrong = 'https://management.contoso.example'
  await runWith({}, { 'resource-manager-endpoint': wrong }, (run, standIn) => {
    expect(run.exitCode).toBe(1)
    expect(errorLine(run)).toContain(
      `AADSTS500011 (Entra ID knows no resource ${wrong} to issue an access token for). Check \`resource-manager-endpoint\`: leave it empty to use AzureCloud's https://management.azure.com`
    )
    expect(armRequests(standIn)).toEqual([])
  })
})
