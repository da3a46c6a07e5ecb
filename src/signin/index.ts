// Sign-in, the entry of src/signin/: the only code that talks to Entra ID. It exchanges the
// runner's OIDC token (oidc.ts, which main loads on its own, before the Azure SDK) for an Azure
// Resource Manager access token and explains the refusals people hit (refusals.ts). Outside a
// GitHub workflow (the command line, src/cli/) it signs in with what the machine is signed in
// with, through @azure/identity's chain (Microsoft Learn, "Credential chains in the Azure Identity
// client library for JavaScript"): a service principal in the environment (EnvironmentCredential),
// else the Azure CLI's login (AzureCliCredential). Only the credentials used are imported
// (docs/design.md, "The bundle").
import {
  AuthenticationError,
  AzureCliCredential,
  ChainedTokenCredential,
  ClientAssertionCredential,
  EnvironmentCredential
} from '@azure/identity'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import { SignInError } from './errors.ts'
import { LOCAL_SIGN_IN } from '../runner-interface.ts'
import { abandonOnAbort, describeDuration } from '../deadline.ts'
import type { Cloud } from '../defaults.ts'
import { decodeTokenClaims, explainOidcFailure, type OidcAssertion } from './oidc.ts'
import {
  cloudOfAuthority,
  explainEntraRefusal,
  explainUnresolvedAuthority,
  type RefusalContext
} from './refusals.ts'

export interface SignInOptions {
  tenantId: string
  clientId: string
  audience: string
  /** The cloud `environment` named, for its default audience in messages; default: the one
   * whose authority host is `authorityHost`, if any. */
  cloud?: Pick<Cloud, 'name' | 'tokenExchangeAudience'>
  authorityHost: string
  resourceManagerEndpoint: string
  /** The runner's OIDC token for `audience`, already asked for (`requestOidcAssertion`). */
  assertion: OidcAssertion
  /** Masks a value in the job log (`core.setSecret`). */
  setSecret: (secret: string) => void
  /** How long sign-in may wait for the OIDC token and the Entra exchange together, in
   * milliseconds; default SIGN_IN_TIMEOUT_MS. */
  timeoutMs?: number
  /** The run's deadline (src/deadline.ts): no wait for a token, the first or a renewal, outlasts
   * it. Default: none but `timeoutMs`. */
  deadline?: AbortSignal
}

/** How long a run's sign-in may take by default: the OIDC token and the Entra exchange; also how
 * long any later request for a token may take. */
export const SIGN_IN_TIMEOUT_MS = 120_000

export interface SignedIn {
  credential: TokenCredential
}

// Entra hosts that MSAL knows; any other authority (a sovereign cloud's, or a local stand-in) must
// skip instance discovery, which would otherwise ask the public cloud about it.
const KNOWN_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn'
])

/** Whether MSAL must be told not to ask the public cloud about this authority. */
export function skipsInstanceDiscovery(authorityHost: string): boolean {
  return !KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase())
}

// Renew an access token this long before it expires, so no request carries a token that lapses
// in flight.
const ACCESS_TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000

export interface SharedTokenCredential extends TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>
}

/** No access token came in time: Entra ID did not answer, the caller's wait was cut short (its
 * abort signal: a request's time-out), or the run's deadline passed. */
export class AccessTokenWaitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AccessTokenWaitError'
  }
}

export interface TokenWaitBounds {
  /** The run's deadline: every wait for a token ends when it aborts. */
  deadline?: AbortSignal
  /** How long one request for a token (the OIDC token and Entra's answer) may take before it is
   * given up, in milliseconds: a renewal never answered is asked again by the next caller;
   * default SIGN_IN_TIMEOUT_MS. */
  waitMs?: number
}

/**
 * One access token per scope for the whole run, renewed shortly before it expires, shared by
 * every policy client: each client's pipeline would otherwise ask Entra ID for its own.
 *
 * Every wait is bounded, though `inner` (ClientAssertionCredential) ignores abort signals: a
 * request to Entra ID is given up after `bounds.waitMs` or at `bounds.deadline` (the next caller
 * asks again), and a caller whose own `abortSignal` aborts stops waiting then. Either rejects with
 * AccessTokenWaitError. (The SDK clients' bearer-token policy asks for tokens outside the bounded
 * retry policy, so these bounds are the ones a token wait keeps.)
 */
