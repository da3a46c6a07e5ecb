// How the fixes' commands are quoted and read: shell quoting, ids, the commands as shown to
// users, the shared preamble and the jq programs, run against a fake `az` where they call it.
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { SubscriptionResult } from '../../src/model.ts'
import {
  jqProgram,
  shellQuote,
  splitPolicyResourceId,
  unsafeCommandValue
} from '../../src/report/remediation/azure-cli.ts'
import { step } from '../../src/report/remediation/step.ts'
import {
  argAfter,
  canary,
  fakeAzFolder,
  onlyStep,
  runWithFakeAz,
  useFakeAz,
  withJq
} from './fake-az.ts'
import { MG_SCOPE, SUB2, evidence, result } from './helpers.ts'

useFakeAz()

describe('shellQuote', () => {
  test.each([
    "it's",
    '$(touch pwned)',
    '`touch pwned`',
    'a; touch pwned',
    'two\nlines',
    'back\\slash "double"',
    "'''",
    ''
  ])('the shell reads %j back unchanged', (value) => {
    const run = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], {
      cwd: fakeAzFolder(),
      encoding: 'utf8'
    })
    expect(run.stdout).toBe(value)
    expect(existsSync(canary())).toBe(false)
  })

  test('refuses values that would mislead the Azure CLI or the terminal', () => {
    expect(unsafeCommandValue('/subscriptions/x')).toBeNull()
    expect(unsafeCommandValue('@/etc/passwd')).toMatch(/read a file/)
    expect(unsafeCommandValue('--debug')).toMatch(/option/)
    expect(unsafeCommandValue('a\u202Eb')).toMatch(/control or invisible/)
    expect(unsafeCommandValue('x'.repeat(2000))).toMatch(/longer/)
  })
})

describe('splitPolicyResourceId', () => {
  test('splits scope and name, case-insensitively', () => {
    expect(
      splitPolicyResourceId(
        `${MG_SCOPE}/PROVIDERS/microsoft.authorization/policyassignments/a1`,
        'policyAssignments'
      )
    ).toEqual({ scope: MG_SCOPE, name: 'a1' })
    expect(splitPolicyResourceId('nonsense', 'policyAssignments')).toBeNull()
    expect(
      splitPolicyResourceId(
        '/providers/Microsoft.Authorization/policyAssignments/a',
        'policyAssignments'
      )
    ).toBeNull()
  })
})

