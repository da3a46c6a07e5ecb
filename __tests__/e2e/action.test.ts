// The committed bundle, run as a child process the way a runner runs it, against the stand-in.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { rm } from 'node:fs/promises'
import type { Log } from 'sarif'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import {
  MCSB_SET_DEFINITION_ID,
  managementGroupScope,
  policyAssignment,
  type Estate
} from '../../standin/estate/index.ts'
import { runAction, WORKFLOW_PATH, type ActionRun } from '../../scripts/run-action.ts'
import {
  SAMPLE_CLIENT_ID,
  SAMPLE_SUBSCRIPTIONS,
  SAMPLE_TENANT_ID,
  sampleEstate,
  sampleWorkflow
} from '../../scripts/sample-estate.ts'
import { githubProblems, schemaProblems } from '../support/sarif-validation.ts'

const SAMPLE_IDS = SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId)
const idsWith = (verdict: string) =>
  SAMPLE_SUBSCRIPTIONS.filter((entry) => entry.expected === verdict).map(
    (entry) => entry.subscriptionId
  )

let standIn: StandIn

beforeAll(async () => {
  standIn = await startStandIn({ estate: sampleEstate() })
})

afterAll(async () => {
  await standIn.close()
})

async function runAgainst(
  target: StandIn,
  inputs: Record<string, string>,
  options: { workflow?: string; environment?: Record<string, string | undefined> } = {}
): Promise<ActionRun & { sarif: Log | null }> {
  const run = await runAction({
    standIn: target,
    inputs: {
      'authority-host': target.authorityHost,
      'resource-manager-endpoint': target.resourceManagerEndpoint,
      ...inputs
    },
    workflowContent: options.workflow ?? sampleWorkflow(SAMPLE_SUBSCRIPTIONS),
    environment: options.environment,
    keepWorkspace: true
  })
  const sarifPath = run.outputs['sarif-file']
  const sarif = sarifPath ? (JSON.parse(await readFile(sarifPath, 'utf8')) as Log) : null
  await rm(run.workspace, { recursive: true, force: true })
  return { ...run, sarif }
}

function lineOf(content: string, text: string): number {
  return content.split('\n').findIndex((line) => line.includes(text)) + 1
}

