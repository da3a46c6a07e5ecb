import { describe, expect, test } from '@jest/globals'
import { parseSubscriptionId } from '../src/inputs/scope.ts'

const ID = '0b1f6471-1bf0-4dda-aec3-111122223333'

describe('parseSubscriptionId', () => {
  test.each([
    [ID, ID],
    [ID.toUpperCase(), ID],
    [`/subscriptions/${ID}`, ID],
    [`/SUBSCRIPTIONS/${ID.toUpperCase()}/`, ID],
    [`{${ID}}`, ID]
  ])('reads %s as the id', (item, id) => {
    expect(parseSubscriptionId(item)).toEqual({ id })
  })

  test.each([
    ['Production', 'looks like a subscription name, not its id', 'az account list --query'],
    ['my-sub-prod', 'looks like a subscription name', '"[].{name:name,id:id}"'],
    [`"${ID}"`, 'with quotes around it', 'without quotes'],
    [`'${ID}',`, 'with quotes around it', 'without quotes'],
    [`["${ID}"`, 'part of a JSON array', 'without brackets or quotes'],
    [`${ID}"]`, 'part of a JSON array', 'without brackets or quotes'],
    [`${ID};${ID}`, '`;` does not separate subscription ids', 'newlines, commas or spaces'],
    [
      `/subscriptions/${ID}/resourceGroups/app`,
      'inside a subscription',
      `give the subscription id ${ID}`
    ],
    [`id=${ID}`, 'among other text', 'give the id alone'],
    [ID.slice(0, -1), 'not a complete subscription id', 'missing or extra character'],
    [`{${ID}`, 'among other text', 'give the id alone']
  ])('says what %s looks like and the fix', (item, looksLike, fix) => {
    const parsed = parseSubscriptionId(item)
    expect(parsed).not.toHaveProperty('id')
    const { problem } = parsed as { problem: string }
    expect(problem).toContain(`\`subscriptions\` holds ${JSON.stringify(item)}`)
    expect(problem).toContain(looksLike)
    expect(problem).toContain(fix)
  })

  test('quotes the item with the function given', () => {
    expect(parseSubscriptionId('prod', (value) => `<${value}>`)).toEqual({
      problem: expect.stringMatching(/^`subscriptions` holds <prod>, which looks like/)
    })
  })
})
