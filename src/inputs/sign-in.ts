// The inputs that say who signs in and where: `client-id`, `tenant-id`, `environment`,
// `authority-host`, `resource-manager-endpoint` and `audience` (docs/setup.md). Each problem is
// pushed for InputError, never thrown.
import { GUID } from '../azure-ids.ts'
import { CLOUDS, DEFAULT_TOKEN_EXCHANGE_AUDIENCE, INPUT_DEFAULTS, type Cloud } from '../defaults.ts'
import type { RunContext } from '../run-context.ts'
import type { SignInSource } from '../runner-interface.ts'
import { quote } from './values.ts'

// A verified domain of the tenant (contoso.onmicrosoft.com) is accepted where a tenant id is.
const TENANT_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

export interface AzureSignIn {
  clientId: string
  tenantId: string
  cloud: Cloud
  /** The OIDC token's audience: the input, else the cloud's federated-credential default. */
  audience: string
}

/**
 * The sign-in settings from the inputs (`input` returns one trimmed, '' when unset), falling back
 * to AZURE_CLIENT_ID and AZURE_TENANT_ID from the run context. `client-id` and `tenant-id` are
 * required for `github-oidc` (the federated credential's application); with `azure-identity` (a
 * terminal: the environment's or the Azure CLI's sign-in) they may be empty. Pushes onto
 * `problems` a sentence for each bad value; the returned values are only meaningful when none was
 * pushed.
 */
export function readAzureSignIn(
  input: (name: string) => string,
  runContext: Pick<RunContext, 'azureClientId' | 'azureTenantId'>,
  problems: string[],
  signIn: SignInSource['kind'] = 'github-oidc'
): AzureSignIn {
  const required = signIn === 'github-oidc'
  const clientId = input('client-id') || runContext.azureClientId
  if (clientId === '') {
    if (required)
      problems.push(
        '`client-id` is empty and AZURE_CLIENT_ID is not set; give the application (client) id of the Entra application that has the federated credential. A repository or organization variable reaches the action only when the workflow passes it: `client-id: ${{ vars.AZURE_CLIENT_ID }}`, or `env: AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}` on the step or job.'
      )
  } else if (!GUID.test(clientId)) {
    problems.push(`\`client-id\` ${quote(clientId)} is not an application (client) id (a GUID).`)
  }

  const tenantId = input('tenant-id') || runContext.azureTenantId
  if (tenantId === '') {
    if (required)
      problems.push(
        '`tenant-id` is empty and AZURE_TENANT_ID is not set; give the directory (tenant) id of the Entra application. A repository or organization variable reaches the action only when the workflow passes it: `tenant-id: ${{ vars.AZURE_TENANT_ID }}`, or `env: AZURE_TENANT_ID: ${{ vars.AZURE_TENANT_ID }}` on the step or job.'
      )
  } else if (!GUID.test(tenantId) && !TENANT_DOMAIN.test(tenantId)) {
    problems.push(
      `\`tenant-id\` ${quote(tenantId)} is neither a directory (tenant) id (a GUID) nor a tenant domain name.`
    )
  }

  const environmentName = input('environment') || INPUT_DEFAULTS.environment
  const namedCloud = CLOUDS.find(
    (cloud) => cloud.name.toLowerCase() === environmentName.toLowerCase()
  )
  const authorityHost = readEndpoint('authority-host', input('authority-host'), problems)
  const resourceManagerEndpoint = readEndpoint(
    'resource-manager-endpoint',
    input('resource-manager-endpoint'),
    problems
  )
  // With both endpoints given, the environment is only a name for the log.
  const explicitEndpoints = authorityHost !== undefined && resourceManagerEndpoint !== undefined
  if (!namedCloud && !explicitEndpoints) {
    problems.push(
      `\`environment\` ${quote(environmentName)} is not a known cloud; use one of ${CLOUDS.map((cloud) => cloud.name).join(', ')}, or set \`authority-host\` and \`resource-manager-endpoint\`.`
    )
  }
  const cloud: Cloud = {
    name: namedCloud?.name ?? environmentName,
    authorityHost: authorityHost ?? namedCloud?.authorityHost ?? '',
    resourceManagerEndpoint: resourceManagerEndpoint ?? namedCloud?.resourceManagerEndpoint ?? '',
    tokenExchangeAudience: namedCloud?.tokenExchangeAudience ?? DEFAULT_TOKEN_EXCHANGE_AUDIENCE
  }
  const audience = input('audience') || cloud.tokenExchangeAudience
  return { clientId, tenantId, cloud, audience }
}

/** An explicit endpoint: https only, no credentials, query or fragment. Empty: undefined. */
function readEndpoint(name: string, value: string, problems: string[]): string | undefined {
  if (value === '') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`\`${name}\` ${quote(value)} is not a URL; give an https URL.`)
    return undefined
  }
  if (url.protocol !== 'https:') {
    problems.push(
      `\`${name}\` ${quote(value)} is not https; Azure sign-in and Resource Manager need https.`
    )
    return undefined
  }
  if (url.username || url.password || url.search || url.hash) {
    problems.push(
      `\`${name}\` ${quote(value)} must not carry credentials, a query or a fragment; give the endpoint's base URL.`
    )
    return undefined
  }
  return url.href.replace(/\/+$/, '')
}
