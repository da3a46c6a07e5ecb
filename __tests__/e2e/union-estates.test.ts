// Issue 21 end to end: the bundled action (dist/index.js) on both engines against an estate with
// one subscription per kind: assignments that audit JIT together (safe-deployment rings, a
// resource group left out by notScopes and given its own assignment, an override that switches
// JIT off where another assignment audits), exemptions of one assignment among several, version
// overrides selected by reference, a preview version pin (answered without
// effectiveDefinitionVersion), exemptions of category Mitigated with and without
// accept-mitigated-exemptions, and an exemption that ends within exemption-expiry-days.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  policyAssignment,
  policyExemption,
  resourceGroupScope,
  serversPricing,
  subscriptionScope,
  type ArmResource,
  type Estate
} from '../../standin/estate/index.ts'
import { startStandIn, type RequestRecord, type StandIn } from '../../standin/server.ts'
import { REPOSITORY, runAction, type ActionRun } from '../../scripts/run-action.ts'
import { startGitHubStandin } from '../../standin/github.ts'
import { MCSB_VERSION } from './jit-sets.ts'

const MCSB_V2_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/e3ec7e09-768c-4b64-882c-fcada3772047'
const DAY_MS = 24 * 60 * 60 * 1000

const KINDS = [
  'rings',
  'rings-gap',
  'own-group',
  'own-group-gap',
  'override-elsewhere',
  'exemption-other',
  'exemption-gap',
  'pin-other-reference',
  'pin-jit-reference',
  'preview-pin',
  'mitigated',
  'ending'
] as const
type Kind = (typeof KINDS)[number]
const SUB = Object.fromEntries(KINDS.map((kind) => [kind, guid(`e2e/union/${kind}`)])) as Record<
  Kind,
  string
>

const at = (kind: Kind) => subscriptionScope(SUB[kind])
const inGroup = (kind: Kind, group: string) => resourceGroupScope(SUB[kind], group)
const locations = (selector: { in?: string[]; notIn?: string[] }) => [
  { name: 'SDPRegions', selectors: [{ kind: 'resourceLocation', ...selector }] }
]
const mcsb = (kind: Kind, properties: Record<string, unknown> = {}) =>
  policyAssignment(at(kind), 'mcsb', {
    displayName: 'Microsoft cloud security benchmark',
    policyDefinitionId: MCSB_SET_DEFINITION_ID,
    ...properties
  })
const jit = (scope: string, name: string, properties: Record<string, unknown> = {}) =>
  policyAssignment(scope, name, {
    displayName: name,
    policyDefinitionId: JIT_POLICY_DEFINITION_ID,
    ...properties
  })
const byReference = (value: string, reference: string) => ({
  kind: 'definitionVersion',
  value,
  selectors: [{ kind: 'policyDefinitionReferenceId', in: [reference] }]
})

/** Times relative to the run: the collector stamps its snapshot with the time it reads. */
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString()
const ENDING_ON = inDays(10)
const MITIGATED_UNTIL = inDays(200)

