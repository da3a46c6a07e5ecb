// The Microsoft.Management reads of the management-group hierarchy, as ARM serves them
// (docs/design.md, "The stand-in"; standin/README.md, "Reading a subscription's ancestry").
//
//   POST /providers/Microsoft.Management/getEntities?$filter=name eq '{subscriptionId}'
//     -> value[0].properties.parent.id, .parentNameChain (root first), .parentDisplayNameChain.
//   This is the one to use: it needs no role at any management group. It lists the entities the
//   caller can see through its own role assignments, and a group shows when the caller can access
//   one of its descendants (its documentation), so Reader on the subscription should be enough to
//   see the subscription and the names of its ancestors (not verified against a live tenant).
//   The others need Microsoft.Management/managementGroups/read (Management Group Reader) at the
//   group they name, and all but the first need the group's name up front:
//     GET /providers/Microsoft.Management/managementGroups/{mg}?$expand=ancestors|path|children
//     GET /providers/Microsoft.Management/managementGroups/{mg}/subscriptions/{s}  (properties.parent)
//     GET /providers/Microsoft.Management/managementGroups/{mg}/descendants

import type { Reply } from '../http.ts'
import { armError, json } from '../http.ts'
import type { MgNode, SubNode } from './model.ts'
import { MG_PREFIX } from './model.ts'
import type { ArmRequest } from './request.ts'

const GROUP_TYPE = 'Microsoft.Management/managementGroups'

/** What every entry naming a management group or a subscription starts with. */
function groupEntry(g: MgNode) {
  return { id: `${MG_PREFIX}${g.name}`, type: GROUP_TYPE, name: g.name }
}

function subscriptionEntry(s: SubNode) {
  return { id: `/subscriptions/${s.id}`, type: '/subscriptions', name: s.id }
}

function displayName(s: SubNode): string {
  return s.subscription.displayName ?? s.id
}

/** The groups from the root down to `node`, both included. */
function chainTo(node: MgNode): MgNode[] {
  const chain: MgNode[] = []
  for (let at: MgNode | undefined = node; at; at = at.parent) chain.unshift(at)
  return chain
}

/** GET managementGroups/{managementGroup} with `$expand` children, path or ancestors and
 * `$recurse` (the row requires the group). */
export function getManagementGroup(request: ArmRequest): Reply {
  const g = request.managementGroup!
  const { url, model } = request
  const expand = (url.searchParams.get('$expand') ?? '').toLowerCase()
  const recurse = (url.searchParams.get('$recurse') ?? '').toLowerCase() === 'true'
  if (expand !== '' && !['children', 'path', 'ancestors'].includes(expand))
    return armError(
      400,
      'BadRequest',
      `Invalid $expand '${url.searchParams.get('$expand')}': use children, path or ancestors.`
    )
  const above = g.parent ? chainTo(g.parent) : [] // root first
  const named = (n: MgNode) => ({ name: n.name, displayName: n.displayName })
  const details: Record<string, unknown> = {
    version: 1,
    updatedTime: '2024-01-01T00:00:00.0000000Z',
    updatedBy: model.principalObjectId,
    parent: g.parent ? { id: `${MG_PREFIX}${g.parent.name}`, ...named(g.parent) } : null
  }
  if (expand === 'path') details.path = above.map(named)
  if (expand === 'ancestors') {
    details.managementGroupAncestors = above.map((n) => n.name).reverse()
    details.managementGroupAncestorsChain = above.map(named).reverse()
  }
  const children = (node: MgNode, deep: boolean): unknown[] => [
    ...node.children.map((c) => ({
      ...groupEntry(c),
      displayName: c.displayName,
      ...(deep ? { children: children(c, true) } : {})
    })),
    ...node.subscriptions.map((s) => ({ ...subscriptionEntry(s), displayName: displayName(s) }))
  ]
  const properties: Record<string, unknown> = {
    tenantId: model.estate.tenantId,
    displayName: g.displayName,
    details
  }
  if (expand === 'children') properties.children = children(g, recurse)
  return json(200, { ...groupEntry(g), properties })
}