describe('commands as shown to users', () => {
  const where = `--name 'SecurityCenterBuiltIn' --scope '${MG_SCOPE}'`
  const url = `url='${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn?api-version=2023-04-01'`
  // Read, change, review, write: a short script a person can check before it writes.
  const patch = (jq: string) =>
    [
      url,
      '# 1. Read the overrides.',
      `az rest --method get --url "$url" | jq '.properties.overrides // []' > overrides.json`,
      '# 2. Change them.',
      `jq ${jq} overrides.json > overrides.new.json`,
      '# 3. Review the change.',
      'diff -u overrides.json overrides.new.json',
      '# 4. Write them (PATCH replaces the whole list).',
      'az rest --method patch --url "$url" --body "{\\"properties\\": {\\"overrides\\": $(jq --compact-output . overrides.new.json)}}"'
    ].join('\n')
  const disabled = '.kind == "policyEffect" and ((.value // "") | ascii_downcase) == "disabled"'
  const overridden = (ref: string | null) =>
    result(SUB2, 'noncompliant', {
      assignments: [
        evidence({
          effect: 'Disabled',
          effectSource: 'override',
          effectParameter: null,
          policyDefinitionReferenceId: ref
        })
      ]
    })

  // The text each command had before the jq programs were written over several lines: one line
  // for each program, so that a pasted command reads the same as it always did.
  test.each([
    [
      'set-parameter',
      result(SUB2, 'noncompliant'),
      [
        `params=$(az policy assignment show ${where} --query parameters --output json \\`,
        `  | jq --compact-output --arg name 'jitNetworkAccessMonitoringEffect' '(. // {}) + {($name): {value: "AuditIfNotExists"}}')`,
        `az policy assignment update ${where} --params "$params"`
      ].join('\n')
    ],
    [
      'remove-override (narrow)',
      overridden('jitNetworkAccessMonitoring'),
      patch(
        [
          `--arg ref 'jitNetworkAccessMonitoring' '[ .[]`,
          `  | if ${disabled} then`,
          '      if ([(.selectors // [])[] | select(.kind == "policyDefinitionReferenceId")] | length) == 0',
          '      then .selectors = ((.selectors // []) + [{kind: "policyDefinitionReferenceId", notIn: [$ref]}])',
          '      else .selectors |= map(',
          '        if .kind != "policyDefinitionReferenceId" then .',
          '        elif .in != null then .in |= map(select(ascii_downcase != ($ref | ascii_downcase)))',
          '        else .notIn = (((.notIn // []) + [$ref]) | unique) end)',
          '      end',
          '    else . end',
          '  | select([(.selectors // [])[] | select(.kind == "policyDefinitionReferenceId" and .in != null and (.in | length) == 0)] | length == 0)',
          "]'"
        ].join('\n')
      )
    ],
    ['remove-override (drop)', overridden(null), patch(`'[ .[] | select((${disabled}) | not) ]'`)],
    [
      'add-override',
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({ effect: 'Disabled', effectSource: 'literal', effectParameter: null })
        ]
      }),
      patch(
        [
          `--arg ref 'jitNetworkAccessMonitoring' '. + [{kind: "policyEffect", value: "AuditIfNotExists",`,
          `      selectors: [{kind: "policyDefinitionReferenceId", in: [$ref]}]}]'`
        ].join('\n')
      )
    ],
    [
      'restore-coverage',
      result(SUB2, 'noncompliant', {
        assignments: [evidence({ coverage: 'none', exemptionIds: [] })]
      }),
      [
        `not_scopes=$(az policy assignment show ${where} --query notScopes --output json \\`,
        `  | jq --compact-output --arg sub '/subscriptions/${SUB2}' '[(. // [])[] | select(ascii_downcase as $s | ($sub | ascii_downcase) as $t | ($s != $t) and ($s | startswith($t + "/") | not))]')`,
        `az policy assignment update ${where} --not-scopes "$not_scopes"`
      ].join('\n')
    ]
  ] as const)('%s', (_kind, subscription, command) => {
    expect(onlyStep(subscription).command).toBe(command)
  })

  withJq('without a reference id, Disabled overrides are dropped and the others kept', () => {
    const calls = runWithFakeAz(onlyStep(overridden(null)).command as string, {
      'assignment.json': {
        properties: {
          overrides: [
            { kind: 'policyEffect', value: 'DISABLED' },
            { kind: 'policyEffect', value: 'Audit' },
            { kind: 'definitionVersion', value: '1.*.*' }
          ]
        }
      }
    })
    expect(JSON.parse(argAfter(calls[1] as string[], '--body'))).toEqual({
      properties: {
        overrides: [
          { kind: 'policyEffect', value: 'Audit' },
          { kind: 'definitionVersion', value: '1.*.*' }
        ]
      }
    })
  })

  withJq('an assignment with no overrides or no excluded scopes reads as an empty list', () => {
    const body = (subscription: SubscriptionResult) =>
      JSON.parse(
        argAfter(
          runWithFakeAz(onlyStep(subscription).command as string, {
            'assignment.json': { properties: {} }
          })[1] as string[],
          '--body'
        )
      )
    expect(body(overridden('jitNetworkAccessMonitoring'))).toEqual({
      properties: { overrides: [] }
    })
    expect(body(overridden(null))).toEqual({ properties: { overrides: [] } })
    const excluded = runWithFakeAz(
      onlyStep(
        result(SUB2, 'noncompliant', {
          assignments: [evidence({ coverage: 'none', exemptionIds: [] })]
        })
      ).command as string,
      { 'notScopes.json': null }
    )
    expect(JSON.parse(argAfter(excluded[1] as string[], '--not-scopes'))).toEqual([])
  })
})

describe('the shared preamble', () => {
  const plan = {
    kind: 'assign-policy' as const,
    title: 'title',
    target: null,
    portalPath: ['Azure portal'],
    details: ['detail']
  }

  test('writes the command when every value is safe, with its note', () => {
    const made = step({
      ...plan,
      command: { values: { 'subscription id': SUB2 }, write: () => `echo ${SUB2}`, note: 'note' }
    })
    expect(made).toEqual({ ...plan, command: `echo ${SUB2}`, commandNote: 'note' })
  })

  test('an unsafe value or a blocker keeps the command out, and the note says why', () => {
    const write = () => {
      throw new Error('a blocked command must not be written')
    }
    const unsafe = step({
      ...plan,
      command: { values: { 'subscription id': SUB2, 'exemption id': '@x' }, write, note: 'note' }
    })
    expect(unsafe.command).toBeNull()
    expect(unsafe.commandNote).toMatch(/^No command is given because the exemption id from Azure/)
    const blocked = step({
      ...plan,
      command: { blocker: 'blocked', values: { 'exemption id': '@x' }, write, note: 'note' }
    })
    expect(blocked).toEqual({ ...plan, command: null, commandNote: 'blocked' })
  })

  test('a step done by hand has neither a command nor a note', () => {
    expect(step({ ...plan, command: null })).toEqual({ ...plan, command: null, commandNote: null })
  })
})

describe('jqProgram', () => {
  test('reads the lines as one, joined by single spaces', () => {
    expect(jqProgram('[.[]', '    | select(.a)', '  ]')).toBe('[.[] | select(.a) ]')
  })

  test('refuses a single quote, which would end the quoted program in the shell', () => {
    expect(() => jqProgram('.a', "| .b == 'x'")).toThrow(/single quote/)
  })
})