function estate(): Estate {
  const exemptionOther = mcsb('exemption-other')
  const exemptionGap = [mcsb('exemption-gap'), jit(at('exemption-gap'), 'jit')] as const
  const mitigated = mcsb('mitigated')
  const ending = mcsb('ending')
  const assignments: ArmResource[] = [
    mcsb('rings', { resourceSelectors: locations({ notIn: ['eastus'] }) }),
    jit(at('rings'), 'ring-0', { resourceSelectors: locations({ in: ['eastus'] }) }),
    mcsb('rings-gap', { resourceSelectors: locations({ notIn: ['eastus', 'westus'] }) }),
    jit(at('rings-gap'), 'ring-0', { resourceSelectors: locations({ in: ['eastus'] }) }),
    mcsb('own-group', { notScopes: [inGroup('own-group', 'rg-lab')] }),
    jit(inGroup('own-group', 'rg-lab'), 'lab'),
    mcsb('own-group-gap', {
      notScopes: [inGroup('own-group-gap', 'rg-lab'), inGroup('own-group-gap', 'rg-dev')]
    }),
    jit(inGroup('own-group-gap', 'rg-lab'), 'lab'),
    mcsb('override-elsewhere', {
      overrides: [
        {
          kind: 'policyEffect',
          value: 'Disabled',
          selectors: [{ kind: 'resourceLocation', in: ['westeurope'] }]
        }
      ]
    }),
    jit(at('override-elsewhere'), 'west-europe', {
      resourceSelectors: locations({ in: ['westeurope'] })
    }),
    exemptionOther,
    jit(at('exemption-other'), 'jit'),
    ...exemptionGap,
    mcsb('pin-other-reference', { overrides: [byReference('2.0.*', 'corpVMSizePolicy')] }),
    mcsb('pin-jit-reference', { overrides: [byReference('2.0.*', 'jitNetworkAccessMonitoring')] }),
    policyAssignment(at('preview-pin'), 'alz-mcsb-v2', {
      displayName: 'MCSB v2 (landing-zone library)',
      policyDefinitionId: MCSB_V2_SET_DEFINITION_ID,
      definitionVersion: '1.*.*-preview'
    }),
    mitigated,
    ending
  ]
  return {
    tenantId: guid('e2e/union/tenant'),
    clientId: guid('e2e/union/client'),
    subscriptions: KINDS.map((kind) => ({
      subscriptionId: SUB[kind],
      displayName: kind,
      resourceGroups: ['rg-lab', 'rg-dev', 'rg-bastion', 'rg-old']
    })),
    policyAssignments: assignments,
    policyExemptions: [
      policyExemption(at('exemption-other'), 'mcsb-waiver', {
        policyAssignmentId: exemptionOther.id,
        expiresOn: null
      }),
      policyExemption(at('exemption-gap'), 'mcsb-waiver', {
        policyAssignmentId: exemptionGap[0].id,
        expiresOn: null
      }),
      policyExemption(inGroup('exemption-gap', 'rg-lab'), 'jit-lab-waiver', {
        policyAssignmentId: exemptionGap[1].id,
        expiresOn: null
      }),
      policyExemption(inGroup('mitigated', 'rg-bastion'), 'bastion', {
        displayName: 'Bastion hosts',
        policyAssignmentId: mitigated.id,
        exemptionCategory: 'Mitigated',
        expiresOn: MITIGATED_UNTIL
      }),
      policyExemption(inGroup('ending', 'rg-old'), 'migration', {
        displayName: 'Migration waiver',
        policyAssignmentId: ending.id,
        exemptionCategory: 'Waiver',
        expiresOn: ENDING_ON
      })
    ],
    pricings: KINDS.map((kind) => serversPricing(SUB[kind], 'Standard', 'P2'))
  }
}

interface Result {
  subscriptionId: string
  verdict: string
  reason: string
  acceptedExemptions?: { displayName: string; exemptionCategory: string; expiresOn: string }[]
  expiringExemptions?: { displayName: string; expiresOn: string; verdictWhenEnded: string }[]
  assignments: { displayName: string }[]
}

interface Checked {
  run: ActionRun
  results: Result[]
  arm: RequestRecord[]
  result: (kind: Kind) => Result
}

let standIn: StandIn

async function check(engine: string, inputs: Record<string, string> = {}): Promise<Checked> {
  const before = standIn.requests.length
  const run = await runAction({
    standIn,
    inputs: {
      subscriptions: KINDS.map((kind) => SUB[kind]).join('\n'),
      'authority-host': standIn.authorityHost,
      'resource-manager-endpoint': standIn.resourceManagerEndpoint,
      'fail-on': 'none',
      engine,
      ...inputs
    },
    keepWorkspace: true
  })
  const results = JSON.parse(await readFile(run.outputs['results-file'] ?? '', 'utf8')) as Result[]
  await rm(run.workspace, { recursive: true, force: true })
  const arm = standIn.requests.slice(before).filter((request) => request.service === 'arm')
  const byId = new Map(results.map((item) => [item.subscriptionId, item]))
  return { run, results, arm, result: (kind) => byId.get(SUB[kind])! }
}

beforeAll(async () => {
  standIn = await startStandIn({ estate: estate(), latencyMs: 0 })
})

afterAll(async () => {
  await standIn?.close()
})

const EXPECTED: Record<Kind, string> = {
  rings: 'compliant',
  'rings-gap': 'partial',
  'own-group': 'compliant',
  'own-group-gap': 'partial',
  'override-elsewhere': 'compliant',
  'exemption-other': 'compliant',
  'exemption-gap': 'partial',
  'pin-other-reference': 'compliant',
  'pin-jit-reference': 'error',
  'preview-pin': 'compliant',
  mitigated: 'partial',
  ending: 'partial'
}

