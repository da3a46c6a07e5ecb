// The bundled action (dist/index.js) with `planned-changes` against the stand-in's sample estate:
// for each plan format, each way of turning JIT off is caught with the verdict before, after and
// the planned resource that causes it; a fixing change shows the improvement and passes; an
// unrelated plan changes nothing; values known only after apply give the honest verdict; a bad
// file is refused; both engines give the same verdicts after the change.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.ts'
import { SAMPLE_SUBSCRIPTIONS, sampleEstate } from '../../scripts/sample-estate.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'

const id = (name: string) => {
  const found = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === name)
  if (!found) throw new Error(`no sample subscription ${name}`)
  return found.subscriptionId
}
const SAMPLE_IDS = SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId)
const JIT =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
const MCSB =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
const LANDING_ZONES = '/providers/Microsoft.Management/managementGroups/landing-zones'
const MCSB_LZ = `${LANDING_ZONES}/providers/Microsoft.Authorization/policyAssignments/mcsb-landing-zones`
const sub = (name: string) => `/subscriptions/${id(name)}`
const JIT_AUDIT = `${sub('platform-identity')}/providers/Microsoft.Authorization/policyAssignments/jit-audit`

let standIn: StandIn
beforeAll(async () => {
  standIn = await startStandIn({ estate: sampleEstate() })
})
afterAll(async () => {
  await standIn.close()
})

interface Result {
  subscriptionId: string
  verdict: string
  currentVerdict?: string
  reason: string
  plannedChanges?: { address: string; file: string; format: string; action: string }[]
  virtualMachines?: { evaluated: number; flagged: number; notAudited: number | null } | null
  crossCheck?: string
  crossCheckReason?: string
}

interface PlannedRun {
  run: ActionRun
  results: Result[]
  changed: { subscriptionId: string; from: string; to: string }[]
}

/** Runs the bundle over the sample's subscriptions with the plan `plan` (a value, written as JSON,
 * or a fixture path under fixtures/plans) as `planned-changes`, and `inputs` over those. */
async function runPlanned(plan: unknown, inputs: Record<string, string> = {}): Promise<PlannedRun> {
  const workspace = await mkdtemp(path.join(tmpdir(), 'jit-planned-'))
  try {
    await mkdir(path.join(workspace, 'plans'))
    const file = path.join(workspace, 'plans', 'plan.json')
    if (typeof plan === 'string') await copyFile(path.join('fixtures/plans', plan), file)
    else await writeFile(file, JSON.stringify(plan))
    const run = await runAction({
      standIn,
      inputs: {
        subscriptions: SAMPLE_IDS.join('\n'),
        'authority-host': standIn.authorityHost,
        'resource-manager-endpoint': standIn.resourceManagerEndpoint,
        'sarif-file': '',
        'planned-changes': 'plans/*.json',
        ...inputs
      },
      workspace
    })
    const results = run.outputs.results ? (JSON.parse(run.outputs.results) as Result[]) : []
    const changed = run.outputs['changed-subscriptions']
      ? (JSON.parse(run.outputs['changed-subscriptions']) as PlannedRun['changed'])
      : []
    return { run, results, changed }
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
}

const resultOf = (run: PlannedRun, name: string) => {
  const found = run.results.find((result) => result.subscriptionId === id(name))
  if (!found) throw new Error(`no result for ${name}`)
  return found
}

/** A plan as `terraform show -json` writes it, of azurerm and azapi resource changes. */
function terraformPlan(
  changes: {
    address: string
    type: string
    actions: string[]
    before: unknown
    after: unknown
    after_unknown?: unknown
  }[]
) {
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    resource_changes: changes.map((change) => ({
      address: change.address,
      mode: 'managed',
      type: change.type,
      name: change.address.split('.').pop(),
      provider_name: change.type.startsWith('azapi')
        ? 'registry.terraform.io/azure/azapi'
        : 'registry.terraform.io/hashicorp/azurerm',
      change: {
        actions: change.actions,
        before: change.before,
        after: change.after,
        after_unknown: change.after_unknown ?? {}
      }
    }))
  }
}

