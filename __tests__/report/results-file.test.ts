// The results file written piece by piece (outputs.ts, resultsFilePieces) holds what one
// JSON.stringify gives, and the `results` output fitted from its lengths is the one fitted without
// them: the memory saved changes no byte.
import { describe, expect, test } from '@jest/globals'
import {
  RESULTS_PIECE_CHARACTERS,
  fitResults,
  resultOutput,
  resultsFilePieces
} from '../../src/report/outputs.ts'
import { evidence, result } from './helpers.ts'

const verdictOf = (n: number) =>
  n % 7 === 0 ? 'noncompliant' : n % 11 === 0 ? 'error' : 'compliant'

/** `count` results, names with characters JSON escapes and UTF-16 counts twice. */
const entriesOf = (count: number) =>
  Array.from({ length: count }, (_, n) =>
    resultOutput(
      result(`00000000-0000-4000-9000-${String(n).padStart(12, '0')}`, verdictOf(n), {
        displayName: `"sub" ${n}\n🚀`,
        assignments: Array.from({ length: 1 + (n % 3) }, () => evidence())
      })
    )
  )

describe('resultsFilePieces', () => {
  test.each([0, 1, 256, 257, 1000])(
    '%i entries: the pieces join to JSON.stringify and a newline',
    (count) => {
      const entries = entriesOf(count)
      const lengths: number[] = []
      const pieces = [...resultsFilePieces(entries, lengths)]
      expect(pieces.join('')).toBe(`${JSON.stringify(entries)}\n`)
      expect(lengths).toEqual(entries.map((entry) => JSON.stringify(entry).length))
      // Pieces stay small: none longer than RESULTS_PIECE_CHARACTERS and one entry.
      const longest = Math.max(0, ...lengths) + 3
      for (const piece of pieces) {
        expect(piece.length).toBeLessThan(RESULTS_PIECE_CHARACTERS + longest)
      }
      const total = pieces.join('').length
      expect(pieces.length).toBeGreaterThanOrEqual(
        Math.ceil(total / (RESULTS_PIECE_CHARACTERS + longest))
      )
    }
  )
})

describe('fitResults with the lengths the results file was written with', () => {
  test.each([
    ['whole', 10, undefined],
    ['evidence trimmed', 3000, undefined],
    ['subscriptions left out', 3000, 40_000]
  ])('%s: the same as without them', (_case, count, maxBytes) => {
    const entries = entriesOf(count)
    const lengths: number[] = []
    for (const piece of resultsFilePieces(entries, lengths)) void piece
    expect(fitResults(entries, maxBytes, lengths)).toEqual(fitResults(entries, maxBytes))
  })
})
