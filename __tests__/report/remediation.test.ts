// The fixes each verdict's cause gets, and the commands they print, run against a fake `az`.
import { describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import {
  MAX_STEPS_PER_SUBSCRIPTION,
  errorRemediationKind,
  remediationFor
} from '../../src/report/remediation/index.ts'
import type { RemediationStep } from '../../src/report/remediation/step.ts'
import { argAfter, canary, onlyStep, runWithFakeAz, useFakeAz, withJq } from './fake-az.ts'
import { CLIENT_ID, MG_SCOPE, SUB2, SUB3, evidence, result } from './helpers.ts'

useFakeAz()

describe('effect parameter set to Disabled', () => {
  const subscription = result(SUB2, 'noncompliant')

  test('portal path and an update command that keeps the other parameters', () => {
    const step = onlyStep(subscription)
    expect(step.kind).toBe('set-parameter')
    expect(step.portalPath).toEqual([
      'Azure portal',
      'Policy',
      'Assignments',
      'ASC Default',
      'Edit assignment',
      'Parameters'
    ])
    expect(step.command).toContain(
      `az policy assignment show --name 'SecurityCenterBuiltIn' --scope '${MG_SCOPE}' --query parameters --output json`
    )
    expect(step.command).toContain(
      `az policy assignment update --name 'SecurityCenterBuiltIn' --scope '${MG_SCOPE}' --params "$params"`
    )
    expect(step.commandNote).toMatch(/replaces all/)
  })

  withJq('the command passes every current parameter with only the effect changed', () => {
    const calls = runWithFakeAz(onlyStep(subscription).command as string, {
      'parameters.json': {
        jitNetworkAccessMonitoringEffect: { value: 'Disabled' },
        systemUpdatesMonitoringEffect: { value: 'Disabled' },
        allowedLocations: { value: ['westeurope'] }
      }
    })
    expect(calls).toHaveLength(2)
    const update = calls[1] as string[]
    expect(update.slice(0, 3)).toEqual(['policy', 'assignment', 'update'])
    expect(argAfter(update, '--name')).toBe('SecurityCenterBuiltIn')
    expect(argAfter(update, '--scope')).toBe(MG_SCOPE)
    expect(JSON.parse(argAfter(update, '--params'))).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' },
      systemUpdatesMonitoringEffect: { value: 'Disabled' },
      allowedLocations: { value: ['westeurope'] }
    })
  })

  withJq('a hostile parameter name is data, never shell code', () => {
    const parameter = `x' ; touch ${canary()} ; echo '$(touch ${canary()})`
    const step = onlyStep(
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({ effect: 'Disabled', effectSource: 'parameter', effectParameter: parameter })
        ]
      })
    )
    const calls = runWithFakeAz(step.command as string, { 'parameters.json': null })
    expect(existsSync(canary())).toBe(false)
    expect(JSON.parse(argAfter(calls[1] as string[], '--params'))).toEqual({
      [parameter]: { value: 'AuditIfNotExists' }
    })
  })

  test('no command for a name the Azure CLI rejects, or a value that cannot go in a command', () => {
    const dotted = onlyStep(
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({
            effect: 'Disabled',
            id: `${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/ALZ-Policy-v1.0.0`
          })
        ]
      })
    )
    expect(dotted.command).toBeNull()
    expect(dotted.commandNote).toMatch(/rejects/)
    const atFile = onlyStep(
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({
            effect: 'Disabled',
            effectParameter: '@/home/runner/.azure/msal_token_cache.json'
          })
        ]
      })
    )
    expect(atFile.command).toBeNull()
    expect(atFile.commandNote).toMatch(/read a file/)
  })
})

