// Sign-in through the stand-in with the real @azure/identity ClientAssertionCredential, whose
// assertion is @actions/core's getIDToken from the stand-in's GitHub OIDC endpoint.

import { afterAll, afterEach, describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity'
import { decodeJwt } from '../../standin/identity.ts'
import { startStandIn } from '../../standin/server.ts'
import type { StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  baseEstate,
  clearRunnerEnvironment,
  CLIENT,
  credentialFor,
  SUB,
  TENANT,
  useRunnerEnvironment
} from './helpers.ts'
import type { Estate } from '../../standin/estate/index.ts'
import { guid } from '../../standin/estate/index.ts'

const started: { standIn: StandIn; untrust: () => void }[] = []

async function start(extra: Partial<Estate> = {}): Promise<StandIn> {
  const standIn = await startStandIn({ estate: baseEstate(extra) })
  started.push({ standIn, untrust: trustStandIn(standIn) })
  useRunnerEnvironment(standIn)
  return standIn
}

afterEach(async () => {
  for (const { standIn, untrust } of started.splice(0)) {
    untrust()
    await standIn.close()
  }
})

afterAll(clearRunnerEnvironment)

const http = createDefaultHttpClient()

describe('GitHub OIDC endpoint', () => {
  test('issues a JWT-shaped token for the audience asked, to the runner token only', async () => {
    const standIn = await start()
    expect(standIn.oidcRequestUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/.*\?api-version=2\.0$/)
    const write = process.stdout.write
    process.stdout.write = () => true
    let token: string
    try {
      token = await core.getIDToken('api://custom-audience')
    } finally {
      process.stdout.write = write
    }
    const [header, , signature] = token.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({
      typ: 'JWT',
      alg: 'RS256'
    })
    expect(signature!.length).toBeGreaterThan(100)
    const claims = decodeJwt(token)!
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      aud: 'api://custom-audience',
      repository: 'octo-org/octo-repo'
    })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(typeof claims.jti).toBe('string')

    const noToken = await http.sendRequest(
      createPipelineRequest({ url: `${standIn.oidcRequestUrl}&audience=x` })
    )
    expect(noToken.status).toBe(401)
    expect(standIn.requests.map((r) => [r.service, r.status, r.query.audience])).toEqual([
      ['oidc', 200, 'api://custom-audience'],
      ['oidc', 401, 'x']
    ])
  })

  test('can fail, be unreachable, or be absent from the runner environment', async () => {
    const failing = await start({ oidc: { status: 500 } })
    const response = await http.sendRequest(
      createPipelineRequest({
        url: failing.oidcRequestUrl,
        headers: createHttpHeaders({ Authorization: `Bearer ${failing.oidcRequestToken}` })
      })
    )
    expect(response.status).toBe(500)
    const unreachable = await start({ oidc: { unreachable: true } })
    const url = unreachable.runnerEnvironment().ACTIONS_ID_TOKEN_REQUEST_URL!
    expect(url).not.toBe(unreachable.oidcRequestUrl)
    const refused = await http
      .sendRequest(createPipelineRequest({ url }))
      .catch((error: Error & { code?: string }) => error.code)
    expect(refused).toBe('ECONNREFUSED')
    const absent = await start({ oidc: { absent: true } })
    expect(absent.runnerEnvironment()).toEqual({
      NODE_EXTRA_CA_CERTS: absent.caCertificatePath,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_TENANT_ID: TENANT
    })
  })
})

