// ARM template expressions in an initiative's reference parameter values: what is evaluated, what
// is a literal, and every way an expression is refused with a "cannot evaluate" reason.
import { describe, expect, test } from '@jest/globals'
import {
  evaluateExpression,
  type ExpressionResult,
  type ParameterLookup
} from '../../src/evaluate/expression.ts'
import { MAX_DEPTH, MAX_EXPRESSION_LENGTH } from '../../src/evaluate/expression-parser.ts'

/** The initiative's parameters as assigned; names are found case-insensitively, as ARM does. */
const PARAMETERS: Record<string, unknown> = {
  effect: 'Disabled',
  jitNetworkAccessMonitoringEffect: 'AuditIfNotExists',
  environment: 'PROD',
  auditJit: true,
  count: 3,
  ratio: 1.5,
  nothing: null,
  one: 1,
  list: ['a', 'b'],
  nested: [['a'], 'b'],
  more: ['c'],
  sameList: ['a', 'b'],
  otherList: ['b', 'a'],
  mixedList: ['a', 1],
  textList: ['a', '1'],
  object: { Effect: 'Audit', level: 2 },
  sameObject: { level: 2, Effect: 'Audit' },
  otherObject: { Effect: 'Audit', level: 3 },
  lowerObject: { effect: 'Audit', level: 2 },
  biggerObject: { Effect: 'Audit', level: 2, extra: true },
  renamedObject: { Effect: 'Audit', depth: 2 },
  emptyText: ''
}

function lookupIn(record: Record<string, unknown>): ParameterLookup {
  return (name) => {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase())
    return key === undefined ? { found: false } : { found: true, value: record[key], key }
  }
}

function run(text: unknown, record = PARAMETERS): ExpressionResult {
  return evaluateExpression(text, lookupIn(record))
}

function valueOf(text: string, record = PARAMETERS): unknown {
  const result = run(text, record)
  if (!result.ok) throw new Error(`expected a value for ${text}, got: ${result.reason}`)
  return result.value
}

function reasonFor(text: string, record = PARAMETERS): string {
  const result = run(text, record)
  if (result.ok) throw new Error(`expected ${text} to be refused, got ${JSON.stringify(result)}`)
  return result.reason
}

describe('values that are not expressions', () => {
  test.each<[unknown, unknown]>([
    ['AuditIfNotExists', 'AuditIfNotExists'],
    ['', ''],
    ['[Audit', '[Audit'],
    ['Audit]', 'Audit]'],
    // ARM: a literal that does not end with a bracket keeps its first bracket.
    ['[test] value', '[test] value'],
    [" [parameters('effect')]", " [parameters('effect')]"],
    ["[parameters('effect')] ", "[parameters('effect')] "],
    ['[[', '[['],
    ['[[x', '[[x'],
    [true, true],
    [7, 7],
    [null, null],
    [undefined, undefined],
    [['Audit'], ['Audit']],
    [{ value: 'Audit' }, { value: 'Audit' }]
  ])('%j is itself', (value, expected) => {
    expect(run(value)).toEqual({ ok: true, value: expected, parametersUsed: [] })
  })

  test.each([
    ["[[parameters('effect')]", "[parameters('effect')]"],
    ['[[test value]', '[test value]'],
    ['[[]', '[]'],
    ['[[[x]]', '[[x]]']
  ])('%s starts with [[ and is the literal %s', (text, expected) => {
    expect(run(text)).toEqual({ ok: true, value: expected, parametersUsed: [] })
  })
})