describe('overrides', () => {
  const overridden = result(SUB2, 'noncompliant', {
    assignments: [evidence({ effect: 'Disabled', effectSource: 'override', effectParameter: null })]
  })

  test('portal path and az rest PATCH of properties.overrides', () => {
    const step = onlyStep(overridden)
    expect(step.kind).toBe('remove-override')
    expect(step.portalPath.slice(-3)).toEqual(['Edit assignment', 'Advanced', 'Overrides'])
    expect(step.command).toContain(
      `url='${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn?api-version=2023-04-01'`
    )
    // Read, change, review, write.
    expect(step.command).toMatch(
      /az rest --method get [^\n]+ > overrides\.json\n[\s\S]*> overrides\.new\.json\n# 3\. Review the change\.\ndiff -u overrides\.json overrides\.new\.json\n# 4\. [^\n]+\naz rest --method patch --url "\$url" --body /
    )
  })

  withJq(
    'narrows Disabled overrides to leave the JIT reference out and keeps everything else',
    () => {
      const calls = runWithFakeAz(onlyStep(overridden).command as string, {
        'assignment.json': {
          id: 'x',
          properties: {
            overrides: [
              { kind: 'policyEffect', value: 'Disabled' },
              {
                kind: 'policyEffect',
                value: 'disabled',
                selectors: [
                  {
                    kind: 'policyDefinitionReferenceId',
                    in: ['jitNetworkAccessMonitoring', 'other']
                  }
                ]
              },
              {
                kind: 'policyEffect',
                value: 'Disabled',
                selectors: [
                  { kind: 'policyDefinitionReferenceId', in: ['JITNetworkAccessMonitoring'] }
                ]
              },
              {
                kind: 'policyEffect',
                value: 'Disabled',
                selectors: [
                  { kind: 'policyDefinitionReferenceId', notIn: ['a'] },
                  { kind: 'resourceLocation', in: ['eastus'] }
                ]
              },
              { kind: 'definitionVersion', value: '1.*.*' }
            ]
          }
        }
      })
      expect(calls.map((call) => call.slice(0, 3))).toEqual([
        ['rest', '--method', 'get'],
        ['rest', '--method', 'patch']
      ])
      expect(JSON.parse(argAfter(calls[1] as string[], '--body'))).toEqual({
        properties: {
          overrides: [
            {
              kind: 'policyEffect',
              value: 'Disabled',
              selectors: [
                { kind: 'policyDefinitionReferenceId', notIn: ['jitNetworkAccessMonitoring'] }
              ]
            },
            {
              kind: 'policyEffect',
              value: 'disabled',
              selectors: [{ kind: 'policyDefinitionReferenceId', in: ['other'] }]
            },
            {
              kind: 'policyEffect',
              value: 'Disabled',
              selectors: [
                { kind: 'policyDefinitionReferenceId', notIn: ['a', 'jitNetworkAccessMonitoring'] },
                { kind: 'resourceLocation', in: ['eastus'] }
              ]
            },
            { kind: 'definitionVersion', value: '1.*.*' }
          ]
        }
      })
    }
  )

  withJq(
    'an effect written as Disabled in the initiative gets an AuditIfNotExists override',
    () => {
      const step = onlyStep(
        result(SUB2, 'noncompliant', {
          assignments: [
            evidence({ effect: 'Disabled', effectSource: 'literal', effectParameter: null })
          ]
        })
      )
      expect(step.kind).toBe('add-override')
      const calls = runWithFakeAz(step.command as string, {
        'assignment.json': {
          properties: { overrides: [{ kind: 'definitionVersion', value: '1.*.*' }] }
        }
      })
      expect(JSON.parse(argAfter(calls[1] as string[], '--body'))).toEqual({
        properties: {
          overrides: [
            { kind: 'definitionVersion', value: '1.*.*' },
            {
              kind: 'policyEffect',
              value: 'AuditIfNotExists',
              selectors: [
                { kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }
              ]
            }
          ]
        }
      })
    }
  )
})

describe('coverage', () => {
  test('an exemption: delete it by name and scope', () => {
    const step = onlyStep(result(SUB2, 'partial'))
    expect(step.kind).toBe('remove-exemption')
    expect(step.command).toBe(
      `az policy exemption delete --name 'legacy-vms' --scope '/subscriptions/${SUB2}/resourceGroups/rg-legacy'`
    )
    expect(step.portalPath).toEqual([
      'Azure portal',
      'Policy',
      'Exemptions',
      'legacy-vms',
      'Delete exemption'
    ])
  })

  test('an exemption name the CLI rejects is deleted through az rest, its name encoded', () => {
    const base = `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyExemptions`
    const step = onlyStep(
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({ coverage: 'none', exemptionIds: [`${base}/a&b?x=1#{subscriptionId}`] })
        ]
      })
    )
    expect(step.command).toBe(
      `az rest --method delete --url '${base}/a%26b%3Fx%3D1%23%7BsubscriptionId%7D?api-version=2022-07-01-preview'`
    )
  })

  withJq('excluded scopes: drops the subscription and its resource groups, keeps the rest', () => {
    const step = onlyStep(
      result(SUB2, 'noncompliant', {
        assignments: [evidence({ coverage: 'none', exemptionIds: [] })]
      })
    )
    expect(step.kind).toBe('restore-coverage')
    expect(step.portalPath.slice(-3)).toEqual(['Edit assignment', 'Basics', 'Exclusions'])
    const calls = runWithFakeAz(step.command as string, {
      'notScopes.json': [
        `/SUBSCRIPTIONS/${SUB2}`,
        `/subscriptions/${SUB2}/resourceGroups/rg-vms`,
        `/subscriptions/${SUB2}0`,
        '/subscriptions/other/resourceGroups/rg'
      ]
    })
    const update = calls[1] as string[]
    expect(update.slice(0, 3)).toEqual(['policy', 'assignment', 'update'])
    expect(JSON.parse(argAfter(update, '--not-scopes'))).toEqual([
      `/subscriptions/${SUB2}0`,
      '/subscriptions/other/resourceGroups/rg'
    ])
  })

  test('unknown coverage asks for management group read access', () => {
    const step = onlyStep(
      result(SUB2, 'noncompliant', { assignments: [evidence({ coverage: 'unknown' })] })
    )
    expect(step.kind).toBe('grant-management-group-reader')
    expect(step.command).toContain("--role 'Reader'")
    expect(step.command).toContain(
      '/providers/Microsoft.Management/managementGroups/<management-group-id>'
    )
  })
})

