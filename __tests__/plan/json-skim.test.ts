// The skimmer must accept exactly what JSON.parse accepts (RFC 8259), and its ranges must parse to
// the values JSON.parse gives, or a malformed plan could be read as a plan.
import { describe, expect, test } from '@jest/globals'
import { JsonSkim, JsonSyntaxError } from '../../src/plan/json-skim.ts'

const skim = (text: string) => new JsonSkim(Buffer.from(text, 'utf8'))

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const TEXTS = [
  '{}',
  ' { "a" : 1 } \n',
  '{"a":[1,2,{"b":null}],"c":true,"d":false}',
  '[]',
  '"just a string"',
  '42',
  '{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"}',
  '{"é":"ünïcödé ✓"}',
  '{"n":[0,-0,1.5,-2.25e10,3E-2,4e+1,10]}',
  '{"a":1,"a":2}',
  '{"a":1,}',
  '{"a" 1}',
  '{"a":1 "b":2}',
  '{a:1}',
  "{'a':1}",
  '{"a":01}',
  '{"a":1.}',
  '{"a":.5}',
  '{"a":1e}',
  '{"a":-}',
  '{"a":+1}',
  '{"a":tru}',
  '{"a":nul}',
  '{"a":"\\x"}',
  '{"a":"\\u12G4"}',
  '{"a":"tab\there"}',
  '{"a":"unterminated}',
  '{"a":[1,2}',
  '{"a":1}}',
  '{"a":1} x',
  '[1,,2]',
  '',
  '   '
]

describe('JsonSkim', () => {
  test.each(TEXTS)('accepts %j exactly when JSON.parse does', (text) => {
    const accepted = (() => {
      try {
        skim(text).rootMembers()
        return true
      } catch (error) {
        expect(error).toBeInstanceOf(JsonSyntaxError)
        return false
      }
    })()
    expect(accepted).toBe(parses(text))
  })

  test('gives the members of the root object; a scalar or array root has none', () => {
    expect(skim('[1]').rootMembers()).toBeUndefined()
    expect(skim('"x"').rootMembers()).toBeUndefined()
    const text = '{"a":1,"b":{"c":[true]},"a":"last"}'
    const json = skim(text)
    const members = json.rootMembers() as Map<string, { start: number; end: number }>
    expect([...members.keys()]).toEqual(['a', 'b'])
    expect(json.parse(members.get('a') as { start: number; end: number })).toBe('last')
    expect(json.parse(members.get('b') as { start: number; end: number })).toEqual({ c: [true] })
  })

  test('decodes member names with escapes and multi-byte characters', () => {
    const json = skim('{"t\\u0079pe":"x","ключ":"значение"}')
    const members = json.rootMembers() as Map<string, { start: number; end: number }>
    expect(json.string(members.get('type'))).toBe('x')
    expect(json.string(members.get('ключ'))).toBe('значение')
    expect(json.string(undefined)).toBeUndefined()
  })

  test('lists the elements of an array, with the members of those that are objects', () => {
    const json = skim('{"list":[ {"type":"a","n":1} , 2, {"type":"b\\"q"} ]}')
    const list = (json.rootMembers() as Map<string, { start: number; end: number }>).get('list')
    const elements = [...json.elements(list as { start: number; end: number })]
    expect(elements.map((element) => json.parse(element.range))).toEqual([
      { type: 'a', n: 1 },
      2,
      { type: 'b"q' }
    ])
    expect(elements.map((element) => json.string(element.members?.get('type')))).toEqual([
      'a',
      undefined,
      'b"q'
    ])
    expect([...skim('[]').elements({ start: 0, end: 2 })]).toEqual([])
    const filtered = [...json.elements(list as { start: number; end: number }, new Set(['n']))]
    expect(
      filtered.map((element) => (element.members ? [...element.members.keys()] : null))
    ).toEqual([['n'], null, []])
    expect([
      ...json.members({ start: 0, end: json.bytes.length }, new Set(['list'])).keys()
    ]).toEqual(['list'])
    expect(json.isArray(list as { start: number; end: number })).toBe(true)
    expect(json.isObject(list as { start: number; end: number })).toBe(false)
  })

  test('says where the text stops being JSON, by line and column', () => {
    const json = skim('{\n  "a": 1,\n  "b": tru\n}')
    try {
      json.rootMembers()
      throw new Error('accepted')
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError)
      const { offset, message } = error as JsonSyntaxError
      expect(message).toMatch(/expected true at byte/)
      expect(json.lineAndColumn(offset)).toEqual({ line: 3, column: 8 })
    }
    expect(() => skim('{"a":').rootMembers()).toThrow(/at the end of the file/)
  })
})
