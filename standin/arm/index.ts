// The request flow of the stand-in's Azure Resource Manager (docs/design.md, "The stand-in"):
// access token, method, api-version and subscription id are checked first, then the route table
// (routes.ts) names what answers; latency and faults come before the answer.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BuiltIns } from '../builtins.ts'
import type { Estate, Fault } from '../estate/index.ts'
import { GUID_PATTERN, rawAnswerOf } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError, readBody, send } from '../http.ts'
import type { Identity } from '../identity.ts'
import type { Lookup, RouteMatch } from '../router.ts'
import { FaultBook, faultedReply, type Caller } from './faults.ts'
import { ArmModel, MG_PREFIX } from './model.ts'
import { page } from './paging.ts'
import type { ArmRequest, ArmRoute, ResolvedRoute, ScopeKind } from './request.ts'
import { fill, managementGroupNotFound, subscriptionNotFound, unknownRoute } from './request.ts'
import { ARM_ROUTES } from './routes.ts'

export interface ArmRuntime {
  /** Sleeps; never resolves once the stand-in is closing. */
  sleep(ms: number): Promise<void>
  latencyMs: number
}

/** What the table's POST rows are, for the 405 message. */
const POSTS = ARM_ROUTES.rows.filter((r) => r.method === 'POST').map((r) => r.path.split('/').pop())

export class Arm {
  readonly model: ArmModel
  readonly identity: Identity
  readonly runtime: ArmRuntime
  private readonly base: () => string
  private readonly faults = new FaultBook()

  /** `base`: the server's origin once it listens, for nextLink. */
  constructor(
    estate: Estate,
    builtIns: BuiltIns,
    identity: Identity,
    runtime: ArmRuntime,
    base: () => string
  ) {
    this.model = new ArmModel(estate, builtIns)
    this.identity = identity
    this.runtime = runtime
    this.base = base
    for (const s of estate.subscriptions) if (s.faults) this.setFaults(s.subscriptionId, s.faults)
    if (estate.faults) this.setTenantFaults(estate.faults)
  }

  /** Replaces the faults of one subscription's requests. */
  setFaults(subscriptionId: string, faults: Fault[]): void {
    this.faults.set(subscriptionId, faults)
  }

  /** Replaces the faults of requests that concern no subscription. */
  setTenantFaults(faults: Fault[]): void {
    this.faults.set('', faults)
  }

  /** Answers one ARM request; `path` is percent-decoded without a trailing slash.
   * `setSubscription` is told the subscription the request concerns, once known. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    setSubscription: (id: string) => void
  ): Promise<void> {
    const method = req.method ?? 'GET'
    const found = ARM_ROUTES.lookup(method, path)
    const refused =
      this.identity.checkAccessToken(req.headers.authorization) ??
      methodNotAllowed(method, found) ??
      missingApiVersion(url) ??
      invalidSubscriptionId(path)
    if (refused) return send(res, refused)
    // Resource Graph's query is in the POST body (standin/resource-graph/index.ts).
    const body = method === 'POST' ? await readBody(req) : ''
    const route = 'match' in found ? this.resolve(found.match, url, path, body) : unknownRoute(path)
    if ('status' in route) return send(res, route)
    if (route.subscriptionId) setSubscription(route.subscriptionId)
    const sub = route.subscriptionId ? this.model.subscription(route.subscriptionId) : undefined
    const latency = sub?.subscription.latencyMs ?? this.runtime.latencyMs
    if (latency > 0) await this.runtime.sleep(latency)
    if (res.destroyed) return
    const fault = this.faults.take(route)
    const reply = fault
      ? faultedReply(fault, route, this.caller(req, path), safely)
      : safely(() => this.rawAnswer(method, path) ?? route.answer(false))
    if (reply === 'hang') return // answered never: close() destroys the socket
    if (reply === 'reset') {
      // a TCP reset where the socket allows it (ECONNRESET on the client), else a plain close
      const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void }
      try {
        socket.resetAndDestroy!()
      } catch {
        socket.destroy()
      }
      return
    }
    send(res, reply)
  }

  /** The estate's raw answer for a GET of `path` (estate/rewrites.ts), as a Reply. */
  private rawAnswer(method: string, path: string): Reply | undefined {
    const raw = method === 'GET' ? rawAnswerOf(this.model.estate.answers, path) : undefined
    if (raw === undefined) return undefined
    return raw.text !== undefined
      ? { status: raw.status, text: raw.text, headers: { 'Content-Type': 'application/json' } }
      : { status: raw.status, body: raw.body }
  }

  private caller(req: IncomingMessage, path: string): Caller {
    return {
      tenantId: this.model.estate.tenantId,
      principalObjectId: this.model.principalObjectId,
      method: req.method ?? 'GET',
      path,
      headers: req.headers
    }
  }