describe.each(['resource-manager', 'resource-graph'])('the %s engine', (engine) => {
  let checked: Checked
  let accepting: Checked
  beforeAll(async () => {
    checked = await check(engine)
    accepting = await check(engine, { 'accept-mitigated-exemptions': 'true' })
  }, 120_000)

  test('gives each estate kind its verdict', () => {
    expect(checked.run.stderr).toBe('')
    expect(Object.fromEntries(KINDS.map((kind) => [kind, checked.result(kind).verdict]))).toEqual(
      EXPECTED
    )
  })

  test('names the part no assignment audits, not one another assignment covers', () => {
    expect(checked.result('rings-gap').reason).toContain(
      'no assignment audits it in every resource group in westus.'
    )
    const ownGroup = checked.result('own-group-gap').reason
    expect(ownGroup).toContain(
      'no assignment audits it in resource group rg-dev in every location.'
    )
    expect(ownGroup).not.toContain(`excludes ${inGroup('own-group-gap', 'rg-lab')}`)
    expect(checked.result('exemption-gap').reason).toContain(
      'no assignment audits it in resource group rg-lab in every location.'
    )
  })

  test('lists every assignment that contributes', () => {
    expect(
      checked
        .result('rings')
        .assignments.map((item) => item.displayName)
        .sort()
    ).toEqual(['Microsoft cloud security benchmark', 'ring-0'])
    expect(checked.result('rings').reason).toMatch(/^Assignments together audit JIT network access/)
  })

  test('a version pin of the JIT reference it does not read is an error that names it', () => {
    expect(checked.result('pin-jit-reference').reason).toContain(
      'pins the JIT definition to version 2.0.*, which this check does not read'
    )
  })

  test('an exemption of category Mitigated covers its part only when accepted', () => {
    expect(checked.result('mitigated').acceptedExemptions).toBeUndefined()
    const accepted = accepting.result('mitigated')
    expect(accepted.verdict).toBe('compliant')
    expect(accepted.reason).toContain(
      `accepted: exemption 'Bastion hosts' (Mitigated, expires ${MITIGATED_UNTIL})`
    )
    expect(accepted.acceptedExemptions).toEqual([
      expect.objectContaining({ displayName: 'Bastion hosts', exemptionCategory: 'Mitigated' })
    ])
    expect(accepting.run.summary).toContain('**Accepted exemptions**')
    const others = KINDS.filter((kind) => kind !== 'mitigated')
    expect(others.map((kind) => accepting.result(kind).verdict)).toEqual(
      others.map((kind) => EXPECTED[kind])
    )
  })

  test('an exemption that ends within 30 days is named with the verdict it leaves', () => {
    expect(checked.result('ending').expiringExemptions).toEqual([
      expect.objectContaining({
        displayName: 'Migration waiver',
        expiresOn: ENDING_ON,
        verdictWhenEnded: 'compliant'
      })
    ])
    expect(checked.result('mitigated').expiringExemptions).toBeUndefined()
    expect(checked.run.summary).toContain('**Exemptions that end soon**')
    expect(checked.run.summary).toContain('the verdict becomes compliant (partial now).')
  })
})

test('the union needs no reads of its own, and a version pin by reference reads no initiative', async () => {
  // The machines' read (its own three queries, request-count.test.ts) is left out.
  const { arm } = await check('resource-manager', { 'virtual-machines': 'false' })
  const lower = (text: string) => text.toLowerCase()
  const perSubscription = arm.filter((request) => request.subscriptionId !== undefined)
  expect(perSubscription).toHaveLength(3 * KINDS.length)
  const shared = arm
    .filter((request) => request.subscriptionId === undefined)
    .map((request) => lower(request.path))
    .sort()
  // The benchmark at the version Resource Manager reports, MCSB v2's version list (the preview
  // pin comes without effectiveDefinitionVersion), the JIT definition, the subscription list.
  expect(shared).toEqual(
    [
      JIT_POLICY_DEFINITION_ID,
      `${MCSB_SET_DEFINITION_ID}/versions/${MCSB_VERSION}`,
      `${MCSB_V2_SET_DEFINITION_ID}/versions`,
      '/subscriptions'
    ]
      .map(lower)
      .sort()
  )
})

test('the issue names the exemption that ends soon, with the verdict it leaves', async () => {
  const [owner, repo] = REPOSITORY.split('/') as [string, string]
  const token = 'ghs_e2e_union_token'
  const github = await startGitHubStandin({ owner, repo, token })
  try {
    const run = await runAction({
      standIn,
      inputs: {
        subscriptions: SUB.ending,
        'authority-host': standIn.authorityHost,
        'resource-manager-endpoint': standIn.resourceManagerEndpoint,
        'fail-on': 'partial',
        issue: 'always',
        'github-token': token
      },
      environment: { GITHUB_EVENT_NAME: 'schedule', GITHUB_API_URL: github.url }
    })
    expect(run.exitCode).toBe(1)
    const [issue] = github.store.listIssues()
    expect(issue?.body).toContain('**Exemptions that end soon**')
    expect(issue?.body).toContain(
      "exemption 'Migration waiver' (Waiver) ends `" +
        ENDING_ON +
        '`; the verdict becomes compliant (partial now).'
    )
  } finally {
    await github.close()
  }
}, 60_000)
