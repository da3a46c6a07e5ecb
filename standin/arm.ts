// The Azure Resource Manager half of the stand-in: read-only policy assignments, exemptions and
// definitions, subscriptions and the Microsoft.Management reads of the management-group
// hierarchy, in ARM's JSON shapes, with paging, latency and injected faults.
//
// Ancestry of a subscription (which management groups it sits under), as ARM serves it:
//   POST /providers/Microsoft.Management/getEntities?api-version=2023-04-01
//        &$filter=name eq '{subscriptionId}'
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
//   All four are served here.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BuiltIns } from './builtins.ts'
import type { ArmResource, Estate, Fault, RequestKind, Subscription } from './estate.ts'
import { guid, parseScope, splitPolicyResourceId } from './estate.ts'
import type { Reply } from './http.ts'
import { armError, json, replyText, send } from './http.ts'
import type { Identity } from './identity.ts'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/'

interface MgNode {
  name: string
  displayName: string
  parent?: MgNode
  children: MgNode[]
  subscriptions: SubNode[]
  descendants: number
}

interface SubNode {
  id: string
  subscription: Subscription
  parent: MgNode
}

/** Policy resources indexed by where they sit, so a subscription's list is built from its own
 * entries and its ancestors' without scanning the estate. */
class ScopedIndex {
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

  /** `all`: ancestors, the subscription and everything inside it; `atScope`: ancestors and the
   * subscription; `exact`: the subscription only. Ancestors come root first. */
  list(sub: SubNode, ancestors: MgNode[], mode: 'all' | 'atScope' | 'exact'): ArmResource[] {
    const out: ArmResource[] = []
    if (mode !== 'exact')
      for (let i = ancestors.length - 1; i >= 0; i--)
        out.push(...(this.atScope.get(`${MG_PREFIX}${ancestors[i]!.name}`.toLowerCase()) ?? []))
    out.push(...(this.atScope.get(`/subscriptions/${sub.id}`.toLowerCase()) ?? []))
    if (mode === 'all') out.push(...(this.inside.get(sub.id.toLowerCase()) ?? []))
    return out
  }
}

interface Route {
  kind: Exclude<RequestKind, 'any'>
  subscriptionId?: string
  /** For AuthorizationFailed: the action denied and the scope. */
  action: string
  scope: string
  paged: boolean
  notFound: () => Reply
  handle: (loop: boolean) => Reply
}

interface FaultState {
  fault: Fault
  used: number
}

export interface ArmRuntime {
  /** Sleeps; never resolves once the stand-in is closing. */
  sleep(ms: number): Promise<void>
  latencyMs: number
}

export class Arm {
  readonly estate: Estate
  readonly identity: Identity
  readonly runtime: ArmRuntime
  private readonly base: () => string
  private readonly root: MgNode
  private readonly groups = new Map<string, MgNode>()
  private readonly subs = new Map<string, SubNode>()
  private readonly ancestorCache = new Map<string, MgNode[]>()
  private readonly assignments = new ScopedIndex()
  private readonly exemptions = new ScopedIndex()
  private readonly definitions = new Map<string, ArmResource>()
  private readonly faults = new Map<string, FaultState[]>()
  private readonly principalObjectId: string

