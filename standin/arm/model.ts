// What the stand-in's ARM knows of an estate (docs/design.md, "The stand-in"): the
// management-group tree with its subscriptions, and the policy resources indexed by where they
// sit, so that a subscription's list is built from its own entries and its ancestors' without
// scanning the estate (5,000 assignments in a subscription answer in milliseconds).

import type { BuiltIns } from '../builtins.ts'
import type { ArmResource, Estate, Subscription } from '../estate/index.ts'
import { definitionVersion, guid, parseScope, splitPolicyResourceId } from '../estate/index.ts'

export const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/'

export interface MgNode {
  name: string
  displayName: string
  parent?: MgNode
  children: MgNode[]
  subscriptions: SubNode[]
  /** Management groups and subscriptions below, at any depth. */
  descendants: number
}

export interface SubNode {
  id: string
  subscription: Subscription
  parent: MgNode
}

/** Which of a subscription's policy resources a list holds: `all`, its ancestors', its own and
 * everything inside it; `atScope`, its ancestors' and its own; `exact`, its own. */
export type ListMode = 'all' | 'atScope' | 'exact'

/** Policy resources indexed by the scope they sit at. */
export class ScopedIndex {
  readonly atScope = new Map<string, ArmResource[]>()
  readonly inside = new Map<string, ArmResource[]>()
  readonly byId = new Map<string, ArmResource>()

  add(resource: ArmResource, scope: string): void {
    const ref = parseScope(scope)
    this.byId.set(resource.id.toLowerCase(), resource)
    if (!ref || ref.kind === 'tenant') return
    const [map, key] =
      ref.kind === 'inside'
        ? [this.inside, ref.subscriptionId.toLowerCase()]
        : [this.atScope, scope.toLowerCase()]
    const list = map.get(key)
    if (list) list.push(resource)
    else map.set(key, [resource])
  }

  /** A subscription's resources (see ListMode); ancestors' come root first. */
  list(sub: SubNode, ancestors: MgNode[], mode: ListMode): ArmResource[] {
    const out: ArmResource[] = []
    if (mode !== 'exact')
      for (let i = ancestors.length - 1; i >= 0; i--)
        out.push(...(this.atScope.get(`${MG_PREFIX}${ancestors[i]!.name}`.toLowerCase()) ?? []))
    out.push(...(this.atScope.get(`/subscriptions/${sub.id}`.toLowerCase()) ?? []))
    if (mode === 'all') out.push(...(this.inside.get(sub.id.toLowerCase()) ?? []))
    return out
  }
}

function groupNode(name: string, displayName: string): MgNode {
  return { name, displayName, children: [], subscriptions: [], descendants: 0 }
}

/** The estate as ARM serves it. Names and ids are looked up case-insensitively. */
export class ArmModel {
  readonly estate: Estate
  readonly root: MgNode
  readonly groups = new Map<string, MgNode>()
  readonly subs = new Map<string, SubNode>()
  readonly assignments = new ScopedIndex()
  readonly exemptions = new ScopedIndex()
  /** Policy (set) definitions, built-in and custom, by lower-cased id: the latest version, with
   * `properties.versions` listing every version held, newest first. */
  readonly definitions = new Map<string, ArmResource>()
  /** Every version of each definition, by lower-cased id, newest first. */
  readonly definitionVersions = new Map<string, ArmResource[]>()
  /** Defender for Cloud pricings by lower-cased id. */
  readonly pricings = new Map<string, ArmResource>()
  /** The object id of the signed-in application's service principal. */
  readonly principalObjectId: string
  private readonly ancestorCache = new Map<string, MgNode[]>()