describe('nothing assigns the policy', () => {
  test('Defender for Cloud path and an assignment of the built-in definition by name', () => {
    const step = onlyStep(result(SUB2, 'noncompliant', { effectiveEffect: null, assignments: [] }))
    expect(step.kind).toBe('assign-policy')
    expect(step.portalPath).toEqual([
      'Microsoft Defender for Cloud',
      'Environment settings',
      SUB2,
      'Security policies'
    ])
    expect(step.command).toBe(
      "az policy assignment create --name 'jit-network-access-audit' --display-name 'Management ports of virtual machines should be protected with just-in-time network access control' --policy 'b0f33259-77d7-4c9e-aac6-3aabcfae693c' " +
        `--scope '/subscriptions/${SUB2}'`
    )
  })
})

describe('Defender for Servers not on Plan 2', () => {
  const onP1 = { pricingTier: 'Standard', subPlan: 'P1', plan2: false }

  test('the plan step comes first: portal path and az security pricing create', () => {
    const remediation = remediationFor(
      result(SUB2, 'partial', { assignments: [evidence()], defenderForServers: onP1 })
    )
    expect(remediation.steps).toHaveLength(1)
    const step = remediation.steps[0] as RemediationStep
    expect(step.kind).toBe('enable-defender-plan-2')
    expect(step.portalPath).toEqual([
      'Microsoft Defender for Cloud',
      'Environment settings',
      SUB2,
      'Defender plans',
      'Servers',
      'Plan 2'
    ])
    expect(step.command).toBe(
      `az security pricing create --subscription '${SUB2}' --name VirtualMachines --tier standard --subplan P2`
    )
    expect(runWithFakeAz(step.command as string, {})).toEqual([
      [
        'security',
        'pricing',
        'create',
        '--subscription',
        SUB2,
        '--name',
        'VirtualMachines',
        '--tier',
        'standard',
        '--subplan',
        'P2'
      ]
    ])
  })

  test('with several partial assignments the intro says the plan comes first', () => {
    const partly = evidence({ coverage: 'partial', exemptionIds: ['/x/policyExemptions/e'] })
    const remediation = remediationFor(
      result(SUB2, 'partial', { assignments: [partly, partly], defenderForServers: onP1 })
    )
    expect(remediation.intro).toMatch(/^Turn on Plan 2 first\. Then: Several assignments/)
    expect(remediation.steps[0]?.kind).toBe('enable-defender-plan-2')
  })

  test.each([
    [{ pricingTier: 'Standard', subPlan: 'P2', plan2: true }],
    [{ unknown: '403 AuthorizationFailed' }]
  ])('no plan step when the plan is %j', (defenderForServers) => {
    const remediation = remediationFor(
      result(SUB2, 'partial', { assignments: [evidence()], defenderForServers })
    )
    expect(remediation.steps.map((step) => step.kind)).not.toContain('enable-defender-plan-2')
  })
})

describe('subscriptions that could not be checked', () => {
  test('403: Reader on the subscription for the client id', () => {
    const step = onlyStep(result(SUB2, 'error'))
    expect(step.kind).toBe('grant-reader')
    expect(step.command).toBe(
      `az role assignment create --assignee '${CLIENT_ID}' --role 'Reader' --scope '/subscriptions/${SUB2}'`
    )
    expect(step.commandNote).toBeNull()
  })

  test('without a client id the command holds a placeholder and says so', () => {
    const step = remediationFor(result(SUB2, 'error')).steps[0] as RemediationStep
    expect(step.command).toContain("--assignee '<client-id>'")
    expect(step.commandNote).toMatch(/Replace <client-id>/)
  })

  test.each([
    ['wrong-tenant', 'check-tenant'],
    ['not-found', 'check-subscription'],
    ['transient', 'retry'],
    ['access-denied', 'grant-reader'],
    ['unreadable-initiative', 'grant-reader'],
    ['unknown-ancestry', 'grant-management-group-reader'],
    ['internal', 'investigate'],
    ['undecidable', 'investigate'],
    [undefined, 'investigate']
  ] as const)('an error caused by %s -> %s', (cause, kind) => {
    expect(errorRemediationKind(cause)).toBe(kind)
    const remediation = remediationFor(result(SUB2, 'error', { errorCause: cause }))
    expect(remediation.steps[0]?.kind).toBe(kind)
  })
})

