// redact.ts: the secrets the run holds and anything shaped like a credential, replaced on the raw
// text, whole or in part, before escaping can hide them.
import { describe, expect, test } from '@jest/globals'
import { mapStrings, stringsOf } from '../src/plain-data.ts'
import {
  MIN_SECRET_LENGTH,
  REDACTED,
  SECRET_FRAGMENT_LENGTH,
  redact,
  redactDeep,
  registerSecret
} from '../src/redact.ts'
import { escapeInline, codeBlock } from '../src/report/markdown.ts'
import { sarifText } from '../src/report/sarif.ts'
import { inertLogText } from '../src/report/text.ts'

// Registered once for the file: the registry lives as long as the run (the process).
const ACCESS_TOKEN = 'standin.Qx_7-kLm_Np0-Rs2_Tu4-Vw6_Xy8-Za1_Bc3-De5_Fg7'
const GITHUB_TOKEN = 'ghs_redact_test_token'
registerSecret(ACCESS_TOKEN)
registerSecret(` ${GITHUB_TOKEN}\n`)
registerSecret('short')

const JWT = [
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9',
  'eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0',
  'c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'
].join('.')

describe('the secrets the run holds', () => {
  test('whole, anywhere, and with the whitespace setSecret was given ignored', () => {
    expect(redact(`a${ACCESS_TOKEN}b and ${GITHUB_TOKEN}`)).toBe(`a${REDACTED}b and ${REDACTED}`)
  })

  test('a piece of SECRET_FRAGMENT_LENGTH characters or more: its head, its tail, its middle', () => {
    for (const piece of [
      ACCESS_TOKEN.slice(0, SECRET_FRAGMENT_LENGTH),
      ACCESS_TOKEN.slice(-24),
      ACCESS_TOKEN.slice(10, 10 + SECRET_FRAGMENT_LENGTH + 3)
    ]) {
      expect(redact(`cut: ${piece}… (more)`)).toBe(`cut: ${REDACTED}… (more)`)
    }
    // Shorter pieces are not the token: too many strings would share them.
    const short = ACCESS_TOKEN.slice(-(SECRET_FRAGMENT_LENGTH - 1))
    expect(redact(`tail ${short}`)).toBe(`tail ${short}`)
  })

  test('a secret shorter than MIN_SECRET_LENGTH is not kept', () => {
    expect('short'.length).toBeLessThan(MIN_SECRET_LENGTH)
    expect(redact('a short sentence')).toBe('a short sentence')
  })
})

describe('what looks like a credential', () => {
  test.each([
    ['Authorization: Bearer abc.DEF-ghi_jkl', `Authorization: Bearer ${REDACTED}`],
    [
      'authorization: bearer abcdefgh; user-agent: x',
      `authorization: bearer ${REDACTED}; user-agent: x`
    ],
    ['"Authorization":"Bearer abc.def+ghi/jkl="', `"Authorization":"Bearer ${REDACTED}"`],
    ['Proxy-Authorization: Basic dXNlcjpwYXNz', `Proxy-Authorization: Basic ${REDACTED}`],
    ['authorization=SharedKey account:c2ln', `authorization=SharedKey ${REDACTED}`],
    ['header BEARER 0123456789abcdef end', `header BEARER ${REDACTED} end`],
    ['?auth=Bearer%20abcdefghijkl&x=1', `?auth=Bearer%20${REDACTED}&x=1`],
    [
      '{"access_token":"abc123","expires_in":3599}',
      `{"access_token":"${REDACTED}","expires_in":3599}`
    ],
    ["access_token='abc123'", `access_token='${REDACTED}'`],
    ['refresh_token=r1&id_token=i2&x=1', `refresh_token=${REDACTED}&id_token=${REDACTED}&x=1`],
    [
      'client_assertion: x.y.z, client_secret=s3cr3t',
      `client_assertion: ${REDACTED}, client_secret=${REDACTED}`
    ],
    [`token ${JWT} end`, `token ${REDACTED} end`],
    [`cut ${JWT.slice(0, 40)}`, `cut ${REDACTED}`],
    ['pat ghp_0123456789abcdefghijABCDEFGHIJ0123 end', `pat ${REDACTED} end`],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', REDACTED]
  ])('%s', (text, redacted) => {
    expect(redact(text)).toBe(redacted)
  })

  test.each([
    'The client does not have authorization to perform action over scope.',
    '403 AuthorizationFailed: the identity may not read it',
    'the bearer of bad news',
    'Subscription 00000000-0000-4000-8000-000000000001 (prod) is compliant.',
    'eyJ is how base64 starts a JSON object',
    '/subscriptions/x/providers/Microsoft.Authorization/policyAssignments/access-token-audit'
  ])('leaves Azure prose alone: %s', (text) => {
    expect(redact(text)).toBe(text)
  })

  test('is idempotent, also over text already redacted and then escaped', () => {
    const once = redact(`Authorization: Bearer ${ACCESS_TOKEN}, access_token=${JWT}`)
    expect(redact(once)).toBe(once)
    const escaped = escapeInline(once, 1000)
    expect(redact(escaped)).toBe(escaped)
    const json = JSON.stringify({ text: sarifText(once) })
    expect(redact(json)).toBe(json)
  })
})

