import { describe, expect, test } from '@jest/globals'
import { MAX_SKIPPED_ROWS, skippedSection } from '../../src/report/summary/index.ts'
import { HOSTILE_ALL } from './helpers.ts'

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

describe('skippedSection', () => {
  test('nothing skipped: no section', () => {
    expect(skippedSection([])).toBe('')
  })

  test('a table of id, display name (escaped) and state', () => {
    const section = skippedSection([
      { subscriptionId: id(1), displayName: 'old | <b>x</b>', state: 'Disabled' },
      { subscriptionId: id(2), state: 'Deleted' }
    ])
    expect(section).toContain('### Skipped subscriptions')
    expect(section).toContain('2 subscriptions in scope were not checked')
    expect(section).toContain(`| \`${id(1)}\` | old &#124; &lt;b&gt;x&lt;/b&gt; | Disabled |`)
    expect(section).toContain(`| \`${id(2)}\` |  | Deleted |`)
  })

  test('hostile names stay inert', () => {
    const section = skippedSection([
      { subscriptionId: id(1), displayName: HOSTILE_ALL, state: 'Disabled' }
    ])
    expect(section).not.toMatch(/<script|@[a-z]/i)
  })

  test(`lists at most ${MAX_SKIPPED_ROWS} and counts the rest`, () => {
    const many = Array.from({ length: 130 }, (_, n) => ({
      subscriptionId: id(n),
      state: 'Disabled'
    }))
    const section = skippedSection(many)
    expect(section.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(
      MAX_SKIPPED_ROWS
    )
    expect(section).toContain('…and 80 more.')
  })
})