/** GET managementGroups/{managementGroup}/descendants: every group and subscription below,
 * each after its parent, paged. */
export function listDescendants(request: ArmRequest): Reply {
  const out: unknown[] = []
  const walk = (node: MgNode) => {
    const parent = { id: `${MG_PREFIX}${node.name}` }
    for (const c of node.children) {
      out.push({ ...groupEntry(c), properties: { displayName: c.displayName, parent } })
      walk(c)
    }
    for (const s of node.subscriptions)
      out.push({ ...subscriptionEntry(s), properties: { displayName: displayName(s), parent } })
  }
  walk(request.managementGroup!)
  return request.page(out)
}

/** GET managementGroups/{managementGroup}/subscriptions/{subscriptionId}: the subscription when
 * the group is its parent, else 404. */
export function getGroupSubscription(request: ArmRequest): Reply {
  const g = request.managementGroup!
  const id = request.params.subscriptionId!
  const sub = request.model.subscription(id)
  if (!sub || sub.parent !== g)
    return armError(
      404,
      'NotFound',
      `Subscription '${id}' is not a child of management group '${g.name}'.`
    )
  const state = sub.subscription.state ?? 'Enabled'
  return json(200, {
    id: `${MG_PREFIX}${g.name}/subscriptions/${sub.id}`,
    type: 'Microsoft.Management/managementGroups/subscriptions',
    name: sub.id,
    properties: {
      displayName: displayName(sub),
      parent: { id: `${MG_PREFIX}${g.name}` },
      state: state === 'Enabled' ? 'Active' : state,
      tenant: request.model.estate.tenantId
    }
  })
}

/** The name getEntities' `$filter=name eq '...'` asks for (undefined: all entities), or the 400
 * of a query the stand-in does not serve. */
export function entityName(url: URL): { name?: string } | Reply {
  const filter = url.searchParams.get('$filter')
  let name: string | undefined
  if (filter) {
    const f = /^\s*name\s+eq\s+'([^']*)'\s*$/i.exec(filter)
    if (!f)
      return armError(
        400,
        'BadRequest',
        `The stand-in's getEntities supports only $filter=name eq '{name}', got '${filter}'.`
      )
    name = f[1]!
  }
  if (url.searchParams.has('$search'))
    return armError(400, 'BadRequest', "The stand-in's getEntities does not support $search.")
  return { name }
}

/** POST getEntities: groups (breadth first from the root) and subscriptions, each with its
 * parent and the names and display names of its ancestors (root first), paged. */
export function getEntities(request: ArmRequest): Reply {
  const { model } = request
  const { name } = entityName(request.url) as { name?: string }
  const lower = name?.toLowerCase()
  const out: unknown[] = []
  const seen = (node: MgNode | undefined) => {
    const chain = node ? chainTo(node) : []
    return {
      tenantId: model.estate.tenantId,
      permissions: 'view',
      inheritedPermissions: 'view',
      parentDisplayNameChain: chain.map((n) => n.displayName),
      parentNameChain: chain.map((n) => n.name)
    }
  }
  const queue: MgNode[] = [model.root]
  while (queue.length > 0) {
    const g = queue.shift()!
    queue.push(...g.children)
    if (lower !== undefined && g.name.toLowerCase() !== lower) continue
    out.push({
      ...groupEntry(g),
      properties: {
        ...seen(g.parent),
        displayName: g.displayName,
        ...(g.parent ? { parent: { id: `${MG_PREFIX}${g.parent.name}` } } : {}),
        numberOfDescendants: g.descendants,
        numberOfChildren: g.children.length + g.subscriptions.length,
        numberOfChildGroups: g.children.length
      }
    })
  }
  const subs =
    lower !== undefined
      ? [model.subscription(lower)].filter((s) => s !== undefined)
      : [...model.subs.values()]
  for (const s of subs)
    out.push({
      ...subscriptionEntry(s),
      properties: {
        ...seen(s.parent),
        displayName: displayName(s),
        parent: { id: `${MG_PREFIX}${s.parent.name}` }
      }
    })
  return request.page(out)
}
