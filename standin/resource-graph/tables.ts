// The stand-in's Resource Graph tables, derived from the same estate its Resource Manager serves:
// `resourcecontainers` (subscriptions and resource groups), `resources` (virtual machines),
// `policyresources` (policy assignments, exemptions, custom definitions and set definitions, and
// the JIT definition's policy states) and `securityresources` (Defender for Cloud pricings and
// JIT assessments). Rows carry the columns of Resource Graph's resources schema; `type` is lower case,
// as Resource Graph gives it. Built-in definitions are left out: Microsoft documents no table
// holding them.
import { latestOf, newestFirst } from '../arm/model.ts'
import type { ArmResource, Estate, Fault } from '../estate/index.ts'
import { jitAssessmentsOf, parseScope, policyStatesOf } from '../estate/index.ts'
import type { Row } from './kql.ts'

/** The estate Resource Graph serves: the one ARM serves, `pricings` included, and in
 * `resourceGraph` its per-user quota and the subscriptions one scope covers (index.ts). */
export type ResourceGraphEstate = Estate & {
  resourceGraph?: {
    quota?: { queriesPerWindow: number; windowMs: number }
    subscriptionLimit?: number
  }
}

/** A row, with where it sits for scoping: a subscription or a management group (lower case). */
export interface ScopedRow {
  row: Row
  subscriptionId?: string
  managementGroup?: string
}

export interface ResourceGraphTables {
  tables: Map<string, ScopedRow[]>
  /** Each management group (lower case) to the management groups at or below it. */
  groupsBelow: Map<string, Set<string>>
  /** Each subscription (lower case) to its management group chain, nearest first. */
  chains: Map<string, string[]>
}

function baseRow(
  estate: Estate,
  resource: ArmResource,
  subscriptionId = '',
  resourceGroup = ''
): Row {
  return {
    id: resource.id,
    name: resource.name,
    type: String(resource.type ?? '').toLowerCase(),
    tenantId: estate.tenantId,
    kind: '',
    location: '',
    resourceGroup: resourceGroup.toLowerCase(),
    subscriptionId,
    managedBy: '',
    sku: null,
    plan: null,
    properties: resource.properties,
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null
  }
}

