// An exemption's expiresOn without an offset is UTC, whatever the runner's time zone. Jest's
// process.env is a copy, so the evaluator runs in a child Node process with TZ set.
import { spawnSync } from 'node:child_process'
import { expect, test } from '@jest/globals'

const PROGRAM = `
import { evaluateSubscription } from './src/evaluate/index.ts'
import { assignment, exemption, snapshot } from './__tests__/evaluate/builders.ts'
const jit = assignment({ name: 'jit' })
// Collected at 2026-05-01T12:00:00Z; 10:00 UTC is before it, 10:00 in Los Angeles is after it.
const waiver = exemption(jit, { name: 'w', expiresOn: '2026-05-01T10:00:00' })
const result = evaluateSubscription(snapshot([jit], [], { exemptions: [waiver] }))
const offset = new Date(2026, 4, 1).getTimezoneOffset()
console.log(JSON.stringify({ verdict: result.verdict, offset }))
`

test.each(['America/Los_Angeles', 'Asia/Tokyo', 'UTC'])(
  'TZ=%s: an expiresOn without an offset is read as UTC',
  (zone) => {
    const child = spawnSync(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', PROGRAM],
      {
        cwd: new URL('../..', import.meta.url),
        env: { ...process.env, TZ: zone },
        encoding: 'utf8'
      }
    )
    expect(child.stderr).toBe('')
    const { verdict, offset } = JSON.parse(child.stdout) as { verdict: string; offset: number }
    expect(offset).toBe({ 'America/Los_Angeles': 420, 'Asia/Tokyo': -540, UTC: 0 }[zone])
    expect(verdict).toBe('compliant')
  }
)
