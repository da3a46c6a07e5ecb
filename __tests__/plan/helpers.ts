// Plans for the readers' tests: the fixtures under fixtures/plans, and small plans built in the
// test where one attribute matters.
import { readFileSync } from 'node:fs'
import { expect } from '@jest/globals'
import { readPlanContent } from '../../src/plan/recognize.ts'
import type { PlanFileRead, PlannedChange } from '../../src/plan/types.ts'

export const FIXTURES = new URL('../../fixtures/plans/', import.meta.url)
export const REPOSITORY = new URL('../../', import.meta.url).pathname

export const SUB1 = '11111111-1111-1111-1111-111111111111'
export const SUB2 = '22222222-2222-2222-2222-222222222222'
export const SUB3 = '33333333-3333-3333-3333-333333333333'
export const SUB4 = '44444444-4444-4444-4444-444444444444'
export const JIT =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
export const MCSB =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
export const mg = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`
export const assignmentId = (scope: string, name: string) =>
  `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`

/** Reads a fixture plan as the action names it, relative to the workspace. */
export function readFixture(relative: string): PlanFileRead {
  return readPlanContent(readFileSync(new URL(relative, FIXTURES)), `fixtures/plans/${relative}`)
}

/** Reads a plan given as a value (serialised to JSON). */
export function readValue(plan: unknown, file = 'plan.json'): PlanFileRead {
  return readPlanContent(Buffer.from(JSON.stringify(plan)), file)
}

/** The change whose source address is `address`; fails the test when there is none. */
export function byAddress(read: PlanFileRead, address: string): PlannedChange {
  const change = read.changes.find((candidate) => candidate.source.address === address)
  if (!change) throw new Error(`no change at ${address} in ${read.file}`)
  return change
}

export interface TerraformChange {
  address: string
  type: string
  actions: string[]
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
  afterUnknown?: unknown
  beforeSensitive?: unknown
  afterSensitive?: unknown
  mode?: 'managed' | 'data'
  deposed?: string
}

/** One entry of `resource_changes`, as `terraform show -json` writes it. */
export function resourceChange(change: TerraformChange): Record<string, unknown> {
  const name = change.address
    .replace(/\[[^\]]*\]$/, '')
    .split('.')
    .pop() as string
  return {
    address: change.address,
    mode: change.mode ?? 'managed',
    type: change.type,
    name,
    provider_name: change.type.startsWith('azapi')
      ? 'registry.terraform.io/azure/azapi'
      : 'registry.terraform.io/hashicorp/azurerm',
    ...(change.deposed ? { deposed: change.deposed } : {}),
    change: {
      actions: change.actions,
      before: change.before ?? null,
      after: change.after ?? null,
      after_unknown: change.afterUnknown ?? {},
      before_sensitive: change.beforeSensitive ?? {},
      after_sensitive: change.afterSensitive ?? {}
    }
  }
}

/** A Terraform plan of `changes`, with `configuration` when given. */
export function terraformPlan(
  changes: TerraformChange[],
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: { root_module: {} },
    resource_changes: changes.map(resourceChange),
    ...extra
  }
}

/** The single change of a plan of one resource change. */
export function onlyChange(
  change: TerraformChange,
  extra: Record<string, unknown> = {}
): PlannedChange {
  const { changes } = readValue(terraformPlan([change], extra))
  expect(changes).toHaveLength(1)
  return changes[0] as PlannedChange
}

/** A planned change built in a test: nothing known but `fields` (an update of an assignment
 * at `azurerm_x.y` in plan.json by default). */
export function plannedChange(fields: Partial<PlannedChange> = {}): PlannedChange {
  return {
    action: 'update',
    kind: 'assignment',
    id: null,
    before: null,
    after: null,
    unknown: [],
    sensitive: [],
    notes: [],
    source: { format: 'terraform', file: 'plan.json', address: 'azurerm_x.y' },
    ...fields
  }
}
