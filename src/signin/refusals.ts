// What Entra ID's refusals of the federated sign-in mean and what to change, for the codes people
// meet with GitHub's OIDC tokens (Microsoft Entra's error code reference; Azure/login's issues).
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import { CLOUDS, type Cloud } from '../defaults.ts'
import type { TokenClaims } from './oidc.ts'

export interface RefusalContext {
  tenantId: string
  clientId: string
  authorityHost: string
  /** The Resource Manager endpoint the access token is asked for (`resource-manager-endpoint`, or
   * the cloud's). */
  resourceManagerEndpoint?: string
  /** The cloud `environment` named; undefined for a cloud given only by its endpoints. */
  cloud: Pick<Cloud, 'name' | 'tokenExchangeAudience'> | undefined
  /** The claims of the GitHub OIDC token Entra ID refused. */
  claims: TokenClaims
}

const FEDERATION_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
const CASE_SENSITIVE_SUBJECTS =
  'https://learn.microsoft.com/entra/identity-platform/reference-breaking-changes#federated-identity-credentials-now-use-case-sensitive-matching'

function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (Array.isArray(value)) return `'${value.join("', '")}'`
  return 'unknown'
}

/** The cloud an authority host belongs to, when it is one `environment` names. */
export function cloudOfAuthority(authorityHost: string): Cloud | undefined {
  const host = new URL(authorityHost).hostname.toLowerCase()
  return CLOUDS.find((cloud) => new URL(cloud.authorityHost).hostname === host)
}

function cloudDefaults(cloud: RefusalContext['cloud']): string {
  if (cloud) {
    return `the \`audience\` input, or when it is empty ${cloud.name}'s default '${cloud.tokenExchangeAudience}'`
  }
  return `the \`audience\` input; the portal's default is ${CLOUDS.map((c) => `'${c.tokenExchangeAudience}' in ${c.name}`).join(', ')}`
}

function where(context: RefusalContext): string {
  return context.cloud
    ? `in ${context.cloud.name} (Entra ID at ${context.authorityHost})`
    : `at Entra ID ${context.authorityHost}`
}

/** Tenant not found: the id is wrong, or the tenant lives in another cloud. */
export function tenantNotFound(context: RefusalContext, detail: string): string {
  return (
    `Tenant '${context.tenantId}' was not found ${where(context)} (${detail}). ` +
    "Check `tenant-id` (the directory (tenant) id on the application's Overview page) and `environment`: " +
    'a tenant of Azure Government or Azure China exists only in that cloud (AzureUSGovernment, AzureChinaCloud).'
  )
}

/**
 * One message for an AADSTS refusal: what Entra ID compared, the token's claims that matter, and
 * what to change. `code` is the AADSTS number, `description` Entra's first line (no secrets).
 */
export function explainEntraRefusal(
  code: string,
  description: string,
  context: RefusalContext
): string {
  const { claims } = context
  const entra = `Entra ID refused the sign-in of application ${context.clientId} in tenant ${context.tenantId}: AADSTS${code}`
  const tokenClaims = `The GitHub OIDC token has iss ${shown(claims.iss)}, sub ${shown(claims.sub)}, aud ${shown(claims.aud)}.`
  const addCredential = `Add a federated credential to the application with issuer ${shown(claims.iss)}, subject ${shown(claims.sub)} and audience ${shown(claims.aud)}`
  switch (code) {
    case '700212':
      return (
        `${entra} (no federated credential of the application has the token's audience ${shown(claims.aud)}, which is ${cloudDefaults(context.cloud)}). ` +
        `Set \`audience\` to the audience of the application's federated credential, or give the credential audience ${shown(claims.aud)}. See ${FEDERATION_DOCS}.`
      )
    case '7002138':
      return (
        `${entra} (the token's subject ${shown(claims.sub)} matches a federated credential's subject only when letter case is ignored, and Entra ID compares subjects case-sensitively). ` +
        `Change that credential's subject to exactly ${shown(claims.sub)}: owner, repository and environment names as GitHub spells them (${CASE_SENSITIVE_SUBJECTS}).`
      )
    case '700213':
    case '70021':
      return (
        `${entra} (no federated credential of the application has the token's subject ${shown(claims.sub)}). ${tokenClaims} ` +
        `${addCredential} (the subject changes with the trigger: pull_request, a branch, a tag or an environment).`
      )
    case '700211':
      return `${entra} (no federated credential of the application has the token's issuer ${shown(claims.iss)}). ${tokenClaims} ${addCredential}.`
    case '700024':
      return (
        `${entra} (the GitHub OIDC token was expired or not yet valid when Entra ID received it). ${tokenClaims} ` +
        'Re-run the job; if it keeps failing, check the runner clock.'
      )
    case '700016':
      return `${entra} (no application with that client id in the tenant). Check \`client-id\` and \`tenant-id\`.`
    case '90002':
      return tenantNotFound(context, `AADSTS90002`)
    case '500011':
      return resourceNotFound(entra, context)
    default:
      return `${entra}: ${description} ${tokenClaims}`
  }
}

