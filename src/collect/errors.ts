// Turns what went wrong talking to Resource Manager into one sentence that says what to do. Azure's
// messages enter the run here: each is made one line, redacted and cut (azure-text.ts) before any
// sentence quotes it, since an answer can echo the request's headers, token included.
import { isRestError } from '@azure/core-rest-pipeline'
import { AuthenticationError } from '@azure/identity'
import { MAX_ERROR_CODE, MAX_ERROR_MESSAGE, azureText } from '../azure-text.ts'
import type { ErrorCause } from '../model.ts'
import { RequestGaveUpError } from './retry-policy.ts'
import { listedActions } from './permissions.ts'

/** An error answer from Resource Manager, with ARM's error code when it gave one. */
export class ArmRequestError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'ArmRequestError'
    this.status = status
    this.code = code
  }

  static fromBody(status: number, body: unknown): ArmRequestError {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
    return new ArmRequestError(
      status,
      typeof error?.code === 'string' ? error.code : `HTTP ${status}`,
      typeof error?.message === 'string' ? error.message : `Resource Manager answered ${status}`
    )
  }
}

export class PagingLoopError extends Error {
  constructor(pages: number) {
    super(`Resource Manager's paging did not end: a nextLink repeated after ${pages} pages`)
    this.name = 'PagingLoopError'
  }
}

export interface FailureContext {
  subscriptionId: string
  clientId: string
  /** What was being read, e.g. "the policy assignments". */
  what: string
  /** Where it was read; default the subscription. */
  scope?: string
}

interface Failure {
  status: number | undefined
  code: string
  message: string
}

function failureOf(error: unknown): Failure {
  if (error instanceof ArmRequestError) {
    return { status: error.status, code: error.code, message: error.message }
  }
  if (isRestError(error)) {
    const parsing = error.code === 'PARSE_ERROR' || /JSON|parse/i.test(error.message)
    return {
      status: error.statusCode,
      code: parsing && (error.statusCode ?? 200) < 400 ? 'MalformedResponse' : (error.code ?? ''),
      message: error.message
    }
  }
  if (error instanceof SyntaxError) {
    return { status: 200, code: 'MalformedResponse', message: error.message }
  }
  return {
    status: undefined,
    code: '',
    message: error instanceof Error ? error.message : String(error)
  }
}

/** Azure's message on one line (its lines, some carrying correlation ids, joined with spaces),
 * secrets redacted, cut at MAX_ERROR_MESSAGE. Reports that need it shorter cut it again, at a
 * word. */
function oneLine(message: string): string {
  const joined = message
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ')
  return azureText(joined, MAX_ERROR_MESSAGE)
}

/** What the reader of an `error` verdict has to fix, from what went wrong. */
export function failureCause(error: unknown): ErrorCause {
  if (error instanceof RequestGaveUpError || error instanceof PagingLoopError) return 'transient'
  if (isEntraFailure(error)) return 'transient'
  const failure = failureOf(error)
  switch (failure.status) {
    case 401:
      // An expired token is a renewal that came too late, not a token of another tenant.
      return failure.code === 'ExpiredAuthenticationToken' ? 'transient' : 'wrong-tenant'
    case 403:
      return 'access-denied'
    case 404:
      return 'not-found'
    default:
      return 'transient'
  }
}

/** What went wrong, in a few words, e.g. `404 PolicySetDefinitionNotFound: The policy set ...`. */
export function failureDetail(error: unknown): string {
  if (error instanceof RequestGaveUpError || error instanceof PagingLoopError) return error.message
  const failure = failureOf(error)
  const code = failure.code ? ` ${azureText(failure.code, MAX_ERROR_CODE)}` : ''
  return `${failure.status ?? 'no answer'}${code}: ${oneLine(failure.message)}`
}

// The credential fails with AuthenticationError, AuthenticationRequiredError or an MSAL error
// whose message carries Entra's AADSTS code; all mean no access token, not an ARM answer.
function isEntraFailure(error: unknown): boolean {
  if (error instanceof AuthenticationError) return true
  return (
    error instanceof Error &&
    (/^(Authentication|CredentialUnavailable)/.test(error.name) || /AADSTS\d+/.test(error.message))
  )
}

function entraDescription(error: unknown): string {
  if (error instanceof AuthenticationError) {
    return error.errorResponse.errorDescription || error.errorResponse.error
  }
  const message = error instanceof Error ? error.message : String(error)
  return /AADSTS\d+:[^.]*\./.exec(message)?.[0] ?? message
}

/** One sentence for the `error` verdict of a subscription that could not be read. */
export function describeFailure(error: unknown, context: FailureContext): string {
  const scope = context.scope ?? `/subscriptions/${context.subscriptionId}`
  if (error instanceof RequestGaveUpError) {
    if (error.kind === 'deadline') {
      return `Could not read ${context.what} of ${scope}: the run reached its deadline first; re-run the check, or split the subscriptions over several steps.`
    }
    return `Could not read ${context.what} of ${scope}: ${error.message}; re-run the check later.`
  }
  if (isEntraFailure(error)) {
    return `Could not read ${context.what} of ${scope}: Entra ID refused a new access token during the run (${oneLine(entraDescription(error))}); re-run the check.`
  }
  if (error instanceof PagingLoopError) {
    return `Could not read ${context.what} of ${scope}: ${error.message}; re-run the check later, and report it to Azure support if it persists.`
  }
  const failure = failureOf(error)
  const detail = `(${failureDetail(error)})`
  switch (failure.status) {
    case 401:
      return explainRefusedToken(failure.code, scope, detail)
    case 403:
      return context.scope === undefined
        ? `The identity ${context.clientId} may not read ${context.what} of ${scope} ${detail}; give it the Reader role on the subscription, or at least ${listedActions()}.`
        : `The identity ${context.clientId} may not read ${context.what} of ${scope} ${detail}.`
    case 404:
      return context.scope === undefined
        ? `Subscription ${context.subscriptionId} was not found, or is not visible to the identity ${context.clientId} ${detail}; check the id and the identity's role assignments.`
        : `${scope} was not found, or is not visible to the identity ${context.clientId} ${detail}; check the identity's role assignments there.`
    case 429:
      return `Resource Manager kept throttling the requests for ${scope} ${detail}; lower \`max-concurrency\` or re-run the check later.`
    default:
      break
  }
  if (failure.code === 'MalformedResponse') {
    return `Resource Manager's answer for ${context.what} of ${scope} was malformed ${detail}; re-run the check later.`
  }
  if (failure.status !== undefined && failure.status >= 500) {
    return `Resource Manager failed while reading ${context.what} of ${scope} ${detail}; re-run the check later.`
  }
  return `Could not read ${context.what} of ${scope} ${detail}.`
}

/** ARM's 401 for a subscription: an expired token, a token for another cloud, or another tenant. */
function explainRefusedToken(code: string, scope: string, detail: string): string {
  const refused = `Resource Manager refused the access token for ${scope} ${detail}`
  switch (code) {
    case 'ExpiredAuthenticationToken':
      return `${refused}: the access token expired during the run before it was renewed (the check renews it five minutes before the expiry Entra ID gave). This is not a tenant problem: re-run the check.`
    case 'InvalidAuthenticationTokenAudience':
      return `${refused}: the token is for another cloud's Resource Manager; check \`environment\` and \`resource-manager-endpoint\`.`
    default:
      return `${refused}; check that \`tenant-id\` is the tenant of the subscription.`
  }
}
