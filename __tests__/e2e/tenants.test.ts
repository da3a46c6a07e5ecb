// The bundled action over a tenant, as a runner runs it against the stand-in: each scope input
// (management groups at any depth, `*`, listed ids, the union), skipped states, exclusions,
// display names in the results, the results file, and scope failures before or at discovery.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  serversPricing,
  subscriptionId,
  type Estate
} from '../../standin/estate/index.ts'
import { startStandIn, type RequestRecord, type StandIn } from '../../standin/server.ts'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'

const TENANT_ID = guid('e2e/tenants/tenant')
const [PROD_1, PROD_OLD, PROD_WARNED, CORP_GONE, ONLINE_LATE, ONLINE_2, ROOT_1] = Array.from(
  { length: 7 },
  (_, n) => subscriptionId(700 + n)
) as [string, string, string, string, string, string, string]
const UNKNOWN = subscriptionId(799)

/** corp > prod, online, an empty sandbox, under the tenant root group; pages of 2 so every list
 * pages. */
function estate(): Estate {
  return {
    tenantId: TENANT_ID,
    clientId: guid('e2e/tenants/client'),
    pageSize: 2,
    managementGroups: [
      { name: 'corp', displayName: 'Corp' },
      { name: 'prod', displayName: 'Prod', parent: 'corp' },
      { name: 'online', displayName: 'Online' },
      { name: 'sandbox', displayName: 'Sandbox' }
    ],
    subscriptions: [
      { subscriptionId: PROD_1, displayName: 'prod <one>', managementGroup: 'prod' },
      {
        subscriptionId: PROD_OLD,
        displayName: 'prod-old',
        managementGroup: 'prod',
        state: 'Disabled'
      },
      {
        subscriptionId: PROD_WARNED,
        displayName: 'prod-warned',
        managementGroup: 'prod',
        state: 'Warned'
      },
      {
        subscriptionId: CORP_GONE,
        displayName: 'corp-gone',
        managementGroup: 'corp',
        state: 'Deleted'
      },
      {
        subscriptionId: ONLINE_LATE,
        displayName: 'online-late',
        managementGroup: 'online',
        state: 'PastDue'
      },
      { subscriptionId: ONLINE_2, displayName: 'online-2', managementGroup: 'online' },
      { subscriptionId: ROOT_1, displayName: 'root-1' }
    ],
    // Plan 2 everywhere: the verdicts here come from the scope and the policy alone.
    pricings: [PROD_1, PROD_OLD, PROD_WARNED, CORP_GONE, ONLINE_LATE, ONLINE_2, ROOT_1].map(
      (subscription) => serversPricing(subscription, 'Standard', 'P2')
    ),
    policyAssignments: [
      policyAssignment(managementGroupScope(TENANT_ID), 'jit', {
        displayName: 'JIT audit',
        policyDefinitionId: JIT_POLICY_DEFINITION_ID
      })
    ]
  }
}

interface Result {
  subscriptionId: string
  displayName?: string
  verdict: string
  errorCause?: string
}

let standIn: StandIn

beforeAll(async () => {
  standIn = await startStandIn({ estate: estate(), latencyMs: 0 })
})

afterAll(async () => {
  await standIn?.close()
})

async function run(inputs: Record<string, string>) {
  const first = standIn.requests.length
  const action: ActionRun = await runAction({
    standIn,
    inputs: {
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      subscriptions: '',
      ...inputs
    },
    keepWorkspace: true
  })
  const resultsFile = action.outputs['results-file']
  const file = resultsFile ? await readFile(resultsFile, 'utf8') : null
  await rm(action.workspace, { recursive: true, force: true })
  const arm: RequestRecord[] = standIn.requests
    .slice(first)
    .filter((request) => request.service === 'arm')
  return {
    ...action,
    arm,
    file,
    results: JSON.parse(action.outputs.results ?? '[]') as Result[],
    skipped: JSON.parse(action.outputs['skipped-subscriptions'] ?? '[]') as Result[]
  }
}

const ids = (items: { subscriptionId: string }[]) => items.map((item) => item.subscriptionId)
const pagesOf = (arm: RequestRecord[], path: string) =>
  arm.filter((request) => request.path.toLowerCase() === path.toLowerCase())

