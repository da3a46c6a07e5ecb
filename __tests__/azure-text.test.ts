// azure-text.ts: how long Azure's strings may be where they enter the run, and how one is cut.
import { describe, expect, test } from '@jest/globals'
import {
  CUT_MARK,
  MAX_DISPLAY_NAME,
  MAX_ERROR_MESSAGE,
  azureText,
  cutMark,
  cutText
} from '../src/azure-text.ts'
import { REDACTED, registerSecret } from '../src/redact.ts'

describe('cutText', () => {
  test('leaves a string within the bound as it is', () => {
    expect(cutText('Audit JIT', 9)).toBe('Audit JIT')
    expect(cutText('', 0)).toBe('')
  })

  test('keeps the beginning and marks how long the string was, within the bound', () => {
    const text = 'x'.repeat(1024 * 1024)
    const cut = cutText(text, MAX_DISPLAY_NAME)
    expect(cut).toHaveLength(MAX_DISPLAY_NAME)
    expect(cut).toMatch(CUT_MARK)
    expect(cut.endsWith(cutMark(1024 * 1024))).toBe(true)
    expect(cut.startsWith('x'.repeat(MAX_DISPLAY_NAME - cutMark(text.length).length))).toBe(true)
  })

  test('never keeps half of a surrogate pair', () => {
    const text = '🚀'.repeat(200)
    for (let max = 40; max < 60; max++) {
      const cut = cutText(text, max)
      expect(cut.length).toBeLessThanOrEqual(max)
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
      expect(cut).toMatch(CUT_MARK)
    }
  })

  test('a bound shorter than the mark keeps the mark alone', () => {
    expect(cutText('y'.repeat(100), 5)).toBe(cutMark(100))
  })
})

describe('azureText', () => {
  test('redacts before it cuts: a token at the bound leaves no piece', () => {
    const token = 'standin.9f8e7d6c5b4a39281706f5e4d3c2b1a0'
    registerSecret(token)
    // The token starts 12 characters before where the cut falls.
    const start = MAX_ERROR_MESSAGE - cutMark(9999).length - 12
    const message = `${'m'.repeat(start - 'Bearer '.length)}Bearer ${token} and more`
    expect(cutText(message, MAX_ERROR_MESSAGE)).toContain(token.slice(0, 12))
    const entered = azureText(message, MAX_ERROR_MESSAGE)
    expect(entered.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE)
    expect(entered).not.toContain(token.slice(0, 8))
    expect(entered).toContain(`Bearer ${REDACTED}`)
    expect(azureText(`Bearer ${token}`, MAX_ERROR_MESSAGE)).toBe(`Bearer ${REDACTED}`)
  })
})
