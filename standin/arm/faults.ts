// The faults the stand-in's ARM injects (docs/design.md, "The stand-in"; standin/README.md,
// "Faults"): which fault a request meets, and what it makes of the answer.

import type { IncomingHttpHeaders } from 'node:http'
import type { Fault } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError, replyText } from '../http.ts'
import type { ResolvedRoute } from './request.ts'

interface FaultState {
  fault: Fault
  used: number
}

/** The faults of each subscription's requests, and ('') of requests that concern none. */
export class FaultBook {
  private readonly lists = new Map<string, FaultState[]>()

  /** Replaces the faults of one subscription's requests (`''`: of requests that concern none). */
  set(subscriptionId: string, faults: Fault[]): void {
    this.lists.set(
      subscriptionId.toLowerCase(),
      faults.map((fault) => ({ fault, used: 0 }))
    )
  }

  /** The first fault of the route's list that applies to it, counted as used. */
  take(route: ResolvedRoute): Fault | undefined {
    for (const state of this.lists.get(route.subscriptionId?.toLowerCase() ?? '') ?? []) {
      const { fault } = state
      if ((fault.on ?? 'any') !== 'any' && fault.on !== route.kind) continue
      if (fault.times !== undefined && state.used >= fault.times) continue
      if (fault.fault === 'nextlink-loop' && !route.paged) continue
      state.used++
      return fault
    }
    return undefined
  }
}

/** Who is asking, for the messages of throttling and AuthorizationFailed, and the request's
 * method, path and headers, for `echo-headers`. */
export interface Caller {
  tenantId: string
  principalObjectId: string
  method: string
  path: string
  headers: IncomingHttpHeaders
}

/** What a fault makes of a route's answer: the Reply to send, or `reset` (destroy the
 * connection) or `hang` (never answer). `safely` runs the route's answer. */
export function faultedReply(
  fault: Fault,
  route: ResolvedRoute,
  caller: Caller,
  safely: (answer: () => Reply) => Reply
): Reply | 'reset' | 'hang' {
  const retryAfter: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) }
  switch (fault.fault) {
    case 'nextlink-loop':
      return safely(() => route.answer(true))
    case 'throttle': {
      const headers = { 'x-ms-ratelimit-remaining-subscription-reads': '0', ...retryAfter }
      const [code, over] = route.subscriptionId
        ? ['SubscriptionRequestsThrottled', `subscription '${route.subscriptionId}'`]
        : ['TenantRequestsThrottled', `tenant '${caller.tenantId}'`]
      return armError(
        429,
        code,
        `Number of 'read' requests for ${over} actor '${caller.principalObjectId}' exceeded. Please try again after '${fault.retryAfterSeconds ?? 5}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        headers
      )
    }
    case 'unavailable':
      return armError(
        503,
        'ServiceUnavailable',
        'The service is currently unavailable. Please try again later.',
        retryAfter
      )
    case 'reset':
    case 'hang':
      return fault.fault
    case 'malformed-json': {
      const text = replyText(safely(() => route.answer(false)))
      return {
        status: 200,
        text: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
        headers: { 'Content-Type': 'application/json; charset=utf-8' }
      }
    }
    case 'forbidden':
      return armError(
        403,
        'AuthorizationFailed',
        `The client '${caller.principalObjectId}' with object id '${caller.principalObjectId}' does not have authorization to perform action '${route.action}' over scope '${route.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
      )
    case 'not-found':
      return route.notFound()
    case 'echo-headers':
      // What a rewriting proxy (or a gateway's debugging page) in front of Resource Manager makes
      // of an answer: the request it got, headers and all, the access token among them.
      return armError(
        400,
        'InvalidRequest',
        `The gateway could not forward the request. Headers received:\n${echoed(caller.headers)}\nRequest: ${caller.method} ${caller.path}`
      )
  }
}

/** `name: value` lines of the request's headers, in the order of their names. */
function echoed(headers: IncomingHttpHeaders): string {
  return Object.keys(headers)
    .sort()
    .map((name) => `${name}: ${[headers[name] ?? ''].flat().join(', ')}`)
    .join('\n')
}
