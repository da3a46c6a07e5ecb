// A Defender for Servers plan that cannot be read, through the bundle (issue 20, "Unreadable
// Defender plan"): whatever `pricings/VirtualMachines` answers instead of a plan (an error
// status, no answer, JSON cut short, an object without the plan, a plan field of another type),
// the plan is unknown and never better than Plan 1: `partial`, saying why, or `error` where
// `fail-on` lists both `partial` and `error`. `defender-plan-check: false` does not weigh it.
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  policyAssignment,
  serversPricing,
  subscriptionScope,
  type Estate,
  type Fault,
  type RawAnswer
} from '../../standin/estate/index.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const subscription = (n: number) => guid(`plan-unreadable/subscription/${n}`)
const pricingPath = (n: number) =>
  `/subscriptions/${subscription(n)}/providers/Microsoft.Security/pricings/VirtualMachines`

interface Case {
  name: string
  faults?: Fault[]
  answer?: Omit<RawAnswer, 'path'>
  /** What the reason says of why the plan is unknown. */
  why: RegExp
  cause: 'access-denied' | 'transient'
}

const CASES: Case[] = [
  {
    name: '403',
    faults: [{ fault: 'forbidden', on: 'pricings' }],
    why: /403 AuthorizationFailed.*Microsoft\.Security\/pricings\/read/,
    cause: 'access-denied'
  },
  {
    name: '500',
    answer: { status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } },
    why: /500 InternalServerError/,
    cause: 'transient'
  },
  {
    // Pricings - Get documents no 404: a plan never turned on is answered Free.
    name: '404',
    answer: { status: 404, body: { error: { code: 'NotFound', message: 'No pricing' } } },
    why: /404 NotFound/,
    cause: 'transient'
  },
  {
    name: 'a connection reset',
    faults: [{ fault: 'reset', on: 'pricings' }],
    why: /no answer|reset|socket/i,
    cause: 'transient'
  },
  {
    name: 'truncated JSON',
    faults: [{ fault: 'malformed-json', on: 'pricings' }],
    why: /malformed/,
    cause: 'transient'
  },
  {
    name: '{}',
    answer: { status: 200, body: {} },
    why: /properties of a Defender for Cloud pricing is missing, not an object/,
    cause: 'transient'
  },
  {
    name: 'a numeric subPlan',
    answer: { status: 200, body: { properties: { pricingTier: 'Standard', subPlan: 2 } } },
    why: /properties\.subPlan of a Defender for Cloud pricing is a number, not a string/,
    cause: 'transient'
  },
  {
    name: 'a numeric pricingTier',
    answer: { status: 200, body: { properties: { pricingTier: 1 } } },
    why: /properties\.pricingTier of a Defender for Cloud pricing is a number, not a string/,
    cause: 'transient'
  }
]
/** The last subscription's plan is Plan 2 and readable. */
const READABLE = CASES.length + 1
const IDS = Array.from({ length: READABLE }, (_, index) => subscription(index + 1))

/** Every subscription audits JIT (the definition assigned at it) on a Plan 2 pricing; each case's
 * subscription meets its fault or raw answer when its plan is read through Resource Manager. */
function estate(): Estate {
  return {
    tenantId: guid('plan-unreadable/tenant'),
    clientId: guid('plan-unreadable/client'),
    subscriptions: IDS.map((subscriptionId, index) => ({
      subscriptionId,
      ...(CASES[index]?.faults ? { faults: CASES[index].faults } : {})
    })),
    policyAssignments: IDS.map((id) =>
      policyAssignment(subscriptionScope(id), 'jit', {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: 'AuditIfNotExists' } }
      })
    ),
    pricings: IDS.map((id) => serversPricing(id, 'Standard', 'P2')),
    answers: CASES.flatMap((c, index) =>
      c.answer ? [{ path: pricingPath(index + 1), ...c.answer }] : []
    )
  }
}

interface Result {
  subscriptionId: string
  verdict: string
  reason: string
  errorCause?: string
}

/** The `errorCause` SARIF gives each subscription that could not be checked, wherever in the log
 * (its tool notifications' properties). */