const jitAudit = (parameters: string | null, fields: Record<string, unknown> = {}) => ({
  name: 'jit-audit',
  subscription_id: sub('platform-identity'),
  policy_definition_id: JIT,
  display_name: 'Audit JIT network access',
  enforce: true,
  not_scopes: [],
  overrides: [],
  resource_selectors: [],
  ...(parameters === null ? {} : { parameters }),
  ...fields
})
const AUDIT = JSON.stringify({ effect: { value: 'AuditIfNotExists' } })
const JIT_AUDIT_ADDRESS = 'module.policy.azurerm_subscription_policy_assignment.jit_audit'

/** An update of the sample's jit-audit assignment on platform-identity to `after`. */
const jitAuditUpdate = (after: Record<string, unknown>, after_unknown: unknown = {}) => ({
  address: JIT_AUDIT_ADDRESS,
  type: 'azurerm_subscription_policy_assignment',
  actions: ['update'],
  before: jitAudit(AUDIT, { id: JIT_AUDIT }),
  after,
  after_unknown
})

function expectWorse(run: PlannedRun, name: string, address: string) {
  const result = resultOf(run, name)
  expect(result.currentVerdict).toBe('compliant')
  expect(['noncompliant', 'partial']).toContain(result.verdict)
  expect(result.plannedChanges?.map((change) => change.address)).toContain(address)
  expect(run.changed).toContainEqual({
    subscriptionId: id(name),
    from: 'compliant',
    to: result.verdict
  })
  // Azure's record, of the estate before the change, is kept as read but not compared.
  expect(result).toMatchObject({
    virtualMachines: {
      evaluated: expect.any(Number),
      flagged: expect.any(Number),
      notAudited: expect.any(Number)
    },
    crossCheck: 'unavailable',
    crossCheckReason: expect.stringMatching(/the record is compared again after apply\.$/)
  })
}

