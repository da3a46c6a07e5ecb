// The sign-in half of the stand-in: GitHub's OIDC token endpoint (what a runner offers a job
// through ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN) and Entra ID (OpenID metadata and the token
// endpoint's client-credentials grant with a federated client assertion, or with the
// application's client secret, as a service principal in a terminal signs in: `clientSecret`).

import { randomBytes, randomUUID } from 'node:crypto'
import type { Estate } from './estate/index.ts'
import { DEFAULT_AUDIENCE, DEFAULT_OIDC_SUBJECT, GITHUB_OIDC_ISSUER } from './estate/index.ts'
import type { Reply } from './http.ts'
import { armError, base64url, entraTimestamp, json } from './http.ts'

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** Audiences (resources) of Azure Resource Manager in the public and sovereign clouds. */
const ARM_RESOURCES = [
  'https://management.azure.com',
  'https://management.core.windows.net',
  'https://management.usgovcloudapi.net',
  'https://management.core.usgovcloudapi.net',
  'https://management.chinacloudapi.cn',
  'https://management.core.chinacloudapi.cn'
]

interface AccessToken {
  expiresAt: number
  resource: string
  /** ARM requests it has authorized. */
  uses: number
}

export interface IdentityUrls {
  authorityHost: string
  resourceManagerEndpoint: string
}

export class Identity {
  readonly estate: Estate
  readonly urls: IdentityUrls
  /** Path of the OIDC endpoint; the request URL adds `?api-version=2.0`. */
  readonly oidcPath: string
  readonly oidcRequestToken: string
  /** The application's client secret (AZURE_CLIENT_SECRET for EnvironmentCredential), new for
   * each stand-in. */
  readonly clientSecret: string
  private readonly assertions = new Map<string, Record<string, unknown>>()
  private readonly accessTokens = new Map<string, AccessToken>()
  /** Access tokens issued so far. */
  tokensIssued = 0

  /** Every GitHub OIDC token and Entra access token issued, so tests can look for leaks. */
  secretsIssued(): string[] {
    return [...this.assertions.keys(), ...this.accessTokens.keys()]
  }

  constructor(estate: Estate, urls: IdentityUrls) {
    this.estate = estate
    this.urls = urls
    this.oidcPath = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`
    this.oidcRequestToken = randomBytes(32).toString('base64url')
    this.clientSecret = randomBytes(30).toString('base64url')
  }

  // ---- GitHub's OIDC token endpoint ----

  oidc(method: string, url: URL, authorization: string | undefined): Reply {
    const settings = this.estate.oidc ?? {}
    if (url.pathname !== this.oidcPath || settings.absent)
      return json(404, { message: 'Not Found' })
    if (method !== 'GET')
      return json(405, {
        message: `The requested resource does not support http method '${method}'.`
      })
    if (authorization !== `Bearer ${this.oidcRequestToken}`)
      return json(401, {
        message: 'Bad credentials: ACTIONS_ID_TOKEN_REQUEST_TOKEN is required as a bearer token.'
      })
    if (settings.status !== undefined)
      return json(settings.status, {
        message: `The OIDC token service failed (stand-in status ${settings.status}).`
      })
    const audience = url.searchParams.get('audience') ?? DEFAULT_AUDIENCE
    const subject = settings.subject ?? DEFAULT_OIDC_SUBJECT
    const iat = Math.floor(Date.now() / 1000) - (settings.backdateSeconds ?? 0)
    const repo = /^repo:([^/:]+)\/([^:]+):/.exec(subject)
    const claims: Record<string, unknown> = {
      jti: randomUUID(),
      sub: subject,
      aud: audience,
      ...(repo ? { repository: `${repo[1]}/${repo[2]}`, repository_owner: repo[1] } : {}),
      ...(/:ref:(.+)$/.test(subject) ? { ref: /:ref:(.+)$/.exec(subject)![1] } : {}),
      run_id: '1',
      run_attempt: '1',
      runner_environment: 'github-hosted',
      ...settings.claims,
      iss: GITHUB_OIDC_ISSUER,
      nbf: iat,
      exp: iat + (settings.lifetimeSeconds ?? 300),
      iat
    }
    const header = {
      typ: 'JWT',
      alg: 'RS256',
      x5t: randomBytes(20).toString('base64url'),
      kid: randomBytes(20).toString('hex').toUpperCase()
    }
    const token = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.${randomBytes(256).toString('base64url')}`
    this.assertions.set(token, claims)
    return json(200, { value: token })
  }

  // ---- Entra ID ----

