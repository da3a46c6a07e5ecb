// The shape of an ARM route and of the request its handler answers (docs/design.md, "The
// stand-in"). The table is in routes.ts; service.ts resolves a request through it.

import type { RequestKind } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError } from '../http.ts'
import type { RouteRow } from '../router.ts'
import type { ArmModel, MgNode, SubNode } from './model.ts'
import { MG_PREFIX } from './model.ts'

/** Where a `{scope...}` path parameter points: the tenant (''), a management group, a
 * subscription, or anything inside a subscription (a resource group, a resource). */
export type ScopeKind = 'tenant' | 'managementGroup' | 'subscription' | 'inside'

export type ArmKind = Exclude<RequestKind, 'any'>

/** What a handler gets. */
export interface ArmRequest {
  model: ArmModel
  url: URL
  /** The path's parameters as the request spelled them, but `scope`, which has ARM's spelling
   * of its prefix (`/subscriptions/`, `/providers/Microsoft.Management/managementGroups/`). */
  params: Record<string, string>
  /** The subscription the request concerns (the path's, or the row's `subscriptionId`). */
  subscriptionId?: string
  /** With `requires: 'subscription'`, the subscription the path names (when it names one). */
  subscription?: SubNode
  /** With `requires: 'managementGroup'`, the path's `{managementGroup}`. */
  managementGroup?: MgNode
  /** One page of a list (paging.ts): `$top`, `$skiptoken`, `nextLink`, the nextlink-loop fault. */
  page(items: unknown[]): Reply
  /** The request body (POST), as text; empty for GET. */
  body?: string
}

/** A row of the ARM route table. Strings of `action` and `scope` are templates like the path's:
 * `{name}` stands for that path parameter. */
export interface ArmRoute extends RouteRow {
  method: 'GET' | 'POST'
  /** Which faults apply (`Fault.on`). */
  kind: ArmKind | ((request: ArmRequest) => ArmKind)
  /** What a `forbidden` fault's AuthorizationFailed says was denied, and over which scope. */
  action: string | ((request: ArmRequest) => string)
  scope: string | ((request: ArmRequest) => string)
  /** A list: the nextlink-loop fault applies. */
  paged?: boolean
  /** With a `{scope...}` parameter: the kinds of scope served (others: 404, not served). */
  scopes?: ScopeKind[]
  /** The subscription (when the path names one) or the `{managementGroup}` must exist, else
   * SubscriptionNotFound or NotFound, answered after latency and faults as any answer is. */
  requires?: 'subscription' | 'managementGroup'
  /** Refuses a request before latency and faults (a query it cannot serve): a 400. */
  check?(request: ArmRequest): Reply | undefined
  /** The subscription a request concerns when its path names none (latency, faults, log). */
  subscriptionId?(request: ArmRequest): string | undefined
  /** What a `not-found` fault answers; default SubscriptionNotFound, or NotFound of the
   * `{managementGroup}` for rows that require it. */
  notFound?(request: ArmRequest): Reply
  /** The answer. */
  answer(request: ArmRequest): Reply
}

/** A request resolved through its row: what the request flow and its faults need. */
export interface ResolvedRoute {
  kind: ArmKind
  subscriptionId?: string
  action: string
  scope: string
  paged: boolean
  notFound(): Reply
  /** `loop`: the nextlink-loop fault. */
  answer(loop: boolean): Reply
}

/** A template with `{name}` replaced by that parameter. */
export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '')
}

export function subscriptionNotFound(id: string): Reply {
  return armError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`)
}

export function managementGroupNotFound(name: string): Reply {
  return armError(404, 'NotFound', `'${MG_PREFIX}${name}' not found`)
}

export function unknownRoute(path: string): Reply {
  return armError(404, 'NotFound', `The local Azure stand-in does not serve '${path}'.`)
}