  /** The row's answer to this request, or the 404 or 400 that refuses it before latency. */
  private resolve(
    { row, params }: RouteMatch<ArmRoute>,
    url: URL,
    path: string,
    body: string
  ): ResolvedRoute | Reply {
    let scopeSubscription: string | undefined
    if (params.scope !== undefined) {
      const scope = pathScope(params.scope)
      if (!scope || !row.scopes?.includes(scope.kind)) return unknownRoute(path)
      params.scope = scope.id
      scopeSubscription = scope.subscriptionId
    }
    const request: ArmRequest = {
      model: this.model,
      url,
      params,
      page: (items) => this.page(items, url, false),
      body
    }
    const refused = row.check?.(request)
    if (refused) return refused
    const pathSubscription = params.subscriptionId ?? scopeSubscription
    request.subscriptionId = pathSubscription ?? row.subscriptionId?.(request)
    if (row.requires === 'subscription' && pathSubscription)
      request.subscription = this.model.subscription(pathSubscription)
    if (row.requires === 'managementGroup')
      request.managementGroup = this.model.group(params.managementGroup!)
    const text = (value: string | ((r: ArmRequest) => string)) =>
      typeof value === 'string' ? fill(value, params) : value(request)
    const answer = (loop: boolean): Reply => {
      if (pathSubscription && row.requires === 'subscription' && !request.subscription)
        return subscriptionNotFound(pathSubscription)
      if (row.requires === 'managementGroup' && !request.managementGroup)
        return managementGroupNotFound(params.managementGroup!)
      return row.answer({ ...request, page: (items) => this.page(items, url, loop) })
    }
    return {
      kind: typeof row.kind === 'string' ? row.kind : row.kind(request),
      ...(request.subscriptionId ? { subscriptionId: request.subscriptionId } : {}),
      action: text(row.action),
      scope: text(row.scope),
      paged: row.paged ?? false,
      notFound: () =>
        row.notFound?.(request) ??
        (!request.subscriptionId && row.requires === 'managementGroup'
          ? managementGroupNotFound(params.managementGroup!)
          : subscriptionNotFound(request.subscriptionId ?? 'unknown')),
      answer
    }
  }

  private page(items: unknown[], url: URL, loop: boolean): Reply {
    return page(items, url, {
      pageSize: this.model.estate.pageSize ?? 100,
      loop,
      base: this.base()
    })
  }
}

/** Runs an answer; a failure of the stand-in itself is ARM's 500 with its stack. */
function safely(answer: () => Reply): Reply {
  try {
    return answer()
  } catch (error) {
    return armError(
      500,
      'InternalServerError',
      `The stand-in failed: ${(error as Error).stack ?? String(error)}`
    )
  }
}

/** 405 for a method the table does not answer on this path; a path it does not know answers GET
 * only (the stand-in is read-only). */
function methodNotAllowed(method: string, found: Lookup<ArmRoute>): Reply | undefined {
  if ('match' in found || (method === 'GET' && 'unknown' in found)) return undefined
  const allowed = 'allowed' in found ? found.allowed : ['GET']
  return armError(
    405,
    'MethodNotAllowed',
    method === 'GET'
      ? "The requested resource does not support http method 'GET'."
      : `The requested resource does not support http method '${method}'. The local Azure stand-in is read-only: it answers GET (and POST ${POSTS.join(', ')}).`,
    { Allow: allowed.join(', ') }
  )
}

function missingApiVersion(url: URL): Reply | undefined {
  if (url.searchParams.get('api-version')) return undefined
  return armError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.'
  )
}

/** 400 for a path under /subscriptions/{id} whose id is not a GUID, whatever follows. */
function invalidSubscriptionId(path: string): Reply | undefined {
  const id = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path)?.[1]
  if (id === undefined || GUID_PATTERN.test(id)) return undefined
  return armError(
    400,
    'InvalidSubscriptionId',
    `The provided subscription identifier '${id}' is malformed or invalid.`
  )
}

/** A `{scope...}` parameter read: its kind, ARM's spelling, and the subscription it is in. */
function pathScope(
  scope: string
): { kind: ScopeKind; id: string; subscriptionId?: string } | undefined {
  if (scope === '') return { kind: 'tenant', id: '' }
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope)
  if (mg) return { kind: 'managementGroup', id: `${MG_PREFIX}${mg[1]}` }
  const sub = /^\/subscriptions\/([^/]+)(.*)$/i.exec(scope)
  if (!sub) return undefined
  const [, subscriptionId, inside] = sub as unknown as [string, string, string]
  return {
    kind: inside === '' ? 'subscription' : 'inside',
    id: `/subscriptions/${subscriptionId}${inside}`,
    subscriptionId
  }
}