export function sharedTokenCredential(
  inner: TokenCredential,
  onToken: (token: AccessToken) => void,
  now: () => number = Date.now,
  bounds: TokenWaitBounds = {}
): SharedTokenCredential {
  const waitMs = bounds.waitMs ?? SIGN_IN_TIMEOUT_MS
  const tokens = new Map<string, Promise<AccessToken>>()
  const settled = new Map<string, AccessToken>()

  function request(key: string, scopes: string | string[]): Promise<AccessToken> {
    const limit = AbortSignal.timeout(waitMs)
    const bound = bounds.deadline ? AbortSignal.any([bounds.deadline, limit]) : limit
    const asked = inner.getToken(scopes, { abortSignal: bound }).then((token) => {
      if (!token) throw new Error('Entra ID returned no access token')
      onToken(token)
      settled.set(key, token)
      return token
    })
    const pending = abandonOnAbort(
      asked,
      bound,
      () =>
        new AccessTokenWaitError(
          bounds.deadline?.aborted
            ? "the run's deadline passed while Entra ID was asked for an access token"
            : `Entra ID did not answer a request for an access token within ${describeDuration(waitMs)}`
        )
    )
    // A request given up is forgotten, so that the next caller asks again; not a newer one.
    const forget = () => {
      if (tokens.get(key) === pending) tokens.delete(key)
    }
    pending.then(forget, forget)
    tokens.set(key, pending)
    return pending
  }

  return {
    // The caller's abort signal ends its own wait only: the request is shared, and one caller
    // giving up must not fail every other caller waiting on the same token.
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const key = [scopes].flat().join(' ')
      const current = settled.get(key)
      if (current && current.expiresOnTimestamp - ACCESS_TOKEN_RENEWAL_MARGIN_MS > now()) {
        return Promise.resolve(current)
      }
      const pending = tokens.get(key) ?? request(key, scopes)
      return abandonOnAbort(
        pending,
        options?.abortSignal as AbortSignal | undefined,
        () =>
          new AccessTokenWaitError('the request gave up waiting for an access token from Entra ID')
      )
    }
  }
}

/**
 * Signs in once for the run and proves it by getting a Resource Manager token (Entra ID's
 * client-assertion flow with the runner's OIDC token). Returns the credential every Resource
 * Manager client shares. Throws SignInError, with what to fix, when the OIDC token
 * or the exchange fails or does not finish within `timeoutMs`.
 */
export async function signIn(options: SignInOptions): Promise<SignedIn> {
  const { assertion } = options
  const timeoutMs = options.timeoutMs ?? SIGN_IN_TIMEOUT_MS
  const assertionCredential = new ClientAssertionCredential(
    options.tenantId,
    options.clientId,
    assertion.getAssertion,
    {
      authorityHost: options.authorityHost,
      disableInstanceDiscovery: skipsInstanceDiscovery(options.authorityHost)
    }
  )
  // Every token, the first and those renewed during a long run, is masked in the job log.
  const credential = sharedTokenCredential(
    assertionCredential,
    (token) => options.setSecret(token.token),
    Date.now,
    { deadline: options.deadline, waitMs: timeoutMs }
  )
  const scope = `${options.resourceManagerEndpoint}/.default`
  const limit = AbortSignal.timeout(timeoutMs)
  const bound = options.deadline ? AbortSignal.any([options.deadline, limit]) : limit
  const timedOut = () =>
    new SignInError(
      `Sign-in did not finish ${options.deadline?.aborted ? "before the run's deadline (`deadline-minutes`)" : `within ${timeoutMs / 1000} s`}: the runner's OIDC endpoint or Entra ID at ${options.authorityHost} did not answer. Re-run the job, and check \`authority-host\` if it is set.`
    )
  try {
    await abandonOnAbort(credential.getToken(scope), bound, timedOut)
  } catch (error) {
    if (error instanceof SignInError) throw error
    // The credential gives up the request at the same moment; the sign-in's words are clearer.
    if (error instanceof AccessTokenWaitError) throw timedOut()
    throw await explainSignInFailure(error, assertion, options)
  }
  return { credential }
}

async function explainSignInFailure(
  error: unknown,
  assertion: OidcAssertion,
  options: SignInOptions
): Promise<SignInError> {
  const oidcFailure = assertion.lastError()
  if (oidcFailure !== undefined) {
    return new SignInError(explainOidcFailure(oidcFailure, options.audience))
  }
  const context: RefusalContext = {
    tenantId: options.tenantId,
    clientId: options.clientId,
    authorityHost: options.authorityHost,
    resourceManagerEndpoint: options.resourceManagerEndpoint,
    cloud: options.cloud ?? cloudOfAuthority(options.authorityHost),
    claims: decodeTokenClaims(assertion.lastToken() ?? '')
  }
  const description = entraErrorDescription(error)
  const code = /AADSTS(\d+)/.exec(description)?.[1]
  if (code !== undefined) return new SignInError(explainEntraRefusal(code, description, context))
  if (/endpoints_resolution_error/.test(description)) {
    return new SignInError(await explainUnresolvedAuthority(context))
  }
  return new SignInError(
    `Could not sign in to Entra ID at ${options.authorityHost} for tenant ${options.tenantId}: ${description}`
  )
}

