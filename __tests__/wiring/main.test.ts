// main.ts in-process, with @actions/core replaced by a recording fake and Azure by the stand-in:
// the wiring from the inputs to the step's outcome, without the bundle.
import { describe, expect, test } from '@jest/globals'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Log } from 'sarif'
import { WORKFLOW_PATH } from '../../scripts/run-action.ts'
import { SAMPLE_SUBSCRIPTIONS } from '../../scripts/sample-estate.ts'
import { logged, mockCore, recorded } from './fake-core.ts'
import { useWiring } from './harness.ts'

mockCore()
const main = await import('../../src/main.ts')
const { actionsRunner } = await import('../../src/runner.ts')
const run = () => main.run(actionsRunner)

const SAMPLE_IDS = SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId)
const wiring = useWiring()
const { runner } = wiring

/** A Terraform plan (`terraform show -json`) that deletes the sample's benchmark assignment at
 * the landing-zones management group, written to plans/delete.json. */
async function placeDeletePlan(): Promise<void> {
  const id =
    '/providers/Microsoft.Management/managementGroups/landing-zones/providers/Microsoft.Authorization/policyAssignments/mcsb-landing-zones'
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.5',
    resource_changes: [
      {
        address: 'module.alz.azurerm_management_group_policy_assignment.mcsb',
        mode: 'managed',
        type: 'azurerm_management_group_policy_assignment',
        name: 'mcsb',
        provider_name: 'registry.terraform.io/hashicorp/azurerm',
        change: {
          actions: ['delete'],
          before: {
            id,
            name: 'mcsb-landing-zones',
            management_group_id: '/providers/Microsoft.Management/managementGroups/landing-zones',
            policy_definition_id:
              '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
          },
          after: null,
          after_unknown: {}
        }
      }
    ]
  }
  await mkdir(path.join(wiring.workspace, 'plans'), { recursive: true })
  await writeFile(path.join(wiring.workspace, 'plans/delete.json'), JSON.stringify(plan))
}

/** Copies the plan fixture `fixture` into the workspace as plans/`name`. */
async function placePlan(fixture: string, name: string): Promise<void> {
  await mkdir(path.join(wiring.workspace, 'plans'), { recursive: true })
  await copyFile(`fixtures/plans/${fixture}`, path.join(wiring.workspace, 'plans', name))
}

