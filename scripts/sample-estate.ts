// A sample estate of a dozen subscriptions that shows every verdict, for `npm run demo` and the
// end-to-end tests: Microsoft cloud security benchmark at a management group, an initiative
// disabled through a parameter and through an override, exemptions at and below a subscription,
// a notScope, another initiative that still audits, nothing assigned, no access, an unreadable set;
// and virtual machines with what Azure records of them: some flagged, and in corp-dev one that
// Azure never evaluated and whose Defender assessment says the policy is off (Azure's record
// disagrees with the compliant verdict).
import { readFileSync } from 'node:fs'
import {
  CIS_SET_DEFINITION_ID,
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  serversPricing,
  subscriptionScope,
  virtualMachine,
  type Estate,
  type VirtualMachine
} from '../standin/estate/index.ts'

export const SAMPLE_TENANT_ID = guid('sample/tenant')
export const SAMPLE_CLIENT_ID = guid('sample/client')

const MCSB_V2_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/e3ec7e09-768c-4b64-882c-fcada3772047'

export interface SampleSubscription {
  name: string
  subscriptionId: string
  managementGroup: string
  /** The verdict the sample is built to show. */
  expected: 'compliant' | 'partial' | 'noncompliant' | 'error'
}

const subscription = (
  name: string,
  managementGroup: string,
  expected: SampleSubscription['expected']
): SampleSubscription => ({
  name,
  subscriptionId: guid(`sample/subscription/${name}`),
  managementGroup,
  expected
})

export const SAMPLE_SUBSCRIPTIONS: readonly SampleSubscription[] = [
  subscription('corp-prod', 'corp', 'compliant'),
  subscription('corp-dev', 'corp', 'compliant'),
  subscription('online-web', 'online', 'compliant'),
  subscription('corp-analytics', 'corp', 'compliant'),
  subscription('platform-identity', 'platform', 'compliant'),
  subscription('platform-connectivity', 'platform', 'noncompliant'),
  subscription('legacy-erp', 'legacy', 'noncompliant'),
  subscription('online-shop', 'online', 'noncompliant'),
  subscription('sandbox-alice', 'sandbox', 'noncompliant'),
  subscription('corp-data', 'corp', 'partial'),
  subscription('online-api', 'online', 'error'),
  subscription('research-lab', 'research', 'error')
]

function idOf(name: string): string {
  const found = SAMPLE_SUBSCRIPTIONS.find((entry) => entry.name === name)
  if (!found) throw new Error(`no sample subscription ${name}`)
  return found.subscriptionId
}

export function sampleEstate(): Estate {
  const landingZonesBenchmark = policyAssignment(
    managementGroupScope('landing-zones'),
    'mcsb-landing-zones',
    {
      displayName: 'Microsoft cloud security benchmark (landing zones)',
      policyDefinitionId: MCSB_SET_DEFINITION_ID,
      notScopes: [subscriptionScope(idOf('corp-analytics'))]
    }
  )
  return {
    tenantId: SAMPLE_TENANT_ID,
    clientId: SAMPLE_CLIENT_ID,
    managementGroups: [
      { name: 'contoso', displayName: 'Contoso' },
      { name: 'platform', displayName: 'Platform', parent: 'contoso' },
      { name: 'landing-zones', displayName: 'Landing zones', parent: 'contoso' },
      { name: 'corp', displayName: 'Corp', parent: 'landing-zones' },
      { name: 'online', displayName: 'Online', parent: 'landing-zones' },
      { name: 'sandbox', displayName: 'Sandbox', parent: 'contoso' },
      { name: 'legacy', displayName: 'Legacy', parent: 'contoso' },
      { name: 'research', displayName: 'Research', parent: 'contoso' }
    ],
    subscriptions: SAMPLE_SUBSCRIPTIONS.map((entry) => ({
      subscriptionId: entry.subscriptionId,
      displayName: entry.name,
      managementGroup: entry.managementGroup,
      resourceGroups: ['rg-app', 'rg-bastion'],
      ...(entry.name === 'online-api' ? { faults: [{ fault: 'forbidden' as const }] } : {})
    })),
    policyAssignments: [
      landingZonesBenchmark,
      policyAssignment(subscriptionScope(idOf('corp-analytics')), 'cis-1-1-0', {
        displayName: 'CIS Microsoft Azure Foundations Benchmark v1.1.0',
        policyDefinitionId: CIS_SET_DEFINITION_ID
      }),
      policyAssignment(managementGroupScope('platform'), 'mcsb-v2-platform', {
        displayName: 'Microsoft cloud security benchmark v2 (platform)',
        policyDefinitionId: MCSB_V2_SET_DEFINITION_ID,
        overrides: [
          {
            kind: 'policyEffect',
            value: 'Disabled',
            selectors: [{ kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }]
          }
        ]
      }),
      policyAssignment(subscriptionScope(idOf('platform-identity')), 'jit-audit', {
        displayName: 'Audit JIT network access',
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: 'AuditIfNotExists' } }
      }),
      policyAssignment(subscriptionScope(idOf('legacy-erp')), 'SecurityCenterBuiltIn', {
        displayName: `ASC Default (subscription: ${idOf('legacy-erp')})`,
        policyDefinitionId: MCSB_SET_DEFINITION_ID,
        parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
      }),
      policyAssignment(managementGroupScope('research'), 'research-baseline', {
        displayName: 'Research baseline',
        policyDefinitionId: `${managementGroupScope('research')}/providers/Microsoft.Authorization/policySetDefinitions/research-baseline`
      })
    ],
    policyExemptions: [
      policyExemption(subscriptionScope(idOf('online-shop')), 'jit-waiver', {
        displayName: 'JIT waiver for the shop',
        policyAssignmentId: landingZonesBenchmark.id,
        policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring'],
        exemptionCategory: 'Waiver'
      }),
      policyExemption(resourceGroupScope(idOf('corp-data'), 'rg-bastion'), 'bastion-waiver', {
        displayName: 'Bastion hosts manage their own access',
        policyAssignmentId: landingZonesBenchmark.id,
        exemptionCategory: 'Mitigated'
      })
    ],
    // Defender for Servers Plan 2 everywhere: the verdicts above come from policy alone.
    pricings: SAMPLE_SUBSCRIPTIONS.map((entry) =>
      serversPricing(entry.subscriptionId, 'Standard', 'P2')
    ),
    virtualMachines: sampleMachines(landingZonesBenchmark.id)
  }
}