describe('a mixed estate', () => {
  let run: ActionRun & { sarif: Log | null }

  beforeAll(async () => {
    run = await runAgainst(standIn, { subscriptions: SAMPLE_IDS.join('\n') })
  })

  test('fails the step once, after writing everything, with a one-line count', () => {
    expect(run.exitCode).toBe(1)
    const failures = run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(failures).toEqual([
      '::error::4 of 12 subscriptions noncompliant, 2 could not be checked'
    ])
    // The failure comes after the outputs were set and the summary written.
    expect(run.summary.length).toBeGreaterThan(0)
    expect(Object.keys(run.outputs).sort()).toEqual([
      'changed-subscriptions',
      'compliant',
      'noncompliant-subscriptions',
      'results',
      'results-file',
      'results-trimmed',
      'sarif-file',
      'skipped-subscriptions'
    ])
    expect(run.stderr).not.toMatch(/Unhandled|Error:|at .*\.js:\d+/)
  })

  test('sets the outputs DESIGN.md names, with a verdict per subscription', () => {
    expect(run.outputs.compliant).toBe('false')
    expect(JSON.parse(run.outputs['noncompliant-subscriptions']!)).toEqual(idsWith('noncompliant'))
    const results = JSON.parse(run.outputs.results!) as {
      subscriptionId: string
      verdict: string
      assignments: Record<string, unknown>[]
    }[]
    expect(results.map((result) => [result.subscriptionId, result.verdict])).toEqual(
      SAMPLE_SUBSCRIPTIONS.map((entry) => [entry.subscriptionId, entry.expected])
    )
    const legacy = results.find(
      (result) =>
        result.subscriptionId ===
        SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === 'legacy-erp')!.subscriptionId
    )!
    expect(legacy).toMatchObject({
      verdict: 'noncompliant',
      effectiveEffect: 'Disabled',
      reason: expect.stringContaining('sets parameter jitNetworkAccessMonitoringEffect to Disabled')
    })
    expect(Object.keys(legacy.assignments[0]!).sort()).toEqual([
      'coverage',
      'displayName',
      'effect',
      'effectSource',
      'enforcementMode',
      'id',
      'policyDefinitionId',
      'policyDefinitionReferenceId',
      'scope'
    ])
    expect(legacy.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: 'parameter',
      policyDefinitionReferenceId: 'jitNetworkAccessMonitoring',
      coverage: 'full'
    })
  })

  test('writes a job summary with the verdict line, the table and the fixes', () => {
    expect(run.summary).toMatch(/needs attention on 7 of 12 subscriptions\*\*: 4 are noncompliant/)
    // Every subscription has its row (its name and the start of its id); a failing one has its
    // whole id in its details below the table.
    for (const entry of SAMPLE_SUBSCRIPTIONS) {
      expect(run.summary).toContain(`| ${entry.name} \`${entry.subscriptionId.slice(0, 8)}…\` |`)
      if (entry.expected !== 'compliant') expect(run.summary).toContain(entry.subscriptionId)
    }
    expect(run.summary).toMatch(/\| *Verdict *\| *Subscription *\| *Cause *\|/)
    expect(run.summary).toMatch(/az policy assignment/)
    // An unreadable initiative asks for read access, not for a subscription id that is fine.
    expect(run.summary).not.toMatch(/subscription was not found/)
    expect(run.summary).toMatch(
      /az role assignment create --assignee '[0-9a-f-]{36}' --role 'Reader'/
    )
  })

  test('writes schema-valid SARIF with one located result per subscription found not compliant', () => {
    const sarif = run.sarif!
    expect(schemaProblems(sarif)).toEqual([])
    expect(githubProblems(sarif)).toEqual([])
    // Without a github-token the open alerts cannot be read: the subscriptions that could not be
    // checked are results too, carried forward with their last result unknown (issue 20, item 3).
    const results = sarif.runs[0]!.results!.filter((item) => item.properties?.verdict !== 'error')
    const carried = sarif.runs[0]!.results!.filter((item) => item.properties?.verdict === 'error')
    const failing = SAMPLE_SUBSCRIPTIONS.filter(
      (entry) => entry.expected === 'noncompliant' || entry.expected === 'partial'
    )
    expect(results).toHaveLength(failing.length)
    expect(
      carried.map((item) => [item.properties?.subscriptionId, item.properties?.lastVerdict])
    ).toEqual(
      SAMPLE_SUBSCRIPTIONS.filter((entry) => entry.expected === 'error').map((entry) => [
        entry.subscriptionId,
        'unknown'
      ])
    )
    const workflow = sampleWorkflow(SAMPLE_SUBSCRIPTIONS)
    for (const entry of failing) {
      const result = results.find(
        (item) => item.properties?.subscriptionId === entry.subscriptionId
      )
      expect(result?.level).toBe(entry.expected === 'partial' ? 'warning' : 'error')
      const location = result?.locations?.[0]?.physicalLocation
      expect(location?.artifactLocation?.uri).toBe(WORKFLOW_PATH)
      expect(location?.region?.startLine).toBe(lineOf(workflow, entry.subscriptionId))
    }
  })

  test('annotates each failing subscription at the line that lists it', () => {
    const workflow = sampleWorkflow(SAMPLE_SUBSCRIPTIONS)
    const annotations = run.stdout
      .split('\n')
      .filter((line) => /^::(error|warning) .*file=/.test(line))
    expect(annotations).toHaveLength(7)
    const shop = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === 'online-shop')!
    expect(annotations).toContainEqual(
      expect.stringContaining(
        `file=${WORKFLOW_PATH},line=${lineOf(workflow, shop.subscriptionId)}::`
      )
    )
  })
})

