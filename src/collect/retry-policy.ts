// The pipeline policy that replaces the SDK's default retry policy: one policy per file, as
// @azure/core-rest-pipeline keeps its own. It holds a request slot for each attempt and bounds
// every attempt, retry and wait by the run's RequestLimits.
import { isRestError } from '@azure/core-rest-pipeline'
import type { Pipeline, PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline'
import type { RequestLimits } from './limits.ts'
import { sleep, type Semaphore } from './concurrency.ts'

/** Why the retries gave up, for the error message. */
export class RequestGaveUpError extends Error {
  readonly kind: 'timeout' | 'deadline' | 'connection'
  constructor(kind: 'timeout' | 'deadline' | 'connection', message: string) {
    super(message)
    this.name = 'RequestGaveUpError'
    this.kind = kind
  }
}

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const RETRIED_SYSTEM_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN'
])

export const boundedRetryPolicyName = 'jitCheckBoundedRetryPolicy'

/**
 * Sends each attempt while holding one of the run's request slots, with a time-out that starts
 * once the slot is held (time spent queued is not the server's); retries throttling, 5xx answers,
 * connection failures and hung attempts, honouring Retry-After, without holding a slot while it
 * waits; and gives up at the run's deadline.
 *
 * Reads above the subscriptions (built-in and management-group definitions, management groups)
 * take a slot first: every subscription that names them waits on them, so queueing them behind
 * the per-subscription lists would hold verdicts back.
 */
export function boundedRetryPolicy(limits: RequestLimits, slots: Semaphore): PipelinePolicy {
  return {
    name: boundedRetryPolicyName,
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal
      const shared = new URL(request.url).pathname.toLowerCase().startsWith('/providers/')
      for (let attempt = 1; ; attempt += 1) {
        const release = await slots.acquire(shared)
        const attemptTimeout = AbortSignal.timeout(limits.requestTimeoutMs)
        const signals = [limits.deadline, attemptTimeout]
        if (callerSignal) signals.push(callerSignal as AbortSignal)
        request.abortSignal = AbortSignal.any(signals)
        let response: PipelineResponse | undefined
        let failure: unknown
        try {
          response = await next(request)
        } catch (error) {
          failure = error
        } finally {
          request.abortSignal = callerSignal
          release()
        }
        if (limits.deadline.aborted) {
          throw new RequestGaveUpError(
            'deadline',
            'the run reached its deadline before Resource Manager answered'
          )
        }
        if (failure !== undefined) {
          if (callerSignal?.aborted) throw failure
          const timedOut = attemptTimeout.aborted
          if (!timedOut && !isRetriedSystemError(failure)) throw failure
          if (attempt > limits.maxRetries) {
            throw new RequestGaveUpError(
              timedOut ? 'timeout' : 'connection',
              timedOut
                ? `Resource Manager did not answer within ${limits.requestTimeoutMs / 1000} s, ${attempt} times`
                : `the connection to Resource Manager failed ${attempt} times (${systemErrorCode(failure)})`
            )
          }
          await sleep(backOff(limits, attempt), limits.deadline)
          continue
        }
        const answered = response as PipelineResponse
        if (!RETRIED_STATUSES.has(answered.status) || attempt > limits.maxRetries) return answered
        const retryAfter = retryAfterMs(answered)
        if (retryAfter !== undefined && retryAfter > limits.maxRetryAfterMs) return answered
        await sleep(retryAfter ?? backOff(limits, attempt), limits.deadline)
      }
    }
  }
}

/** Puts `pipeline` (an Azure SDK client's) on the run's bounded retries in place of the SDK's
 * default retry policy: every request through it takes one of `slots` and keeps `limits`. */
export function useBoundedRetries(
  pipeline: Pipeline,
  limits: RequestLimits,
  slots: Semaphore
): void {
  pipeline.removePolicy({ name: 'defaultRetryPolicy' })
  pipeline.addPolicy(boundedRetryPolicy(limits, slots), { phase: 'Retry' })
}

function isRetriedSystemError(error: unknown): boolean {
  return RETRIED_SYSTEM_ERRORS.has(systemErrorCode(error))
}

function systemErrorCode(error: unknown): string {
  if (isRestError(error) && error.code) return error.code
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code
  if (typeof code === 'string') return code
  const causeCode = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code
  return typeof causeCode === 'string' ? causeCode : 'unknown error'
}

function backOff(limits: RequestLimits, attempt: number): number {
  const exponential = limits.retryDelayMs * 2 ** (attempt - 1)
  // Jitter spreads the retries of many subscriptions throttled at the same moment.
  return Math.round(exponential * (0.8 + Math.random() * 0.4))
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms / x-ms-retry-after-ms. */
export function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(header))
    if (response.headers.has(header) && Number.isFinite(value) && value >= 0) return value
  }
  const retryAfter = response.headers.get('retry-after')
  if (retryAfter === undefined || retryAfter.trim() === '') return undefined
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(retryAfter)
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined
}