describe('an initiative that could not be read', () => {
  const assignmentId = `${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/baseline`
  const initiative = (policySetDefinitionId: string, status: number | null) => ({
    policySetDefinitionId,
    assignmentId,
    assignmentDisplayName: 'Corp baseline',
    assignmentScope: MG_SCOPE,
    status
  })
  const groupSet =
    '/providers/Microsoft.Management/managementGroups/security/providers/Microsoft.Authorization/policySetDefinitions/corp-baseline'
  const subscriptionSet = `/subscriptions/${SUB3}/providers/Microsoft.Authorization/policySetDefinitions/corp-baseline`
  const unreadable = (...initiatives: ReturnType<typeof initiative>[]) =>
    remediationFor(
      result(SUB2, 'error', {
        errorCause: 'unreadable-initiative',
        unreadableInitiatives: initiatives
      }),
      { clientId: CLIENT_ID }
    ).steps

  test('404: says the initiative is missing and points at the assignment that names it', () => {
    const [step] = unreadable(initiative(groupSet, 404)) as [RemediationStep]
    expect(step.kind).toBe('restore-initiative')
    expect(step.title).toMatch(/missing initiative/)
    expect(step.target).toEqual({
      label: 'Assignment',
      displayName: 'Corp baseline',
      id: assignmentId
    })
    expect(step.portalPath).toEqual(['Azure portal', 'Policy', 'Assignments', 'Corp baseline'])
    expect(step.details.join(' ')).toContain(
      `${groupSet}, which Resource Manager did not find (404)`
    )
    expect(step.command).toBeNull()
  })

  test('403 at a management group: Reader on that management group, not the subscription', () => {
    const [step] = unreadable(initiative(groupSet, 403)) as [RemediationStep]
    expect(step.kind).toBe('grant-initiative-reader')
    expect(step.command).toBe(
      `az role assignment create --assignee '${CLIENT_ID}' --role 'Reader' --scope '/providers/Microsoft.Management/managementGroups/security'`
    )
    expect(step.command).not.toContain(SUB2)
    expect(step.portalPath).toContain('security')
  })

  test('403 at another subscription: Reader on the subscription where it is defined', () => {
    const [step] = unreadable(initiative(subscriptionSet, 403)) as [RemediationStep]
    expect(step.command).toContain(`--scope '/subscriptions/${SUB3}'`)
    expect(step.title).toMatch(/subscription where the initiative is defined/)
  })

  test('each initiative gets its step; the same one twice, one step; throttling, a re-run', () => {
    const steps = unreadable(
      initiative(groupSet, 404),
      initiative(subscriptionSet, 403),
      initiative(subscriptionSet, 403),
      initiative(groupSet, 429)
    )
    expect(steps.map((step) => step.kind)).toEqual([
      'restore-initiative',
      'grant-initiative-reader',
      'retry'
    ])
  })

  test('a built-in initiative or an unknown status still asks for read access', () => {
    const builtIn =
      '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
    const [step] = unreadable(initiative(builtIn, null)) as [RemediationStep]
    expect(step.command).toContain(`--scope '/subscriptions/${SUB2}'`)
  })
})

describe('the set of steps', () => {
  test('compliant needs nothing', () => {
    expect(remediationFor(result(SUB2, 'compliant')).steps).toEqual([])
  })

  test('several failing assignments: any one fix is enough, and steps are capped', () => {
    const assignments = Array.from({ length: 6 }, (_, index) =>
      evidence({
        id: `${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/a${index}`,
        effect: 'Disabled',
        effectSource: 'parameter'
      })
    )
    const remediation = remediationFor(result(SUB2, 'noncompliant', { assignments }))
    expect(remediation.intro).toMatch(/any one of them/)
    expect(remediation.steps).toHaveLength(MAX_STEPS_PER_SUBSCRIPTION)
    expect(remediation.omittedSteps).toBe(6 - MAX_STEPS_PER_SUBSCRIPTION)
  })

  test('Disabled and exempted: both steps', () => {
    const remediation = remediationFor(
      result(SUB2, 'noncompliant', {
        assignments: [
          evidence({
            effect: 'Disabled',
            coverage: 'none',
            exemptionIds: [
              `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyExemptions/e1`
            ]
          })
        ]
      })
    )
    expect(remediation.steps.map((step) => step.kind)).toEqual([
      'set-parameter',
      'remove-exemption'
    ])
  })
})
