// Resource Graph's per-user quota gate (src/collect/resource-graph/quota.ts), driven by the headers
// its answers carry.
import { describe, expect, it } from '@jest/globals'
import {
  DOCUMENTED_QUERIES_PER_WINDOW,
  QuotaGate,
  parseResetsAfter
} from '../../src/collect/resource-graph/quota.ts'

const headers =
  (remaining: string, resetsAfter: string) =>
  (name: string): string | undefined =>
    ({
      'x-ms-user-quota-remaining': remaining,
      'x-ms-user-quota-resets-after': resetsAfter
    })[name]

/** Whether `promise` has settled within a turn of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(
    () => (done = true),
    () => (done = true)
  )
  await new Promise((resolve) => setTimeout(resolve, 10))
  return done
}

describe('QuotaGate', () => {
  it('lets Microsoft’s example window start before any answer, then waits for one', async () => {
    const gate = new QuotaGate(5000)
    for (let n = 0; n < DOCUMENTED_QUERIES_PER_WINDOW; n += 1) await gate.beforeQuery()
    const next = gate.beforeQuery()
    expect(await settled(next)).toBe(false)
    gate.afterAnswer(headers('14', '00:00:04'))
    // 14 left when told, 14 in flight then: none to spend.
    expect(await settled(next)).toBe(false)
    gate.close(new Error('closed'))
    await expect(next).rejects.toThrow('closed')
  })

  it('spends what an answer says is left, counting the queries in flight, then waits for the reset', async () => {
    const gate = new QuotaGate(5000)
    await gate.beforeQuery()
    await gate.beforeQuery()
    // Told with one query still in flight: of the 3 left, that one may be among them.
    gate.afterAnswer(headers('3', '00:00:00.4'))
    await gate.beforeQuery()
    await gate.beforeQuery()
    const started = Date.now()
    const third = gate.beforeQuery()
    expect(await settled(third)).toBe(false)
    await third
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    expect(gate.waitedMs).toBeGreaterThanOrEqual(350)
  })

  it('refuses every query once an answer says the quota resets later than it may wait', async () => {
    const gate = new QuotaGate(5000)
    await gate.beforeQuery()
    expect(() => gate.afterAnswer(headers('0', '00:01:00'))).toThrow(
      /resets after 60 s, longer than the 5 s the check waits/
    )
    expect(gate.exhausted?.status).toBe(429)
    await expect(gate.beforeQuery()).rejects.toThrow(/resets after 60 s/)
  })

  it('reads x-ms-user-quota-resets-after as hh:mm:ss, a fraction of a second included', () => {
    expect(parseResetsAfter('00:00:03')).toBe(3000)
    expect(parseResetsAfter('00:01:02.5')).toBe(62_500)
    expect(parseResetsAfter('soon')).toBeUndefined()
    expect(parseResetsAfter(undefined)).toBeUndefined()
  })
})
