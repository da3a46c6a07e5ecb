// main.ts in-process, with @actions/core replaced by a recording fake and Azure by the stand-in:
// the wiring from the inputs to the step's outcome, without the bundle.
import { describe, expect, test } from '@jest/globals'
import { copyFile, mkdir, readFile } from 'node:fs/promises'
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
