// The bundled action over 5,000 subscriptions under one management group, against the stand-in:
// the `results` output stays under 512 KiB as GitHub counts it, keeps every failing subscription,
// says it was trimmed, and the results file has every result in full. (Times are for
// `npm run bench`; this test only bounds them loosely.)
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import { subscriptionId } from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'
import { oneGroupEstate } from './one-group-estate.ts'

const COUNT = 5000
const ids = Array.from({ length: COUNT }, (_, n) => subscriptionId(10_000 + n))
// Every 10th is under a group without the JIT audit; every 100th (of the others) is disabled.
const unaudited = (n: number) => n % 10 === 0
const disabled = (n: number) => !unaudited(n) && n % 100 === 1

let standIn: StandIn
let run: ActionRun
let file: string

beforeAll(async () => {
  standIn = await startStandIn({
    estate: oneGroupEstate('tenant-scale', ids, { unaudited, disabled }),
    latencyMs: 0
  })
  run = await runAction({
    standIn,
    inputs: {
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      subscriptions: '',
      'management-groups': 'landing-zones',
      'sarif-file': ''
    },
    keepWorkspace: true
  })
  file = await readFile(run.outputs['results-file'] ?? '', 'utf8')
  await rm(run.workspace, { recursive: true, force: true })
}, 120_000)

afterAll(async () => {
  await standIn?.close()
})

const NONCOMPLIANT = ids.filter((_, n) => unaudited(n))
const SKIPPED = ids.filter((_, n) => disabled(n))
const CHECKED = COUNT - SKIPPED.length

describe(`${COUNT.toLocaleString('en')} subscriptions under one management group`, () => {
  test('all are decided: noncompliant under the unaudited group, skipped the disabled', () => {
    expect(run.exitCode).toBe(1)
    expect(JSON.parse(run.outputs['noncompliant-subscriptions'] ?? '[]')).toEqual(NONCOMPLIANT)
    expect(
      (
        JSON.parse(run.outputs['skipped-subscriptions'] ?? '[]') as { subscriptionId: string }[]
      ).map((entry) => entry.subscriptionId)
    ).toEqual(SKIPPED)
  })

  test('the results output stays under 512 KiB as GitHub counts it, and says it was trimmed', () => {
    const results = run.outputs.results ?? ''
    expect(results.length * 2).toBeLessThanOrEqual(512 * 1024)
    expect(run.outputs['results-trimmed']).toBe('true')
    expect(run.stdout).toMatch(/::warning::The `results` output leaves out the evidence/)
    // What was dropped is counted per verdict: compliant (or partial) ones, never a failing one.
    expect(run.stdout).toMatch(/ \d+ subscription\(s\) whole \(\d+ (partial|compliant)/)
    expect(run.stdout).not.toMatch(/whole \([^)]*(error|noncompliant)/)
    // The job summary points at the results file, not at the trimmed output.
    expect(run.summary).toContain('The results file (its path is the `results-file` output')
    expect(run.summary).not.toContain('The `results` output has every subscription')
    const parsed = JSON.parse(results) as { subscriptionId: string; verdict: string }[]
    // Every subscription that needs action is kept; compliant ones make room.
    expect(
      parsed
        .filter((entry) => entry.verdict === 'noncompliant')
        .map((entry) => entry.subscriptionId)
    ).toEqual(NONCOMPLIANT)
  })

  test('the results file has every checked subscription in full, with its display name', () => {
    const full = JSON.parse(file) as {
      subscriptionId: string
      displayName: string
      assignments: unknown[]
    }[]
    expect(full).toHaveLength(CHECKED)
    expect(full.find((entry) => entry.subscriptionId === ids[2])?.displayName).toBe('workload-2')
    expect(full.every((entry) => Array.isArray(entry.assignments))).toBe(true)
  })

  test('discovery cost is logged apart: one descendants list and one subscription list', () => {
    expect(run.stdout).toMatch(
      new RegExp(
        `Discovery: ${CHECKED} subscription\\(s\\) to check, ${SKIPPED.length} skipped, 0 excluded; \\d+ request\\(s\\) over 2 list\\(s\\)`
      )
    )
  })
})
