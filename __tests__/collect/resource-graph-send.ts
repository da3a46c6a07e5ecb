// The stand-in's Resource Graph called in process, as the REST API would be: a SendGraphQuery for
// the resource-graph engine's tests, with the requests it was sent.
import { RestError } from '@azure/core-rest-pipeline'
import type {
  GraphAnswer,
  GraphRequest,
  SendGraphQuery
} from '../../src/collect/resource-graph/client.ts'
import {
  createResourceGraph,
  type ResourceGraphOptions
} from '../../standin/resource-graph/index.ts'
import type { ResourceGraphEstate } from '../../standin/resource-graph/tables.ts'

/** A SendGraphQuery that calls the stand-in's handler in process, as the REST API would be. */
export function sendTo(estate: ResourceGraphEstate, options: ResourceGraphOptions = {}) {
  const handle = createResourceGraph(estate, {
    quota: { queriesPerWindow: 10_000, windowMs: 60_000 },
    ...options
  })
  const requests: GraphRequest[] = []
  const send: SendGraphQuery = async (request) => {
    requests.push(request)
    const { top, skipToken, resultFormat } = request.options
    const reply = handle(
      JSON.stringify({
        query: request.query,
        subscriptions: request.subscriptions,
        managementGroups: request.managementGroups,
        options: { $top: top, $skipToken: skipToken, resultFormat }
      }),
      { 'api-version': '2024-04-01' }
    )
    if (reply.status !== 200) {
      throw new RestError(JSON.stringify(reply.body), { statusCode: reply.status })
    }
    const body = reply.body as Omit<GraphAnswer, 'header' | 'skipToken'> & { $skipToken?: string }
    const headers = new Map(Object.entries(reply.headers).map(([k, v]) => [k.toLowerCase(), v]))
    return { ...body, skipToken: body.$skipToken, header: (name) => headers.get(name) }
  }
  return { send, requests }
}
