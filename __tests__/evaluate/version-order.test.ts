// Overrides of kind definitionVersion in order. Learn: overrides are "evaluated in the order in
// which they're specified", without saying whether the first or the last one that selects a
// location wins; the assignment is decided only where both readings give the same verdict.
import { describe, expect, test } from '@jest/globals'
import { setDefinitionKey } from '../../src/azure-ids.ts'
import type { Override } from '../../src/model.ts'
import { byLocation, evaluate, ID, latest, mcsb, SETS, withJitEffect } from './version-builders.ts'

const everywhere = (value: string, kind = 'definitionVersion'): Override => ({ kind, value })
const notIn = (value: string, locations: string[]): Override => ({
  kind: 'policyVersion',
  value,
  selectors: [{ kind: 'resourceLocation', notIn: locations }]
})
const ORDER =
  'Azure documents that overrides are evaluated in order, but not whether the first or the last one wins'

describe('overlapping overrides whose readings give different verdicts: error', () => {
  test.each([
    [
      'two without selectors, one auditing and one not',
      [everywhere('57.*.*'), everywhere('57.23.*', 'DefinitionVersion')],
      '#1 (version 57.*.*) and #2 (version 57.23.*) of kind definitionVersion that both select virtual machines in every location',
      'if the first wins, JIT is audited in every location, if the last wins, in no location'
    ],
    [
      'one that does not audit in eastus, then one that audits in eastus',
      [byLocation('57.23.*', ['eastus']), byLocation('57.*.*', ['EastUS'])],
      '#1 (version 57.23.*) and #2 (version 57.*.*) of kind definitionVersion that both select virtual machines only in eastus',
      'if the first wins, JIT is audited in every location but eastus, if the last wins, in every location'
    ],
    [
      'one that audits in eastus, then one that does not everywhere',
      [byLocation('57.*.*', ['eastus']), everywhere('57.23.*')],
      '#1 (version 57.*.*) and #2 (version 57.23.*) of kind definitionVersion that both select virtual machines only in eastus',
      'if the first wins, JIT is audited only in eastus, if the last wins, in no location'
    ],
    [
      'one that does not audit everywhere, then one that audits outside westus',
      [everywhere('57.23.*'), notIn('57.*.*', ['westus'])],
      '#1 (version 57.23.*) and #2 (version 57.*.*) of kind definitionVersion that both select virtual machines in every location but westus',
      'if the first wins, JIT is audited in no location, if the last wins, in every location but westus'
    ]
  ] as [string, Override[], string, string][])('%s', (_name, overrides, pair, readings) => {
    const sets = { ...SETS, [setDefinitionKey(ID, '57.*.*')]: latest }
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      `has overrides ${pair}, and only one of those versions audits JIT; ${ORDER}: ${readings}; keep one of overrides #1 and #2, give them resourceLocation selectors that do not overlap, or make both versions audit JIT.`
    )
  })
})

describe('overrides whose readings agree: decided', () => {
  const alike = withJitEffect('57.50.0', 'AuditIfNotExists')
  const sets = { ...SETS, [setDefinitionKey(ID, '57.50.0')]: alike }

  test('two without selectors that wire JIT alike', () => {
    const overrides = [everywhere('57.23.*'), everywhere('57.23.*', 'policyVersion')]
    expect(evaluate(mcsb({ overrides }), sets).verdict).toBe('noncompliant')
    const auditing = [everywhere('57.50.0'), everywhere('57.*.*')]
    const result = evaluate(mcsb({ definitionVersion: '57.23.*', overrides: auditing }), {
      ...sets,
      [setDefinitionKey(ID, '57.*.*')]: latest
    })
    expect(result.verdict).toBe('compliant')
  })

  test('overlapping, both readings partial: the last-wins reading speaks', () => {
    // Last wins: every location but westus; first wins: every location but eastus and westus.
    const overrides = [
      byLocation('57.23.*', ['eastus', 'westus']),
      byLocation('57.50.0', ['eastus'])
    ]
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in every resource group in westus. Assignment'
    )
    expect(result.reason).toContain(
      'does not audit JIT in the locations override #1 selects, where it runs version 57.23.*'
    )
  })

  test('an override that runs a version wiring JIT as what runs there before it changes nothing', () => {
    const overrides = [
      byLocation('57.23.*', ['eastus', 'westus']),
      byLocation('57.23.*', ['eastus'])
    ]
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('partial')
    expect(result.assignments[0]!.notes).toContain(
      'Override #2 runs version 57.23.* in the locations it selects, which wires JIT alike (it does not audit there too); it changes nothing here.'
    )
    expect(result.reason).toContain('override #1 selects')
  })

  test('auditing, not, auditing in one location: audited there whichever wins', () => {
    const overrides = ['57.50.0', '57.23.*', '57.50.0'].map((value) =>
      byLocation(value, ['eastus'])
    )
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('compliant')
  })
})

describe('location overrides that do not overlap', () => {
  const sets = { ...SETS, [setDefinitionKey(ID, '57.*.*')]: latest }

  test('an auditing and a non-auditing one: decided, as each alone', () => {
    const overrides = [byLocation('57.23.*', ['eastus']), byLocation('57.*.*', ['westus'])]
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain('does not audit JIT in the locations override #1 selects')
  })

  test('versions that do not audit in every location together: not audited anywhere', () => {
    const overrides = [byLocation('57.23.*', ['eastus']), notIn('57.23.*', ['eastus'])]
    const result = evaluate(mcsb({ overrides }), sets)
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ coverage: 'none' })
  })

  test('versions that audit in every location together: audited everywhere', () => {
    const overrides = [byLocation('57.*.*', ['eastus']), notIn('57.*.*', ['eastus'])]
    const result = evaluate(mcsb({ definitionVersion: '57.23.*', overrides }), sets)
    expect(result.verdict).toBe('compliant')
  })
})

describe('the assignment’s own version', () => {
  test('is not read where an override selects every location', () => {
    const assigned = mcsb({ definitionVersion: '99.*.*', overrides: [everywhere('57.*.*')] })
    const result = evaluate(
      assigned,
      { [setDefinitionKey(ID, '57.*.*')]: latest },
      { [setDefinitionKey(ID, '99.*.*')]: '404 PolicySetDefinitionVersionNotFound' }
    )
    expect(result.verdict).toBe('compliant')
  })

  test('a shadowed override is still read: the other reading runs it', () => {
    const overrides = [byLocation('58.0.0', ['eastus']), everywhere('57.23.*')]
    const result = evaluate(mcsb({ overrides }), SETS)
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unreadable-initiative')
    expect(result.reason).toContain('version 58.0.0')
  })
  test('an unreadable own version and an unreadable override version are both named', () => {
    const assigned = mcsb({
      definitionVersion: '99.*.*',
      overrides: [byLocation('58.0.0', ['eastus'])]
    })
    const result = evaluate(
      assigned,
      {},
      {
        [setDefinitionKey(ID, '99.*.*')]: '404 PolicySetDefinitionVersionNotFound',
        [setDefinitionKey(ID, '58.0.0')]: '404 PolicySetDefinitionVersionNotFound'
      }
    )
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain('version 99.*.*')
    expect(result.reason).toContain('version 58.0.0')
  })
})