  constructor(
    estate: Estate,
    builtIns: BuiltIns,
    identity: Identity,
    runtime: ArmRuntime,
    base: () => string
  ) {
    this.estate = estate
    this.identity = identity
    this.runtime = runtime
    this.base = base
    this.principalObjectId = guid(`service-principal/${estate.clientId.toLowerCase()}`)

    const tenantKey = estate.tenantId.toLowerCase()
    const explicitRoot = estate.managementGroups?.find((g) => g.name.toLowerCase() === tenantKey)
    this.root = {
      name: explicitRoot?.name ?? estate.tenantId,
      displayName:
        explicitRoot?.displayName ?? estate.rootManagementGroupDisplayName ?? 'Tenant Root Group',
      children: [],
      subscriptions: [],
      descendants: 0
    }
    this.groups.set(tenantKey, this.root)
    for (const g of estate.managementGroups ?? []) {
      if (g.name.toLowerCase() === tenantKey) continue
      this.groups.set(g.name.toLowerCase(), {
        name: g.name,
        displayName: g.displayName ?? g.name,
        children: [],
        subscriptions: [],
        descendants: 0
      })
    }
    for (const g of estate.managementGroups ?? []) {
      const node = this.groups.get(g.name.toLowerCase())!
      if (node === this.root) continue
      node.parent = this.groups.get((g.parent ?? estate.tenantId).toLowerCase())!
      node.parent.children.push(node)
    }
    for (const s of estate.subscriptions) {
      const parent = this.groups.get((s.managementGroup ?? estate.tenantId).toLowerCase())!
      const node: SubNode = { id: s.subscriptionId, subscription: s, parent }
      parent.subscriptions.push(node)
      this.subs.set(s.subscriptionId.toLowerCase(), node)
      if (s.faults) this.setFaults(s.subscriptionId, s.faults)
    }
    const count = (node: MgNode): number => {
      node.descendants = node.subscriptions.length
      for (const child of node.children) node.descendants += 1 + count(child)
      return node.descendants
    }
    count(this.root)
    if (estate.faults) this.setTenantFaults(estate.faults)

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
    const addDefinitions = (
      list: ArmResource[],
      type: 'policyDefinitions' | 'policySetDefinitions'
    ) => {
      for (const d of list) {
        const { name } = splitPolicyResourceId(d.id, type)!
        this.definitions.set(d.id.toLowerCase(), {
          ...d,
          name: d.name ?? name,
          type: d.type ?? `Microsoft.Authorization/${type}`
        })
      }
    }
    addDefinitions(builtIns.policyDefinitions, 'policyDefinitions')
    addDefinitions(builtIns.policySetDefinitions, 'policySetDefinitions')
    addDefinitions(estate.policyDefinitions ?? [], 'policyDefinitions')
    addDefinitions(estate.policySetDefinitions ?? [], 'policySetDefinitions')
  }

  /** Replaces the faults of one subscription's requests. */
  setFaults(subscriptionId: string, faults: Fault[]): void {
    this.faults.set(
      subscriptionId.toLowerCase(),
      faults.map((fault) => ({ fault, used: 0 }))
    )
  }

  /** Replaces the faults of requests that concern no subscription. */
  setTenantFaults(faults: Fault[]): void {
    this.faults.set(
      '',
      faults.map((fault) => ({ fault, used: 0 }))
    )
  }

  private takeFault(route: Route): Fault | undefined {
    const list = this.faults.get(route.subscriptionId?.toLowerCase() ?? '')
    for (const state of list ?? []) {
      const { fault } = state
      if ((fault.on ?? 'any') !== 'any' && fault.on !== route.kind) continue
      if (fault.times !== undefined && state.used >= fault.times) continue
      if (fault.fault === 'nextlink-loop' && !route.paged) continue
      state.used++
      return fault
    }
    return undefined
  }

  private ancestors(sub: SubNode): MgNode[] {
    const key = sub.id.toLowerCase()
    let list = this.ancestorCache.get(key)
    if (!list) {
      list = []
      for (let at: MgNode | undefined = sub.parent; at; at = at.parent) list.push(at)
      this.ancestorCache.set(key, list)
    }
    return list
  }

