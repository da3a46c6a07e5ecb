// Runs the sign-in and the collector in-process against the local Azure stand-in.
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import type { Estate } from '../../standin/estate/index.ts'
import {
  collectSubscriptions,
  type Collected,
  type CollectedAt
} from '../../src/collect/resource-manager-engine.ts'
import { createResourceManager, type ResourceManager } from '../../src/collect/resource-manager.ts'
import type { RequestLimits } from '../../src/collect/limits.ts'
import { requestOidcAssertion } from '../../src/signin/oidc.ts'
import { signIn } from '../../src/signin/index.ts'
import { quietIdToken } from '../support/quiet.ts'

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
export const CLIENT_ID = 'c0ffee00-0000-4000-8000-000000000001'

export function subscriptionIdOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export async function withStandIn<T>(estate: Estate, body: (standIn: StandIn) => Promise<T>) {
  const standIn = await startStandIn({ estate })
  trustStandIn(standIn)
  const previous = { ...process.env }
  Object.assign(process.env, standIn.runnerEnvironment())
  try {
    return await body(standIn)
  } finally {
    for (const key of Object.keys(process.env)) {
      if (!(key in previous)) Reflect.deleteProperty(process.env, key)
    }
    Object.assign(process.env, previous)
    await standIn.close()
  }
}

export const FAST_LIMITS: Omit<RequestLimits, 'deadline'> = {
  maxConcurrency: 8,
  requestTimeoutMs: 5_000,
  maxRetries: 3,
  retryDelayMs: 20,
  maxRetryAfterMs: 5_000
}

/** A Resource Manager connection to the stand-in, signed in as the action does. */
export async function resourceManagerFor(
  standIn: StandIn,
  limits: Partial<RequestLimits> = {}
): Promise<ResourceManager> {
  return (await signedInTo(standIn, limits)).resourceManager
}

/** The credential the action signs in to the stand-in with, and a Resource Manager connection
 * over it with `limits`. */
export async function signedInTo(standIn: StandIn, limits: Partial<RequestLimits> = {}) {
  const { credential } = await signIn({
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    audience: 'api://AzureADTokenExchange',
    authorityHost: standIn.authorityHost,
    resourceManagerEndpoint: standIn.resourceManagerEndpoint,
    assertion: requestOidcAssertion({
      getIdToken: (audience) => quietIdToken(audience),
      audience: 'api://AzureADTokenExchange',
      available: true
    }).assertion,
    setSecret: () => undefined,
    timeoutMs: 30_000
  })
  const resourceManager = createResourceManager(
    credential,
    standIn.resourceManagerEndpoint,
    { ...FAST_LIMITS, deadline: AbortSignal.timeout(60_000), ...limits },
    'jit-check-tests'
  )
  return { credential, resourceManager }
}

/** The collector's reads, as it yields them, signed in to the stand-in as the action does. */
export async function readsFrom(
  standIn: StandIn,
  subscriptionIds: string[],
  limits: Partial<RequestLimits> = {},
  subscriptionsInFlight = (limits.maxConcurrency ?? FAST_LIMITS.maxConcurrency) * 2,
  options: { defenderPlanCheck?: boolean } = {}
): Promise<AsyncGenerator<CollectedAt, void, undefined>> {
  return collectSubscriptions(await resourceManagerFor(standIn, limits), subscriptionIds, {
    clientId: standIn.clientId,
    subscriptionsInFlight,
    ...options
  })
}

/** Every read, in the order of `subscriptionIds` (the collector yields them as they finish). */
export async function collectFrom(
  standIn: StandIn,
  subscriptionIds: string[],
  limits: Partial<RequestLimits> = {},
  subscriptionsInFlight?: number
): Promise<Collected[]> {
  const collected = new Array<Collected>(subscriptionIds.length)
  const reads = await readsFrom(standIn, subscriptionIds, limits, subscriptionsInFlight)
  for await (const { index, ...read } of reads) collected[index] = read
  return collected
}

export function armRequests(standIn: StandIn) {
  return standIn.requests.filter((request) => request.service === 'arm')
}