/** Entra's own description of a refusal, first line only: it never holds the assertion. */
function entraErrorDescription(error: unknown): string {
  if (error instanceof AuthenticationError) {
    return firstLine(error.errorResponse.errorDescription || error.errorResponse.error)
  }
  return firstLine(error)
}

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value)
  return (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? text).trim()
}

export interface LocalSignInOptions {
  /** `tenant-id`, or '' for the Azure CLI's default tenant (the environment's service principal
   * names its own, AZURE_TENANT_ID). */
  tenantId: string
  authorityHost: string
  resourceManagerEndpoint: string
  /** Keeps every access token out of what the run writes (redact.ts). */
  setSecret: (secret: string) => void
  /** How long sign-in may take, in milliseconds; default SIGN_IN_TIMEOUT_MS. */
  timeoutMs?: number
  /** The run's deadline (src/deadline.ts). */
  deadline?: AbortSignal
}

export interface SignedInLocally extends SignedIn {
  /** Which credential of the chain gave the token, in words for the log. */
  signedInWith: string
}

/**
 * Signs in once with the machine's credentials (EnvironmentCredential, else AzureCliCredential:
 * @azure/identity's ChainedTokenCredential) and proves it by getting a Resource Manager token;
 * returns the credential every client shares (sharedTokenCredential) and which of the two signed
 * in. Throws SignInError, naming both ways to sign in and what each said, when neither gives a
 * token, or none comes within `timeoutMs` or before the deadline.
 */
export async function signInLocally(options: LocalSignInOptions): Promise<SignedInLocally> {
  const timeoutMs = options.timeoutMs ?? SIGN_IN_TIMEOUT_MS
  const authority = {
    authorityHost: options.authorityHost,
    disableInstanceDiscovery: skipsInstanceDiscovery(options.authorityHost)
  }
  let signedInWith = ''
  // The chain does not say which credential answered: each one notes it when it does.
  const noting = (credential: TokenCredential, words: string): TokenCredential => ({
    getToken: async (scopes, getTokenOptions) => {
      const token = await credential.getToken(scopes, getTokenOptions)
      if (token) signedInWith = words
      return token
    }
  })
  const chain = new ChainedTokenCredential(
    noting(
      new EnvironmentCredential(authority),
      "the environment's service principal (EnvironmentCredential)"
    ),
    noting(
      new AzureCliCredential({
        ...(options.tenantId !== '' ? { tenantId: options.tenantId } : {}),
        processTimeoutInMs: timeoutMs
      }),
      "the Azure CLI's login (AzureCliCredential)"
    )
  )
  const credential = sharedTokenCredential(
    chain,
    (token) => options.setSecret(token.token),
    Date.now,
    { deadline: options.deadline, waitMs: timeoutMs }
  )
  const limit = AbortSignal.timeout(timeoutMs)
  const bound = options.deadline ? AbortSignal.any([options.deadline, limit]) : limit
  const timedOut = () =>
    new SignInError(
      `Sign-in with ${LOCAL_SIGN_IN} did not finish ${options.deadline?.aborted ? "before the run's deadline (`deadline-minutes`)" : `within ${describeDuration(timeoutMs)}`}.`
    )
  try {
    await abandonOnAbort(
      credential.getToken(`${options.resourceManagerEndpoint}/.default`),
      bound,
      timedOut
    )
  } catch (error) {
    if (error instanceof SignInError) throw error
    if (error instanceof AccessTokenWaitError) throw timedOut()
    // The chain's message lists what each credential said, one line each; links and
    // troubleshooting pointers are left to the SDK's documentation.
    const said = (error instanceof Error ? error.message : String(error))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^(More details|To troubleshoot)/i.test(line))
      .slice(0, 6)
      .join(' ')
    throw new SignInError(
      `Could not sign in to Entra ID at ${options.authorityHost} with ${LOCAL_SIGN_IN}: ${said} Run \`az login\` (with \`--tenant\` for another tenant), or set the environment variables, and try again.`
    )
  }
  return { credential, signedInWith }
}
