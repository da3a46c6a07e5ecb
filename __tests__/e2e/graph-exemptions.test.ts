// Resource Graph and exemptions, through the bundle (issue 20, "Resource Graph and exemptions"):
// Resource Graph shows only what the identity may read, so an identity that may not read policy
// exemptions sees none there, and its compliant would stand on an exemption it never saw. A
// compliant from Resource Graph stands only once Resource Manager's list of the exemptions that
// bear on the subscription (at a management group above it, once per run, else at the
// subscription) holds nothing Resource Graph did not show; else the subscription is read again
// through Resource Manager, whose refusal is loud.
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  serversPricing,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import { RESOURCE_GRAPH_PATH } from '../../standin/resource-graph/index.ts'
import type { RequestRecord } from '../../standin/server.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const TENANT_ID = guid('graph-exemptions/tenant')
const subscription = (n: number) => guid(`graph-exemptions/subscription/${n}`)
/** Exempted at the subscription. */
const EXEMPTED_HERE = subscription(1)
/** Exempted at its management group, corp. */
const EXEMPTED_ABOVE = subscription(2)
/** Not exempted. */
const PLAIN = subscription(3)
const IDS = [EXEMPTED_HERE, EXEMPTED_ABOVE, PLAIN]

/** JIT audited from the tenant root group on Plan 2 everywhere; two exemptions of it, one at a
 * subscription, one at the management group corp above another. */
function estate(): Estate {
  const audit = policyAssignment(managementGroupScope(TENANT_ID), 'jit', {
    policyDefinitionId: JIT_POLICY_DEFINITION_ID,
    parameters: { effect: { value: 'AuditIfNotExists' } }
  })
  return {
    tenantId: TENANT_ID,
    clientId: guid('graph-exemptions/client'),
    managementGroups: [{ name: 'corp' }],
    subscriptions: IDS.map((subscriptionId) => ({
      subscriptionId,
      ...(subscriptionId === EXEMPTED_ABOVE ? { managementGroup: 'corp' } : {})
    })),
    policyAssignments: [audit],
    policyExemptions: [
      policyExemption(subscriptionScope(EXEMPTED_HERE), 'here', { policyAssignmentId: audit.id }),
      policyExemption(managementGroupScope('corp'), 'above', { policyAssignmentId: audit.id })
    ],
    pricings: IDS.map((id) => serversPricing(id, 'Standard', 'P2'))
  }
}

/** The identity may read policy exemptions nowhere: not at management groups (faults of
 * requests that concern no subscription), nor at any subscription. */
function noExemptionReads(given: Estate): Estate {
  const refused = { fault: 'forbidden', on: 'exemptions' } as const
  return {
    ...given,
    faults: [refused],
    subscriptions: given.subscriptions.map((s) => ({ ...s, faults: [refused] }))
  }
}

/** The identity may read policy exemptions on its subscriptions, not at management groups. */
function noGroupExemptionReads(given: Estate): Estate {
  return { ...given, faults: [{ fault: 'forbidden', on: 'exemptions' }] }
}

interface Run {
  verdicts: string[]
  reasons: string[]
  arm: RequestRecord[]
  stdout: string
}

async function check(given: Estate, inputs: Record<string, string>): Promise<Run> {
  let result: Run | undefined
  await runOnFreshStandIn(
    given,
    { subscriptions: IDS.join('\n'), ...inputs },
    async (run, standIn) => {
      expect(run.stderr).toBe('')
      const results = JSON.parse(await readFile(run.outputs['results-file'] ?? '', 'utf8')) as {
        subscriptionId: string
        verdict: string
        reason: string
      }[]
      const byId = new Map(results.map((r) => [r.subscriptionId, r]))
      result = {
        verdicts: IDS.map((id) => byId.get(id)?.verdict ?? 'missing'),
        reasons: IDS.map((id) => byId.get(id)?.reason ?? ''),
        arm: standIn.requests.filter((r) => r.service === 'arm'),
        stdout: run.stdout
      }
    }
  )
  return result!
}