describe('expressions evaluated', () => {
  test.each<[string, unknown, string[]]>([
    // parameters(), with names in any case and whitespace between tokens
    ["[parameters('effect')]", 'Disabled', ['effect']],
    ["[PARAMETERS('EFFECT')]", 'Disabled', ['effect']],
    [
      "[Parameters('JitNetworkAccessMonitoringEffect')]",
      'AuditIfNotExists',
      ['jitNetworkAccessMonitoringEffect']
    ],
    ["[ parameters ( 'effect' ) ]", 'Disabled', ['effect']],
    ["[\tparameters(\n'effect'\r\n)\t]", 'Disabled', ['effect']],
    ["[parameters('list')]", ['a', 'b'], ['list']],
    ["[parameters('nothing')]", null, ['nothing']],
    // literals
    ["['AuditIfNotExists']", 'AuditIfNotExists', []],
    ["['']", '', []],
    ["['it''s']", "it's", []],
    ["['''']", "'", []],
    ["['a''''b']", "a''b", []],
    ["['[x]']", '[x]', []],
    ["['a, (b)']", 'a, (b)', []],
    ['[42]', 42, []],
    ['[-7]', -7, []],
    ['[0]', 0, []],
    ['[true()]', true, []],
    ['[FALSE()]', false, []],
    ['[ True ( ) ]', true, []],
    // logical functions (the examples of Learn's "Logical functions for ARM templates")
    ['[not(true())]', false, []],
    ['[not(false())]', true, []],
    ['[not(equals(1, 2))]', true, []],
    ['[and(true(), true())]', true, []],
    ['[and(true(), false())]', false, []],
    ['[and(true(), true(), true(), false())]', false, []],
    ['[or(false(), false())]', false, []],
    ['[or(false(), false(), true())]', true, []],
    ['[AND(true(),TRUE())]', true, []],
    ["[if(equals('a', 'a'), 'yes', 'no')]", 'yes', []],
    ["[if(equals('a', 'b'), 'yes', 'no')]", 'no', []],
    [
      "[if(parameters('auditJit'), 'AuditIfNotExists', 'Disabled')]",
      'AuditIfNotExists',
      ['auditJit']
    ],
    ['[if(true(), 1, 2)]', 1, []],
    // equals: case-sensitive for strings; ints, bools, arrays and objects by value
    ["[equals('Audit', 'Audit')]", true, []],
    ["[equals('Audit', 'audit')]", false, []],
    ["[equals(toLower('Audit'), 'audit')]", true, []],
    ['[equals(1, 1)]', true, []],
    ["[equals(parameters('count'), 3)]", true, ['count']],
    ["[equals(parameters('count'), -3)]", false, ['count']],
    ["[equals(parameters('auditJit'), true())]", true, ['auditJit']],
    ["[equals(parameters('auditJit'), false())]", false, ['auditJit']],
    ["[equals(parameters('list'), parameters('sameList'))]", true, ['list', 'sameList']],
    ["[equals(parameters('list'), parameters('otherList'))]", false, ['list', 'otherList']],
    ["[equals(parameters('list'), parameters('more'))]", false, ['list', 'more']],
    ["[equals(parameters('object'), parameters('sameObject'))]", true, ['object', 'sameObject']],
    ["[equals(parameters('object'), parameters('otherObject'))]", false, ['object', 'otherObject']],
    [
      "[equals(parameters('object'), parameters('biggerObject'))]",
      false,
      ['object', 'biggerObject']
    ],
    [
      "[equals(parameters('object'), parameters('renamedObject'))]",
      false,
      ['object', 'renamedObject']
    ],
    // a definite difference before an undecidable one settles it
    [
      "[equals(parameters('otherList'), parameters('mixedList'))]",
      false,
      ['otherList', 'mixedList']
    ],
    // string functions
    ["[toLower('AuditIfNotExists')]", 'auditifnotexists', []],
    ["[toUpper('Disabled')]", 'DISABLED', []],
    ["[tolower(parameters('environment'))]", 'prod', ['environment']],
    ["[concat('Audit', 'If', 'NotExists')]", 'AuditIfNotExists', []],
    ["[concat('Audit')]", 'Audit', []],
    ["[concat('', '')]", '', []],
    ["[concat(parameters('list'), parameters('more'))]", ['a', 'b', 'c'], ['list', 'more']],
    // concat joins arrays one level deep only
    ["[concat(parameters('nested'), parameters('more'))]", [['a'], 'b', 'c'], ['nested', 'more']],
    // nested, as initiatives write them
    [
      "[if(equals(toLower(parameters('environment')), 'prod'), parameters('jitNetworkAccessMonitoringEffect'), 'Disabled')]",
      'AuditIfNotExists',
      ['environment', 'jitNetworkAccessMonitoringEffect']
    ],
    [
      "[if(not(equals(parameters('environment'), 'prod')), 'Disabled', concat('Audit', 'IfNotExists'))]",
      'Disabled',
      ['environment']
    ],
    [
      "[if(or(equals(parameters('environment'), 'PROD'), parameters('auditJit')), toLower(parameters('effect')), 'Disabled')]",
      'disabled',
      ['environment', 'auditJit', 'effect']
    ],
    // each parameter is named once, as the initiative declares it
    [
      "[concat(parameters('effect'), parameters('EFFECT'), parameters('Effect'))]",
      'DisabledDisabledDisabled',
      ['effect']
    ]
  ])('%s is %j', (text, value, parametersUsed) => {
    expect(run(text)).toEqual({ ok: true, value, parametersUsed })
  })

  test('the parameter key is the name the lookup reports, else the name as written', () => {
    const lookup: ParameterLookup = () => ({ found: true, value: 'Audit' })
    expect(evaluateExpression("[parameters('Effect')]", lookup)).toEqual({
      ok: true,
      value: 'Audit',
      parametersUsed: ['Effect']
    })
  })

  test('a parameter found without a JSON value is of no ARM type', () => {
    const lookup: ParameterLookup = () => ({ found: true, key: 'effect' })
    expect(evaluateExpression("[not(parameters('effect'))]", lookup)).toEqual({
      ok: false,
      reason:
        "cannot evaluate not(parameters('effect')): argument 1 of not() must be a bool, but parameters('effect') is a value of another type"
    })
  })

  test('if() evaluates only the branch it returns (Learn: "only the true value is evaluated")', () => {
    expect(run("[if(true(), 'Audit', field('type'))]")).toEqual({
      ok: true,
      value: 'Audit',
      parametersUsed: []
    })
    expect(run("[if(false(), parameters('missing'), parameters('effect'))]")).toEqual({
      ok: true,
      value: 'Disabled',
      parametersUsed: ['effect']
    })
    expect(reasonFor("[if(false(), 'Audit', field('type'))]")).toMatch(
      /^cannot evaluate field\('type'\): field\(\) is not one of the functions/
    )
  })

  // A public private-DNS-zones initiative passes this to privateDnsZoneId: when
  // dnsZoneSubscriptionId is empty only parameters() is evaluated; otherwise format(), replace(),
  // property access and an index are, which this check refuses by name.
  const DNS_ZONE =
    "[if(equals(parameters('dnsZoneSubscriptionId'), ''), parameters('azureFilePrivateDnsZoneId'), format('/subscriptions/{0}/resourceGroups/{1}/providers/{2}/{3}', parameters('dnsZoneSubscriptionId'), toLower(parameters('dnsZoneResourceGroupName')), parameters('dnsZoneResourceType'), replace(replace(parameters('dnsZoneNames').azureFilePrivateDnsZoneId, '{regionName}', parameters('dnsZoneRegion')), '{regionCode}', parameters('dnzZoneRegionShortNames')[parameters('dnsZoneRegion')])))]"
  const ZONE_ID =
    '/subscriptions/s/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/x'

  test('a real nested if/equals/parameters expression, branch taken', () => {
    const record = { dnsZoneSubscriptionId: '', azureFilePrivateDnsZoneId: ZONE_ID }
    expect(run(DNS_ZONE, record)).toEqual({
      ok: true,
      value: ZONE_ID,
      parametersUsed: ['dnsZoneSubscriptionId', 'azureFilePrivateDnsZoneId']
    })
  })

  test('a real nested if/equals/parameters expression, branch refused', () => {
    const record = { dnsZoneSubscriptionId: 's', azureFilePrivateDnsZoneId: ZONE_ID }
    expect(reasonFor(DNS_ZONE, record)).toMatch(
      /^cannot evaluate format\('\/subscriptions\/\{0\}.*\): format\(\) is not one of the functions this check evaluates \(parameters, if, equals, not, and, or, true, false, toLower, toUpper, concat\)$/
    )
  })
})

describe('expressions refused, each with what could not be evaluated', () => {
  test.each<[string, string]>([
    // functions this check does not evaluate
    ["[field('type')]", "cannot evaluate field('type'): field() is not one of the functions"],
    ['[resourceGroup()]', 'cannot evaluate resourceGroup(): resourceGroup() is not one of'],
    ['[subscription()]', 'cannot evaluate subscription(): subscription() is not one of'],
    ["[bool('true')]", "cannot evaluate bool('true'): bool() is not one of"],
    ['[constructor()]', 'cannot evaluate constructor(): constructor() is not one of'],
    ['[toString()]', 'cannot evaluate toString(): toString() is not one of'],
    ["[not(field('x'))]", "cannot evaluate field('x'): field() is not one of"],
    // and() and or() evaluate every argument: nothing is decided from a partial evaluation
    ["[and(false(), field('x'))]", "cannot evaluate field('x'): field() is not one of"],
    ["[or(true(), field('x'))]", "cannot evaluate field('x'): field() is not one of"],
    // property access and indexes
    [
      '[resourceGroup().location]',
      'cannot evaluate resourceGroup().location: this check does not evaluate property access (.location)'
    ],
    [
      '[subscription().subscriptionId]',
      'cannot evaluate subscription().subscriptionId: this check does not evaluate property access (.subscriptionId)'
    ],
    [
      "[parameters('object').Effect]",
      "cannot evaluate parameters('object').Effect: this check does not evaluate property access (.Effect)"
    ],
    [
      "[parameters('list')[0]]",
      "cannot evaluate parameters('list')[0]: this check does not evaluate array or object indexes"
    ],
    [
      "[parameters('list') [ 0 ] .x]",
      "cannot evaluate parameters('list') [ 0 ] .x: this check does not evaluate property access (.x)"
    ],
    // parameters without a value
    [
      "[parameters('missing')]",
      "cannot evaluate parameters('missing'): parameter missing has no value (neither the assignment nor the initiative's defaultValue sets one)"
    ],
    [
      "[if(parameters('missing'), 'a', 'b')]",
      "cannot evaluate parameters('missing'): parameter missing"
    ],
    // argument counts
    ['[not()]', 'cannot evaluate not(): not() takes exactly 1 argument, not 0'],
    [
      '[not(true(), true())]',
      'cannot evaluate not(true(), true()): not() takes exactly 1 argument, not 2'
    ],
    ['[and(true())]', 'cannot evaluate and(true()): and() takes at least 2 arguments, not 1'],
    ['[or()]', 'cannot evaluate or(): or() takes at least 2 arguments, not 0'],
    ["[if(true(), 'a')]", "cannot evaluate if(true(), 'a'): if() takes exactly 3 arguments, not 2"],
    ["[if(true(), 'a', 'b', 'c')]", 'if() takes exactly 3 arguments, not 4'],
    ["[equals('a')]", "cannot evaluate equals('a'): equals() takes exactly 2 arguments, not 1"],
    ['[true(1)]', 'cannot evaluate true(1): true() takes exactly 0 arguments, not 1'],
    [
      '[parameters()]',
      'cannot evaluate parameters(): parameters() takes exactly 1 argument, not 0'
    ],
    ["[toLower('a', 'b')]", 'toLower() takes exactly 1 argument, not 2'],
    ['[concat()]', 'cannot evaluate concat(): concat() takes at least 1 argument, not 0'],
    // argument types
    [
      "[not('true')]",
      "cannot evaluate not('true'): argument 1 of not() must be a bool, but 'true' is a string"
    ],
    ['[and(true(), 1)]', 'argument 2 of and() must be a bool, but 1 is an int'],
    ["[or(false(), false(), 'x')]", "argument 3 of or() must be a bool, but 'x' is a string"],
    ["[if('true', 'a', 'b')]", "argument 1 of if() must be a bool, but 'true' is a string"],
    [
      "[if(parameters('list'), 'a', 'b')]",
      "argument 1 of if() must be a bool, but parameters('list') is an array"
    ],
    [
      "[toLower(parameters('auditJit'))]",
      "argument 1 of toLower() must be a string, but parameters('auditJit') is a bool"
    ],
    [
      "[toUpper(parameters('object'))]",
      "argument 1 of toUpper() must be a string, but parameters('object') is an object"
    ],
    ['[parameters(1)]', 'argument 1 of parameters() must be a string, but 1 is an int'],
    ["[not(parameters('nothing'))]", "but parameters('nothing') is null"],
    ["[not(parameters('ratio'))]", "but parameters('ratio') is a value of another type"],
    [
      "[concat('a', 1)]",
      "cannot evaluate concat('a', 1): concat() takes only strings or only arrays, not string and int"
    ],
    [
      "[concat('a', parameters('list'))]",
      'concat() takes only strings or only arrays, not string and array'
    ],
    ["[concat(parameters('auditJit'))]", 'concat() takes only strings or only arrays, not bool'],
    // equals across types, null and numbers ARM has no type for: not documented, so refused
    [
      "[equals('1', 1)]",
      "cannot evaluate equals('1', 1): equals() compares two strings, ints, bools, arrays or objects, not a string and an int"
    ],
    ["[equals(parameters('one'), true())]", 'not an int and a bool'],
    ["[equals(parameters('list'), parameters('object'))]", 'not an array and an object'],
    ["[equals(parameters('nothing'), parameters('nothing'))]", 'not null and null'],
    ["[equals(parameters('ratio'), 1)]", 'not a value of another type and an int'],
    ["[equals(parameters('mixedList'), parameters('textList'))]", 'not an int and a string'],
    [
      "[equals(parameters('object'), parameters('lowerObject'))]",
      'equals() on properties Effect and effect (case differs)'
    ]
  ])('%s', (text, reason) => {
    expect(reasonFor(text)).toContain(reason)
  })

  test.each<[string, string]>([
    [
      '[]',
      'expected a function, string or integer but found the end of the expression at character 1'
    ],
    ['[ ]', 'found the end of the expression at character 2'],
    [
      "[parameters('effect']",
      "expected ',' or ')' in the arguments of parameters() but found the end of the expression at character 20"
    ],
    ["[parameters('effect]", 'a string is not closed at character 12'],
    [
      '[parameters("effect")]',
      'unexpected character "\\"" (ARM expressions quote strings with single quotes) at character 12'
    ],
    [
      '[effect]',
      "expected '(' after effect (a name is only valid as a function call) but found the end of the expression"
    ],
    ["[parameters 'effect']", "expected '(' after parameters"],
    [
      "[parameters('effect') 'x']",
      "expected the end of the expression but found the string 'x' at character 22"
    ],
    ["[parameters('effect'),]", "expected the end of the expression but found ',' at character 21"],
    ["[concat('a',)]", "expected a function, string or integer but found ')' at character 12"],
    ["[concat(,'a')]", "expected a function, string or integer but found ',' at character 8"],
    ['[(true())]', "found '(' at character 1"],
    [
      '[true() false()]',
      'expected the end of the expression but found the name false at character 8'
    ],
    ['[1 2]', 'expected the end of the expression but found the integer 2 at character 3'],
    ['[1.5]', "expected a property name after '.' but found the integer 5 at character 3"],
    [
      "[parameters('object').]",
      "expected a property name after '.' but found the end of the expression"
    ],
    ["[parameters('list')[0]", "expected ']' after an index but found the end of the expression"],
    ['[-]', 'unexpected character "-" at character 1'],
    ['[#x]', 'unexpected character "#" at character 1'],
    ['[9007199254740993]', 'the integer 9007199254740993 is too large at character 1']
  ])('syntax: %s', (text, reason) => {
    const got = reasonFor(text)
    expect(got.startsWith('cannot evaluate the expression: ')).toBe(true)
    expect(got).toContain(reason)
  })

  test(`nesting deeper than ${MAX_DEPTH} levels is refused, not a stack overflow`, () => {
    const deep = (levels: number): string => `[${'not('.repeat(levels)}true()${')'.repeat(levels)}]`
    expect(valueOf(deep(MAX_DEPTH))).toBe(MAX_DEPTH % 2 === 0)
    expect(reasonFor(deep(MAX_DEPTH + 1))).toBe(
      `cannot evaluate the expression: it nests deeper than ${MAX_DEPTH} levels at character ${4 * (MAX_DEPTH + 1) + 1}`
    )
    expect(reasonFor(deep(100_000))).toContain('cannot evaluate the expression: it is longer than')
  })

  test(`an expression longer than ARM's ${MAX_EXPRESSION_LENGTH} characters is refused`, () => {
    const text = (length: number): string => `['${'a'.repeat(length - 2)}']`
    expect(valueOf(text(MAX_EXPRESSION_LENGTH))).toHaveLength(MAX_EXPRESSION_LENGTH - 2)
    expect(reasonFor(text(MAX_EXPRESSION_LENGTH + 1))).toBe(
      `cannot evaluate the expression: it is longer than ARM's limit of ${MAX_EXPRESSION_LENGTH} characters`
    )
  })
})

/** A small seeded generator, so that the loops below are the same on every run. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

describe('properties over generated inputs', () => {
  const next = random(12)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T

  test('any string quoted with doubled quotes reads back as itself', () => {
    const alphabet = ["'", "''", '[', ']', '(', ')', ',', '.', ' ', '\t', 'a', 'Z', '0', '"', 'é']
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(next() * 12) }, () => pick(alphabet)).join('')
      expect(valueOf(`['${text.replaceAll("'", "''")}']`)).toBe(text)
    }
  })

  test('function and parameter names in any case, and any whitespace between tokens, give the same value', () => {
    const expressions = [
      "[if(equals(toLower(parameters('environment')), 'prod'), parameters('jitNetworkAccessMonitoringEffect'), 'Disabled')]",
      "[concat(toUpper(parameters('effect')), '-', toLower('X'))]",
      "[and(not(false()), or(false(), true()), parameters('auditJit'))]",
      '[equals(-1, -1)]'
    ]
    const spaces = ['', ' ', '\t', '\n', '  ']
    const recase = (name: string): string =>
      [...name].map((c) => (next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('')
    for (const expression of expressions) {
      const expected = run(expression)
      expect(expected.ok).toBe(true)
      for (let i = 0; i < 100; i++) {
        // Split into strings and the rest; only the rest is re-cased and spaced.
        const varied = expression
          .split(/('(?:[^']|'')*')/)
          .map((part, index) =>
            index % 2 === 1
              ? part
              : part
                  .replace(/[A-Za-z]+/g, recase)
                  .replace(
                    /([(),])/g,
                    (punctuation) => `${pick(spaces)}${punctuation}${pick(spaces)}`
                  )
          )
          .join('')
        const spaced = `[${pick(spaces)}${varied.slice(1, -1)}${pick(spaces)}]`
        expect(run(spaced)).toEqual(expected)
      }
    }
  })

  test('generated boolean expressions agree with a reference evaluator', () => {
    type Tree = [string, boolean]
    const grow = (depth: number): Tree => {
      const leaf = depth === 0 || next() < 0.2
      if (leaf)
        return pick<Tree>([
          ['true()', true],
          ['false()', false],
          ["parameters('auditJit')", true]
        ])
      const kind = pick(['not', 'and', 'or', 'if', 'equals'])
      if (kind === 'not') {
        const [text, value] = grow(depth - 1)
        return [`not(${text})`, !value]
      }
      if (kind === 'if') {
        const [c, cv] = grow(depth - 1)
        const [t, tv] = grow(depth - 1)
        const [f, fv] = grow(depth - 1)
        return [`if(${c}, ${t}, ${f})`, cv ? tv : fv]
      }
      const args = Array.from({ length: kind === 'equals' ? 2 : 2 + Math.floor(next() * 3) }, () =>
        grow(depth - 1)
      )
      const values = args.map(([, value]) => value)
      const text = `${kind}(${args.map(([t]) => t).join(', ')})`
      if (kind === 'and') return [text, values.every(Boolean)]
      if (kind === 'or') return [text, values.some(Boolean)]
      return [text, values[0] === values[1]]
    }
    for (let i = 0; i < 400; i++) {
      const [text, expected] = grow(5)
      expect(valueOf(`[${text}]`)).toBe(expected)
    }
  })

  test('token soup never throws: it is a value or a "cannot evaluate" reason', () => {
    const tokens = [
      '(',
      ')',
      '[',
      ']',
      ',',
      '.',
      "'a'",
      "'",
      '1',
      '-',
      ' ',
      'if',
      'not',
      'true',
      'parameters',
      "'effect'",
      'x',
      '"'
    ]
    for (let i = 0; i < 3000; i++) {
      const body = Array.from({ length: 1 + Math.floor(next() * 10) }, () => pick(tokens)).join('')
      const result = run(`[${body}]`)
      if (!result.ok) expect(result.reason).toMatch(/^cannot evaluate /)
    }
  })
})