/** The sample's virtual machines and what Azure records of them; `benchmark` is the landing
 * zones' assignment of Microsoft cloud security benchmark. */
function sampleMachines(benchmark: string): VirtualMachine[] {
  const jit = `${subscriptionScope(idOf('platform-identity'))}/providers/Microsoft.Authorization/policyAssignments/jit-audit`
  const vm = (
    name: string,
    machine: string,
    states: [string, string][] = [],
    extra: Partial<VirtualMachine> = {}
  ) =>
    virtualMachine(idOf(name), machine.startsWith('bastion') ? 'rg-bastion' : 'rg-app', machine, {
      policyStates: states.map(([policyAssignmentId, complianceState]) => ({
        policyAssignmentId,
        complianceState,
        ...(policyAssignmentId === benchmark
          ? {
              policySetDefinitionId: MCSB_SET_DEFINITION_ID,
              policyDefinitionReferenceId: 'jitNetworkAccessMonitoring'
            }
          : {})
      })),
      ...extra
    })
  return [
    vm('corp-prod', 'app-1', [[benchmark, 'Compliant']]),
    vm('corp-prod', 'app-2', [[benchmark, 'NonCompliant']]),
    vm('corp-prod', 'bastion-1', [[benchmark, 'Compliant']]),
    // Azure's record disagrees: a machine it never evaluated, and Defender says the policy is off.
    vm('corp-dev', 'app-1', [[benchmark, 'Compliant']]),
    vm('corp-dev', 'app-new', [], {
      jitAssessment: { code: 'NotApplicable', cause: 'OffByPolicy' }
    }),
    vm('platform-identity', 'dc-1', [[jit, 'NonCompliant']], { location: 'northeurope' }),
    vm('corp-data', 'app-1', [[benchmark, 'NonCompliant']]),
    vm('corp-data', 'bastion-1', [[benchmark, 'Exempt']]),
    vm('online-shop', 'web-1', [[benchmark, 'Exempt']]),
    vm('sandbox-alice', 'test-1'),
    vm('legacy-erp', 'erp-1')
  ]
}

/** The README's first workflow, the one a user starts from, with its `subscriptions` list replaced
 * by `subscriptions` (id and name a line): the demo and the tests run the workflow people read. */
export function sampleWorkflow(subscriptions: readonly SampleSubscription[]): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const workflow = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1]
  if (workflow === undefined) throw new Error('README.md has no yaml workflow')
  const lines = workflow.split('\n')
  const list = lines.findIndex((line) => /^\s+subscriptions: \|$/.test(line))
  if (list < 0) throw new Error("README.md's first workflow has no `subscriptions: |` list")
  const indent = `${/^\s*/.exec(lines[list]!)![0]}  `
  let end = list + 1
  while (lines[end]?.startsWith(indent)) end += 1
  const entries = subscriptions.map((entry) => `${indent}${entry.subscriptionId} # ${entry.name}`)
  return [...lines.slice(0, list + 1), ...entries, ...lines.slice(end)].join('\n')
}