describe('management-groups', () => {
  let action: Awaited<ReturnType<typeof run>>
  beforeAll(async () => {
    action = await run({ 'management-groups': 'corp' })
  })

  test('checks every subscription beneath the group at any depth; Warned is checked', () => {
    expect(ids(action.results)).toEqual([PROD_1, PROD_WARNED])
    expect(action.results.map((result) => result.verdict)).toEqual(['compliant', 'compliant'])
    expect(action.exitCode).toBe(0)
  })

  test('Disabled and Deleted are skipped: output, log and summary, and the step passes', () => {
    expect(action.skipped).toEqual([
      { subscriptionId: PROD_OLD, displayName: 'prod-old', state: 'Disabled' },
      { subscriptionId: CORP_GONE, displayName: 'corp-gone', state: 'Deleted' }
    ])
    expect(action.stdout).toContain(
      `${PROD_OLD} (prod-old): skipped, the subscription is Disabled.`
    )
    expect(action.summary).toContain('### Skipped subscriptions')
    expect(action.summary).toContain('corp-gone')
    // Skipped subscriptions are not read.
    expect(action.arm.filter((request) => request.subscriptionId === PROD_OLD)).toEqual([])
  })

  test('display names from the subscription list are in the results and the log', () => {
    expect(action.results.map((result) => result.displayName)).toEqual([
      'prod <one>',
      'prod-warned'
    ])
    expect(action.stdout).toContain(`${PROD_1} (prod <one>): compliant.`)
  })

  test('discovery pages through the descendants and the subscription list, and logs its cost', () => {
    const descendants = pagesOf(action.arm, `${managementGroupScope('corp')}/descendants`)
    const list = pagesOf(action.arm, '/subscriptions')
    // corp has prod and 4 subscriptions below it: 5 entries, 3 pages of 2; 7 subscriptions: 4 pages.
    expect(descendants).toHaveLength(3)
    expect(list).toHaveLength(4)
    expect([...descendants, ...list].every((request) => request.status === 200)).toBe(true)
    expect(action.stdout).toMatch(
      /Discovery: 2 subscription\(s\) to check, 2 skipped, 0 excluded; 7 request\(s\) over 2 list\(s\) in \d+ ms\./
    )
  })

  test('the results file holds the results in full, and its path is an output', () => {
    expect(action.outputs['results-file']).toMatch(/_temp\/jit-network-access-results\.json$/)
    // The file is the output in full, with each subscription's flagged machines besides.
    const file = JSON.parse(action.file ?? 'null') as Record<string, unknown>[]
    expect(file.map((result) => result.flaggedVirtualMachines)).toEqual(
      action.results.map(() => [])
    )
    expect(
      file.map((result) => {
        const rest = { ...result }
        delete rest.flaggedVirtualMachines
        return rest
      })
    ).toEqual(action.results)
    expect(action.outputs['results-trimmed']).toBe('false')
  })
})

test("subscriptions '*' with exclude-subscriptions: every readable subscription but the excluded", async () => {
  const action = await run({
    subscriptions: '*',
    'exclude-subscriptions': `${ONLINE_2} # retired\n${UNKNOWN}`
  })
  expect(ids(action.results)).toEqual([PROD_1, PROD_WARNED, ONLINE_LATE, ROOT_1])
  // An id to exclude that is not in scope excludes nothing: a notice says so, the others none.
  expect(action.stdout.split('\n').filter((line) => line.startsWith('::notice::'))).toEqual([
    `::notice::\`exclude-subscriptions\` lists ${UNKNOWN}, which is not in the scope checked, so it excludes nothing: check the id, or remove it.`
  ])
  expect(action.results.every((result) => result.verdict === 'compliant')).toBe(true)
  expect(ids(action.skipped)).toEqual([PROD_OLD, CORP_GONE])
  expect(action.arm.filter((request) => request.subscriptionId === ONLINE_2)).toEqual([])
  expect(action.stdout).toContain('1 excluded')
  expect(action.exitCode).toBe(0)
})

test('listed ids and a management group: the union, each once; an id the list lacks is checked', async () => {
  const action = await run({
    subscriptions: `${ROOT_1}\n${UNKNOWN}\n${ONLINE_2}`,
    'management-groups': '/providers/Microsoft.Management/managementGroups/online'
  })
  expect(ids(action.results)).toEqual([ROOT_1, UNKNOWN, ONLINE_2, ONLINE_LATE])
  expect(action.results.map((result) => result.displayName)).toEqual([
    'root-1',
    undefined,
    'online-2',
    'online-late'
  ])
  expect(action.results[1]).toMatchObject({ verdict: 'error' })
  expect(action.exitCode).toBe(1)
})

test('a bad management group name is refused before any request', async () => {
  const action = await run({ 'management-groups': 'corp/prod' })
  expect(action.exitCode).toBe(1)
  expect(action.stdout).toMatch(/::error::Invalid input: `management-groups` holds "corp\/prod"/)
  expect(action.arm).toEqual([])
})

test('a management group that cannot be read fails the step with what to do', async () => {
  const action = await run({ 'management-groups': 'nowhere' })
  expect(action.exitCode).toBe(1)
  expect(action.stdout).toMatch(
    /::error::Could not list the subscriptions under management group nowhere \(404 NotFound.*Reader on the management group/
  )
  expect(action.arm.filter((request) => request.subscriptionId !== undefined)).toEqual([])
  expect(action.stdout).not.toMatch(/ at .*\.js:\d+/)
})

describe('a scope that checks nothing', () => {
  test('an id that exclude-subscriptions takes out fails the step, saying what to check', async () => {
    const action = await run({ subscriptions: ROOT_1, 'exclude-subscriptions': ROOT_1 })
    expect(action.exitCode).toBe(1)
    expect(action.stdout).toMatch(
      /::error::The scope resolved to no subscription, so nothing was checked: check that `exclude-subscriptions`/
    )
    expect(action.outputs).toMatchObject({ compliant: 'false', results: '[]' })
    expect(action.summary).toContain('No subscriptions were checked.')
  })

  test('an empty management group fails the step too; fail-on: none makes it a warning', async () => {
    const failed = await run({ 'management-groups': 'sandbox' })
    expect(failed.exitCode).toBe(1)
    expect(failed.stdout).toMatch(/::error::The scope resolved to no subscription/)
    const warned = await run({ 'management-groups': 'sandbox', 'fail-on': 'none' })
    expect(warned.exitCode).toBe(0)
    expect(warned.stdout).toMatch(/::warning::The scope resolved to no subscription/)
  })

  test('every subscription skipped for its state: a warning, and the step passes', async () => {
    const action = await run({ subscriptions: `${PROD_OLD}\n${CORP_GONE}` })
    expect(action.exitCode).toBe(0)
    expect(action.stdout).toMatch(
      /::warning::No subscription was checked: all 2 in scope are Disabled or Deleted/
    )
    expect(ids(action.skipped)).toEqual([PROD_OLD, CORP_GONE])
  })
})
