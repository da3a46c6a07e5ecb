// Definition versions (what the assignment runs, overrides of kind definitionVersion) and clouds
// (the initiative as the subscription's own cloud serves it), with the real benchmark's versions.
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { setDefinitionKey } from '../../src/azure-ids.ts'
import type { Override, PolicySetDefinition } from '../../src/model.ts'
import { groupId, SUBSCRIPTION_SCOPE } from './builders.ts'
import {
  byLocation,
  evaluate,
  ID,
  latest,
  mcsb,
  older,
  SETS as sets,
  withJitEffect
} from './version-builders.ts'

describe('the version an assignment runs', () => {
  test.each([
    ['57.*.*', latest, 'compliant'],
    ['57.23.*', older, 'noncompliant']
  ])('definitionVersion %s runs the version stored under that key', (version, set, verdict) => {
    const result = evaluate(mcsb({ definitionVersion: version }), {
      [setDefinitionKey(ID, version)]: set,
      [setDefinitionKey(ID, null)]: verdict === 'compliant' ? older : latest
    })
    expect(result.verdict).toBe(verdict)
  })

  test('a version that cannot be read is an error naming the version', () => {
    const key = setDefinitionKey(ID, '57.23.*')
    const result = evaluate(
      mcsb({ definitionVersion: '57.23.*' }),
      { [setDefinitionKey(ID, null)]: latest },
      {
        [key]: '404 PolicySetDefinitionVersionNotFound'
      }
    )
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unreadable-initiative')
    expect(result.reason).toContain(
      `initiative ${ID} version 57.23.*, assigned by 'MCSB' at ${groupId('platform')} (404 PolicySetDefinitionVersionNotFound) could not be read`
    )
  })
})

describe('overrides of kind definitionVersion', () => {
  test('limited by location to a version that does not audit: partial', () => {
    const result = evaluate(mcsb({ overrides: [byLocation('57.23.*', ['eastus'])] }), sets)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group in eastus. Assignment 'MCSB' at ${groupId('platform')} does not audit JIT in the locations override #1 selects, where it runs version 57.23.*; remove override #1 or make both versions audit JIT.`
    )
  })

  test('limited by location to a version that audits, from one that does not: partial', () => {
    const result = evaluate(
      mcsb({
        definitionVersion: '57.23.*',
        overrides: [
          {
            kind: 'policyVersion',
            value: '57.*.*',
            selectors: [{ kind: 'resourceLocation', notIn: ['westus'] }]
          }
        ]
      }),
      {
        [setDefinitionKey(ID, '57.23.*')]: older,
        [setDefinitionKey(ID, '57.*.*')]: latest
      }
    )
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in every resource group in westus. Assignment'
    )
    expect(result.reason).toContain(
      'does not audit JIT outside the locations its overrides of kind definitionVersion select, where it runs version 57.23.*'
    )
  })

  test('versions that wire JIT alike make the override irrelevant, with a note', () => {
    const alike = withJitEffect('57.50.0', 'AuditIfNotExists')
    const result = evaluate(mcsb({ overrides: [byLocation('57.50.0', ['eastus'])] }), {
      [setDefinitionKey(ID, null)]: latest,
      [setDefinitionKey(ID, '57.50.0')]: alike
    })
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes).toContain(
      'Override #1 runs version 57.50.0 in the locations it selects, which wires JIT alike (it audits there too); it changes nothing here.'
    )
  })

  test('without selectors it names the version everywhere', () => {
    const result = evaluate(
      mcsb({ overrides: [{ kind: 'DefinitionVersion', value: '57.23.*' }] }),
      sets
    )
    expect(result.verdict).toBe('noncompliant')
  })

  test('an empty location list reaches nothing', () => {
    const result = evaluate(mcsb({ overrides: [byLocation('57.23.*', [])] }), sets)
    expect(result.verdict).toBe('compliant')
  })

  test('a version it names that cannot be read is an error', () => {
    const result = evaluate(mcsb({ overrides: [byLocation('58.0.0', ['eastus'])] }), sets)
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain('version 58.0.0')
  })

  test.each([
    ['a selector of another kind', { kind: 'resourceType', in: ['x'] }],
    ['a resourceLocation selector with neither list', { kind: 'resourceLocation' }]
  ])('%s cannot be decided: error', (_name, selector) => {
    const odd: Override = { kind: 'definitionVersion', value: '57.23.*', selectors: [selector] }
    const result = evaluate(mcsb({ overrides: [odd] }), sets)
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      "has override #1 of kind definitionVersion with a selector that is not a resourceLocation 'in' or 'notIn' list"
    )
  })
})

describe('clouds', () => {
  test("the initiative is the one in the snapshot: a Government-shaped copy's wiring decides", () => {
    // Same id, as Azure Government serves it: the JIT reference keeps its own id and binds a
    // parameter whose default is Disabled.
    const government: PolicySetDefinition = {
      ...withJitEffect('57.56.0', "[parameters('jitEffect')]"),
      parameters: { ...latest.parameters, jitEffect: { type: 'String', defaultValue: 'Disabled' } }
    }
    const result = evaluate(mcsb(), { [setDefinitionKey(ID, null)]: government })
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectParameter: 'jitEffect'
    })
    expect(evaluate(mcsb(), { [setDefinitionKey(ID, null)]: latest }).verdict).toBe('compliant')
  })

  test('the evaluator reads no files and no bundled copies of built-in sets', () => {
    const dir = new URL('../../src/evaluate/', import.meta.url)
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8')
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1])
      expect(
        imports.filter((path) => !/^\.\.?\/[\w-]+\.ts$|^\.\.\/(model|azure-ids)\.ts$/.test(path!))
      ).toEqual([])
    }
  })
})
