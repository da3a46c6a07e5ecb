// The estate format: what the local Azure stand-in serves (tenant, sign-in settings, management
// groups, subscriptions, policy resources in ARM's own JSON shapes, latency and faults), its types,
// and how a policy resource's id reads. See standin/README.md for the file format with an example.

import type { RawAnswer, Reshape } from './rewrites.ts'

export const DEFAULT_OIDC_SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

/** "Management ports of virtual machines should be protected with just-in-time network access
 * control", the built-in definition this project checks. */
export const JIT_POLICY_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policyDefinitions/b0f33259-77d7-4c9e-aac6-3aabcfae693c'
/** Built-in initiative "Microsoft cloud security benchmark" (the Defender for Cloud default). */
export const MCSB_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
/** Built-in initiative "CIS Microsoft Azure Foundations Benchmark v1.1.0" (fixtures/azure-policy). */
export const CIS_SET_DEFINITION_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/1a5bb27d-173f-493e-9568-eb56638dde4d'

/** A resource as ARM returns it: `id`, `name`, `properties`, and whatever else (type,
 * location, identity, systemData, ...). */
export interface ArmResource {
  id: string
  name: string
  type?: string
  properties: Record<string, unknown>
  [key: string]: unknown
}

export interface ManagementGroup {
  /** The management group id (the last segment of its resource id). */
  name: string
  displayName?: string
  /** The parent management group's name; absent: the tenant root group. */
  parent?: string
}

/** Which ARM requests a fault applies to. `definitions` are policy (set) definition reads,
 * `ancestry` the Microsoft.Management reads (getEntities, managementGroups/...). */
export const REQUEST_KINDS = [
  'assignments',
  'exemptions',
  'subscription',
  'ancestry',
  'definitions',
  'pricings',
  'policy-states',
  'any'
] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]