  constructor(estate: Estate, builtIns: BuiltIns) {
    this.estate = estate
    this.principalObjectId = guid(`service-principal/${estate.clientId.toLowerCase()}`)
    const tenantKey = estate.tenantId.toLowerCase()
    const explicitRoot = estate.managementGroups?.find((g) => g.name.toLowerCase() === tenantKey)
    this.root = groupNode(
      explicitRoot?.name ?? estate.tenantId,
      explicitRoot?.displayName ?? estate.rootManagementGroupDisplayName ?? 'Tenant Root Group'
    )
    this.groups.set(tenantKey, this.root)
    const others = (estate.managementGroups ?? []).filter((g) => g.name.toLowerCase() !== tenantKey)
    for (const g of others)
      this.groups.set(g.name.toLowerCase(), groupNode(g.name, g.displayName ?? g.name))
    for (const g of others) {
      const node = this.groups.get(g.name.toLowerCase())!
      node.parent = this.group(g.parent ?? estate.tenantId)!
      node.parent.children.push(node)
    }
    for (const s of estate.subscriptions) {
      const parent = this.group(s.managementGroup ?? estate.tenantId)!
      const node: SubNode = { id: s.subscriptionId, subscription: s, parent }
      parent.subscriptions.push(node)
      this.subs.set(s.subscriptionId.toLowerCase(), node)
    }
    const count = (node: MgNode): number => {
      node.descendants = node.subscriptions.length
      for (const child of node.children) node.descendants += 1 + count(child)
      return node.descendants
    }
    count(this.root)

    for (const a of estate.policyAssignments ?? []) {
      const { scope } = splitPolicyResourceId(a.id, 'policyAssignments')!
      const resource = { ...a, type: a.type ?? 'Microsoft.Authorization/policyAssignments' }
      resource.properties = { ...a.properties, scope: a.properties.scope ?? scope }
      this.assignments.add(resource, scope)
    }
    for (const x of estate.policyExemptions ?? []) {
      const { scope } = splitPolicyResourceId(x.id, 'policyExemptions')!
      this.exemptions.add(
        { ...x, type: x.type ?? 'Microsoft.Authorization/policyExemptions' },
        scope
      )
    }
    this.addDefinitions(builtIns.policyDefinitions, 'policyDefinitions')
    this.addDefinitions(builtIns.policySetDefinitions, 'policySetDefinitions')
    this.addDefinitions(estate.policyDefinitions ?? [], 'policyDefinitions')
    this.addDefinitions(estate.policySetDefinitions ?? [], 'policySetDefinitions')
    for (const [id, versions] of this.definitionVersions) {
      versions.sort(newestFirst)
      this.definitions.set(id, latestOf(versions))
    }
    for (const pricing of estate.pricings ?? [])
      this.pricings.set(pricing.id.toLowerCase(), pricing)
  }

  private addDefinitions(
    list: ArmResource[],
    type: 'policyDefinitions' | 'policySetDefinitions'
  ): void {
    for (const d of list) {
      const { name } = splitPolicyResourceId(d.id, type)!
      const entry = {
        ...d,
        name: d.name ?? name,
        type: d.type ?? `Microsoft.Authorization/${type}`
      }
      const version = definitionVersion(d.properties)
      // An entry replaces one of the same version (the estate's over the fixtures').
      const versions = (this.definitionVersions.get(d.id.toLowerCase()) ?? []).filter(
        (held) => definitionVersion(held.properties) !== version
      )
      this.definitionVersions.set(d.id.toLowerCase(), [...versions, entry])
    }
  }

  group(name: string): MgNode | undefined {
    return this.groups.get(name.toLowerCase())
  }

  subscription(id: string): SubNode | undefined {
    return this.subs.get(id.toLowerCase())
  }

  /** The management groups above a subscription, its parent first. */
  ancestors(sub: SubNode): MgNode[] {
    const key = sub.id.toLowerCase()
    let list = this.ancestorCache.get(key)
    if (!list) {
      list = []
      for (let at: MgNode | undefined = sub.parent; at; at = at.parent) list.push(at)
      this.ancestorCache.set(key, list)
    }
    return list
  }
}

/** Orders one definition's entries by their versions, newest first (a sort comparator). */
export function newestFirst(a: ArmResource, b: ArmResource): number {
  return compareVersions(definitionVersion(b.properties), definitionVersion(a.properties))
}

/** The definition as ARM's GET of it answers, from its entries sorted newestFirst: the latest,
 * with `properties.version` and `properties.versions` (every version held, newest first). */
export function latestOf(sorted: readonly ArmResource[]): ArmResource {
  const latest = sorted[0]!
  return {
    ...latest,
    properties: {
      ...latest.properties,
      version: definitionVersion(latest.properties),
      versions: sorted.map((v) => definitionVersion(v.properties))
    }
  }
}

/** Orders versions (`1.2.3`, `1.2.3-preview`) by their numbers; a suffix ranks below none. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [numbers = '', suffix] = v.split(/-(.*)/s)
    return [...numbers.split('.').map(Number), suffix === undefined ? 1 : 0]
  }
  const [x, y] = [parse(a), parse(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  }
  return 0
}
