// The reads phase's watchdog (src/reads.ts): at the run's deadline every subscription not decided
// yet is `error`, saying why and what to do; what was decided before it stands, and a read that
// comes after it is not taken.
import { describe, expect, test } from '@jest/globals'
import type { Collected, ScopeReader } from '../../src/collect/index.ts'
import { startRunDeadline } from '../../src/deadline.ts'
import type { Verdict } from '../../src/model.ts'
import type { EvaluationOptions } from '../../src/evaluate/index.ts'
import { readEach } from '../../src/reads.ts'
import { recordingLog } from '../support/log.ts'

/** The action's default `fail-on`, no exemption accepted. */
const OPTIONS: EvaluationOptions = { failOn: new Set<Verdict>(['noncompliant', 'error']) }

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'

/** A scope of A (named) and B whose reads are `reads`, yielded in order, each after its wait. */
function scopeOf(
  reads: { index: number; read: Collected; afterMs: number }[]
): Pick<ScopeReader, 'discovery' | 'decideEach'> {
  return {
    discovery: {
      subscriptions: [{ subscriptionId: A, displayName: 'prod' }, { subscriptionId: B }],
      skipped: [],
      excluded: [],
      cost: { requests: 0, lists: 0, ms: 0 }
    },
    async *decideEach<R extends { verdict: Verdict }>(decide: (read: Collected) => R) {
      for (const { index, read, afterMs } of reads) {
        await new Promise((resolve) => setTimeout(resolve, afterMs))
        yield { index, decided: decide(read) }
      }
      // A read that never comes back (an access token Entra ID never gives).
      await new Promise<never>(() => undefined)
    }
  }
}

const failed = (subscriptionId: string) => ({
  subscriptionId,
  failure: `The identity may not read /subscriptions/${subscriptionId}.`,
  cause: 'access-denied' as const
})

describe('readEach at the deadline', () => {
  test('what was decided stands, the rest is error with why and what to do', async () => {
    const log = recordingLog()
    const deadline = startRunDeadline(150)
    const results = await readEach(
      scopeOf([{ index: 1, read: failed(B), afterMs: 0 }]),
      deadline,
      OPTIONS,
      log
    )
    deadline.stop()
    expect(results.map((result) => result.verdict)).toEqual(['error', 'error'])
    expect(results[1]!.reason).toBe(failed(B).failure)
    expect(results[0]).toMatchObject({
      subscriptionId: A,
      displayName: 'prod',
      errorCause: 'transient'
    })
    expect(results[0]!.reason).toMatch(
      /^The run's deadline \(0\.2 s, `deadline-minutes`\) passed before \/subscriptions\/1{8}-.* was read, so nothing was decided for it: .* check fewer subscriptions per step, lower `max-concurrency` when Resource Manager throttles, try `engine: resource-graph` for a large scope, or raise `deadline-minutes`/
    )
    expect(log.lines).toEqual([
      {
        kind: 'warning',
        text: "The run's deadline (0.2 s) passed with 1 of 2 subscription(s) not read: they are reported as error, and the reports are written now."
      }
    ])
  })

  test('after the deadline no more reads are asked for, and a late one is not taken', async () => {
    const deadline = startRunDeadline(30)
    const scope = scopeOf([])
    let asked = 0
    scope.decideEach = async function* (decide) {
      for (const [index, id] of [A, B].entries()) {
        asked += 1
        await new Promise((resolve) => setTimeout(resolve, 60))
        yield { index, decided: decide(failed(id)) }
      }
    }
    const results = await readEach(scope, deadline, OPTIONS, recordingLog())
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(asked).toBe(1)
    expect(results.map((result) => result.reason)).toEqual([
      expect.stringMatching(/^The run's deadline/),
      expect.stringMatching(/^The run's deadline/)
    ])
  })

  test('reads that all end in time: their verdicts, and no warning', async () => {
    const log = recordingLog()
    const deadline = startRunDeadline(10_000)
    const scope = scopeOf([])
    scope.decideEach = async function* (decide) {
      yield { index: 1, decided: decide(failed(B)) }
      yield { index: 0, decided: decide(failed(A)) }
    }
    const results = await readEach(scope, deadline, OPTIONS, log)
    deadline.stop()
    expect(results.map((result) => result.subscriptionId)).toEqual([A, B])
    expect(results[0]!.displayName).toBe('prod')
    expect(log.lines).toEqual([])
  })
})