/** What a fault does to the requests it applies to. */
export const FAULT_KINDS = [
  'throttle',
  'unavailable',
  'reset',
  'hang',
  'malformed-json',
  'nextlink-loop',
  'forbidden',
  'not-found',
  'echo-headers'
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface Fault {
  fault: FaultKind
  /** The requests it applies to; default `any`. */
  on?: RequestKind
  /** Applied to the first N matching requests, then no more; default: every matching request. */
  times?: number
  /** `throttle` and `unavailable`: the `Retry-After` header, in seconds; absent: no header. */
  retryAfterSeconds?: number
}

/** The states ARM gives a subscription (Subscriptions - List, `state`). */
export const SUBSCRIPTION_STATES: readonly string[] = [
  'Enabled',
  'Warned',
  'PastDue',
  'Disabled',
  'Deleted'
]

export interface Subscription {
  subscriptionId: string
  displayName?: string
  /** The management group the subscription sits in; absent: the tenant root group. */
  managementGroup?: string
  /** `Enabled` (default), `Disabled`, `Warned`, `PastDue`, `Deleted`. */
  state?: string
  /** Resource group names, for documentation and for checking scopes of assignments and
   * exemptions inside the subscription (when given, those scopes must name one of them). */
  resourceGroups?: string[]
  /** Added to every ARM request that concerns this subscription, instead of the global latency. */
  latencyMs?: number
  faults?: Fault[]
}

export interface OidcSettings {
  /** `sub` claim of the tokens the GitHub OIDC endpoint issues. */
  subject?: string
  /** Lifetime of those tokens; default 300. */
  lifetimeSeconds?: number
  /** Issue tokens as if this many seconds ago (an expired token when greater than the lifetime). */
  backdateSeconds?: number
  /** Answer every token request with this HTTP status (500, 503, 403, ...) instead of a token. */
  status?: number
  /** runnerEnvironment() gives a request URL on which nothing listens (connection refused). */
  unreachable?: boolean
  /** The runner gives no OIDC endpoint (no `permissions: id-token: write`, a fork's pull request):
   * runnerEnvironment() leaves out ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN. */
  absent?: boolean
  /** Extra claims added to every token. */
  claims?: Record<string, unknown>
}

export interface EntraSettings {
  /** Audience the federated credential accepts; default api://AzureADTokenExchange. */
  audience?: string
  /** Lifetime of the access tokens issued; default 3600 (0: expired when issued). */
  accessTokenLifetimeSeconds?: number
  /** After this many tokens were issued, the token endpoint fails (the "failing mid-run" case). */
  failAfterTokens?: number
  /** Status of those failures; default 500 (AADSTS50000). */
  failStatus?: number
  /** After this many tokens were issued, the token endpoint never answers (it hangs; close()
   * destroys the connection): a renewal mid-run that waits forever. */
  hangAfterTokens?: number
  /** ARM answers 401 ExpiredAuthenticationToken for an access token once it has authorized this
   * many requests, whatever its lifetime (a token expiring mid-run). */
  accessTokenExpiresAfterRequests?: number
}

/** A virtual machine of the estate, with what Azure records of the JIT audit on it. Resource
 * Graph serves it in `resources`, its states in `policyresources` and its assessment in
 * `securityresources`; Policy Insights serves its states (machines.ts). */
export interface VirtualMachine {
  /** `/subscriptions/S/resourceGroups/R/providers/Microsoft.Compute/virtualMachines/NAME`. */
  id: string
  location: string
  /** Azure Policy's latest state of the JIT definition for the machine under each assignment
   * that evaluated it; none: no assignment did (not audited by Azure's own record). */
  policyStates?: VirtualMachinePolicyState[]
  /** The status of Defender for Cloud's JIT assessment of the machine
   * (805651bc-6ecd-4c73-9b55-97a19d0582d0); absent: Defender has none. */
  jitAssessment?: { code: string; cause?: string }
}

export interface VirtualMachinePolicyState {
  /** The assignment that evaluated the machine (of the JIT definition or an initiative). */
  policyAssignmentId: string
  /** `Compliant`, `NonCompliant`, `Exempt`, `Unknown`, ... as Policy Insights names them. */
  complianceState: string
  /** The initiative the assignment runs, when it runs one. */
  policySetDefinitionId?: string
  policyDefinitionReferenceId?: string
}

export interface Estate {
  tenantId: string
  clientId: string
  /** Subjects of the application's federated credentials (issuer GitHub); default: the OIDC
   * subject. */
  federatedSubjects?: string[]
  oidc?: OidcSettings
  entra?: EntraSettings
  /** Items per page of ARM lists; default 100. `$top` overrides it per request. */
  pageSize?: number
  /** Added to every ARM request; StandInOptions.latencyMs overrides it. */
  latencyMs?: number
  /** Display name of the tenant root group (named by the tenant id); default "Tenant Root Group". */
  rootManagementGroupDisplayName?: string
  managementGroups?: ManagementGroup[]
  subscriptions: Subscription[]
  /** ARM shape; the scope is the id's prefix before /providers/Microsoft.Authorization/. */
  policyAssignments?: ArmResource[]
  policyExemptions?: ArmResource[]
  /** Custom sets (id at a management group or subscription), or built-ins added to the fixtures
   * (id /providers/Microsoft.Authorization/policySetDefinitions/NAME). Several entries with one id
   * and different `properties.version` are that set's versions (absent: 1.0.0); the highest is
   * the set's latest, and an entry replaces a fixture's of the same version. */
  policySetDefinitions?: ArmResource[]
  policyDefinitions?: ArmResource[]
  /** Defender for Cloud pricings (ARM shape, id `/subscriptions/S/providers/Microsoft.Security/
   * pricings/NAME`, `properties.pricingTier` Free or Standard, `subPlan`); a plan a subscription
   * has no entry for is Free, as ARM answers it. Served by ARM and by Resource Graph. */
  pricings?: ArmResource[]
  /** Virtual machines, with their JIT policy states and assessment (VirtualMachine). */
  virtualMachines?: VirtualMachine[]
  /** Faults for ARM requests that concern no subscription (built-in definitions, definitions and
   * reads at management groups). */
  faults?: Fault[]
  /** Fields of the resources above served changed or removed, by ARM and Resource Graph alike
   * (rewrites.ts): the wrong shapes a rewriting proxy would serve. */
  reshapes?: Reshape[]
  /** ARM answers replaced whole: a status with any body or text (rewrites.ts). */
  answers?: RawAnswer[]
}

export class EstateError extends Error {
  readonly problems: string[]
  constructor(source: string, problems: string[]) {
    super(`${source} is not a valid estate:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'EstateError'
    this.problems = problems
  }
}

/** A GUID, any letter case (subscription, tenant and client ids). */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const VERSION = /^\d+\.\d+\.\d+(-[A-Za-z0-9.-]+)?$/

/** Whether `value` is a version as Azure Policy writes one (`1.0.0`, `1.2.3-preview`). */
export function isVersion(value: unknown): value is string {
  return typeof value === 'string' && VERSION.test(value)
}

/** The version of a policy (set) definition entry: its `properties.version`, else 1.0.0. */
export function definitionVersion(properties: Record<string, unknown>): string {
  return isVersion(properties.version) ? properties.version : '1.0.0'
}

/** Where a policy resource sits, parsed from its id. */
export type ScopeRef =
  | { kind: 'tenant' }
  | { kind: 'managementGroup'; managementGroup: string }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'inside'; subscriptionId: string; resourceGroup: string }

/** Parses a scope (`/providers/Microsoft.Management/managementGroups/X`, `/subscriptions/S`,
 * `/subscriptions/S/resourceGroups/R[/...]`, or '' for built-ins). Undefined when it is none. */
export function parseScope(scope: string): ScopeRef | undefined {
  if (scope === '' || scope === '/') return { kind: 'tenant' }
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope)
  if (mg) return { kind: 'managementGroup', managementGroup: mg[1]! }
  const sub = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/.+)?)?$/i.exec(scope)
  if (!sub) return undefined
  if (sub[2] === undefined) return { kind: 'subscription', subscriptionId: sub[1]! }
  return { kind: 'inside', subscriptionId: sub[1]!, resourceGroup: sub[2] }
}

/** Splits a policy resource id into its scope and name: `SCOPE/providers/Microsoft.Authorization/
 * TYPE/NAME`. */
export function splitPolicyResourceId(
  id: string,
  type: string
): { scope: string; name: string } | undefined {
  const marker = `/providers/microsoft.authorization/${type.toLowerCase()}/`
  const at = id.toLowerCase().lastIndexOf(marker)
  if (at < 0) return undefined
  const name = id.slice(at + marker.length)
  if (name === '' || name.includes('/')) return undefined
  return { scope: id.slice(0, at), name }
}