describe('Entra ID', () => {
  test('serves the OpenID metadata MSAL reads, pointing at itself', async () => {
    const standIn = await start()
    const response = await http.sendRequest(
      createPipelineRequest({
        url: `${standIn.authorityHost}/${TENANT}/v2.0/.well-known/openid-configuration`
      })
    )
    expect(response.status).toBe(200)
    const metadata = JSON.parse(response.bodyAsText!)
    expect(metadata).toMatchObject({
      token_endpoint: `${standIn.authorityHost}/${TENANT}/oauth2/v2.0/token`,
      issuer: `${standIn.authorityHost}/${TENANT}/v2.0`,
      authorization_endpoint: `${standIn.authorityHost}/${TENANT}/oauth2/v2.0/authorize`,
      jwks_uri: `${standIn.authorityHost}/${TENANT}/discovery/v2.0/keys`
    })
    const unknown = await http.sendRequest(
      createPipelineRequest({
        url: `${standIn.authorityHost}/${guid('nope')}/v2.0/.well-known/openid-configuration`
      })
    )
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.bodyAsText!).error_codes).toEqual([90002])
  })

  test('signs in with ClientAssertionCredential and the OIDC token', async () => {
    const standIn = await start()
    const token = await credentialFor(standIn).getToken(
      `${standIn.resourceManagerEndpoint}/.default`
    )
    expect(token.token).toMatch(/^standin\./)
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000 * 1000)
    expect(standIn.tokensIssued()).toBe(1)
    expect(standIn.requests.map((r) => `${r.service} ${r.method} ${r.status}`)).toEqual([
      'oidc GET 200', // the credential asks for the assertion twice per token request
      'entra GET 200', // openid-configuration
      'oidc GET 200',
      'entra POST 200' // oauth2/v2.0/token
    ])
    const publicCloud = await credentialFor(standIn).getToken(
      'https://management.azure.com/.default'
    )
    expect(publicCloud.token).toMatch(/^standin\./)
  })

  test('signs in a service principal with its client secret (ClientSecretCredential), and refuses another secret with AADSTS7000215', async () => {
    const standIn = await start()
    const scope = `${standIn.resourceManagerEndpoint}/.default`
    const options = { authorityHost: standIn.authorityHost, disableInstanceDiscovery: true }
    const token = await new ClientSecretCredential(
      standIn.tenantId,
      standIn.clientId,
      standIn.clientSecret,
      options
    ).getToken(scope)
    expect(token.token).toMatch(/^standin\./)
    const refused = await new ClientSecretCredential(
      standIn.tenantId,
      standIn.clientId,
      `${standIn.clientSecret}x`,
      options
    )
      .getToken(scope)
      .then(
        () => null,
        (error: unknown) => error
      )
    expect(String(refused)).toContain('AADSTS7000215')
    expect(standIn.tokensIssued()).toBe(1)
  })

  test('answers the runner and Entra ID after their own latencies, when asked', async () => {
    const standIn = await startStandIn({
      estate: baseEstate(),
      oidcLatencyMs: 300,
      entraLatencyMs: 60,
      latencyMs: 0
    })
    started.push({ standIn, untrust: trustStandIn(standIn) })
    useRunnerEnvironment(standIn)
    await credentialFor(standIn).getToken(`${standIn.resourceManagerEndpoint}/.default`)
    const took = (service: string) =>
      standIn.requests
        .filter((r) => r.service === service)
        .map((r) => Math.round(r.endedAt - r.startedAt))
    expect(took('oidc')).toHaveLength(2)
    expect(took('entra')).toHaveLength(2)
    for (const ms of took('oidc')) expect(ms).toBeGreaterThanOrEqual(295)
    // Entra ID waits its own latency, not the OIDC endpoint's (a wide margin: timers run late).
    for (const ms of took('entra')) {
      expect(ms).toBeGreaterThanOrEqual(55)
      expect(ms).toBeLessThan(250)
    }
  })

  /** The token endpoint's refusal as the SDK reports it, and the body Entra ID answered. */
  async function refusal(standIn: StandIn, tenant = TENANT) {
    const error = await credentialFor({ ...standIn, tenantId: tenant })
      .getToken(`${standIn.resourceManagerEndpoint}/.default`)
      .catch((e: Error) => e)
    return { message: (error as Error).message, last: standIn.requests.at(-1)! }
  }
  const CHECK =
    'Check your federated identity credential Subject, Audience and Issuer against the presented assertion.'
  const DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

  test('refuses a subject no federated credential has with AADSTS700213, as Entra words it', async () => {
    const standIn = await start({
      federatedSubjects: ['repo:octo-org/octo-repo:environment:production']
    })
    const { message, last } = await refusal(standIn)
    expect(message).toContain(
      `AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:octo-org/octo-repo:ref:refs/heads/main'. ${CHECK} ${DOCS} Trace ID: `
    )
    expect([last.service, last.status]).toEqual(['entra', 401])
  })

  test('refuses a subject that matches only when case is ignored with AADSTS7002138', async () => {
    const standIn = await start({
      federatedSubjects: ['repo:Octo-Org/octo-repo:ref:refs/heads/main']
    })
    const { message } = await refusal(standIn)
    expect(message).toContain(
      `AADSTS7002138: No matching federated identity record found for presented assertion subject 'repo:octo-org/octo-repo:ref:refs/heads/main'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${CHECK} See documentation at: ${DOCS}. See breaking change notification and remediation at: https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.`
    )
  })

  test('refuses another audience than the credential has with AADSTS700212, after issuer and subject', async () => {
    const standIn = await start({ entra: { audience: 'api://AzureADTokenExchangeUSGov' } })
    const { message } = await refusal(standIn)
    expect(message).toContain(
      `AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'. ${CHECK} ${DOCS}`
    )
    // A subject that does not match either is reported first, as Entra finds credentials by it.
    const both = await start({
      entra: { audience: 'api://AzureADTokenExchangeUSGov' },
      federatedSubjects: ['repo:octo-org/other:ref:refs/heads/main']
    })
    expect((await refusal(both)).message).toContain('AADSTS700213')
  })

  test('refuses an unknown tenant with AADSTS90002, which MSAL reports as endpoints_resolution_error', async () => {
    const standIn = await start()
    const { message, last } = await refusal(standIn, guid('another tenant'))
    expect(message).toMatch(/^endpoints_resolution_error/)
    expect([last.service, last.method, last.status]).toEqual(['entra', 'GET', 400])
    const response = await http.sendRequest(
      createPipelineRequest({
        url: `${standIn.authorityHost}/${guid('another tenant')}/v2.0/.well-known/openid-configuration`
      })
    )
    const body = JSON.parse(response.bodyAsText!)
    expect(body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] })
    expect(body.error_description).toMatch(
      /^AADSTS90002: Tenant '[0-9a-f-]{36}' not found\. Check to make sure you have the correct tenant ID and are signing into the correct cloud\. Trace ID: /
    )
  })

  test('refuses an expired assertion with AADSTS700024', async () => {
    const standIn = await start({ oidc: { lifetimeSeconds: 300, backdateSeconds: 600 } })
    const error = await credentialFor(standIn)
      .getToken(`${standIn.resourceManagerEndpoint}/.default`)
      .catch((e: Error) => e)
    expect((error as Error).message).toContain(
      'AADSTS700024: Client assertion is not within its valid time range.'
    )
    expect(standIn.requests.at(-1)!.status).toBe(401)
  })

  test('refuses an unknown application with AADSTS700016, and the real error body shape', async () => {
    const standIn = await start()
    const error = await credentialFor({ ...standIn, clientId: guid('someone else') })
      .getToken(`${standIn.resourceManagerEndpoint}/.default`)
      .catch((e: Error) => e)
    expect((error as Error).message).toContain('AADSTS700016')

    const response = await http.sendRequest(
      createPipelineRequest({
        url: `${standIn.authorityHost}/${TENANT}/oauth2/v2.0/token?client-request-id=${guid('request')}`,
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT
        }).toString(),
        headers: createHttpHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' })
      })
    )
    const body = JSON.parse(response.bodyAsText!)
    expect(response.status).toBe(401)
    expect(Object.keys(body).sort()).toEqual(
      [
        'correlation_id',
        'error',
        'error_codes',
        'error_description',
        'error_uri',
        'timestamp',
        'trace_id'
      ].sort()
    )
    expect(body.error).toBe('invalid_client')
    expect(body.error_codes).toEqual([7000218])
    expect(body.correlation_id).toBe(guid('request'))
    expect(body.error_description).toMatch(
      /^AADSTS7000218: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/
    )
  })

  test('rejects an assertion it did not issue, and a scope for another resource', async () => {
    const standIn = await start()
    expect((await forgedAssertionError(standIn)).message).toContain('AADSTS700027')
    const error = await credentialFor(standIn)
      .getToken('https://graph.microsoft.com/.default')
      .catch((e: Error) => e)
    expect((error as Error).message).toContain('AADSTS500011')
  })

  test('fails the token endpoint after N tokens (a sign-in failing mid-run)', async () => {
    const standIn = await start({ entra: { failAfterTokens: 1, failStatus: 503 } })
    const credential = credentialFor(standIn, { retryOptions: { maxRetries: 0 } })
    await credential.getToken(`${standIn.resourceManagerEndpoint}/.default`)
    const error = await credential
      .getToken('https://management.azure.com/.default')
      .catch((e: Error) => e)
    expect((error as Error).message).toContain('AADSTS50000')
    expect(
      standIn.requests
        .filter((r) => r.service === 'entra' && r.method === 'POST')
        .map((r) => r.status)
    ).toEqual([200, 503])
  })

  test('stops answering the token endpoint after N tokens (a renewal that hangs mid-run)', async () => {
    const standIn = await start({ entra: { hangAfterTokens: 1 } })
    const credential = credentialFor(standIn, { retryOptions: { maxRetries: 0 } })
    await credential.getToken(`${standIn.resourceManagerEndpoint}/.default`)
    const second = credential.getToken('https://management.azure.com/.default')
    const answered = await Promise.race([
      second.then(
        () => true,
        () => true
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 500))
    ])
    expect(answered).toBe(false)
    const posts = standIn.requests.filter((r) => r.service === 'entra' && r.method === 'POST')
    expect(posts.map((r) => [r.status, r.endedAt === 0])).toEqual([
      [200, false],
      [0, true]
    ])
    // Closing the stand-in destroys the connection it held open.
    await standIn.close()
    await expect(second).rejects.toThrow()
  })

  test('an access token can expire mid-run: ARM answers 401 ExpiredAuthenticationToken as ARM words it', async () => {
    const standIn = await start({ entra: { accessTokenExpiresAfterRequests: 2 } })
    const token = await credentialFor(standIn).getToken(
      `${standIn.resourceManagerEndpoint}/.default`
    )
    const read = () =>
      http.sendRequest(
        createPipelineRequest({
          url: `${standIn.resourceManagerEndpoint}/subscriptions/${SUB}?api-version=2022-12-01`,
          headers: createHttpHeaders({ Authorization: `Bearer ${token.token}` })
        })
      )
    expect([(await read()).status, (await read()).status]).toEqual([200, 200])
    const expired = await read()
    expect(expired.status).toBe(401)
    expect(JSON.parse(expired.bodyAsText!).error).toEqual({
      code: 'ExpiredAuthenticationToken',
      message: expect.stringMatching(
        /^The access token expiry UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M'\.$/
      )
    })
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"')
    // The token stays expired; the client still believes it good for an hour.
    expect((await read()).status).toBe(401)
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000 * 1000)
  })

  test('issues access tokens with the configured lifetime', async () => {
    const standIn = await start({ entra: { accessTokenLifetimeSeconds: 120 } })
    const token = await credentialFor(standIn).getToken(
      `${standIn.resourceManagerEndpoint}/.default`
    )
    expect(token.expiresOnTimestamp - Date.now()).toBeLessThanOrEqual(121 * 1000)
    expect(token.expiresOnTimestamp - Date.now()).toBeGreaterThan(100 * 1000)
  })
})

/** Signs in with a JWT-shaped assertion the OIDC endpoint never issued. */
async function forgedAssertionError(standIn: StandIn): Promise<Error> {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    aud: 'api://AzureADTokenExchange',
    iat: now,
    nbf: now,
    exp: now + 300
  }
  const jwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${part({ forged: true })}`
  const credential = new ClientAssertionCredential(TENANT, CLIENT, async () => jwt, {
    authorityHost: standIn.authorityHost,
    disableInstanceDiscovery: true
  })
  return credential.getToken(`${standIn.resourceManagerEndpoint}/.default`).then(
    () => new Error('signed in with a forged assertion'),
    (e: Error) => e
  )
}