/** AADSTS500011, "the resource principal named X was not found in the tenant": the token was
 * asked for a resource this cloud's Entra ID does not know, which is the `resource-manager-endpoint`
 * given (a typo, another cloud's, a regional or portal URL). */
function resourceNotFound(entra: string, context: RefusalContext): string {
  const endpoint = context.resourceManagerEndpoint ?? 'the Resource Manager endpoint'
  const expected = context.cloud
    ? `${context.cloud.name}'s ${CLOUDS.find((cloud) => cloud.name === context.cloud?.name)?.resourceManagerEndpoint ?? 'endpoint'}`
    : "your cloud's Resource Manager endpoint"
  return (
    `${entra} (Entra ID knows no resource ${endpoint} to issue an access token for). ` +
    `Check \`resource-manager-endpoint\`: leave it empty to use ${expected}, or give your cloud's Resource Manager endpoint, matching \`environment\` and \`authority-host\`.`
  )
}

/** What Entra ID answers for the tenant's OpenID metadata: its AADSTS codes, or why no answer. */
export interface MetadataAnswer {
  status?: number
  errorCodes?: number[]
  /** The network error, when there was no answer. */
  error?: string
}

const PROBE_TIMEOUT_MS = 10_000

/** Reads `{authorityHost}/{tenant}/v2.0/.well-known/openid-configuration` once, as MSAL does. */
export async function probeOpenIdMetadata(
  authorityHost: string,
  tenantId: string
): Promise<MetadataAnswer> {
  const url = `${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`
  // The default pipeline brings the proxy settings (HTTPS_PROXY, NO_PROXY) MSAL's requests use.
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } })
  try {
    const response = await pipeline.sendRequest(
      createDefaultHttpClient(),
      createPipelineRequest({ url, timeout: PROBE_TIMEOUT_MS })
    )
    let errorCodes: number[] | undefined
    try {
      const body = JSON.parse(response.bodyAsText ?? '') as { error_codes?: unknown }
      if (Array.isArray(body.error_codes)) errorCodes = body.error_codes.map(Number)
    } catch {
      // Not JSON: the status says enough.
    }
    return { status: response.status, errorCodes }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

/**
 * MSAL's `endpoints_resolution_error` says only that it could not read the tenant's OpenID
 * metadata; AADSTS90002 (tenant not found) is the usual cause. Asks once more to tell which, and
 * returns the message.
 */
export async function explainUnresolvedAuthority(
  context: RefusalContext,
  probe: typeof probeOpenIdMetadata = probeOpenIdMetadata
): Promise<string> {
  const answer = await probe(context.authorityHost, context.tenantId)
  if (answer.errorCodes?.includes(90002)) {
    return tenantNotFound(context, 'AADSTS90002, through MSAL as endpoints_resolution_error')
  }
  const metadata = `the OpenID metadata of tenant '${context.tenantId}' ${where(context)}`
  if (answer.error !== undefined) {
    return `Could not read ${metadata}: ${answer.error.split(/\r?\n/)[0]}. Check \`authority-host\` if it is set, and that the runner reaches it.`
  }
  const codes = answer.errorCodes?.length ? `, AADSTS${answer.errorCodes.join(', AADSTS')}` : ''
  return `Could not read ${metadata} (HTTP ${answer.status ?? 'no answer'}${codes}, through MSAL as endpoints_resolution_error). Check \`tenant-id\` and \`environment\`, and \`authority-host\` if it is set.`
}
