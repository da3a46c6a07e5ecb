import { describe, expect, test } from '@jest/globals'
import path from 'node:path'
import { InputError, readSettings, splitList } from '../src/inputs/index.ts'
import { readRunContext } from '../src/run-context.ts'

const SUBSCRIPTION_A = '11111111-1111-1111-1111-111111111111'
const SUBSCRIPTION_B = '22222222-2222-2222-2222-222222222222'
const CLIENT_ID = '33333333-3333-3333-3333-333333333333'
const TENANT_ID = '44444444-4444-4444-4444-444444444444'
const WORKSPACE = '/home/runner/work/repo/repo'

const masked: string[] = []

function settingsFrom(inputs: Record<string, string>, environment: NodeJS.ProcessEnv = {}) {
  const all: Record<string, string> = {
    subscriptions: SUBSCRIPTION_A,
    'client-id': CLIENT_ID,
    'tenant-id': TENANT_ID,
    ...inputs
  }
  return readSettings(
    (name) => all[name] ?? '',
    readRunContext({
      GITHUB_WORKSPACE: WORKSPACE,
      RUNNER_TEMP: path.join(WORKSPACE, '_temp'),
      ...environment
    }),
    (secret) => masked.push(secret)
  )
}

function problemsFrom(inputs: Record<string, string>, environment: NodeJS.ProcessEnv = {}) {
  try {
    settingsFrom(inputs, environment)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('expected an InputError')
}

describe('splitList', () => {
  test('splits on newlines, commas and spaces and drops comments', () => {
    expect(splitList(`a, b c\n# whole line\n d # trailing comment, e\r\nf,,g`)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'f',
      'g'
    ])
  })
})

