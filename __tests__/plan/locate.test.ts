// Where a planned change is declared: the Terraform resource block or module call, the EPAC
// definition file; nothing for what-if results or for what is not in the workspace.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  indexDeclarations,
  readPlannedChanges,
  type DeclarationIndex,
  type PlannedChange
} from '../../src/plan/index.ts'
import { FIXTURES, plannedChange } from './helpers.ts'

const WORKSPACE = FIXTURES.pathname

async function declarations(
  pattern: string,
  index: DeclarationIndex
): Promise<[string, unknown][]> {
  const [read] = await readPlannedChanges([pattern], WORKSPACE)
  return (read?.changes ?? []).map((change) => [change.source.address, index.find(change)])
}

describe('in the fixtures workspace', () => {
  let index: DeclarationIndex
  beforeAll(async () => {
    index = await indexDeclarations(WORKSPACE)
  })

  test('Terraform resources: the resource block; a resource whose block is gone (deleted, commented out): nothing', async () => {
    expect(await declarations('terraform/azurerm-jit-off.json', index)).toEqual([
      ['azurerm_management_group_policy_assignment.mcsb', { file: 'terraform/policy.tf', line: 3 }],
      [
        'azurerm_management_group_policy_assignment.mcsb_platform',
        { file: 'terraform/policy.tf', line: 15 }
      ],
      [
        'azurerm_subscription_policy_assignment.mcsb_corp',
        { file: 'terraform/policy.tf', line: 32 }
      ],
      [
        'azurerm_subscription_policy_exemption.jit_waiver',
        { file: 'terraform/policy.tf', line: 46 }
      ],
      ['azurerm_subscription_policy_assignment.jit', null],
      [
        'azurerm_resource_group_policy_assignment.jit_workloads',
        { file: 'terraform/policy.tf', line: 57 }
      ],
      [
        'azurerm_security_center_subscription_pricing.servers',
        { file: 'terraform/policy.tf', line: 72 }
      ]
    ])
    expect(index.truncated).toBe(false)
  })

  test('resources inside modules: the module call', async () => {
    expect(await declarations('terraform/alz-azapi.json', index)).toEqual([
      [
        'module.alz.azapi_resource.policy_assignments["alz/Deploy-ASC-Monitoring"]',
        { file: 'terraform/landing-zone.tf', line: 3 }
      ],
      [
        'module.alz.azapi_resource.policy_set_definitions["alz/Contoso-Security-Baseline"]',
        { file: 'terraform/landing-zone.tf', line: 3 }
      ],
      ['azapi_resource.defender_servers', { file: 'terraform/landing-zone.tf', line: 26 }]
    ])
    expect(await declarations('terraform/azapi-1.12.json', index)).toEqual([
      ['module.sandbox.azapi_resource.jit', { file: 'terraform/landing-zone.tf', line: 22 }],
      ['azapi_resource.jit_exemption', null]
    ])
  })

  test('EPAC: the definition file that names the assignment (names joined along the tree) or exemption', async () => {
    const baseline = 'epac/Definitions/policyAssignments/security-baseline.jsonc'
    expect(await declarations('epac/Output/plans-tenant/policy-plan.json', index)).toEqual([
      [
        expect.stringMatching(/jit-audit$/),
        { file: 'epac/Definitions/policyAssignments/jit.jsonc', line: 9 }
      ],
      [expect.stringMatching(/pr-asb$/), { file: baseline, line: 18 }],
      [expect.stringMatching(/tst-asb$/), { file: baseline, line: 33 }],
      [expect.stringMatching(/pr-jit$/), null],
      [
        expect.stringMatching(/jit-waiver-connectivity$/),
        { file: 'epac/Definitions/policyExemptions/tenant/jit-waivers.jsonc', line: 4 }
      ],
      [expect.stringMatching(/legacy-waiver$/), null],
      [expect.stringMatching(/contoso-security$/), null]
    ])
  })

  test('what-if results name no file', async () => {
    const found = await declarations('what-if/management-group-cli.json', index)
    expect(found.map(([, declaration]) => declaration)).toEqual([null, null, null, null, null])
  })
})

describe('scanning a workspace', () => {
  let workspace: string
  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'plan-locate-'))
    const files: Record<string, string> = {
      'infra/prod/main.tf': 'resource "azurerm_subscription_policy_assignment" "jit" {\n}\n',
      'infra/dev/main.tf': '\n\nresource "azurerm_subscription_policy_assignment" "jit" {\n}\n',
      'infra/dev/other.tf':
        '# resource "azurerm_policy_definition" "commented" {\n  /* resource "azurerm_policy_definition" "inline" { */\nresource azurerm_policy_definition unquoted {\n}\n',
      'node_modules/pkg/main.tf': 'resource "azurerm_policy_definition" "hidden" {\n}\n',
      '.terraform/modules/alz/main.tf': 'resource "azurerm_policy_definition" "hidden" {\n}\n',
      '.git/main.tf': 'resource "azurerm_policy_definition" "hidden" {\n}\n'
    }
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.join(workspace, path.dirname(file)), { recursive: true })
      await writeFile(path.join(workspace, file), text)
    }
  })
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true })
  })

  const change = (address: string, file: string): PlannedChange =>
    plannedChange({ source: { format: 'terraform', file, address } })

  test('the block in the plan file’s folder comes first, then the shallowest', async () => {
    const index = await indexDeclarations(workspace)
    expect(
      index.find(change('azurerm_subscription_policy_assignment.jit', 'infra/dev/plan.json'))
    ).toEqual({ file: 'infra/dev/main.tf', line: 3 })
    expect(
      index.find(change('azurerm_subscription_policy_assignment.jit', 'infra/prod/plan.json'))
    ).toEqual({ file: 'infra/prod/main.tf', line: 1 })
    expect(index.find(change('azurerm_subscription_policy_assignment.jit', 'plan.json'))).toEqual({
      file: 'infra/dev/main.tf',
      line: 3
    })
  })

  test('labels without quotes count; comments, node_modules, .terraform and .git do not', async () => {
    const index = await indexDeclarations(workspace)
    expect(index.find(change('azurerm_policy_definition.unquoted', 'plan.json'))).toEqual({
      file: 'infra/dev/other.tf',
      line: 3
    })
    expect(index.find(change('azurerm_policy_definition.commented', 'plan.json'))).toBeNull()
    expect(index.find(change('azurerm_policy_definition.inline', 'plan.json'))).toBeNull()
    expect(index.find(change('azurerm_policy_definition.hidden', 'plan.json'))).toBeNull()
    expect(index.find(change('not an address', 'plan.json'))).toBeNull()
  })

  test.each([
    ['files', { directories: 100, files: 1, bytes: 1_000_000 }],
    ['bytes', { directories: 100, files: 100, bytes: 10 }],
    ['directories', { directories: 2, files: 100, bytes: 1_000_000 }]
  ])('stops at the limit on %s, and says so', async (_limit, limits) => {
    const index = await indexDeclarations(workspace, limits)
    expect(index.truncated).toBe(true)
  })

  test('a workspace that cannot be read has no declarations', async () => {
    const index = await indexDeclarations(path.join(workspace, 'missing'))
    expect(index.find(change('azurerm_subscription_policy_assignment.jit', 'plan.json'))).toBeNull()
  })
})
