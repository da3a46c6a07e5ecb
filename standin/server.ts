// The local Azure stand-in: GitHub's OIDC token endpoint, Entra ID and Azure Resource Manager
// over HTTPS on 127.0.0.1 (one random port each), serving an estate. See standin/README.md.

import { rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { Arm } from './arm/index.ts'
import { loadBuiltIns } from './builtins.ts'
import { generateCertificates } from './certificate.ts'
import type { Estate, Fault } from './estate/index.ts'
import { applyReshapes, validateEstate } from './estate/index.ts'
import { armError, json, now, readBody, send } from './http.ts'
import { Identity } from './identity.ts'

export interface StandInOptions {
  estate: Estate
  /** Added to every ARM response, in milliseconds (default: the estate's latencyMs, else 0);
   * a subscription's own latencyMs wins for its requests. */
  latencyMs?: number
  /** Added to every answer of the GitHub OIDC endpoint, in milliseconds (default 0). */
  oidcLatencyMs?: number
  /** Added to every answer of Entra ID, in milliseconds (default 0). */
  entraLatencyMs?: number
  /** Called once per request, when it has been answered (or reset, or abandoned at close). */
  onRequest?: (record: RequestRecord) => void
}

export interface RequestRecord {
  service: 'oidc' | 'entra' | 'arm'
  method: string
  /** The URL path, percent-decoded. */
  path: string
  query: Record<string, string>
  /** The status answered; 0 while unanswered, and for a reset or a hang. */
  status: number
  /** The subscription the request concerned (ARM only). */
  subscriptionId?: string
  /** Milliseconds since the epoch (fractional). endedAt is 0 while the request is open. */
  startedAt: number
  endedAt: number
}

export interface StandIn {
  /** Entra ID, e.g. https://127.0.0.1:PORT (the tenant id is the first path segment). */
  authorityHost: string
  /** ARM, e.g. https://127.0.0.1:PORT (no trailing slash). */
  resourceManagerEndpoint: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL; it has a query string (?api-version=2.0). */
  oidcRequestUrl: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  oidcRequestToken: string
  /** The application's client secret, for a service principal's sign-in outside GitHub
   * (EnvironmentCredential's AZURE_CLIENT_SECRET). */
  clientSecret: string
  /** PEM file of the certificate authority, for NODE_EXTRA_CA_CERTS. */
  caCertificatePath: string
  caCertificatePem: string
  tenantId: string
  clientId: string
  /** Every request, in order of arrival. */
  requests: RequestRecord[]
  /** The environment a runner would give the action's child process to reach this stand-in:
   * ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN (left out when the estate says oidc.absent; the URL
   * names a port nothing listens on when it says oidc.unreachable), NODE_EXTRA_CA_CERTS, AZURE_CLIENT_ID, AZURE_TENANT_ID. */
  runnerEnvironment(): Record<string, string>
  /** Replaces the faults injected into ARM requests that concern this subscription. */
  setFaults(subscriptionId: string, faults: Fault[]): void
  /** Replaces the faults injected into ARM requests that concern no subscription. */
  setTenantFaults(faults: Fault[]): void
  /** Access tokens Entra ID has issued so far. */
  tokensIssued(): number
  /** Every GitHub OIDC token and Entra access token issued so far (secrets to look for in output). */
  secretsIssued(): string[]
  /** Closes the servers, destroys open (hanging) connections, removes the temporary files. */
  close(): Promise<void>
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** A port on 127.0.0.1 nothing listens on (just released), for an unreachable endpoint. */
async function closedPort(): Promise<number> {
  const probe = createNetServer()
  const port = await new Promise<number>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port))
  })
  await new Promise((resolve) => probe.close(resolve))
  return port
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  // Reshapes change what both ARM and Resource Graph serve: applied once, to the estate they read.
  const estate = applyReshapes(validateEstate(options.estate))
  const [builtIns, certificates] = await Promise.all([loadBuiltIns(), generateCertificates()])
  const urls = { authorityHost: '', resourceManagerEndpoint: '' }
  const identity = new Identity(estate, urls)
  const timers = new Set<NodeJS.Timeout>()
  let closing = false
  // Never resolves once the stand-in is closing: the answer is abandoned with its connection.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing) return
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  const arm = new Arm(
    estate,
    builtIns,
    identity,
    { latencyMs: options.latencyMs ?? estate.latencyMs ?? 0, sleep },
    () => urls.resourceManagerEndpoint
  )
  const oidcLatencyMs = options.oidcLatencyMs ?? 0
  const entraLatencyMs = options.entraLatencyMs ?? 0
  const requests: RequestRecord[] = []

  const dispatch = async (
    service: RequestRecord['service'],
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    record: RequestRecord
  ): Promise<void> => {
    const method = req.method ?? 'GET'
    if (service === 'oidc') {
      if (oidcLatencyMs > 0) await sleep(oidcLatencyMs)
      return send(res, identity.oidc(method, url, req.headers.authorization))
    }
    if (service === 'entra') {
      const body = method === 'POST' ? await readBody(req) : ''
      if (entraLatencyMs > 0) await sleep(entraLatencyMs)
      const correlation = req.headers['client-request-id']
      const reply = identity.entra(
        method,
        url,
        body,
        typeof correlation === 'string' ? correlation : undefined
      )
      if (reply === 'hang') return // answered never: close() destroys the socket
      return send(res, reply)
    }
    return arm.handle(req, res, url, path, (id) => (record.subscriptionId = id))
  }

  const handler =
    (service: RequestRecord['service']) => (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      let path = url.pathname
      try {
        path = decodeURIComponent(path)
      } catch {
        // keep it encoded
      }
      path = path.length > 1 ? path.replace(/\/+$/, '') : path
      const record: RequestRecord = {
        service,
        method: req.method ?? 'GET',
        path,
        query: Object.fromEntries(url.searchParams),
        status: 0,
        startedAt: now(),
        endedAt: 0
      }
      requests.push(record)
      // status and end time are taken as the answer is written, before the client can see it
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
      res.end = ((...args: unknown[]) => {
        record.status = res.statusCode
        record.endedAt = now()
        return end(...args)
      }) as typeof res.end
      res.on('close', () => {
        if (record.endedAt === 0) record.endedAt = now() // reset, hang, or the client gave up
        options.onRequest?.(record)
      })
      dispatch(service, req, res, url, path, record).catch((error: unknown) => {
        const message = `The local Azure stand-in failed: ${(error as Error).message}`
        send(
          res,
          service === 'arm'
            ? armError(500, 'InternalServerError', message)
            : json(500, { error: 'server_error', error_description: message })
        )
      })
    }

  const tls = { key: certificates.serverKeyPem, cert: certificates.serverCertificatePem }
  const servers = {
    oidc: createServer(tls, handler('oidc')),
    entra: createServer(tls, handler('entra')),
    arm: createServer(tls, handler('arm'))
  }
  let ports: number[]
  try {
    ports = await Promise.all([listen(servers.oidc), listen(servers.entra), listen(servers.arm)])
  } catch (error) {
    for (const s of Object.values(servers)) s.close()
    await rm(certificates.directory, { recursive: true, force: true })
    throw error
  }
  const [oidcPort, entraPort, armPort] = ports as [number, number, number]
  urls.authorityHost = `https://127.0.0.1:${entraPort}`
  urls.resourceManagerEndpoint = `https://127.0.0.1:${armPort}`
  const oidcRequestUrl = `https://127.0.0.1:${oidcPort}${identity.oidcPath}?api-version=2.0`
  // oidc.unreachable: the runner is told of an endpoint that refuses connections.
  const runnerOidcUrl = estate.oidc?.unreachable
    ? `https://127.0.0.1:${await closedPort()}${identity.oidcPath}?api-version=2.0`
    : oidcRequestUrl

  let closed: Promise<void> | undefined
  return {
    authorityHost: urls.authorityHost,
    resourceManagerEndpoint: urls.resourceManagerEndpoint,
    oidcRequestUrl,
    oidcRequestToken: identity.oidcRequestToken,
    clientSecret: identity.clientSecret,
    caCertificatePath: certificates.caCertificatePath,
    caCertificatePem: certificates.caCertificatePem,
    tenantId: estate.tenantId,
    clientId: estate.clientId,
    requests,
    runnerEnvironment() {
      const env: Record<string, string> = {}
      if (!estate.oidc?.absent) {
        env.ACTIONS_ID_TOKEN_REQUEST_URL = runnerOidcUrl
        env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = identity.oidcRequestToken
      }
      env.NODE_EXTRA_CA_CERTS = certificates.caCertificatePath
      env.AZURE_CLIENT_ID = estate.clientId
      env.AZURE_TENANT_ID = estate.tenantId
      return env
    },
    setFaults: (subscriptionId, faults) => arm.setFaults(subscriptionId, faults),
    setTenantFaults: (faults) => arm.setTenantFaults(faults),
    tokensIssued: () => identity.tokensIssued,
    secretsIssued: () => identity.secretsIssued(),
    close() {
      closed ??= (async () => {
        closing = true
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        const done = Object.values(servers).map(
          (s) => new Promise<void>((resolve) => s.close(() => resolve()))
        )
        for (const s of Object.values(servers)) s.closeAllConnections()
        await Promise.all(done)
        await rm(certificates.directory, { recursive: true, force: true })
      })()
      return closed
    }
  }
}
