import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { DEFAULT_FAIL_ON, INPUT_DEFAULTS } from '../src/defaults.ts'
import { readSettings } from '../src/inputs/index.ts'

const action = parse(await readFile(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
}

describe('action.yml and the defaults module', () => {
  test('name the same inputs', () => {
    expect(Object.keys(INPUT_DEFAULTS).sort()).toEqual(Object.keys(action.inputs).sort())
  })

  test.each(Object.keys(action.inputs))('give %s the same default', (name) => {
    expect(INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS]).toEqual(
      action.inputs[name]?.default
    )
  })

  test('an input left empty reads as its action.yml default', () => {
    const given = {
      subscriptions: '11111111-1111-1111-1111-111111111111',
      'client-id': '33333333-3333-3333-3333-333333333333',
      'tenant-id': '44444444-4444-4444-4444-444444444444'
    }
    const read = (inputs: Record<string, string>) =>
      readSettings(
        (name) => inputs[name] ?? '',
        { workspace: '/work', runnerTemp: '/tmp/runner', azureClientId: '', azureTenantId: '' },
        () => undefined
      )
    const withDefaults = { ...given }
    for (const [name, value] of Object.entries(action.inputs)) {
      // An empty sarif-file means no file; github-token's default is an expression the runner fills.
      const literal = name !== 'sarif-file' && name !== 'github-token'
      if (literal && value.default !== undefined && !(name in given)) {
        ;(withDefaults as Record<string, string>)[name] = value.default
      }
    }
    expect(read(given)).toEqual(read(withDefaults))
    expect(read(given).failOn).toEqual(DEFAULT_FAIL_ON)
  })
})