describe('before escaping', () => {
  // `_` and `-` are escaped for Markdown, `\` and `[` for SARIF: a token with a backslash inside
  // is neither masked by the runner nor found by looking for it afterwards.
  const echoed = `Headers received: authorization: Bearer ${ACCESS_TOKEN}`
  const plain = (text: string) => text.replace(/[\\\u200B]/g, '')

  test.each([
    ['Markdown inline', escapeInline(echoed, 1000)],
    ['a code block', codeBlock(`curl -H 'x-token: ${ACCESS_TOKEN}'`)],
    ['SARIF', sarifText(echoed)],
    ['the log', inertLogText(echoed)]
  ])('%s', (_format, text) => {
    expect(plain(text)).not.toContain(ACCESS_TOKEN.slice(-SECRET_FRAGMENT_LENGTH))
    expect(plain(text)).not.toContain(ACCESS_TOKEN.slice(0, SECRET_FRAGMENT_LENGTH))
    expect(plain(text)).toContain(REDACTED)
  })

  test('a cut for length cannot leave a piece: the text is redacted before it is cut', () => {
    // No space to cut at: the cut falls inside the token wherever `max` puts it.
    const text = `${'word-'.repeat(50)}${ACCESS_TOKEN}`
    for (let max = 240; max < text.length; max++) {
      expect(plain(escapeInline(text, max))).not.toContain(ACCESS_TOKEN.slice(0, 12))
    }
  })
})

describe('plain data', () => {
  test('redactDeep redacts every string, keeps keys, numbers and shape, and copies', () => {
    const value = {
      op: 'create-issue',
      title: `about ${GITHUB_TOKEN}`,
      labels: ['jit', JWT],
      number: 3,
      nested: { body: `Bearer ${ACCESS_TOKEN}`, none: null, yes: true }
    }
    const before = structuredClone(value)
    expect(redactDeep(value)).toEqual({
      op: 'create-issue',
      title: `about ${REDACTED}`,
      labels: ['jit', REDACTED],
      number: 3,
      nested: { body: `Bearer ${REDACTED}`, none: null, yes: true }
    })
    expect(value).toEqual(before)
  })

  test('stringsOf lists every string in JSON order; mapStrings changes each', () => {
    const value = { a: 'x', b: [1, 'y', { c: 'z' }], d: null }
    expect([...stringsOf(value)]).toEqual(['x', 'y', 'z'])
    expect(mapStrings(value, (text) => text.toUpperCase())).toEqual({
      a: 'X',
      b: [1, 'Y', { c: 'Z' }],
      d: null
    })
  })
})
