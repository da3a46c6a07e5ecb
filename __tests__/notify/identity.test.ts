// Whose issues and comments a run adopts: only what the token's own account wrote, whatever the
// body says (issue 20, item 10).
import { describe, expect, it } from '@jest/globals'
import { adoptable, anyMarked, writtenBy, type Author } from '../../src/notify/identity.ts'
import { writeMarker } from '../../src/notify/marker.ts'
import { CATEGORY } from './helpers.ts'

const BOT: Author = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
const PERSON: Author = { login: 'mallory', id: 5150, type: 'User' }
const marker = (category = CATEGORY) =>
  writeMarker({ kind: 'issue', category, failing: { a: 'noncompliant' } })

describe('writtenBy', () => {
  it('compares ids when the account has one, whatever the login says', () => {
    expect(writtenBy(BOT, { login: 'github-actions[bot]', id: 41898282 })).toBe(true)
    expect(writtenBy({ ...BOT, login: 'renamed' }, { login: 'x', id: 41898282 })).toBe(true)
    expect(writtenBy(PERSON, { login: 'mallory', id: 41898282 })).toBe(false)
  })

  it('compares logins, case-insensitively, when GraphQL gave no id; a bot may lack [bot]', () => {
    expect(writtenBy(PERSON, { login: 'Mallory', id: null })).toBe(true)
    expect(writtenBy(BOT, { login: 'github-actions', id: null })).toBe(true)
    expect(
      writtenBy({ ...PERSON, login: 'github-actions[bot]' }, { login: 'github-actions', id: null })
    ).toBe(false)
  })

  it('a deleted author is nobody', () => {
    expect(writtenBy(null, { login: 'ghost', id: null })).toBe(false)
  })
})

describe('adoptable', () => {
  const items = [
    { number: 1, body: marker(), author: BOT },
    { number: 2, body: marker(), author: PERSON },
    { number: 3, body: marker('other'), author: PERSON },
    { number: 4, body: 'no marker', author: PERSON },
    { number: 5, body: marker(), author: null }
  ]
  const label = (item: { number: number }) => `Issue #${item.number}`

  it("keeps the account's own marked items and the unmarked ones, and notes this category's copies", () => {
    const { items: kept, notes } = adoptable(items, 'issue', CATEGORY, BOT, label)
    expect(kept.map((item) => item.number)).toEqual([1, 4])
    expect(notes).toEqual([
      "Issue #2 carries this category's marker but was written by mallory, not by the token's account github-actions[bot]: left alone.",
      "Issue #5 carries this category's marker but was written by a deleted account, not by the token's account github-actions[bot]: left alone."
    ])
  })

  it('adopts nothing marked when the account is not known', () => {
    const { items: kept, notes } = adoptable(items, 'issue', CATEGORY, null, label)
    expect(kept.map((item) => item.number)).toEqual([4])
    expect(notes).toEqual([])
  })

  it('another kind of marker is not a marked item', () => {
    expect(anyMarked(items, 'issue')).toBe(true)
    expect(anyMarked(items, 'pull-request-comment')).toBe(false)
    expect(adoptable(items, 'pull-request-comment', CATEGORY, null, label).items).toHaveLength(5)
  })
})
