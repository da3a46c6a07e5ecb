// The Resource Manager connection for a run: one credential, one HTTP client (so connections are
// reused), one request limiter and retry policy shared by every policy client.
import { PolicyClient } from '@azure/arm-policy'
import {
  createDefaultHttpClient,
  createPipelineRequest,
  type HttpClient
} from '@azure/core-rest-pipeline'
import type { TokenCredential } from '@azure/identity'
import { ArmRequestError, PagingLoopError } from './errors.ts'
import type { RequestLimits } from './limits.ts'
import { useBoundedRetries } from './retry-policy.ts'
import { Semaphore } from './concurrency.ts'

// ARM's paging of one list stops here: a nextLink chain this long is broken, not big.
export const MAX_PAGES = 1000

/**
 * The next page of a list, resolved against the page it came from. A nextLink to another origin
 * is refused: the pipeline would send it the Resource Manager token.
 */
export function nextPageUrl(
  nextLink: unknown,
  current: string,
  endpoint: string
): string | undefined {
  if (nextLink === undefined || nextLink === null || nextLink === '') return undefined
  if (typeof nextLink !== 'string') {
    throw new ArmRequestError(
      200,
      'MalformedResponse',
      'the answer had a nextLink that is not text'
    )
  }
  const next = new URL(nextLink, current)
  if (next.origin !== new URL(endpoint).origin) {
    throw new ArmRequestError(
      200,
      'MalformedResponse',
      `the answer's nextLink points to ${next.origin}, not to ${new URL(endpoint).origin}`
    )
  }
  return next.href
}

/**
 * `pathAndQuery` resolved against `endpoint`. Paths are built from ids Azure gave (a set an
 * assignment names, say): one that resolves to another origin (`//host/...`) is refused, since the
 * pipeline would send it the Resource Manager token.
 */
export function onEndpoint(pathAndQuery: string, endpoint: string): string {
  const url = new URL(pathAndQuery, endpoint)
  if (url.origin !== new URL(endpoint).origin) {
    throw new ArmRequestError(
      0,
      'RefusedOrigin',
      `a request for ${JSON.stringify(pathAndQuery.slice(0, 200))} would leave ${new URL(endpoint).origin}`
    )
  }
  return url.href
}

export interface ResourceManager {
  readonly endpoint: string
  /** The limits every request through this connection keeps. */
  readonly limits: RequestLimits
  /** A policy client for one subscription (or, without one, for tenant-level reads). */
  policyClient(subscriptionId?: string): PolicyClient
  /** GETs every page of a list (`value` + `nextLink`), refusing a nextLink it already followed;
   * `onPage` is called once for each page read. */
  listAll(pathAndQuery: string, onPage?: () => void): Promise<unknown[]>
  /** GETs one resource; its parsed JSON body. Throws ArmRequestError for an error answer or a body
   * that is not JSON. */
  getJson(pathAndQuery: string): Promise<unknown>
  /** POSTs a read with an empty body (Policy Insights' queryResults); its parsed JSON body, as
   * getJson. `pathAndQuery` may be a URL on the endpoint (a page's nextLink). */
  postJson(pathAndQuery: string): Promise<unknown>
}

/**
 * The Resource Manager connection of a run at `endpoint` (https, no trailing slash): every request
 * carries a token from `credential` and `userAgentPrefix`, and keeps `limits` (request slots,
 * time-outs, retries, the run's deadline).
 */
export function createResourceManager(
  credential: TokenCredential,
  endpoint: string,
  limits: RequestLimits,
  userAgentPrefix: string
): ResourceManager {
  const httpClient: HttpClient = createDefaultHttpClient()
  const slots = new Semaphore(limits.maxConcurrency)

  function policyClient(subscriptionId?: string): PolicyClient {
    const options = { endpoint, httpClient, userAgentOptions: { userAgentPrefix } }
    const client =
      subscriptionId === undefined
        ? new PolicyClient(credential, options)
        : new PolicyClient(credential, subscriptionId, options)
    useBoundedRetries(client.pipeline, limits, slots)
    return client
  }

  const tenantClient = policyClient()

  async function getJson(url: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
    const response = await tenantClient.pipeline.sendRequest(
      httpClient,
      createPipelineRequest({ url, method })
    )
    let body: unknown
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined
    } catch {
      if (response.status < 400) {
        throw new ArmRequestError(
          response.status,
          'MalformedResponse',
          'the answer was not valid JSON'
        )
      }
    }
    if (response.status >= 400) throw ArmRequestError.fromBody(response.status, body)
    return body
  }

  async function listAll(pathAndQuery: string, onPage?: () => void): Promise<unknown[]> {
    const items: unknown[] = []
    const followed = new Set<string>()
    let url: string | undefined = pathAndQuery
    while (url !== undefined) {
      if (followed.has(url) || followed.size >= MAX_PAGES) throw new PagingLoopError(followed.size)
      followed.add(url)
      const page = (await getJson(url)) as { value?: unknown; nextLink?: unknown } | undefined
      if (!Array.isArray(page?.value)) {
        throw new ArmRequestError(200, 'MalformedResponse', 'the answer had no `value` list')
      }
      onPage?.()
      items.push(...page.value)
      url = nextPageUrl(page.nextLink, url, endpoint)
    }
    return items
  }

  return {
    endpoint,
    limits,
    policyClient,
    listAll: async (pathAndQuery, onPage) => listAll(onEndpoint(pathAndQuery, endpoint), onPage),
    getJson: async (pathAndQuery) => getJson(onEndpoint(pathAndQuery, endpoint)),
    postJson: async (pathAndQuery) => getJson(onEndpoint(pathAndQuery, endpoint), 'POST')
  }
}