const graph = { engine: 'resource-graph' }
const manager = { engine: 'resource-manager' }
const isExemptionList = (r: RequestRecord) => /\/policyexemptions$/i.test(r.path)

describe('an identity that may read no exemption', () => {
  test('Resource Manager says it cannot read them', async () => {
    const run = await check(noExemptionReads(estate()), manager)
    expect(run.verdicts).toEqual(['error', 'error', 'error'])
    for (const reason of run.reasons) expect(reason).toMatch(/may not read the policy exemptions/)
  }, 60_000)

  test('Resource Graph, which shows it none, does not pass it: the same errors', async () => {
    const run = await check(noExemptionReads(estate()), graph)
    expect(run.verdicts).toEqual(['error', 'error', 'error'])
    for (const reason of run.reasons) expect(reason).toMatch(/may not read the policy exemptions/)
    expect(run.stdout).toMatch(
      /Resource Manager lists exemptions that Azure Resource Graph did not show \(or they could not be listed\) for 3 subscription\(s\) it found compliant/
    )
  }, 60_000)
})

describe('an identity that may read exemptions on its subscriptions, not at management groups', () => {
  test.each([
    ['the subscriptions listed', {}],
    ['the management group corp and the subscriptions', { 'management-groups': 'corp' }]
  ])(
    'scope %s: the exemption above is seen, as Resource Manager sees it',
    async (_, scope) => {
      const given = noGroupExemptionReads(estate())
      const expected = ['noncompliant', 'noncompliant', 'compliant']
      expect((await check(given, { ...manager, ...scope })).verdicts).toEqual(expected)
      const run = await check(given, { ...graph, ...scope })
      expect(run.verdicts).toEqual(expected)
      expect(run.reasons[1]).toMatch(/exempted .* by exemption 'above'/)
      // The group lists are refused; each subscription Resource Graph found compliant had its own
      // list read, and the one whose list held an exemption Resource Graph did not show was read
      // again (its assignments, exemptions and plan).
      const lists = run.arm.filter(isExemptionList)
      const groupLists = lists.filter((r) => r.subscriptionId === undefined)
      expect(groupLists.map((r) => r.status)).toEqual(groupLists.map(() => 403))
      const own = lists.filter((r) => r.subscriptionId !== undefined)
      expect(own.filter((r) => r.subscriptionId === EXEMPTED_ABOVE)).toHaveLength(2)
      expect(own.filter((r) => r.subscriptionId === PLAIN)).toHaveLength(1)
    },
    60_000
  )
})

describe('an identity that may read exemptions everywhere', () => {
  test('one list at the tenant root group confirms every compliant verdict', async () => {
    const run = await check(estate(), graph)
    expect(run.verdicts).toEqual(['noncompliant', 'noncompliant', 'compliant'])
    const lists = run.arm.filter(isExemptionList)
    // The root group's list for PLAIN; the two exempted ones were read again, not confirmed.
    expect(lists.filter((r) => r.subscriptionId === undefined).map((r) => r.path)).toEqual([
      `${managementGroupScope(TENANT_ID)}/providers/Microsoft.Authorization/policyExemptions`
    ])
    expect(lists.filter((r) => r.subscriptionId === PLAIN)).toEqual([])
    expect(run.arm.filter((r) => r.path === RESOURCE_GRAPH_PATH).length).toBeGreaterThan(0)
  }, 60_000)

  test('with a management group in scope, its list confirms those below it', async () => {
    const run = await check(estate(), { ...graph, 'management-groups': 'corp' })
    expect(run.verdicts).toEqual(['noncompliant', 'noncompliant', 'compliant'])
    const groupLists = run.arm.filter((r) => isExemptionList(r) && r.subscriptionId === undefined)
    // PLAIN is not below corp: the root group's list confirms it.
    expect(groupLists.map((r) => r.path)).toEqual([
      `${managementGroupScope(TENANT_ID)}/providers/Microsoft.Authorization/policyExemptions`
    ])
    expect(groupLists.map((r) => r.query.$filter)).toEqual(['atScope()'])
  }, 60_000)
})
