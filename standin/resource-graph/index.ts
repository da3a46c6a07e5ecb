// Resource Graph as a row of the stand-in's ARM (standin/arm/index.ts): Resource Graph is a
// provider of Resource Manager (`POST {resource-manager-endpoint}/providers/Microsoft.ResourceGraph/
// resources`), so its requests meet ARM's request flow first (access token, api-version, latency,
// the faults of requests that concern no subscription) and are counted in the request log.
// handler.ts answers them over the same estate; one handler (one quota window) per stand-in.
import type { ArmRequest } from '../arm/request.ts'
import type { Reply } from '../http.ts'
import { createResourceGraph, type ResourceGraphHandler } from './handler.ts'
import type { ResourceGraphEstate } from './tables.ts'

const handlers = new WeakMap<object, ResourceGraphHandler>()

/** The answer to one Resource Graph query request (its JSON body in `request.body`), with the
 * quota and subscription cap the estate's `resourceGraph` sets (handler.ts's defaults else). */
export function answerResourceGraph(request: ArmRequest): Reply {
  let handle = handlers.get(request.model)
  if (!handle) {
    const estate = request.model.estate as ResourceGraphEstate
    handle = createResourceGraph(estate, estate.resourceGraph)
    handlers.set(request.model, handle)
  }
  const reply = handle(request.body ?? '', Object.fromEntries(request.url.searchParams))
  return { status: reply.status, body: reply.body, headers: reply.headers }
}