  // ---- the request flow ----

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    setSubscription: (id: string) => void
  ): Promise<void> {
    const method = req.method ?? 'GET'
    const unauthorized = this.identity.checkAccessToken(req.headers.authorization)
    if (unauthorized) return send(res, unauthorized)
    const isGetEntities = /^\/providers\/Microsoft\.Management\/getEntities$/i.test(path)
    if (method !== 'GET' && !(method === 'POST' && isGetEntities))
      return send(
        res,
        armError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${method}'. The local Azure stand-in is read-only: it answers GET (and POST getEntities).`,
          { Allow: isGetEntities ? 'POST' : 'GET' }
        )
      )
    if (isGetEntities && method !== 'POST')
      return send(
        res,
        armError(
          405,
          'MethodNotAllowed',
          "The requested resource does not support http method 'GET'.",
          { Allow: 'POST' }
        )
      )
    if (!url.searchParams.get('api-version'))
      return send(
        res,
        armError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.'
        )
      )
    const route = this.route(path, url)
    if ('status' in route) return send(res, route)
    if (route.subscriptionId) setSubscription(route.subscriptionId)
    const sub = route.subscriptionId ? this.subs.get(route.subscriptionId.toLowerCase()) : undefined
    const latency = sub?.subscription.latencyMs ?? this.runtime.latencyMs
    if (latency > 0) await this.runtime.sleep(latency)
    if (res.destroyed) return
    const fault = this.takeFault(route)
    switch (fault?.fault) {
      case undefined:
        return send(
          res,
          this.safely(() => route.handle(false))
        )
      case 'nextlink-loop':
        return send(
          res,
          this.safely(() => route.handle(true))
        )
      case 'throttle': {
        const headers: Record<string, string> = {
          'x-ms-ratelimit-remaining-subscription-reads': '0'
        }
        if (fault.retryAfterSeconds !== undefined)
          headers['Retry-After'] = String(fault.retryAfterSeconds)
        const after = fault.retryAfterSeconds ?? 5
        return send(
          res,
          route.subscriptionId
            ? armError(
                429,
                'SubscriptionRequestsThrottled',
                `Number of 'read' requests for subscription '${route.subscriptionId}' actor '${this.principalObjectId}' exceeded. Please try again after '${after}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
                headers
              )
            : armError(
                429,
                'TenantRequestsThrottled',
                `Number of 'read' requests for tenant '${this.estate.tenantId}' actor '${this.principalObjectId}' exceeded. Please try again after '${after}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
                headers
              )
        )
      }
      case 'unavailable': {
        const headers: Record<string, string> = {}
        if (fault.retryAfterSeconds !== undefined)
          headers['Retry-After'] = String(fault.retryAfterSeconds)
        return send(
          res,
          armError(
            503,
            'ServiceUnavailable',
            'The service is currently unavailable. Please try again later.',
            headers
          )
        )
      }
      case 'reset': {
        // a TCP reset where the socket allows it (ECONNRESET on the client), else a plain close
        const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void }
        try {
          socket.resetAndDestroy!()
        } catch {
          socket.destroy()
        }
        return
      }
      case 'hang':
        return // answered never: close() destroys the socket
      case 'malformed-json': {
        const text = replyText(this.safely(() => route.handle(false)))
        return send(res, {
          status: 200,
          text: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          headers: { 'Content-Type': 'application/json; charset=utf-8' }
        })
      }
      case 'forbidden':
        return send(
          res,
          armError(
            403,
            'AuthorizationFailed',
            `The client '${this.principalObjectId}' with object id '${this.principalObjectId}' does not have authorization to perform action '${route.action}' over scope '${route.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
          )
        )
      case 'not-found':
        return send(res, route.notFound())
    }
  }

  private safely(produce: () => Reply): Reply {
    try {
      return produce()
    } catch (error) {
      return armError(
        500,
        'InternalServerError',
        `The stand-in failed: ${(error as Error).stack ?? String(error)}`
      )
    }
  }

  // ---- routing ----

  private route(path: string, url: URL): Route | Reply {
    let m: RegExpExecArray | null

    if (/^\/subscriptions$/i.test(path))
      return this.plain(
        'subscription',
        undefined,
        'Microsoft.Resources/subscriptions/read',
        '/',
        true,
        (loop) =>
          this.page(
            [...this.subs.values()].map((s) => this.subscriptionBody(s)),
            url,
            loop
          )
      )

    if ((m = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path))) {
      const id = m[1]!
      const rest = m[2] ?? ''
      if (!GUID.test(id))
        return armError(
          400,
          'InvalidSubscriptionId',
          `The provided subscription identifier '${id}' is malformed or invalid.`
        )
      const scope = `/subscriptions/${id}`
      const sub = this.subs.get(id.toLowerCase())
      const withSub = (produce: (s: SubNode) => Reply) => (): Reply =>
        sub ? produce(sub) : this.subscriptionNotFound(id)
      if (rest === '')
        return this.plain(
          'subscription',
          id,
          'Microsoft.Resources/subscriptions/read',
          scope,
          false,
          withSub((s) => json(200, this.subscriptionBody(s)))
        )
      if (/^\/providers\/Microsoft\.Authorization\/policyAssignments$/i.test(rest))
        return this.plain(
          'assignments',
          id,
          'Microsoft.Authorization/policyAssignments/read',
          scope,
          true,
          (loop) => withSub((s) => this.listAssignments(s, url, loop))()
        )
      if (/^\/providers\/Microsoft\.Authorization\/policyExemptions$/i.test(rest))
        return this.plain(
          'exemptions',
          id,
          'Microsoft.Authorization/policyExemptions/read',
          scope,
          true,
          (loop) => withSub((s) => this.listExemptions(s, url, loop))()
        )
      if (
        (m =
          /^(.*)\/providers\/Microsoft\.Authorization\/(policyAssignments|policyExemptions)\/([^/]+)$/i.exec(
            rest
          ))
      ) {
        const assignments = m[2]!.toLowerCase() === 'policyassignments'
        const itemScope = `${scope}${m[1]}`
        const name = m[3]!
        return this.plain(
          assignments ? 'assignments' : 'exemptions',
          id,
          `Microsoft.Authorization/${assignments ? 'policyAssignments' : 'policyExemptions'}/read`,
          itemScope,
          false,
          withSub(() => this.getPolicyItem(assignments, itemScope, name))
        )
      }
      if (
        (m =
          /^\/providers\/Microsoft\.Authorization\/(policySetDefinitions|policyDefinitions)\/([^/]+)$/i.exec(
            rest
          ))
      ) {
        const type = m[1]!
        const name = m[2]!
        return this.definitionRoute(
          scope,
          type,
          name,
          id,
          withSub(() => this.getDefinition(scope, type, name))
        )
      }
      return this.unknownRoute(path)
    }

    if (
      (m =
        /^\/providers\/Microsoft\.Authorization\/(policySetDefinitions|policyDefinitions)\/([^/]+)$/i.exec(
          path
        ))
    ) {
      const type = m[1]!
      const name = m[2]!
      return this.definitionRoute('', type, name, undefined, () =>
        this.getDefinition('', type, name)
      )
    }

    if (
      (m = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)(\/.*)?$/i.exec(path))
    ) {
      const mgName = m[1]!
      const rest = m[2] ?? ''
      const scope = `${MG_PREFIX}${mgName}`
      const mg = this.groups.get(mgName.toLowerCase())
      const withMg = (produce: (g: MgNode) => Reply) => (): Reply =>
        mg ? produce(mg) : this.managementGroupNotFound(mgName)
      if (
        (m =
          /^\/providers\/Microsoft\.Authorization\/(policySetDefinitions|policyDefinitions)\/([^/]+)$/i.exec(
            rest
          ))
      ) {
        const type = m[1]!
        const name = m[2]!
        return this.definitionRoute(scope, type, name, undefined, () =>
          this.getDefinition(scope, type, name)
        )
      }
      if (
        (m =
          /^\/providers\/Microsoft\.Authorization\/(policyAssignments|policyExemptions)\/([^/]+)$/i.exec(
            rest
          ))
      ) {
        const assignments = m[1]!.toLowerCase() === 'policyassignments'
        const name = m[2]!
        return this.plain(
          assignments ? 'assignments' : 'exemptions',
          undefined,
          `Microsoft.Authorization/${assignments ? 'policyAssignments' : 'policyExemptions'}/read`,
          scope,
          false,
          () => this.getPolicyItem(assignments, scope, name)
        )
      }
      if (rest === '')
        return this.plain(
          'ancestry',
          undefined,
          'Microsoft.Management/managementGroups/read',
          scope,
          false,
          withMg((g) => this.managementGroupBody(g, url))
        )
      if (/^\/descendants$/i.test(rest))
        return this.plain(
          'ancestry',
          undefined,
          'Microsoft.Management/managementGroups/descendants/read',
          scope,
          true,
          (loop) => withMg((g) => this.page(this.descendants(g), url, loop))()
        )
      if ((m = /^\/subscriptions\/([^/]+)$/i.exec(rest))) {
        const id = m[1]!
        return this.plain(
          'ancestry',
          id,
          'Microsoft.Management/managementGroups/subscriptions/read',
          `${scope}/subscriptions/${id}`,
          false,
          withMg((g) => this.subscriptionUnderGroup(g, id))
        )
      }
      return this.unknownRoute(path)
    }

    if (/^\/providers\/Microsoft\.Management\/getEntities$/i.test(path)) {
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
      return this.plain(
        'ancestry',
        name && GUID.test(name) ? name : undefined,
        'Microsoft.Management/getEntities/action',
        '/',
        true,
        (loop) => this.page(this.entities(name), url, loop)
      )
    }

    return this.unknownRoute(path)
  }

  private plain(
    kind: Route['kind'],
    subscriptionId: string | undefined,
    action: string,
    scope: string,
    paged: boolean,
    handle: (loop: boolean) => Reply
  ): Route {
    return {
      kind,
      action,
      scope,
      paged,
      handle,
      ...(subscriptionId ? { subscriptionId } : {}),
      notFound: () =>
        kind === 'ancestry' && !subscriptionId && scope.startsWith(MG_PREFIX)
          ? this.managementGroupNotFound(scope.slice(MG_PREFIX.length))
          : this.subscriptionNotFound(subscriptionId ?? 'unknown')
    }
  }

  private definitionRoute(
    scope: string,
    type: string,
    name: string,
    subscriptionId: string | undefined,
    handle: () => Reply
  ): Route {
    const route = this.plain(
      'definitions',
      subscriptionId,
      `Microsoft.Authorization/${type.toLowerCase() === 'policysetdefinitions' ? 'policySetDefinitions' : 'policyDefinitions'}/read`,
      scope || `/providers/Microsoft.Authorization/${type}/${name}`,
      false,
      handle
    )
    route.notFound = () => this.definitionNotFound(type, name)
    return route
  }

  private unknownRoute(path: string): Reply {
    return armError(404, 'NotFound', `The local Azure stand-in does not serve '${path}'.`)
  }

  // ---- answers ----

  private subscriptionNotFound(id: string): Reply {
    return armError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`)
  }

  private managementGroupNotFound(name: string): Reply {
    return armError(404, 'NotFound', `'${MG_PREFIX}${name}' not found`)
  }

  private definitionNotFound(type: string, name: string): Reply {
    return type.toLowerCase() === 'policysetdefinitions'
      ? armError(
          404,
          'PolicySetDefinitionNotFound',
          `The policy set definition '${name}' could not be found.`
        )
      : armError(
          404,
          'PolicyDefinitionNotFound',
          `The policy definition '${name}' could not be found.`
        )
  }

  private subscriptionBody(s: SubNode): Record<string, unknown> {
    return {
      id: `/subscriptions/${s.id}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: s.id,
      tenantId: this.estate.tenantId,
      displayName: s.subscription.displayName ?? s.id,
      state: s.subscription.state ?? 'Enabled',
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off'
      }
    }
  }

  /** Items per page and the offset of this page; a Reply when $top or $skiptoken are invalid. */
  private page(items: unknown[], url: URL, loop: boolean): Reply {
    const topText = url.searchParams.get('$top')
    let size = this.estate.pageSize ?? 100
    if (topText !== null) {
      const top = Number(topText)
      if (!Number.isInteger(top) || top < 1 || top > 1000)
        return armError(
          400,
          'InvalidQueryParameterValue',
          `Invalid value '${topText}' for query parameter '$top': it must be an integer from 1 to 1000.`
        )
      size = top
    }
    let offset = 0
    const token = url.searchParams.get('$skiptoken')
    if (token !== null) {
      try {
        const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
        offset = (parsed as { offset: number }).offset
        if (!Number.isInteger(offset) || offset < 0) throw new Error('bad offset')
      } catch {
        return armError(400, 'InvalidSkipToken', `The $skiptoken '${token}' is not valid.`)
      }
    }
    const body: Record<string, unknown> = { value: items.slice(offset, offset + size) }
    const next = loop ? 0 : offset + size < items.length ? offset + size : undefined
    if (next !== undefined) {
      const link = new URL(`${this.base()}${url.pathname}`)
      for (const [k, v] of url.searchParams) if (k !== '$skiptoken') link.searchParams.append(k, v)
      link.searchParams.set(
        '$skiptoken',
        Buffer.from(JSON.stringify({ offset: next })).toString('base64url')
      )
      body.nextLink = link.toString()
    }
    return json(200, body)
  }

  private filterTerms(url: URL): string[] | undefined {
    const filter = url.searchParams.get('$filter')
    if (filter === null || filter.trim() === '') return []
    return filter.split(/\s+and\s+/i).map((t) => t.trim())
  }

  private listAssignments(sub: SubNode, url: URL, loop: boolean): Reply {
    const terms = this.filterTerms(url)!
    let mode: 'all' | 'atScope' | 'exact' = 'all'
    let definitionId: string | undefined
    for (const term of terms) {
      const eq = /^policyDefinitionId\s+eq\s+'([^']*)'$/i.exec(term)
      if (/^atScope\(\)$/i.test(term)) mode = 'atScope'
      else if (/^atExactScope\(\)$/i.test(term)) mode = 'exact'
      else if (eq) {
        definitionId = eq[1]!.toLowerCase()
        if (mode === 'all') mode = 'atScope'
      } else
        return armError(
          400,
          'InvalidFilterInQueryString',
          `The filter '${url.searchParams.get('$filter')}' is not supported. Supported filters are 'atScope()', 'atExactScope()' and 'policyDefinitionId eq '{value}''.`
        )
    }
    let list = this.assignments.list(sub, this.ancestors(sub), mode)
    if (definitionId !== undefined)
      list = list.filter(
        (a) => String(a.properties.policyDefinitionId).toLowerCase() === definitionId
      )
    return this.page(list, url, loop)
  }

  private listExemptions(sub: SubNode, url: URL, loop: boolean): Reply {
    const terms = this.filterTerms(url)!
    let mode: 'all' | 'atScope' | 'exact' = 'all'
    let excludeExpired = false
    let assignmentId: string | undefined
    for (const term of terms) {
      const eq = /^policyAssignmentId\s+eq\s+'([^']*)'$/i.exec(term)
      if (/^atScope\(\)$/i.test(term)) mode = 'atScope'
      else if (/^atExactScope\(\)$/i.test(term)) mode = 'exact'
      else if (/^excludeExpired\(\)$/i.test(term)) excludeExpired = true
      else if (eq) assignmentId = eq[1]!.toLowerCase()
      else
        return armError(
          400,
          'InvalidFilterInQueryString',
          `The filter '${url.searchParams.get('$filter')}' is not supported. Supported filters are 'atScope()', 'atExactScope()', 'excludeExpired()' and 'policyAssignmentId eq '{value}''.`
        )
    }
    let list = this.exemptions.list(sub, this.ancestors(sub), mode)
    if (assignmentId !== undefined)
      list = list.filter(
        (x) => String(x.properties.policyAssignmentId).toLowerCase() === assignmentId
      )
    if (excludeExpired) {
      const nowMs = Date.now()
      list = list.filter(
        (x) =>
          typeof x.properties.expiresOn !== 'string' || Date.parse(x.properties.expiresOn) > nowMs
      )
    }
    return this.page(list, url, loop)
  }

  private getPolicyItem(assignments: boolean, scope: string, name: string): Reply {
    const type = assignments ? 'policyAssignments' : 'policyExemptions'
    const index = assignments ? this.assignments : this.exemptions
    const found = index.byId.get(
      `${scope}/providers/Microsoft.Authorization/${type}/${name}`.toLowerCase()
    )
    if (found) return json(200, found)
    return assignments
      ? armError(404, 'PolicyAssignmentNotFound', `The policy assignment '${name}' is not found.`)
      : armError(404, 'PolicyExemptionNotFound', `The policy exemption '${name}' is not found.`)
  }

  private getDefinition(scope: string, type: string, name: string): Reply {
    const found = this.definitions.get(
      `${scope}/providers/Microsoft.Authorization/${type}/${name}`.toLowerCase()
    )
    return found ? json(200, found) : this.definitionNotFound(type, name)
  }

  private groupChain(node: MgNode): MgNode[] {
    const chain: MgNode[] = []
    for (let at = node.parent; at; at = at.parent) chain.push(at)
    return chain // immediate parent first
  }

  private managementGroupBody(g: MgNode, url: URL): Reply {
    const expand = (url.searchParams.get('$expand') ?? '').toLowerCase()
    const recurse = (url.searchParams.get('$recurse') ?? '').toLowerCase() === 'true'
    if (expand !== '' && !['children', 'path', 'ancestors'].includes(expand))
      return armError(
        400,
        'BadRequest',
        `Invalid $expand '${url.searchParams.get('$expand')}': use children, path or ancestors.`
      )
    const chain = this.groupChain(g)
    const details: Record<string, unknown> = {
      version: 1,
      updatedTime: '2024-01-01T00:00:00.0000000Z',
      updatedBy: this.principalObjectId,
      parent: g.parent
        ? {
            id: `${MG_PREFIX}${g.parent.name}`,
            name: g.parent.name,
            displayName: g.parent.displayName
          }
        : null
    }
    if (expand === 'path')
      details.path = [...chain].reverse().map((n) => ({ name: n.name, displayName: n.displayName }))
    if (expand === 'ancestors') {
      details.managementGroupAncestors = chain.map((n) => n.name)
      details.managementGroupAncestorsChain = chain.map((n) => ({
        name: n.name,
        displayName: n.displayName
      }))
    }
    const children = (node: MgNode, deep: boolean): unknown[] => [
      ...node.children.map((c) => ({
        type: 'Microsoft.Management/managementGroups',
        id: `${MG_PREFIX}${c.name}`,
        name: c.name,
        displayName: c.displayName,
        ...(deep ? { children: children(c, true) } : {})
      })),
      ...node.subscriptions.map((s) => ({
        type: '/subscriptions',
        id: `/subscriptions/${s.id}`,
        name: s.id,
        displayName: s.subscription.displayName ?? s.id
      }))
    ]
    const properties: Record<string, unknown> = {
      tenantId: this.estate.tenantId,
      displayName: g.displayName,
      details
    }
    if (expand === 'children') properties.children = children(g, recurse)
    return json(200, {
      id: `${MG_PREFIX}${g.name}`,
      type: 'Microsoft.Management/managementGroups',
      name: g.name,
      properties
    })
  }

  private descendants(g: MgNode): unknown[] {
    const out: unknown[] = []
    const walk = (node: MgNode) => {
      for (const c of node.children) {
        out.push({
          id: `${MG_PREFIX}${c.name}`,
          type: 'Microsoft.Management/managementGroups',
          name: c.name,
          properties: { displayName: c.displayName, parent: { id: `${MG_PREFIX}${node.name}` } }
        })
        walk(c)
      }
      for (const s of node.subscriptions)
        out.push({
          id: `/subscriptions/${s.id}`,
          type: '/subscriptions',
          name: s.id,
          properties: {
            displayName: s.subscription.displayName ?? s.id,
            parent: { id: `${MG_PREFIX}${node.name}` }
          }
        })
    }
    walk(g)
    return out
  }

  private subscriptionUnderGroup(g: MgNode, id: string): Reply {
    const sub = this.subs.get(id.toLowerCase())
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
        displayName: sub.subscription.displayName ?? sub.id,
        parent: { id: `${MG_PREFIX}${g.name}` },
        state: state === 'Enabled' ? 'Active' : state,
        tenant: this.estate.tenantId
      }
    })
  }

  private entities(name: string | undefined): unknown[] {
    const out: unknown[] = []
    const lower = name?.toLowerCase()
    const chainOf = (node: MgNode | undefined): MgNode[] => {
      const chain: MgNode[] = []
      for (let at = node; at; at = at.parent) chain.unshift(at)
      return chain // root first
    }
    const queue: MgNode[] = [this.root]
    while (queue.length > 0) {
      const g = queue.shift()!
      queue.push(...g.children)
      if (lower !== undefined && g.name.toLowerCase() !== lower) continue
      const chain = chainOf(g.parent)
      out.push({
        id: `${MG_PREFIX}${g.name}`,
        type: 'Microsoft.Management/managementGroups',
        name: g.name,
        properties: {
          tenantId: this.estate.tenantId,
          displayName: g.displayName,
          ...(g.parent ? { parent: { id: `${MG_PREFIX}${g.parent.name}` } } : {}),
          permissions: 'view',
          inheritedPermissions: 'view',
          numberOfDescendants: g.descendants,
          numberOfChildren: g.children.length + g.subscriptions.length,
          numberOfChildGroups: g.children.length,
          parentDisplayNameChain: chain.map((n) => n.displayName),
          parentNameChain: chain.map((n) => n.name)
        }
      })
    }
    const subs =
      lower !== undefined
        ? [this.subs.get(lower)].filter((s) => s !== undefined)
        : [...this.subs.values()]
    for (const s of subs) {
      const chain = chainOf(s.parent)
      out.push({
        id: `/subscriptions/${s.id}`,
        type: '/subscriptions',
        name: s.id,
        properties: {
          tenantId: this.estate.tenantId,
          displayName: s.subscription.displayName ?? s.id,
          parent: { id: `${MG_PREFIX}${s.parent.name}` },
          permissions: 'view',
          inheritedPermissions: 'view',
          parentDisplayNameChain: chain.map((n) => n.displayName),
          parentNameChain: chain.map((n) => n.name)
        }
      })
    }
    return out
  }
}