describe('fail-on and a compliant estate', () => {
  test('fail-on none reports the same verdicts and passes the step', async () => {
    const run = await runAgainst(standIn, {
      subscriptions: SAMPLE_IDS.join(', '),
      'fail-on': 'none'
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toMatch(/^::error::\d+ of/m)
    expect(run.outputs.compliant).toBe('false')
    expect(JSON.parse(run.outputs['noncompliant-subscriptions']!)).toEqual(idsWith('noncompliant'))
    const findings = run.sarif!.runs[0]!.results!.filter(
      (item) => item.properties?.verdict !== 'error'
    )
    expect(findings).toHaveLength(5)
  })

  test('fail-on partial fails on the partly audited subscription alone', async () => {
    const partial = idsWith('partial')
    const run = await runAgainst(standIn, { subscriptions: partial[0]!, 'fail-on': 'partial' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^::error::1 of 1 subscription only partly audited$/m)
  })

  test('an all-compliant estate passes, with an empty SARIF run', async () => {
    const estate: Estate = {
      ...sampleEstate(),
      policyAssignments: [
        policyAssignment(managementGroupScope(SAMPLE_TENANT_ID), 'mcsb-root', {
          displayName: 'Microsoft cloud security benchmark',
          policyDefinitionId: MCSB_SET_DEFINITION_ID
        })
      ],
      policyExemptions: [],
      subscriptions: sampleEstate().subscriptions.map((subscription) => ({
        ...subscription,
        faults: []
      }))
    }
    const compliantStandIn = await startStandIn({ estate })
    try {
      const run = await runAgainst(compliantStandIn, { subscriptions: SAMPLE_IDS.join(' ') })
      expect(run.exitCode).toBe(0)
      expect(run.outputs.compliant).toBe('true')
      expect(run.outputs['noncompliant-subscriptions']).toBe('[]')
      expect(run.sarif!.runs[0]!.results).toEqual([])
      expect(schemaProblems(run.sarif)).toEqual([])
      expect(run.summary).toMatch(/12 of 12|all 12|12 subscriptions/i)
    } finally {
      await compliantStandIn.close()
    }
  })
})

describe('sign-in', () => {
  test('a run of 12 subscriptions asks the runner for one OIDC token and Entra ID for one access token', async () => {
    const before = standIn.requests.length
    const tokensBefore = standIn.tokensIssued()
    const run = await runAgainst(standIn, { subscriptions: SAMPLE_IDS.join('\n') })
    const requests = standIn.requests.slice(before)
    expect(run.exitCode).toBe(1)
    expect(requests.filter((request) => request.service === 'oidc')).toHaveLength(1)
    expect(standIn.tokensIssued() - tokensBefore).toBe(1)
  })

  test('without an OIDC token it says why and what to change, before any request', async () => {
    const before = standIn.requests.length
    const run = await runAgainst(
      standIn,
      { subscriptions: SAMPLE_IDS[0]! },
      {
        environment: {
          ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined
        }
      }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^::error::The runner gave this job no GitHub OIDC token/m)
    expect(run.stdout).toMatch(/permissions: id-token: write/)
    expect(run.stdout).toMatch(/forks/)
    expect(standIn.requests.length).toBe(before)
  })
})

test('the client id comes from AZURE_CLIENT_ID when the input is empty', async () => {
  const run = await runAgainst(
    standIn,
    { subscriptions: SAMPLE_IDS[0]!, 'client-id': '', 'tenant-id': '' },
    { environment: { AZURE_CLIENT_ID: SAMPLE_CLIENT_ID, AZURE_TENANT_ID: SAMPLE_TENANT_ID } }
  )
  expect(run.exitCode).toBe(0)
  expect(run.outputs.compliant).toBe('true')
})