function errorCauses(node: unknown, found = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(node)) for (const item of node) errorCauses(item, found)
  else if (typeof node === 'object' && node !== null) {
    const { subscriptionId, errorCause } = node as Record<string, unknown>
    if (typeof subscriptionId === 'string' && typeof errorCause === 'string')
      found.set(subscriptionId, errorCause)
    for (const value of Object.values(node)) errorCauses(value, found)
  }
  return found
}

async function resultsOf(inputs: Record<string, string>): Promise<Map<string, Result>> {
  const results = new Map<string, Result>()
  await runOnFreshStandIn(estate(), { subscriptions: IDS.join('\n'), ...inputs }, async (run) => {
    expect(run.stderr).toBe('')
    const file = run.outputs['results-file'] ?? ''
    const sarif = JSON.parse(await readFile(run.outputs['sarif-file'] ?? '', 'utf8')) as unknown
    const causes = errorCauses(sarif)
    for (const result of JSON.parse(await readFile(file, 'utf8')) as Result[]) {
      const errorCause = causes.get(result.subscriptionId)
      results.set(result.subscriptionId, { ...result, ...(errorCause ? { errorCause } : {}) })
    }
  })
  return results
}

const cases = CASES.map((c, index) => [c.name, c, subscription(index + 1)] as const)

describe('with the default fail-on (noncompliant, error)', () => {
  let results: Map<string, Result>
  test('runs', async () => {
    results = await resultsOf({})
    expect(results.get(subscription(READABLE))?.verdict).toBe('compliant')
  }, 60_000)

  test.each(cases)('%s: partial, saying the plan could not be read and why', (_, c, id) => {
    const result = results.get(id)
    expect(result?.verdict).toBe('partial')
    expect(result?.reason).toMatch(
      /But the Defender for Servers plan could not be read \(.*\): JIT needs Plan 2, and a plan that cannot be read counts as no better than Plan 1/
    )
    expect(result?.reason).toMatch(c.why)
  })
})

describe('with fail-on: partial, error', () => {
  let results: Map<string, Result>
  test('runs', async () => {
    results = await resultsOf({ 'fail-on': 'partial, error' })
    expect(results.get(subscription(READABLE))?.verdict).toBe('compliant')
  }, 60_000)

  test.each(cases)('%s: error, since the step hangs on the unknown plan', (_, c, id) => {
    const result = results.get(id)
    expect(result?.verdict).toBe('error')
    expect(result?.errorCause).toBe(c.cause)
    expect(result?.reason).toMatch(c.why)
    expect(result?.reason).toMatch(/Whether JIT is in force therefore cannot be decided\.$/)
  })
})

test('with fail-on: partial alone, the plan unknown is partial (it fails the step as Plan 1 would)', async () => {
  const results = await resultsOf({ 'fail-on': 'partial' })
  expect(IDS.map((id) => results.get(id)?.verdict)).toEqual([
    ...CASES.map(() => 'partial'),
    'compliant'
  ])
}, 60_000)

test('with defender-plan-check: false, the plan is not weighed', async () => {
  const results = await resultsOf({ 'defender-plan-check': 'false' })
  expect(IDS.map((id) => results.get(id)?.verdict)).toEqual(IDS.map(() => 'compliant'))
}, 60_000)

test('on the resource-graph engine, a plan Resource Graph cannot show and Resource Manager cannot read is partial', async () => {
  // A pricing the identity may not read is no row in Resource Graph either: its verdict falls
  // short there, and Resource Manager's, read again, is the one reported.
  const results = await resultsOf({ engine: 'resource-graph' })
  expect(results.get(subscription(1))?.verdict).toBe('partial')
  expect(results.get(subscription(1))?.reason).toMatch(CASES[0]!.why)
  // The others' plans Resource Graph read as Plan 2: Resource Manager's faults do not reach them.
  expect(IDS.slice(1).map((id) => results.get(id)?.verdict)).toEqual(
    IDS.slice(1).map(() => 'compliant')
  )
}, 60_000)