/** Builds the three tables and the management-group hierarchy from an estate. */
export function buildTables(estate: ResourceGraphEstate): ResourceGraphTables {
  const root = estate.tenantId.toLowerCase()
  const groups = new Map<string, { name: string; displayName: string; parent?: string }>()
  const rootGroup = estate.managementGroups?.find((g) => g.name.toLowerCase() === root)
  groups.set(root, {
    name: rootGroup?.name ?? estate.tenantId,
    displayName:
      rootGroup?.displayName ?? estate.rootManagementGroupDisplayName ?? 'Tenant Root Group'
  })
  for (const g of estate.managementGroups ?? []) {
    if (g.name.toLowerCase() === root) continue
    groups.set(g.name.toLowerCase(), {
      name: g.name,
      displayName: g.displayName ?? g.name,
      parent: (g.parent ?? estate.tenantId).toLowerCase()
    })
  }
  const chainFrom = (start: string): string[] => {
    const chain: string[] = []
    for (let at: string | undefined = start; at !== undefined && !chain.includes(at);) {
      chain.push(at)
      at = groups.get(at)?.parent
    }
    return chain
  }
  const groupsBelow = new Map<string, Set<string>>()
  for (const key of groups.keys()) {
    for (const above of chainFrom(key)) {
      groupsBelow.set(above, (groupsBelow.get(above) ?? new Set()).add(key))
    }
  }

  const containers: ScopedRow[] = []
  const chains = new Map<string, string[]>()
  for (const s of estate.subscriptions) {
    const key = s.subscriptionId.toLowerCase()
    const chain = chainFrom((s.managementGroup ?? estate.tenantId).toLowerCase())
    chains.set(key, chain)
    const id = `/subscriptions/${s.subscriptionId}`
    containers.push({
      subscriptionId: key,
      row: baseRow(
        estate,
        {
          id,
          name: s.displayName ?? s.subscriptionId,
          type: 'microsoft.resources/subscriptions',
          properties: {
            state: s.state ?? 'Enabled',
            managementGroupAncestorsChain: chain.map((g) => ({
              name: groups.get(g)?.name ?? g,
              displayName: groups.get(g)?.displayName ?? g
            })),
            subscriptionPolicies: { quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' }
          }
        },
        s.subscriptionId
      )
    })
    for (const resourceGroup of s.resourceGroups ?? []) {
      containers.push({
        subscriptionId: key,
        row: baseRow(
          estate,
          {
            id: `${id}/resourceGroups/${resourceGroup}`,
            name: resourceGroup,
            type: 'microsoft.resources/subscriptions/resourcegroups',
            properties: { provisioningState: 'Succeeded' }
          },
          s.subscriptionId,
          resourceGroup
        )
      })
    }
  }

  const placed = (
    resource: ArmResource,
    defaultType: string,
    scope: string
  ): ScopedRow | undefined => {
    const ref = parseScope(scope)
    if (!ref || ref.kind === 'tenant') return undefined
    const typed = { ...resource, type: resource.type ?? defaultType }
    if (ref.kind === 'managementGroup') {
      return { row: baseRow(estate, typed), managementGroup: ref.managementGroup.toLowerCase() }
    }
    const resourceGroup = ref.kind === 'inside' ? ref.resourceGroup : ''
    return {
      row: baseRow(estate, typed, ref.subscriptionId, resourceGroup),
      subscriptionId: ref.subscriptionId.toLowerCase()
    }
  }
  const scopeOf = (id: string) => {
    const at = id.toLowerCase().lastIndexOf('/providers/microsoft.')
    return at < 0 ? '' : id.slice(0, at)
  }
  const policy: ScopedRow[] = []
  const kinds: [ArmResource[] | undefined, string][] = [
    [estate.policyAssignments, 'Microsoft.Authorization/policyAssignments'],
    [estate.policyExemptions, 'Microsoft.Authorization/policyExemptions'],
    [latestVersions(estate.policySetDefinitions), 'Microsoft.Authorization/policySetDefinitions'],
    [latestVersions(estate.policyDefinitions), 'Microsoft.Authorization/policyDefinitions']
  ]
  for (const [resources, type] of kinds) {
    for (const resource of resources ?? []) {
      const scope = scopeOf(resource.id)
      // Resource Manager fills in an assignment's properties.scope; so does Resource Graph.
      const withScope =
        type.endsWith('policyAssignments') && resource.properties.scope === undefined
          ? { ...resource, properties: { ...resource.properties, scope } }
          : resource
      const row = placed(withScope, type, scope)
      if (row) policy.push(row)
    }
  }
  // Resource Graph shows only what the identity may read, and says nothing of the rest: the
  // exemptions of a subscription whose exemption reads are refused for good, and (tenant faults)
  // those at management groups, are no rows.
  const exemptionsHidden = new Set(
    estate.subscriptions
      .filter((s) => (s.faults ?? []).some((f) => refusedForGood(f, 'exemptions')))
      .map((s) => s.subscriptionId.toLowerCase())
  )
  const groupExemptionsHidden = (estate.faults ?? []).some((f) => refusedForGood(f, 'exemptions'))
  const shown = policy.filter(({ row, subscriptionId }) => {
    if (row.type !== 'microsoft.authorization/policyexemptions') return true
    return subscriptionId === undefined
      ? !groupExemptionsHidden
      : !exemptionsHidden.has(subscriptionId)
  })
  // A plan the identity may not read is no row either.
  const plansHidden = new Set(
    estate.subscriptions
      .filter((s) => (s.faults ?? []).some((f) => refusedForGood(f, 'pricings')))
      .map((s) => s.subscriptionId.toLowerCase())
  )
  const security = (estate.pricings ?? [])
    .filter(
      (resource) =>
        !plansHidden.has(/^\/subscriptions\/([^/]+)/i.exec(resource.id)?.[1]?.toLowerCase() ?? '')
    )
    .map((resource) => placed(resource, 'Microsoft.Security/pricings', scopeOf(resource.id)))
    .filter((row) => row !== undefined)

  // Virtual machines, their policy states (rows of policyresources, their properties in Policy
  // Insights' shape) and Defender's JIT assessment of each. States the identity may not read
  // (a `policy-states` fault for good) are no rows.
  const machines = (estate.virtualMachines ?? [])
    .map((vm) =>
      placed(
        {
          id: vm.id,
          name: vm.id.split('/').pop() ?? '',
          type: 'Microsoft.Compute/virtualMachines',
          properties: { provisioningState: 'Succeeded' }
        },
        'Microsoft.Compute/virtualMachines',
        vm.id
      )
    )
    .filter((row) => row !== undefined)
  for (const [index, vm] of (estate.virtualMachines ?? []).entries()) {
    const row = machines[index]
    if (row) row.row.location = vm.location
  }
  const statesHidden = new Set(
    estate.subscriptions
      .filter((s) => (s.faults ?? []).some((f) => refusedForGood(f, 'policy-states')))
      .map((s) => s.subscriptionId.toLowerCase())
  )
  for (const { rowId, subscriptionId, state } of policyStatesOf(estate)) {
    if (statesHidden.has(subscriptionId.toLowerCase())) continue
    const row = placed(
      {
        id: rowId,
        name: rowId.split('/').pop() ?? '',
        type: 'Microsoft.PolicyInsights/policyStates',
        properties: state
      },
      'Microsoft.PolicyInsights/policyStates',
      String(state.resourceId)
    )
    if (row) shown.push(row)
  }
  for (const assessment of jitAssessmentsOf(estate)) {
    const row = placed(
      assessment,
      'Microsoft.Security/assessments',
      assessment.id.slice(
        0,
        assessment.id.toLowerCase().lastIndexOf('/providers/microsoft.security/')
      )
    )
    if (row) security.push(row)
  }

  // Resource Graph returns only what the identity may read: a subscription whose every ARM read
  // is refused for good (a `forbidden` or `not-found` fault on all its requests, without `times`)
  // is absent, as it is from ARM's list of subscriptions. Other faults are ARM's transport.
  const denied = new Set(
    estate.subscriptions
      .filter((s) => (s.faults ?? []).some((f) => refusedForGood(f, 'any')))
      .map((s) => s.subscriptionId.toLowerCase())
  )
  const readable = (rows: ScopedRow[]) =>
    rows.filter((row) => row.subscriptionId === undefined || !denied.has(row.subscriptionId))
  for (const id of denied) chains.delete(id)
  return {
    tables: new Map([
      ['resourcecontainers', readable(containers)],
      ['resources', readable(machines)],
      ['policyresources', readable(shown)],
      ['securityresources', readable(security)]
    ]),
    groupsBelow,
    chains
  }
}

/** A fault that refuses every read of `on` for good (`forbidden` or `not-found`, without
 * `times`). */
function refusedForGood(fault: Fault, on: NonNullable<Fault['on']>): boolean {
  return (
    (fault.fault === 'forbidden' || fault.fault === 'not-found') &&
    fault.times === undefined &&
    (fault.on ?? 'any') === on
  )
}

/** One row per definition, as Resource Graph holds the resource: several entries with one id
 * are its versions (estate.ts), and the row is the latest, with `version` and `versions` as
 * Resource Manager's GET of the definition gives them (arm/model.ts). */
function latestVersions(resources: ArmResource[] | undefined): ArmResource[] {
  const byId = new Map<string, ArmResource[]>()
  for (const resource of resources ?? []) {
    const key = resource.id.toLowerCase()
    byId.set(key, [...(byId.get(key) ?? []), resource])
  }
  return [...byId.values()].map((versions) => latestOf(versions.sort(newestFirst)))
}
