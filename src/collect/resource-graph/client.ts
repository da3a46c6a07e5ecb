// The Resource Graph connection of a run: `@azure/arm-resourcegraph` loaded only when the
// resource-graph engine is chosen (a dynamic import), on the run's retry policy (which honours
// Retry-After on 429), with each answer's headers handed back for the quota.
import type { TokenCredential } from '@azure/identity'
import type { RequestLimits } from '../limits.ts'
import { useBoundedRetries } from '../retry-policy.ts'
import { Semaphore } from '../concurrency.ts'

/** One query request, as the REST API's QueryRequest: either `subscriptions` (at most
 * MAX_SUBSCRIPTIONS_PER_REQUEST) or `managementGroups` (names), or neither (tenant scope). */
export interface GraphRequest {
  query: string
  subscriptions?: string[]
  managementGroups?: string[]
  options: { top: number; skipToken?: string; resultFormat: 'objectArray' }
}

/** One answer: the QueryResponse's fields and the response headers (lower-case names). */
export interface GraphAnswer {
  totalRecords: number
  count: number
  data: unknown
  skipToken?: string
  resultTruncated: string | boolean
  header(name: string): string | undefined
}

/** Sends one query request; rejects with the SDK's RestError on an error answer. */
export type SendGraphQuery = (request: GraphRequest) => Promise<GraphAnswer>

/**
 * A SendGraphQuery over `ResourceGraphClient.resources` (REST API 2024-04-01) at `endpoint`,
 * with the given credential. The client's own retry policy is replaced by the run's bounded one
 * (src/collect/limits.ts), so throttling (429 with Retry-After), 5xx answers and resets are
 * retried as for Resource Manager. Loads the SDK on first call of this function.
 */
export async function createGraphQuery(
  credential: TokenCredential,
  endpoint: string,
  limits: RequestLimits,
  userAgentPrefix: string
): Promise<SendGraphQuery> {
  const { ResourceGraphClient } = await import('@azure/arm-resourcegraph')
  // The SDK asks for a token of the public cloud's Resource Manager unless told the scope: the
  // run's endpoint's, the one token every client of the run shares (and the right audience in
  // other clouds).
  const client = new ResourceGraphClient(credential, {
    endpoint,
    userAgentOptions: { userAgentPrefix },
    credentials: { scopes: [`${endpoint}/.default`] }
  })
  useBoundedRetries(client.pipeline, limits, new Semaphore(limits.maxConcurrency))
  return async (request) => {
    let headers: { get(name: string): string | undefined } | undefined
    const response = await client.resources(request, {
      onResponse: (raw) => (headers = raw.headers),
      abortSignal: limits.deadline
    })
    return {
      totalRecords: response.totalRecords,
      count: response.count,
      data: response.data,
      skipToken: response.skipToken,
      resultTruncated: response.resultTruncated,
      header: (name) => headers?.get(name)
    }
  }
}