describe('run', () => {
  test('checks every subscription, writes every report, then fails the step once', async () => {
    await runner({ subscriptions: SAMPLE_IDS.join('\n') })
    await run()
    expect(recorded.failed).toEqual(['4 of 12 subscriptions noncompliant, 2 could not be checked'])
    const names = recorded.calls.map((call) => call[0])
    expect(names.lastIndexOf('setOutput')).toBeLessThan(names.indexOf('setFailed'))
    expect(names.indexOf('summary.write')).toBeLessThan(names.indexOf('setFailed'))
    expect(
      JSON.parse(recorded.outputs.results ?? '[]').map(
        (r: { subscriptionId: string }) => r.subscriptionId
      )
    ).toEqual(SAMPLE_IDS)
    // One log line per subscription, with the mark of its verdict and its display name.
    for (const entry of SAMPLE_SUBSCRIPTIONS) {
      expect(logged('info')).toContainEqual(
        expect.stringContaining(`${entry.subscriptionId} (${entry.name}): ${entry.expected}.`)
      )
    }
    expect(logged('info')).toContainEqual(expect.stringMatching(/^❓ \S+ \(\S+\): error\. /))
    const sarif = JSON.parse(await readFile(recorded.outputs['sarif-file'] ?? '', 'utf8')) as Log
    // Every annotation is a SARIF finding, or a notification for a subscription not checked. With
    // no github-token the open alerts cannot be read: those two are carried forward as results too
    // (their last result unknown), and a warning without a file says so.
    const findings = (sarif.runs[0]?.results ?? []).filter(
      (item) => item.properties?.verdict !== 'error'
    )
    const carried = (sarif.runs[0]?.results ?? []).filter(
      (item) => item.properties?.verdict === 'error'
    )
    expect(carried.map((item) => item.properties?.lastVerdict)).toEqual(['unknown', 'unknown'])
    const annotations = recorded.calls.filter(
      (c) => (c[0] === 'error' || c[0] === 'warning') && c[2] !== undefined
    )
    expect(
      findings.length + (sarif.runs[0]?.invocations?.[0]?.toolExecutionNotifications?.length ?? 0)
    ).toBe(annotations.length)
    expect(logged('warning')).toContainEqual(
      expect.stringMatching(
        /^Could not read the open code scanning alerts of category .*: no github-token/
      )
    )
    const annotationFiles = recorded.calls
      .filter((call) => call[0] === 'error')
      .map((call) => (call[2] as { file: string }).file)
    expect(new Set(annotationFiles)).toEqual(new Set([WORKFLOW_PATH]))
  })

  test('a fail-on without noncompliant warns first, and noncompliant does not fail the step', async () => {
    const noncompliant = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.expected === 'noncompliant')!
    await runner({ subscriptions: noncompliant.subscriptionId, 'fail-on': 'error' })
    await run()
    expect(recorded.calls[0]).toEqual([
      'warning',
      expect.stringContaining('noncompliant subscriptions will not fail the step')
    ])
    expect(recorded.failed).toEqual([])
    expect(recorded.outputs['noncompliant-subscriptions']).toBe(
      JSON.stringify([noncompliant.subscriptionId])
    )
  })

  test('a scope that resolves to no subscription fails the step after the reports', async () => {
    const id = SAMPLE_IDS[0]!
    await runner({ subscriptions: id, 'exclude-subscriptions': id })
    await run()
    expect(recorded.failed).toEqual([
      expect.stringMatching(/^The scope resolved to no subscription, so nothing was checked/)
    ])
    expect(recorded.outputs).toMatchObject({ compliant: 'false', results: '[]' })
    expect(recorded.summary).toHaveLength(1)
  })

  test('bad inputs fail the step before any request, naming every problem', async () => {
    const before = wiring.standIn.requests.length
    await runner({ subscriptions: 'not-a-subscription', 'max-concurrency': '0' })
    await run()
    expect(recorded.failed).toHaveLength(1)
    expect(recorded.failed[0]).toMatch(
      /^Invalid inputs:\n- `subscriptions` holds "not-a-subscription"/
    )
    expect(recorded.failed[0]).toContain('`max-concurrency` "0"')
    expect(wiring.standIn.requests.length).toBe(before)
  })

  test('a plan file that is no plan fails the step before any request, naming the file', async () => {
    await placePlan('bad/not-a-plan.json', 'x.json')
    const before = wiring.standIn.requests.length
    await runner({ subscriptions: SAMPLE_IDS[0]!, 'planned-changes': 'plans/x.json' })
    await run()
    expect(recorded.failed).toEqual([expect.stringMatching(/^planned-changes: plans\/x\.json: /)])
    expect(wiring.standIn.requests.length).toBe(before)
  })

  test('a glob that matches no file fails the step before any request', async () => {
    const before = wiring.standIn.requests.length
    await runner({ subscriptions: SAMPLE_IDS[0]!, 'planned-changes': 'nowhere/*.json' })
    await run()
    expect(recorded.failed).toEqual([
      expect.stringMatching(/^planned-changes: nowhere\/\*\.json: matches no file\./)
    ])
    expect(wiring.standIn.requests.length).toBe(before)
  })

  test('a change that does not say its subscription, without scope inputs: refused before any request', async () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'azurerm_security_center_subscription_pricing.servers',
          mode: 'managed',
          type: 'azurerm_security_center_subscription_pricing',
          name: 'servers',
          change: {
            actions: ['create'],
            before: null,
            after: { tier: 'Free', resource_type: 'VirtualMachines' },
            after_unknown: { id: true }
          }
        }
      ]
    }
    await mkdir(path.join(wiring.workspace, 'plans'), { recursive: true })
    await writeFile(path.join(wiring.workspace, 'plans/free.json'), JSON.stringify(plan))
    const before = wiring.standIn.requests.length
    await runner({ subscriptions: '', 'planned-changes': 'plans/free.json' })
    await run()
    expect(recorded.failed).toEqual([
      expect.stringMatching(
        /^Invalid input: planned-changes: azurerm_security_center_subscription_pricing\.servers \(plans\/free\.json\) does not say which subscription/
      )
    ])
    expect(wiring.standIn.requests.length).toBe(before)
  })

  test('a plan with no policy or pricing resource says that it changes no verdict', async () => {
    await placePlan('terraform/unrelated.json', 'unrelated.json')
    await runner({ subscriptions: SAMPLE_IDS[0]!, 'planned-changes': 'plans/unrelated.json' })
    await run()
    expect(logged('info')).toContainEqual(
      expect.stringMatching(
        /^planned-changes: plans\/unrelated\.json \(Terraform plan\) changes no policy/
      )
    )
  })

  test('a plan that deletes an assignment: decided now and after, failing on what it makes worse', async () => {
    await placeDeletePlan()
    // No scope inputs: the scope is every subscription the change reaches.
    await runner({ subscriptions: '', 'planned-changes': 'plans/delete.json' })
    await run()
    const changed = JSON.parse(recorded.outputs['changed-subscriptions']!) as unknown[]
    expect(changed.length).toBeGreaterThan(0)
    expect(changed).toContainEqual({
      subscriptionId: SAMPLE_IDS[0],
      from: 'compliant',
      to: 'noncompliant'
    })
    const results = JSON.parse(recorded.outputs.results!) as {
      subscriptionId: string
      currentVerdict: string
      plannedChanges?: { address: string }[]
    }[]
    expect(results.every((result) => result.currentVerdict !== undefined)).toBe(true)
    expect(results.find((result) => result.subscriptionId === SAMPLE_IDS[0])).toMatchObject({
      verdict: 'noncompliant',
      currentVerdict: 'compliant',
      plannedChanges: [
        expect.objectContaining({
          address: 'module.alz.azurerm_management_group_policy_assignment.mcsb'
        })
      ]
    })
    expect(recorded.failed).toEqual([
      expect.stringMatching(/^The planned changes make \d+ of \d+ subscriptions worse: /)
    ])
  })

  test('an unrelated plan changes nothing and passes; fail-on-existing fails on what the estate has', async () => {
    await placePlan('terraform/unrelated.json', 'unrelated.json')
    const inputs = {
      subscriptions: SAMPLE_IDS.join('\n'),
      'planned-changes': 'plans/unrelated.json'
    }
    await runner(inputs)
    await run()
    expect(recorded.outputs['changed-subscriptions']).toBe('[]')
    expect(recorded.failed).toEqual([])
    await runner({ ...inputs, 'fail-on-existing': 'true' })
    await run()
    expect(recorded.failed).toEqual([expect.stringMatching(/noncompliant/)])
  })

  test('without an OIDC endpoint, says how to get a token', async () => {
    await runner({ subscriptions: SAMPLE_IDS[0]! })
    Reflect.deleteProperty(process.env, 'ACTIONS_ID_TOKEN_REQUEST_URL')
    await run()
    expect(recorded.failed).toEqual([expect.stringContaining('`permissions: id-token: write`')])
    expect(Object.keys(recorded.outputs)).toEqual([])
  })

  test('a report that cannot be written fails the step after the others are written', async () => {
    const compliant = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.expected === 'compliant')!
    // A folder where the SARIF file should go cannot be replaced by the file.
    await mkdir(path.join(wiring.workspace, 'taken.sarif'), { recursive: true })
    await runner({ subscriptions: compliant.subscriptionId, 'sarif-file': 'taken.sarif' })
    await run()
    expect(recorded.failed).toEqual([
      expect.stringMatching(/^Could not write the SARIF file .*taken\.sarif \(.+\)$/)
    ])
    expect(recorded.outputs).toMatchObject({ compliant: 'true', 'sarif-file': '' })
    expect(recorded.summary).toHaveLength(1)
  })
})