describe('Terraform plans', () => {
  test('a Disabled parameter, a resource selector without VMs, an exemption and Defender for Servers off Plan 2 are each caught', async () => {
    const planned = await runPlanned(
      terraformPlan([
        jitAuditUpdate(
          jitAudit(JSON.stringify({ effect: { value: 'Disabled' } }), { id: JIT_AUDIT })
        ),
        {
          address: 'azurerm_subscription_policy_assignment.cis',
          type: 'azurerm_subscription_policy_assignment',
          actions: ['update'],
          before: null,
          after: {
            name: 'cis-1-1-0',
            subscription_id: sub('corp-analytics'),
            policy_definition_id:
              '/providers/Microsoft.Authorization/policySetDefinitions/1a5bb27d-173f-493e-9568-eb56638dde4d',
            enforce: true,
            not_scopes: [],
            overrides: [],
            resource_selectors: [
              {
                name: 'storage only',
                selectors: [
                  { kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'], not_in: [] }
                ]
              }
            ]
          }
        },
        {
          address: 'module.alz.azurerm_subscription_policy_exemption.dev',
          type: 'azurerm_subscription_policy_exemption',
          actions: ['create'],
          before: null,
          after: {
            name: 'dev-waiver',
            subscription_id: sub('corp-dev'),
            policy_assignment_id: MCSB_LZ,
            exemption_category: 'Waiver',
            policy_definition_reference_ids: []
          },
          after_unknown: { id: true }
        },
        {
          address: 'module.alz.azapi_resource.servers["online-web"]',
          type: 'azapi_resource',
          actions: ['update'],
          before: null,
          after: {
            type: 'Microsoft.Security/pricings@2024-01-01',
            name: 'VirtualMachines',
            parent_id: sub('online-web'),
            body: { properties: { pricingTier: 'Standard', subPlan: 'P1' } }
          }
        }
      ])
    )
    expectWorse(planned, 'platform-identity', JIT_AUDIT_ADDRESS)
    expectWorse(planned, 'corp-analytics', 'azurerm_subscription_policy_assignment.cis')
    expectWorse(planned, 'corp-dev', 'module.alz.azurerm_subscription_policy_exemption.dev')
    expectWorse(planned, 'online-web', 'module.alz.azapi_resource.servers["online-web"]')
    expect(planned.changed).toHaveLength(4)
    expect(resultOf(planned, 'corp-prod')).toMatchObject({
      currentVerdict: 'compliant',
      verdict: 'compliant'
    })
    expect(planned.run.exitCode).toBe(1)
    // online-web goes to partial, which the default fail-on leaves out.
    expect(planned.run.stdout).toContain('The planned changes make 3 of 12 subscriptions worse')
    expect(planned.run.summary).toContain('This change stops JIT auditing on')
    expect(planned.run.summary).toContain(JIT_AUDIT_ADDRESS)
  })

  test('a change that fixes a subscription shows the improvement and passes', async () => {
    const legacy = `${sub('legacy-erp')}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`
    const planned = await runPlanned(
      terraformPlan([
        {
          address: 'azurerm_subscription_policy_assignment.asc',
          type: 'azurerm_subscription_policy_assignment',
          actions: ['update'],
          before: null,
          after: {
            id: legacy,
            name: 'SecurityCenterBuiltIn',
            subscription_id: sub('legacy-erp'),
            policy_definition_id: MCSB,
            enforce: true,
            not_scopes: [],
            overrides: [],
            resource_selectors: [],
            parameters: JSON.stringify({
              jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' }
            })
          }
        }
      ])
    )
    expect(planned.changed).toEqual([
      { subscriptionId: id('legacy-erp'), from: 'noncompliant', to: 'compliant' }
    ])
    expect(planned.run.exitCode).toBe(0)
    expect(planned.run.summary).toContain('improves 1 subscription')
  })

  test.each(['resource-manager', 'resource-graph'])(
    'a new assignment of an initiative no assignment of the subscription runs yet is decided, not undecidable (%s engine)',
    async (engine) => {
      // sandbox-alice has no assignment: Microsoft cloud security benchmark is read for it only
      // because the plan assigns it there.
      const planned = await runPlanned(
        terraformPlan([
          {
            address: 'azurerm_subscription_policy_assignment.mcsb',
            type: 'azurerm_subscription_policy_assignment',
            actions: ['create'],
            before: null,
            after: {
              name: 'mcsb',
              subscription_id: sub('sandbox-alice'),
              policy_definition_id: MCSB,
              enforce: true,
              not_scopes: [],
              overrides: [],
              resource_selectors: []
            },
            after_unknown: { id: true }
          }
        ]),
        { engine }
      )
      expect(resultOf(planned, 'sandbox-alice')).toMatchObject({
        currentVerdict: 'noncompliant',
        verdict: 'compliant'
      })
      expect(planned.changed).toEqual([
        { subscriptionId: id('sandbox-alice'), from: 'noncompliant', to: 'compliant' }
      ])
      expect(planned.run.exitCode).toBe(0)
    }
  )

  test('an unrelated plan changes nothing and passes, though the estate already fails', async () => {
    const planned = await runPlanned('terraform/unrelated.json')
    expect(planned.changed).toEqual([])
    expect(planned.run.exitCode).toBe(0)
    expect(planned.run.summary).toContain('The planned changes change no verdict.')
    const existing = await runPlanned('terraform/unrelated.json', { 'fail-on-existing': 'true' })
    expect(existing.run.exitCode).toBe(1)
  })

  test('an effect known only after apply: cannot be decided before apply, naming the resource', async () => {
    const planned = await runPlanned(
      terraformPlan([jitAuditUpdate(jitAudit(null, { id: JIT_AUDIT }), { parameters: true })])
    )
    const result = resultOf(planned, 'platform-identity')
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('cannot be decided before apply')
    expect(result.reason).toContain(JIT_AUDIT_ADDRESS)
    expect(planned.run.exitCode).toBe(1)
  })

  test('a file that is no plan is refused, naming it', async () => {
    const planned = await runPlanned('what-if/../bad/what-if-pretty.txt')
    expect(planned.run.exitCode).toBe(1)
    expect(planned.run.stdout).toMatch(/planned-changes: plans\/plan\.json: /)
    expect(planned.results).toEqual([])
  })
})

/** A what-if result as `az deployment … what-if --no-pretty-print` writes it. */
const whatIf = (changes: unknown[]) => ({ status: 'Succeeded', changes })

const notScopedBenchmark = whatIf([
  {
    resourceId: MCSB_LZ,
    changeType: 'Modify',
    before: null,
    after: {
      id: MCSB_LZ,
      name: 'mcsb-landing-zones',
      type: 'Microsoft.Authorization/policyAssignments',
      properties: {
        policyDefinitionId: MCSB,
        scope: LANDING_ZONES,
        notScopes: [sub('corp-analytics'), sub('corp-prod')],
        parameters: {},
        enforcementMode: 'Default'
      }
    }
  },
  { resourceId: JIT_AUDIT, changeType: 'Delete', before: null, after: null }
])

describe('ARM/Bicep what-if results', () => {
  test('a notScope at a management group and a deleted assignment are each caught', async () => {
    const planned = await runPlanned(notScopedBenchmark)
    expectWorse(planned, 'corp-prod', MCSB_LZ)
    expectWorse(planned, 'platform-identity', JIT_AUDIT)
    expect(resultOf(planned, 'corp-dev')).toMatchObject({ verdict: 'compliant' })
    expect(planned.run.exitCode).toBe(1)
  })

  test('both engines give the same verdicts after the change', async () => {
    const manager = await runPlanned(notScopedBenchmark)
    const graph = await runPlanned(notScopedBenchmark, { engine: 'resource-graph' })
    const verdicts = (run: PlannedRun) =>
      run.results.map(({ subscriptionId, verdict, currentVerdict }) => ({
        subscriptionId,
        verdict,
        currentVerdict
      }))
    expect(verdicts(graph)).toEqual(verdicts(manager))
    expect(graph.changed).toEqual(manager.changed)
  })

  test('an unresolved template expression in the effect cannot be decided before apply', async () => {
    const planned = await runPlanned(
      whatIf([
        {
          resourceId: JIT_AUDIT,
          changeType: 'Modify',
          before: null,
          after: {
            id: JIT_AUDIT,
            name: 'jit-audit',
            type: 'Microsoft.Authorization/policyAssignments',
            properties: {
              policyDefinitionId: JIT,
              parameters: { effect: { value: "[parameters('jitEffect')]" } }
            }
          }
        }
      ])
    )
    expect(resultOf(planned, 'platform-identity')).toMatchObject({ verdict: 'error' })
    expect(resultOf(planned, 'platform-identity').reason).toContain(
      'cannot be decided before apply'
    )
  })
})

test('a subscription moved to a management group that does not audit JIT: not passed, on both engines', async () => {
  // corp-prod is compliant only through mcsb-landing-zones, assigned at landing-zones above it.
  for (const engine of ['resource-manager', 'resource-graph']) {
    const planned = await runPlanned(
      whatIf([
        {
          resourceId: `/providers/Microsoft.Management/managementGroups/sandbox/subscriptions/${id('corp-prod')}`,
          changeType: 'Create'
        }
      ]),
      { engine }
    )
    expect(resultOf(planned, 'corp-prod')).toMatchObject({
      currentVerdict: 'compliant',
      verdict: 'error',
      reason: expect.stringContaining('to another management group')
    })
    expect(planned.changed).toContainEqual({
      subscriptionId: id('corp-prod'),
      from: 'compliant',
      to: 'error'
    })
    expect(planned.run.exitCode).toBe(1)
  }
})

describe('EPAC policy plans', () => {
  const epacPlan = (update: Record<string, unknown>) => ({
    createdOn: '2026-05-04 09:12:44Z',
    pacOwnerId: 'f2ce1aea-944c-4517-8ce4-f8bd6d4e7c43',
    policyDefinitions: { new: {}, update: {}, replace: {}, delete: {}, numberOfChanges: 0 },
    policySetDefinitions: { new: {}, update: {}, replace: {}, delete: {}, numberOfChanges: 0 },
    assignments: {
      new: {},
      update,
      replace: {},
      delete: {},
      numberOfChanges: Object.keys(update).length
    },
    exemptions: { new: {}, update: {}, replace: {}, delete: {}, numberOfChanges: 0 }
  })

  test('an override to Disabled at a management group is caught on each subscription under it', async () => {
    const planned = await runPlanned(
      epacPlan({
        [MCSB_LZ]: {
          id: MCSB_LZ,
          name: 'mcsb-landing-zones',
          scope: LANDING_ZONES,
          displayName: 'Microsoft cloud security benchmark (landing zones)',
          policyDefinitionId: MCSB,
          notScopes: [sub('corp-analytics')],
          enforcementMode: 'Default',
          parameters: {},
          overrides: [
            {
              kind: 'policyEffect',
              value: 'Disabled',
              selectors: [
                { kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }
              ]
            }
          ]
        }
      })
    )
    for (const name of ['corp-prod', 'corp-dev', 'online-web']) expectWorse(planned, name, MCSB_LZ)
    expect(resultOf(planned, 'platform-identity')).toMatchObject({ verdict: 'compliant' })
    expect(planned.run.exitCode).toBe(1)
  })
})
