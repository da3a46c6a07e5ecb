// The run's deadline and the bounded waits (src/deadline.ts): a wait that takes no abort signal
// still ends when the signal aborts, and what it gives later is not taken.
import { describe, expect, test } from '@jest/globals'
import {
  abandonOnAbort,
  describeDuration,
  settledBefore,
  startRunDeadline,
  withinMs
} from '../../src/deadline.ts'

const never = () => new Promise<never>(() => undefined)

describe('startRunDeadline', () => {
  test('counts down from its start and aborts its signal when it passes', async () => {
    let now = 1_000
    const deadline = startRunDeadline(40, () => now)
    expect(deadline.remainingMs()).toBe(40)
    now += 15
    expect(deadline.remainingMs()).toBe(25)
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve))
    expect(deadline.remainingMs()).toBe(0)
    expect(String(deadline.signal.reason)).toBe(
      "DeadlinePassedError: the run's deadline (0 s) passed"
    )
  })

  test('stopped, it never aborts', async () => {
    const deadline = startRunDeadline(10)
    deadline.stop()
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(deadline.signal.aborted).toBe(false)
  })
})

describe('waiting within a signal', () => {
  test('work that settles first: true, and its rejection passed on', async () => {
    const signal = new AbortController().signal
    await expect(settledBefore(Promise.resolve(1), signal)).resolves.toBe(true)
    await expect(settledBefore(Promise.reject(new Error('no')), signal)).rejects.toThrow('no')
  })

  test('a signal that aborts first: false, at once when it already has', async () => {
    const controller = new AbortController()
    const waiting = settledBefore(never(), controller.signal)
    controller.abort()
    await expect(waiting).resolves.toBe(false)
    await expect(settledBefore(never(), controller.signal)).resolves.toBe(false)
  })

  test('abandonOnAbort rejects with what it is given; without a signal it is the work', async () => {
    const controller = new AbortController()
    const waiting = abandonOnAbort(never(), controller.signal, () => new Error('given up'))
    controller.abort()
    await expect(waiting).rejects.toThrow('given up')
    await expect(abandonOnAbort(Promise.resolve('t'), undefined, () => 'x')).resolves.toBe('t')
  })

  test('withinMs: the value in time, else the time-out, without waiting for the work', async () => {
    await expect(withinMs(Promise.resolve(2), 1_000, () => 'late')).resolves.toBe(2)
    const started = Date.now()
    await expect(withinMs(never(), 30, () => new Error('late'))).rejects.toThrow('late')
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})

test.each([
  [3_000, '3 s'],
  [90_500, '90.5 s'],
  [150_000, '2.5 min'],
  [15 * 60_000, '15 min']
])('describeDuration(%i) is %s', (ms, words) => {
  expect(describeDuration(ms)).toBe(words)
})
