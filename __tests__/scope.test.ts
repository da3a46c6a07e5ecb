import { describe, expect, test } from '@jest/globals'
import path from 'node:path'
import { InputError, readSettings } from '../src/inputs/index.ts'
import { readScope, type ScopeInputs } from '../src/inputs/scope.ts'

const A = '11111111-1111-1111-1111-111111111111'
const B = '22222222-2222-2222-2222-222222222222'

function scopeOf(inputs: Partial<ScopeInputs>) {
  const problems: string[] = []
  const scope = readScope(
    { subscriptions: [], managementGroups: [], excludeSubscriptions: [], ...inputs },
    problems
  )
  return { scope, problems }
}

describe('readScope', () => {
  test('subscription ids: lower-cased, each once, in the order given', () => {
    const { scope, problems } = scopeOf({ subscriptions: [B, A.toUpperCase(), A, B] })
    expect(problems).toEqual([])
    expect(scope).toEqual({
      subscriptionIds: [B, A],
      allSubscriptions: false,
      managementGroups: [],
      excludeSubscriptionIds: []
    })
  })

  test('`*` alone: every subscription the identity can read', () => {
    const { scope, problems } = scopeOf({ subscriptions: ['*'], excludeSubscriptions: [A] })
    expect(problems).toEqual([])
    expect(scope).toMatchObject({
      subscriptionIds: [],
      allSubscriptions: true,
      excludeSubscriptionIds: [A]
    })
  })

  test('`*` with ids is refused', () => {
    expect(scopeOf({ subscriptions: ['*', A] }).problems).toEqual([
      expect.stringMatching(/combines `\*` with other items.*exclude-subscriptions/)
    ])
  })

  test('management groups by name or id, each once (names compare case-insensitively)', () => {
    const { scope, problems } = scopeOf({
      managementGroups: [
        'corp',
        '/providers/Microsoft.Management/managementGroups/Online',
        '/PROVIDERS/microsoft.management/MANAGEMENTGROUPS/CORP/',
        'online',
        'mg_(eu).1-a'
      ]
    })
    expect(problems).toEqual([])
    expect(scope.managementGroups).toEqual(['corp', 'Online', 'mg_(eu).1-a'])
  })

  test.each([
    ['a name with a slash', '/providers/Microsoft.Management/managementGroups/a/b'],
    ['a subscription id', `/subscriptions/${A}`],
    ['an invalid character', 'corp!'],
    ['a name longer than 90 characters', 'x'.repeat(91)]
  ])('refuses %s in management-groups', (_case, item) => {
    expect(scopeOf({ managementGroups: [item] }).problems).toEqual([
      expect.stringMatching(/^`management-groups` holds ".*", which is neither a management group/)
    ])
  })

  test('bad ids in subscriptions and exclude-subscriptions are each named', () => {
    expect(
      scopeOf({ subscriptions: ['nope', A], excludeSubscriptions: ['also-not'] }).problems
    ).toEqual([
      expect.stringMatching(/^`subscriptions` holds "nope", which looks like a subscription name/),
      expect.stringMatching(
        /^`exclude-subscriptions` holds "also-not", which looks like a subscription name/
      )
    ])
  })

  test('needs subscriptions or management groups; management groups alone are enough', () => {
    expect(scopeOf({ excludeSubscriptions: [A] }).problems).toEqual([
      expect.stringMatching(/`subscriptions` and `management-groups` are both empty/)
    ])
    expect(scopeOf({ managementGroups: ['corp'] }).problems).toEqual([])
  })
})

describe('the scope inputs through readSettings', () => {
  const read = (inputs: Record<string, string>) =>
    readSettings(
      (name) => inputs[name] ?? '',
      { workspace: '/ws', runnerTemp: '/tmp/runner', azureClientId: A, azureTenantId: B },
      () => undefined
    )

  test('splits the three lists like every list input, comments included', () => {
    const settings = read({
      subscriptions: `${A} # prod`,
      'management-groups': 'corp, online # both landing zones',
      'exclude-subscriptions': `${B}\n# none else`
    })
    expect(settings.scope).toEqual({
      subscriptionIds: [A],
      allSubscriptions: false,
      managementGroups: ['corp', 'online'],
      excludeSubscriptionIds: [B]
    })
  })

  test('a bad scope is refused with the other problems, before any request', () => {
    expect(() => read({ 'management-groups': 'a/b', 'max-concurrency': '0' })).toThrow(InputError)
    try {
      read({ 'management-groups': 'a/b', 'max-concurrency': '0' })
    } catch (error) {
      expect((error as InputError).problems).toHaveLength(2)
    }
  })

  test('results-file: empty is the runner temp folder; relative resolves in the workspace', () => {
    expect(read({ subscriptions: A }).resultsFile).toBe(
      path.join('/tmp/runner', 'jit-network-access-results.json')
    )
    expect(read({ subscriptions: A, 'results-file': 'out/r.json' }).resultsFile).toBe(
      path.resolve('/ws', 'out/r.json')
    )
    // An absolute path keeps sarif-file's rule: inside the workspace or RUNNER_TEMP (issue 20).
    expect(read({ subscriptions: A, 'results-file': '/tmp/runner/r.json' }).resultsFile).toBe(
      '/tmp/runner/r.json'
    )
    expect(() => read({ subscriptions: A, 'results-file': '/var/r.json' })).toThrow(
      '`results-file` "/var/r.json" is not a file inside the workspace (/ws) or the runner\'s temporary folder (RUNNER_TEMP, /tmp/runner); give a path relative to the workspace, or one inside RUNNER_TEMP, or leave it empty for jit-network-access-results.json in RUNNER_TEMP.'
    )
  })

  test.each([
    ['sarif-file', '/proc/x/r.sarif'],
    ['results-file', '/proc/x/r.json'],
    ['results-file', '../outside/r.json'],
    ['results-file', '/tmp/runner'],
    ['sarif-file', '/tmp/runner/../elsewhere/r.sarif']
  ])('%s %s is refused by the one rule for files, before any request', (input, value) => {
    expect(() => read({ subscriptions: A, [input]: value })).toThrow(
      new RegExp(`^Invalid input: \`${input}\` ".*" is not a file inside the workspace`)
    )
  })
})
