// The runner's GitHub OIDC token, the first thing sign-in needs from the network. main asks for it
// as soon as the inputs are read and before it loads the Azure SDK (most of the bundle), so that
// the runner answers while the SDK loads; this module therefore imports nothing from the SDK
// (docs/design.md, "Architecture"). The Entra exchange that uses the token is index.ts.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { ClientRequest } from 'node:http'
import { SignInError } from './errors.ts'

export interface TokenClaims {
  iss?: unknown
  sub?: unknown
  aud?: unknown
  exp?: unknown
}

// Reuse the OIDC token until this long before it expires: the credential asks for an assertion
// twice per token request, and Entra rejects an assertion that expires in flight.
const ASSERTION_EXPIRY_MARGIN_MS = 60_000
const ASSERTION_FALLBACK_LIFETIME_MS = 5 * 60_000

/** Reads a JWT's claims without verifying it: only to explain a refusal and to know its expiry. */
export function decodeTokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1]
  if (payload === undefined) return {}
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : {}
  } catch {
    return {}
  }
}

export interface OidcAssertion {
  /** The callback for ClientAssertionCredential. */
  getAssertion: () => Promise<string>
  /** The last token the runner gave, to explain a refusal (never printed). */
  lastToken: () => string | undefined
  /** The last failure to get a token, which the credential may have wrapped. */
  lastError: () => unknown
}

/** The assertion callback: one OIDC request per token lifetime, shared by concurrent callers. */
export function oidcAssertion(
  getIdToken: (audience: string) => Promise<string>,
  audience: string,
  now: () => number = Date.now
): OidcAssertion {
  let cached: { token: string; renewAt: number } | undefined
  let pending: Promise<string> | undefined
  let failure: unknown

  async function fetchToken(): Promise<string> {
    try {
      const token = await getIdToken(audience)
      const expiry = decodeTokenClaims(token).exp
      const renewAt =
        typeof expiry === 'number'
          ? expiry * 1000 - ASSERTION_EXPIRY_MARGIN_MS
          : now() + ASSERTION_FALLBACK_LIFETIME_MS
      cached = { token, renewAt }
      failure = undefined
      return token
    } catch (error) {
      failure = error
      throw error
    }
  }

  return {
    getAssertion() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token)
      pending ??= fetchToken().finally(() => {
        pending = undefined
      })
      return pending
    },
    lastToken: () => cached?.token,
    lastError: () => failure
  }
}

export interface OidcRequest {
  /** Shares the runner's answer with the credential. */
  assertion: OidcAssertion
  /**
   * Settles once the request has been handed to the operating system, or has failed before that.
   * Loading code blocks the event loop, which must first finish sending the request (connection,
   * TLS handshake); after that, the runner's answer arrives while the code loads.
   */
  sent: Promise<void>
}

// Node publishes each HTTP request here once its end() has been called, before it is sent. Node's
// documentation marks its built-in channels experimental: should this one change, the wait ends
// when the token arrives or at the limit below, and only the overlap is lost.
const HTTP_REQUEST_STARTED = 'http.client.request.start'
const SENT_WAIT_LIMIT_MS = 1_000

/**
 * Starts asking the runner for its OIDC token now; the assertion shares the answer (a failure is
 * kept for sign-in to explain). Without an OIDC endpoint, says why. The token request is the first
 * this process makes, so the first request Node starts from here on is taken to be it, except a
 * CONNECT: behind a proxy, @actions/http-client first opens a tunnel with one.
 */
export function requestOidcAssertion(options: {
  /** Asks the runner for an OIDC token for the audience (`core.getIDToken`). */
  getIdToken: (audience: string) => Promise<string>
  audience: string
  /** Whether the runner offers an OIDC token at all (ACTIONS_ID_TOKEN_REQUEST_URL is set). */
  available: boolean
}): OidcRequest {
  if (!options.available) throw new SignInError(noOidcTokenMessage())
  let settle!: () => void
  const sent = new Promise<void>((resolve) => (settle = resolve))
  const onRequestStarted = (message: unknown) => {
    const { request } = message as { request: ClientRequest }
    if (request.method === 'CONNECT') return
    unsubscribe(HTTP_REQUEST_STARTED, onRequestStarted)
    request.once('finish', done).once('close', done)
  }
  const timer = setTimeout(done, SENT_WAIT_LIMIT_MS)
  function done() {
    clearTimeout(timer)
    unsubscribe(HTTP_REQUEST_STARTED, onRequestStarted)
    settle()
  }
  subscribe(HTTP_REQUEST_STARTED, onRequestStarted)
  const assertion = oidcAssertion(options.getIdToken, options.audience)
  assertion.getAssertion().then(done, done)
  return { assertion, sent }
}

/**
 * One sentence for a failed request to the runner's OIDC token endpoint, from what
 * `core.getIDToken` threw: the endpoint's HTTP status and message, or the network error. The
 * runner did give a request URL (else requestOidcAssertion already said so), so the job's
 * permissions are not the cause and are not mentioned.
 */
export function explainOidcFailure(error: unknown, audience: string): string {
  const { status, detail } = oidcFailureDetail(error)
  const asked = `the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) for a token for audience '${audience}'`
  if (status !== undefined) {
    return (
      `Could not get a GitHub OIDC token: ${asked} answered HTTP ${status}${detail ? ` (${detail})` : ''}. ` +
      "The endpoint is GitHub's: re-run the job, and check https://www.githubstatus.com if it keeps failing."
    )
  }
  return (
    `Could not get a GitHub OIDC token: ${asked} could not be reached (${detail || 'no answer'}). ` +
    'Re-run the job; on a self-hosted runner, check that it reaches that endpoint (DNS, firewall, HTTPS_PROXY and NO_PROXY).'
  )
}

// @actions/core wraps the HTTP client's error as "Error message: Failed to get ID Token. \n
// Error Code : <status or undefined>\n Error Message: <the endpoint's message or the network
// error>" (@actions/core, oidc-utils); anything else is shown as its first line.
function oidcFailureDetail(error: unknown): { status: number | undefined; detail: string } {
  const text = error instanceof Error ? error.message : String(error)
  const code = /Error Code\s*:\s*(\d{3})\b/.exec(text)?.[1]
  const message = /Error Message:\s*([^\r\n]*)/.exec(text)?.[1]?.trim()
  const detail =
    message ??
    (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '')
      .replace(/^Error message: /, '')
      .trim()
  return { status: code === undefined ? undefined : Number(code), detail: detail.slice(0, 300) }
}

function noOidcTokenMessage(): string {
  return (
    'The runner gave this job no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set). ' +
    'Add `permissions: id-token: write` to the workflow or the job (with `contents: read`). ' +
    'Pull requests from forks never get an OIDC token: run this check on pushes, on a schedule, ' +
    'or on pull requests from branches of this repository.'
  )
}