describe('readSettings', () => {
  test('applies the defaults of action.yml when inputs are empty', () => {
    const settings = settingsFrom({})
    expect(settings).toEqual({
      scope: {
        subscriptionIds: [SUBSCRIPTION_A],
        allSubscriptions: false,
        managementGroups: [],
        excludeSubscriptionIds: []
      },
      clientId: CLIENT_ID,
      tenantId: TENANT_ID,
      audience: 'api://AzureADTokenExchange',
      cloud: {
        name: 'AzureCloud',
        authorityHost: 'https://login.microsoftonline.com',
        resourceManagerEndpoint: 'https://management.azure.com',
        tokenExchangeAudience: 'api://AzureADTokenExchange'
      },
      failOn: new Set(['noncompliant', 'error']),
      notices: [],
      sarifFile: null,
      jobSummary: true,
      maxConcurrency: 32,
      deadlineMs: 15 * 60_000,
      resultsFile: path.join(WORKSPACE, '_temp', 'jit-network-access-results.json'),
      defenderPlanCheck: true,
      virtualMachines: true,
      category: '',
      githubToken: '',
      issue: 'auto',
      issueLabels: ['jit-network-access'],
      pullRequestComment: false,
      engine: 'resource-manager',
      exemptionRules: { acceptMitigated: 'none', expiryDays: 30 },
      plannedChanges: [],
      failOnExisting: false
    })
  })

  test('planned-changes: one path or glob a line, kept as written (spaces and commas too)', () => {
    const settings = settingsFrom({
      'planned-changes': '  plans/tf plan.json \r\n\nplans/*.json,x\n',
      'fail-on-existing': 'TRUE'
    })
    expect(settings.plannedChanges).toEqual(['plans/tf plan.json', 'plans/*.json,x'])
    expect(settings.failOnExisting).toBe(true)
  })

  test('fail-on-existing: anything but true or false is refused, naming the value', () => {
    expect(problemsFrom({ 'fail-on-existing': 'yes' })).toEqual([
      '`fail-on-existing` "yes" is not `true` or `false`.'
    ])
  })

  test('deadline-minutes: minutes, fractions allowed, in milliseconds', () => {
    expect(settingsFrom({ 'deadline-minutes': '0.5' }).deadlineMs).toBe(30_000)
    expect(settingsFrom({ 'deadline-minutes': '360' }).deadlineMs).toBe(360 * 60_000)
    expect(settingsFrom({ 'deadline-minutes': ' 20 ' }).deadlineMs).toBe(20 * 60_000)
  })

  test.each([
    ['true', 'all'],
    ['TRUE', 'all'],
    ['With-Expiry', 'with-expiry'],
    ['false', 'none']
  ])('reads accept-mitigated-exemptions %s', (value, acceptMitigated) => {
    expect(settingsFrom({ 'accept-mitigated-exemptions': value }).exemptionRules).toEqual({
      acceptMitigated,
      expiryDays: 30
    })
  })

  test.each([['0'], ['7'], ['3650']])('reads exemption-expiry-days %s', (days) => {
    expect(settingsFrom({ 'exemption-expiry-days': days }).exemptionRules.expiryDays).toBe(
      Number(days)
    )
  })

  test('bad exemption inputs are named with what they take', () => {
    expect(
      problemsFrom({ 'accept-mitigated-exemptions': 'waiver', 'exemption-expiry-days': '-1' })
    ).toEqual([
      '`accept-mitigated-exemptions` "waiver" is not one of false, true, with-expiry.',
      '`exemption-expiry-days` "-1" is not a whole number of days from 0 (name no exemption\'s end) to 3650.'
    ])
    expect(problemsFrom({ 'exemption-expiry-days': '3651' })).toHaveLength(1)
    expect(problemsFrom({ 'exemption-expiry-days': '30 days' })).toHaveLength(1)
  })

  test('reads engine, in any case', () => {
    expect(settingsFrom({ engine: 'Resource-Graph' }).engine).toBe('resource-graph')
    expect(settingsFrom({ engine: 'resource-manager' }).engine).toBe('resource-manager')
  })

  test('drops duplicate subscription ids case-insensitively, keeping the order', () => {
    const settings = settingsFrom({
      subscriptions: `${SUBSCRIPTION_B}\n${SUBSCRIPTION_A.toUpperCase()} # prod\n${SUBSCRIPTION_A}, ${SUBSCRIPTION_B}`
    })
    expect(settings.scope.subscriptionIds).toEqual([SUBSCRIPTION_B, SUBSCRIPTION_A])
  })

  test('takes client and tenant from the environment when the inputs are empty', () => {
    const settings = settingsFrom(
      { 'client-id': '', 'tenant-id': '' },
      { AZURE_CLIENT_ID: CLIENT_ID, AZURE_TENANT_ID: 'contoso.onmicrosoft.com' }
    )
    expect(settings.clientId).toBe(CLIENT_ID)
    expect(settings.tenantId).toBe('contoso.onmicrosoft.com')
  })

  test.each([
    ['AzureCloud', 'https://login.microsoftonline.com', 'https://management.azure.com'],
    [
      'azureusgovernment',
      'https://login.microsoftonline.us',
      'https://management.usgovcloudapi.net'
    ],
    ['AZURECHINACLOUD', 'https://login.chinacloudapi.cn', 'https://management.chinacloudapi.cn']
  ])('environment %s has its endpoints', (environment, authorityHost, resourceManager) => {
    const { cloud } = settingsFrom({ environment })
    expect(cloud.authorityHost).toBe(authorityHost)
    expect(cloud.resourceManagerEndpoint).toBe(resourceManager)
  })

  test.each([
    ['AzureCloud', 'api://AzureADTokenExchange'],
    ['AzureUSGovernment', 'api://AzureADTokenExchangeUSGov'],
    ['azurechinacloud', 'api://AzureADTokenExchangeChina']
  ])(
    'an empty audience is the one %s gives new federated credentials (%s)',
    (environment, audience) => {
      expect(settingsFrom({ environment }).audience).toBe(audience)
      expect(settingsFrom({ environment, audience: ' api://Custom ' }).audience).toBe(
        'api://Custom'
      )
    }
  )

  test('explicit endpoints override the environment', () => {
    const { cloud } = settingsFrom({
      'authority-host': 'https://127.0.0.1:8443/',
      'resource-manager-endpoint': 'https://arm.example.test'
    })
    expect(cloud).toEqual({
      name: 'AzureCloud',
      authorityHost: 'https://127.0.0.1:8443',
      resourceManagerEndpoint: 'https://arm.example.test',
      tokenExchangeAudience: 'api://AzureADTokenExchange'
    })
  })

  test('an environment of another name is accepted with both endpoints given', () => {
    const { cloud } = settingsFrom({
      environment: 'AzureStackHub',
      'authority-host': 'https://login.contoso.local',
      'resource-manager-endpoint': 'https://management.contoso.local'
    })
    expect(cloud).toEqual({
      name: 'AzureStackHub',
      authorityHost: 'https://login.contoso.local',
      resourceManagerEndpoint: 'https://management.contoso.local',
      tokenExchangeAudience: 'api://AzureADTokenExchange'
    })
    expect(
      problemsFrom({
        environment: 'AzureStackHub',
        'authority-host': 'https://login.contoso.local'
      })
    ).toEqual([expect.stringMatching(/"AzureStackHub" is not a known cloud/)])
  })

  test('reads fail-on, none, sarif-file, job-summary and max-concurrency', () => {
    const settings = settingsFrom({
      'fail-on': 'Partial\nnoncompliant',
      'sarif-file': 'reports/jit.sarif',
      'job-summary': 'FALSE',
      'max-concurrency': '64'
    })
    expect(settings.failOn).toEqual(new Set(['partial', 'noncompliant']))
    expect(settings.sarifFile).toBe(path.join(WORKSPACE, 'reports/jit.sarif'))
    expect(settings.jobSummary).toBe(false)
    expect(settings.maxConcurrency).toBe(64)
    expect(settingsFrom({ 'fail-on': 'none' }).failOn.size).toBe(0)
  })

  test('a fail-on without noncompliant (and not none) gives a notice; none or the default none', () => {
    expect(settingsFrom({ 'fail-on': 'partial' }).notices).toEqual([
      expect.stringMatching(
        /^`fail-on` is `partial`, without noncompliant: noncompliant subscriptions will not fail the step\. .*`noncompliant, error`/
      )
    ])
    expect(settingsFrom({ 'fail-on': 'error' }).notices).toHaveLength(1)
    expect(settingsFrom({ 'fail-on': 'none' }).notices).toEqual([])
    expect(settingsFrom({ 'fail-on': 'partial, noncompliant' }).notices).toEqual([])
    expect(settingsFrom({}).notices).toEqual([])
  })

  test('reads defender-plan-check: true by default, false in any letter case, nothing else', () => {
    expect(settingsFrom({}).defenderPlanCheck).toBe(true)
    expect(settingsFrom({ 'defender-plan-check': 'False' }).defenderPlanCheck).toBe(false)
    expect(() => settingsFrom({ 'defender-plan-check': 'off' })).toThrow(
      /`defender-plan-check` "off" is not `true` or `false`/
    )
  })

  test('reads virtual-machines: true by default, false in any letter case, nothing else', () => {
    expect(settingsFrom({}).virtualMachines).toBe(true)
    expect(settingsFrom({ 'virtual-machines': 'FALSE' }).virtualMachines).toBe(false)
    expect(() => settingsFrom({ 'virtual-machines': 'no' })).toThrow(
      /`virtual-machines` "no" is not `true` or `false`/
    )
  })

  test('reads the notification inputs: the token masked before anything else, labels, modes', () => {
    masked.length = 0
    const order: string[] = []
    const settings = readSettings(
      (name) => {
        order.push(name)
        return (
          (
            {
              subscriptions: SUBSCRIPTION_A,
              'client-id': CLIENT_ID,
              'tenant-id': TENANT_ID,
              'github-token': ' ghs_secret\n',
              issue: 'Always',
              'issue-labels': 'security, jit network access\nSecurity\n#audit',
              'pr-comment': 'TRUE'
            } as Record<string, string>
          )[name] ?? ''
        )
      },
      readRunContext({ GITHUB_WORKSPACE: WORKSPACE }),
      (secret) => {
        masked.push(secret)
        order.push('setSecret')
      }
    )
    expect(masked).toEqual(['ghs_secret'])
    expect(order.slice(0, 2)).toEqual(['github-token', 'setSecret'])
    expect(settings).toMatchObject({
      githubToken: 'ghs_secret',
      issue: 'always',
      issueLabels: ['security', 'jit network access', '#audit'],
      pullRequestComment: true
    })
    expect(settingsFrom({ issue: 'never', 'pr-comment': 'false' })).toMatchObject({
      issue: 'never',
      pullRequestComment: false
    })
  })

  test('an empty token is not masked, and a bad input does not keep the token from being masked', () => {
    masked.length = 0
    settingsFrom({ 'github-token': '' })
    expect(masked).toEqual([])
    expect(problemsFrom({ 'github-token': 'ghs_other', issue: 'x' })).toHaveLength(1)
    expect(masked).toEqual(['ghs_other'])
  })

  test.each([
    [{ subscriptions: 'not-a-guid' }, /"not-a-guid", which looks like a subscription name/],
    [{ subscriptions: `${SUBSCRIPTION_A}x` }, /holds a subscription id among other text/],
    [{ subscriptions: `${SUBSCRIPTION_A};${SUBSCRIPTION_B}` }, /`;` does not separate/],
    [{ subscriptions: `["${SUBSCRIPTION_A}"]` }, /part of a JSON array/],
    [{ subscriptions: `'${SUBSCRIPTION_A}'` }, /with quotes around it/],
    [
      { 'exclude-subscriptions': 'my-sub' },
      /`exclude-subscriptions` holds "my-sub", which looks like/
    ],
    [{ 'subscription-id': SUBSCRIPTION_B }, /is Azure\/login's input/],
    [{ subscriptions: '' }, /`subscriptions` and `management-groups` are both empty/],
    [{ subscriptions: '# only a comment\n  \n' }, /are both empty/],
    [
      { 'client-id': '' },
      /`client-id` is empty and AZURE_CLIENT_ID is not set; .* `client-id: \$\{\{ vars\.AZURE_CLIENT_ID \}\}`, or `env: AZURE_CLIENT_ID:/
    ],
    [{ 'client-id': 'my-app' }, /`client-id` "my-app" is not an application/],
    [{ 'tenant-id': '' }, /`tenant-id` is empty.* `tenant-id: \$\{\{ vars\.AZURE_TENANT_ID \}\}`/],
    [{ 'tenant-id': 'not a tenant' }, /"not a tenant" is neither/],
    [{ environment: 'AzureGermanCloud' }, /"AzureGermanCloud" is not a known cloud/],
    [{ 'fail-on': 'noncompliant, sometimes' }, /"sometimes", which is not a verdict/],
    [{ 'fail-on': 'compliant' }, /"compliant", which is not a verdict/],
    [
      { 'fail-on': 'warning' },
      /"warning", which is not a verdict .*\(did you mean `partial`\? To fail on partial verdicts as well, give `noncompliant, error, partial`\)/
    ],
    [{ 'fail-on': 'error, warnings' }, /"warnings", .*give `error, partial`\)/],
    [{ 'fail-on': 'none, error' }, /combines `none` with verdicts/],
    [{ 'fail-on': '# nothing' }, /`fail-on` is empty/],
    [{ 'max-concurrency': '0' }, /"0" is not a whole number from 1 to 64/],
    [{ 'max-concurrency': '-1' }, /"-1" is not a whole number/],
    [{ 'max-concurrency': 'abc' }, /"abc" is not a whole number/],
    [{ 'max-concurrency': '1.5' }, /"1.5" is not a whole number/],
    [{ 'max-concurrency': '65' }, /"65" is not a whole number/],
    [
      { 'deadline-minutes': '0' },
      /`deadline-minutes` "0" is not a number of minutes above 0 and at most 360; keep it a few minutes under the job's `timeout-minutes`/
    ],
    [{ 'deadline-minutes': '361' }, /`deadline-minutes` "361" is not a number of minutes/],
    [{ 'deadline-minutes': '-1' }, /`deadline-minutes` "-1" is not a number of minutes/],
    [{ 'deadline-minutes': '10m' }, /`deadline-minutes` "10m" is not a number of minutes/],
    [
      { engine: 'graph' },
      /`engine` "graph" is not an engine; use resource-manager or resource-graph/
    ],
    [
      { 'sarif-file': '../outside.sarif' },
      /"..\/outside.sarif" is not a file inside the workspace/
    ],
    [{ 'sarif-file': '/etc/jit.sarif' }, /"\/etc\/jit.sarif" is not a file inside the workspace/],
    [{ 'sarif-file': '.' }, /is not a file inside the workspace/],
    [{ 'job-summary': 'yes' }, /`job-summary` "yes" is not `true` or `false`/],
    [{ 'pr-comment': 'on' }, /`pr-comment` "on" is not `true` or `false`/],
    [{ issue: 'sometimes' }, /`issue` "sometimes" is not one of auto, always, never/],
    [{ 'issue-labels': ' , \n,' }, /`issue-labels` names no label; give at least one/],
    [{ 'issue-labels': `ok, ${'l'.repeat(51)}` }, /longer than GitHub's 50 characters/],
    [
      { 'authority-host': 'http://127.0.0.1:8080' },
      /`authority-host` "http:\/\/127.0.0.1:8080" is not https/
    ],
    [{ 'resource-manager-endpoint': 'management.azure.com' }, /is not a URL/],
    [{ 'resource-manager-endpoint': 'https://user:pw@arm.test' }, /must not carry credentials/],
    [
      { 'resource-manager-endpoint': 'https://arm.test/?x=1' },
      /must not carry credentials, a query/
    ]
  ])('rejects %j', (inputs, message) => {
    const problems = problemsFrom(inputs)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(message)
  })

  test('accepts /subscriptions/<id> and {<id>}, as Azure prints ids', () => {
    const settings = settingsFrom({
      subscriptions: `/subscriptions/${SUBSCRIPTION_A.toUpperCase()}\n{${SUBSCRIPTION_B}}\n/subscriptions/${SUBSCRIPTION_B}/`
    })
    expect(settings.scope.subscriptionIds).toEqual([SUBSCRIPTION_A, SUBSCRIPTION_B])
  })

  test("Azure/login's subscription-id: a hint to use subscriptions, unless it is listed there", () => {
    const problems = problemsFrom({ subscriptions: '', 'subscription-id': SUBSCRIPTION_B })
    expect(problems).toEqual([
      expect.stringMatching(/`subscriptions` and `management-groups` are both empty/),
      `\`subscription-id\` "${SUBSCRIPTION_B}" is Azure/login's input, which this action does not read; list the subscriptions to check in \`subscriptions\` instead.`
    ])
    expect(problemsFrom({ 'subscription-id': SUBSCRIPTION_B })).toHaveLength(1)
    const listed = settingsFrom({
      subscriptions: `${SUBSCRIPTION_A} ${SUBSCRIPTION_B}`,
      'subscription-id': SUBSCRIPTION_B.toUpperCase()
    })
    expect(listed.scope.subscriptionIds).toEqual([SUBSCRIPTION_A, SUBSCRIPTION_B])
    const all = settingsFrom({ subscriptions: '*', 'subscription-id': SUBSCRIPTION_B })
    expect(all.scope.allSubscriptions).toBe(true)
  })

  test('reports every problem at once, each on its own line', () => {
    const problems = problemsFrom({
      subscriptions: 'one, two',
      environment: 'Mars',
      'max-concurrency': '0'
    })
    expect(problems).toHaveLength(4)
    let message = ''
    try {
      settingsFrom({ subscriptions: 'one, two', environment: 'Mars', 'max-concurrency': '0' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message.split('\n')).toHaveLength(5)
    expect(message).toMatch(/^Invalid inputs:\n- `subscriptions` holds "one"/)
  })

  test('a multi-line bad value is shown on one line, shortened', () => {
    const [problem] = problemsFrom({ environment: `x\n::error::injected${'y'.repeat(200)}` })
    expect(problem).not.toMatch(/\n/)
    expect(problem!.length).toBeLessThan(300)
  })
})

describe('readSettings for a run that signs in with the machine (the command line)', () => {
  const read = (inputs: Record<string, string>) =>
    readSettings(
      (name) => ({ subscriptions: SUBSCRIPTION_A, ...inputs })[name] ?? '',
      readRunContext({ GITHUB_WORKSPACE: WORKSPACE }),
      () => undefined,
      'azure-identity'
    )

  test('client-id and tenant-id may be empty: the Azure CLI or the environment says who signs in', () => {
    const settings = read({})
    expect([settings.clientId, settings.tenantId]).toEqual(['', ''])
    expect(read({ 'tenant-id': 'contoso.onmicrosoft.com' }).tenantId).toBe(
      'contoso.onmicrosoft.com'
    )
  })

  test('a value given is checked as in a workflow', () => {
    expect(() => read({ 'client-id': 'my-app', 'tenant-id': 'not a tenant' })).toThrow(
      /`client-id` "my-app" is not an application[\s\S]*"not a tenant" is neither/
    )
  })
})