  private entraError(
    status: number,
    error: string,
    code: number,
    description: string,
    correlationId: string
  ): Reply {
    const timestamp = entraTimestamp()
    const traceId = randomUUID()
    return json(status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.urls.authorityHost}/error?code=${code}`
    })
  }

  private metadata(tenant: string): Record<string, unknown> {
    const base = `${this.urls.authorityHost}/${tenant}`
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic'
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/openid/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'oid'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net'
    }
  }

  /** Entra's answer to one request, or `hang` (never answered: `entra.hangAfterTokens`). */
  entra(
    method: string,
    url: URL,
    body: string,
    correlationHeader: string | undefined
  ): Reply | 'hang' {
    // MSAL sends client-request-id in the query (and the form); Entra echoes it as correlation_id
    const correlationId =
      url.searchParams.get('client-request-id') ??
      new URLSearchParams(body).get('client-request-id') ??
      correlationHeader ??
      randomUUID()
    const match =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)\/?$/i.exec(
        url.pathname
      )
    if (!match)
      return this.entraError(
        404,
        'invalid_request',
        90100,
        `The stand-in's Entra ID does not serve '${url.pathname}'.`,
        correlationId
      )
    const [, tenant, endpoint] = match as unknown as [string, string, string]
    const tenantKnown = tenant.toLowerCase() === this.estate.tenantId.toLowerCase()
    // AADSTS90002; the metadata endpoints call it invalid_tenant, the token endpoint invalid_request
    const tenantNotFound = (error: string) =>
      this.entraError(
        400,
        error,
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        correlationId
      )
    const lower = endpoint.toLowerCase()
    if (lower.endsWith('openid-configuration') || lower.endsWith('keys')) {
      if (method !== 'GET')
        return json(405, { error: 'invalid_request', error_description: 'Only GET is supported.' })
      if (!tenantKnown) return tenantNotFound('invalid_tenant')
      return lower.endsWith('keys') ? json(200, { keys: [] }) : json(200, this.metadata(tenant))
    }
    if (method !== 'POST')
      return this.entraError(
        405,
        'invalid_request',
        900561,
        'The endpoint only accepts POST requests.',
        correlationId
      )
    if (!tenantKnown) return tenantNotFound('invalid_request')
    return this.token(new URLSearchParams(body), correlationId)
  }

  private token(form: URLSearchParams, correlationId: string): Reply | 'hang' {
    const fail = (status: number, error: string, code: number, description: string) =>
      this.entraError(status, error, code, description, correlationId)
    const entra = this.estate.entra ?? {}
    // Entra that stops answering mid-run: the token renewals of a long run wait on it.
    if (entra.hangAfterTokens !== undefined && this.tokensIssued >= entra.hangAfterTokens)
      return 'hang'
    if (entra.failAfterTokens !== undefined && this.tokensIssued >= entra.failAfterTokens) {
      const status = entra.failStatus ?? 500
      return fail(
        status,
        status === 503
          ? 'temporarily_unavailable'
          : status >= 500
            ? 'server_error'
            : 'invalid_request',
        50000,
        'There was an error issuing a token or an issue with our sign-in service.'
      )
    }
    const grantType = form.get('grant_type')
    if (grantType !== 'client_credentials')
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType ?? ''}'.`
      )
    const clientId = form.get('client_id')
    if (!clientId)
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'."
      )
    if (clientId.toLowerCase() !== this.estate.clientId.toLowerCase())
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.estate.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      )
    const secret = form.get('client_secret')
    if (secret !== null) {
      if (secret !== this.clientSecret)
        return fail(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`
        )
      return this.issueAccessToken(form, fail)
    }
    const assertion = form.get('client_assertion')
    if (!assertion)
      return fail(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      )
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
      return fail(
        400,
        'invalid_request',
        900144,
        `The request body must contain the following parameter: 'client_assertion_type' (${CLIENT_ASSERTION_TYPE}).`
      )
    const claims = decodeJwt(assertion)
    if (!claims) return fail(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.')
    if (!this.assertions.has(assertion))
      return fail(401, 'invalid_client', 700027, 'Client assertion failed signature validation.')
    const nowSeconds = Date.now() / 1000
    const nbf = Number(claims.nbf ?? claims.iat)
    const exp = Number(claims.exp)
    if (!(nowSeconds >= nbf && nowSeconds < exp)) {
      const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d+Z$/, '.0000000Z')
      return fail(
        401,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${iso(nowSeconds)}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`
      )
    }
    // Entra words these as below (AADSTS700211/700212/700213/7002138 in Azure/login's issues and
    // Microsoft's breaking-changes notice of August 2024 for case-sensitive subjects): it finds
    // the credentials by issuer, then subject, then compares the audience.
    const federation = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
    const check = `Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`
    const noRecord = (code: number, description: string) =>
      fail(
        401,
        'invalid_client',
        code,
        `No matching federated identity record found for presented assertion ${description}`
      )
    if (claims.iss !== GITHUB_OIDC_ISSUER)
      return noRecord(700211, `issuer '${String(claims.iss)}'. ${check} ${federation}`)
    const subjects = this.estate.federatedSubjects ?? [
      this.estate.oidc?.subject ?? DEFAULT_OIDC_SUBJECT
    ]
    const subject = String(claims.sub)
    if (!subjects.includes(subject)) {
      if (subjects.some((s) => s.toLowerCase() === subject.toLowerCase()))
        return noRecord(
          7002138,
          `subject '${subject}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${check} See documentation at: ${federation}. See breaking change notification and remediation at: https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.`
        )
      return noRecord(700213, `subject '${subject}'. ${check} ${federation}`)
    }
    const audience = entra.audience ?? DEFAULT_AUDIENCE
    const audiences = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)]
    if (!audiences.includes(audience))
      return noRecord(700212, `audience '${audiences.join(', ')}'. ${check} ${federation}`)
    return this.issueAccessToken(form, fail)
  }

  /** An access token for the form's one `/.default` scope of Resource Manager, or Entra's
   * refusal of the scope. */
  private issueAccessToken(
    form: URLSearchParams,
    fail: (status: number, error: string, code: number, description: string) => Reply
  ): Reply {
    const entra = this.estate.entra ?? {}
    const scopes = (form.get('scope') ?? '')
      .split(' ')
      .filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s))
    const scope = scopes[0] ?? ''
    if (scopes.length !== 1 || !scope.endsWith('/.default'))
      return fail(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      )
    const resource = scope.slice(0, -'/.default'.length)
    const normalized = resource.replace(/\/+$/, '').toLowerCase()
    const accepted = [
      ...ARM_RESOURCES,
      this.urls.resourceManagerEndpoint.replace(/\/+$/, '').toLowerCase()
    ]
    if (!accepted.includes(normalized))
      return fail(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${this.estate.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`
      )
    const lifetime = entra.accessTokenLifetimeSeconds ?? 3600
    const accessToken = `standin.${randomBytes(32).toString('base64url')}`
    this.accessTokens.set(accessToken, {
      expiresAt: Date.now() + lifetime * 1000,
      resource,
      uses: 0
    })
    this.tokensIssued++
    return json(200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken
    })
  }

  // ---- the check ARM makes ----

  /** Undefined when the Authorization header carries a valid access token; else ARM's 401. */
  checkAccessToken(authorization: string | undefined): Reply | undefined {
    const challenge = (description: string) => ({
      'WWW-Authenticate': `Bearer authorization_uri="${this.urls.authorityHost}/${this.estate.tenantId}", error="invalid_token", error_description="${description}"`
    })
    if (authorization === undefined)
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        challenge("The authentication failed because of missing 'Authorization' header.")
      )
    const match = /^Bearer (\S+)$/i.exec(authorization)
    if (!match)
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        challenge("The 'Authorization' header is provided in an invalid format.")
      )
    const token = this.accessTokens.get(match[1]!)
    if (!token)
      return armError(
        401,
        'InvalidAuthenticationToken',
        'The access token is invalid.',
        challenge('The access token is invalid.')
      )
    // An access token ARM holds expired before the client expected (a runner clock behind, a
    // token revoked): it expires once it has authorized this many requests.
    const expiresAfter = this.estate.entra?.accessTokenExpiresAfterRequests
    if (expiresAfter !== undefined && token.uses >= expiresAfter)
      token.expiresAt = Math.min(token.expiresAt, Date.now())
    if (Date.now() >= token.expiresAt) {
      return armError(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${utc(token.expiresAt)}' is earlier than current UTC time '${utc(Date.now())}'.`,
        challenge('The access token has expired.')
      )
    }
    token.uses++
    return undefined
  }
}

/** A UTC time as ARM's messages print it (.NET's en-US general format: 3/2/2020 4:20:21 PM). */
function utc(ms: number): string {
  const d = new Date(ms)
  const hours = d.getUTCHours() % 12 || 12
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`
}

/** The claims of a JWT-shaped token (not verified), or undefined when it is not one. */
export function decodeJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
