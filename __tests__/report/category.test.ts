import { describe, expect, test } from '@jest/globals'
import { InputError, readSettings } from '../../src/inputs/index.ts'
import { reportContext, scopeEntries } from '../../src/report/context.ts'
import {
  MAX_CATEGORY_LENGTH,
  SCOPE_DIGEST_LENGTH,
  categoryProblem,
  derivedCategoryStem,
  scanCategory
} from '../../src/category.ts'
import { readRunContext } from '../../src/run-context.ts'
import type { Scope } from '../../src/inputs/scope.ts'
import { SUB1, SUB2, SUB3, WORKFLOW_PATH, WORKFLOW_REF } from './helpers.ts'

const base = { workflow: WORKFLOW_PATH, job: 'jit', managementGroups: [] as string[] }

describe('derivedCategoryStem', () => {
  test('a derived category without its digest: one stem for one workflow job, any scope', () => {
    const one = scanCategory({ ...base, subscriptionIds: [SUB1] })
    const other = scanCategory({ ...base, subscriptionIds: [SUB1, SUB2] })
    expect(derivedCategoryStem(one)).toBe(`azure-jit-network-access/${WORKFLOW_PATH}:jit`)
    expect(derivedCategoryStem(other)).toBe(derivedCategoryStem(one))
    expect(derivedCategoryStem(scanCategory({ ...base, job: 'b', subscriptionIds: [SUB1] }))).toBe(
      `azure-jit-network-access/${WORKFLOW_PATH}:b`
    )
  })

  test('null for a category given explicitly', () => {
    expect(derivedCategoryStem('jit/production')).toBeNull()
    expect(derivedCategoryStem('azure-jit-network-access/production')).toBeNull()
    expect(
      derivedCategoryStem(scanCategory({ ...base, explicit: 'jit', subscriptionIds: [] }))
    ).toBeNull()
  })
})

describe('scanCategory', () => {
  test('derives workflow, job and a digest of the scope', () => {
    const category = scanCategory({ ...base, subscriptionIds: [SUB1, SUB2] })
    expect(category).toMatch(
      new RegExp(`^azure-jit-network-access/${WORKFLOW_PATH}:jit/[0-9a-f]{${SCOPE_DIGEST_LENGTH}}$`)
    )
  })

  test('the same scope gives the same category whatever the order, case and duplicates', () => {
    const one = scanCategory({ ...base, subscriptionIds: [SUB1, SUB2] })
    expect(scanCategory({ ...base, subscriptionIds: [SUB2.toUpperCase(), SUB1, SUB2] })).toBe(one)
    expect(
      scanCategory({ ...base, subscriptionIds: [SUB1], managementGroups: ['Platform', 'corp'] })
    ).toBe(
      scanCategory({ ...base, subscriptionIds: [SUB1], managementGroups: ['CORP', 'platform'] })
    )
  })

  test('another scope, job or workflow gives another category', () => {
    const one = scanCategory({ ...base, subscriptionIds: [SUB1, SUB2] })
    const others = [
      scanCategory({ ...base, subscriptionIds: [SUB1, SUB3] }),
      scanCategory({ ...base, subscriptionIds: [SUB1] }),
      scanCategory({ ...base, subscriptionIds: [SUB1, SUB2], managementGroups: ['corp'] }),
      scanCategory({ ...base, job: 'nightly', subscriptionIds: [SUB1, SUB2] }),
      scanCategory({
        ...base,
        workflow: '.github/workflows/other.yml',
        subscriptionIds: [SUB1, SUB2]
      })
    ]
    expect(new Set([one, ...others]).size).toBe(6)
  })

  test('a management group and a subscription of the same name are different scopes', () => {
    expect(scanCategory({ ...base, subscriptionIds: [SUB1], managementGroups: [] })).not.toBe(
      scanCategory({ ...base, subscriptionIds: [], managementGroups: [SUB1] })
    )
  })

  test('an explicit category wins, without its trailing slash', () => {
    expect(scanCategory({ ...base, explicit: 'jit/prod/', subscriptionIds: [SUB1] })).toBe(
      'jit/prod'
    )
  })

  test('odd workflow names and jobs still give a usable category', () => {
    const category = scanCategory({
      workflow: 'JIT audit (nightly) ✓',
      job: 'a b\n::x',
      subscriptionIds: [SUB1],
      managementGroups: []
    })
    expect(categoryProblem(category)).toBeNull()
    expect(scanCategory({ subscriptionIds: [SUB1], managementGroups: [] })).toMatch(
      /^azure-jit-network-access\/workflow:job\/[0-9a-f]{12}$/
    )
  })
})

describe('the category input', () => {
  const read = (category: string) =>
    readSettings(
      (name) =>
        ({
          subscriptions: SUB1,
          'client-id': SUB2,
          'tenant-id': SUB3,
          category
        })[name] ?? '',
      { workspace: '/work', runnerTemp: '/work/_temp', azureClientId: '', azureTenantId: '' },
      () => undefined
    )

  test('is kept as given, empty by default', () => {
    expect(read('').category).toBe('')
    expect(read(' jit/production ').category).toBe('jit/production')
    expect(read('/language:azure').category).toBe('/language:azure')
  })

  test.each(['jit production', 'jit"prod', '///', 'x'.repeat(MAX_CATEGORY_LENGTH + 1), 'a\u202eb'])(
    '%j is refused with the fix',
    (value) => {
      expect(() => read(value)).toThrow(InputError)
      expect(() => read(value)).toThrow(/`category` .* leave it empty to derive one/)
    }
  )

  test('the reports use the explicit category, else the derived one of the run', () => {
    const run = readRunContext({ GITHUB_WORKFLOW_REF: WORKFLOW_REF, GITHUB_JOB: 'jit' }, '/work')
    const scope: Scope = {
      subscriptionIds: [SUB1],
      allSubscriptions: false,
      managementGroups: [],
      excludeSubscriptionIds: []
    }
    const settings = { clientId: SUB2, failOn: new Set<never>(), scope }
    expect(reportContext(run, { ...settings, category: 'mine' }, '1.0.0').category).toBe('mine')
    const derived = reportContext(run, { ...settings, category: '' }, '1.0.0').category
    expect(derived).toBe(scanCategory({ ...base, subscriptionIds: [SUB1] }))
    // Management groups, every subscription and exclusions are part of the scope.
    const other = (change: Partial<Scope>) =>
      reportContext(run, { ...settings, scope: { ...scope, ...change }, category: '' }, '1.0.0')
        .category
    const variants = [
      other({ managementGroups: ['corp'] }),
      other({ allSubscriptions: true }),
      other({ allSubscriptions: true, subscriptionIds: [], excludeSubscriptionIds: [SUB1] }),
      other({ allSubscriptions: true, subscriptionIds: [] })
    ]
    expect(new Set([derived, ...variants]).size).toBe(5)
    expect(
      scopeEntries({ ...scope, allSubscriptions: true, excludeSubscriptionIds: [SUB2] })
    ).toEqual([SUB1, '*', `-${SUB2}`])
  })
})
