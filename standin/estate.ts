// The estate the local Azure stand-in serves: tenant, sign-in settings, management groups,
// subscriptions, policy resources in ARM's own JSON shapes, latency and faults.
// See standin/README.md for the file format with an example.

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

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
export type RequestKind =
  'assignments' | 'exemptions' | 'subscription' | 'ancestry' | 'definitions' | 'pricings' | 'any'

export type FaultKind =
  | 'throttle'
  | 'unavailable'
  | 'reset'
  | 'hang'
  | 'malformed-json'
  | 'nextlink-loop'
  | 'forbidden'
  | 'not-found'

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
  /** ARM answers 401 ExpiredAuthenticationToken for an access token once it has authorized this
   * many requests, whatever its lifetime (a token expiring mid-run). */
  accessTokenExpiresAfterRequests?: number
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
  /** Faults for ARM requests that concern no subscription (built-in definitions, definitions and
   * reads at management groups). */
  faults?: Fault[]
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
const MG_NAME = /^[A-Za-z0-9\-_().]{1,90}$/
const REQUEST_KINDS: readonly string[] = [
  'assignments',
  'exemptions',
  'subscription',
  'ancestry',
  'definitions',
  'pricings',
  'any'
]
const FAULT_KINDS: readonly string[] = [
  'throttle',
  'unavailable',
  'reset',
  'hang',
  'malformed-json',
  'nextlink-loop',
  'forbidden',
  'not-found'
]

const VERSION = /^\d+\.\d+\.\d+(-[A-Za-z0-9.-]+)?$/
const PRICING_ID = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/pricings\/([^/]+)$/i

function isVersion(value: unknown): value is string {
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks an estate (parsed JSON) and returns it typed; throws EstateError listing every problem. */
export function validateEstate(value: unknown, source = 'the estate'): Estate {
  const problems: string[] = []
  const problem = (path: string, message: string) => problems.push(`${path}: ${message}`)
  if (!isObject(value)) throw new EstateError(source, ['the top level must be a JSON object'])
  const e = value

  const guid = (path: string, v: unknown, required: boolean) => {
    if (v === undefined) {
      if (required) problem(path, 'is required (a GUID)')
    } else if (typeof v !== 'string' || !GUID_PATTERN.test(v))
      problem(path, `must be a GUID, got ${show(v)}`)
  }
  const str = (path: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'string') problem(path, `must be a string, got ${show(v)}`)
  }
  const int = (path: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max))
      problem(path, `must be an integer from ${min} to ${max}, got ${show(v)}`)
  }
  const arrayOf = (path: string, v: unknown): unknown[] => {
    if (v === undefined) return []
    if (!Array.isArray(v)) {
      problem(path, `must be an array, got ${show(v)}`)
      return []
    }
    return v
  }
  const faults = (path: string, v: unknown) => {
    arrayOf(path, v).forEach((f, i) => {
      const p = `${path}[${i}]`
      if (!isObject(f))
        return problem(p, 'must be an object like {"fault": "throttle", "on": "any"}')
      if (typeof f.fault !== 'string' || !FAULT_KINDS.includes(f.fault))
        problem(`${p}.fault`, `must be one of ${FAULT_KINDS.join(', ')}, got ${show(f.fault)}`)
      if (f.on !== undefined && (typeof f.on !== 'string' || !REQUEST_KINDS.includes(f.on)))
        problem(`${p}.on`, `must be one of ${REQUEST_KINDS.join(', ')}, got ${show(f.on)}`)
      int(`${p}.times`, f.times, 0)
      int(`${p}.retryAfterSeconds`, f.retryAfterSeconds, 0)
      for (const key of Object.keys(f))
        if (!['fault', 'on', 'times', 'retryAfterSeconds'].includes(key))
          problem(`${p}.${key}`, 'is not a fault field (fault, on, times, retryAfterSeconds)')
    })
  }

  guid('tenantId', e.tenantId, true)
  guid('clientId', e.clientId, true)
  arrayOf('federatedSubjects', e.federatedSubjects).forEach((s, i) => {
    if (typeof s !== 'string' || s === '')
      problem(`federatedSubjects[${i}]`, 'must be a non-empty string')
  })
  const section = (path: string, v: unknown, check: (o: Record<string, unknown>) => void) => {
    if (v === undefined) return
    if (!isObject(v)) problem(path, 'must be an object')
    else check(v)
  }
  section('oidc', e.oidc, (oidc) => {
    str('oidc.subject', oidc.subject)
    int('oidc.lifetimeSeconds', oidc.lifetimeSeconds, 0)
    int('oidc.backdateSeconds', oidc.backdateSeconds, 0)
    int('oidc.status', oidc.status, 400, 599)
    for (const flag of ['absent', 'unreachable'] as const)
      if (oidc[flag] !== undefined && typeof oidc[flag] !== 'boolean')
        problem(`oidc.${flag}`, 'must be true or false')
    if (oidc.claims !== undefined && !isObject(oidc.claims))
      problem('oidc.claims', 'must be an object')
  })
  section('entra', e.entra, (entra) => {
    str('entra.audience', entra.audience)
    int('entra.accessTokenLifetimeSeconds', entra.accessTokenLifetimeSeconds, 0)
    int('entra.failAfterTokens', entra.failAfterTokens, 0)
    int('entra.failStatus', entra.failStatus, 400, 599)
    int('entra.accessTokenExpiresAfterRequests', entra.accessTokenExpiresAfterRequests, 0)
  })
  int('pageSize', e.pageSize, 1, 1000)
  int('latencyMs', e.latencyMs, 0)
  str('rootManagementGroupDisplayName', e.rootManagementGroupDisplayName)
  faults('faults', e.faults)

  // Management groups: names unique, parents defined, no cycles.
  const tenant = typeof e.tenantId === 'string' ? e.tenantId.toLowerCase() : ''
  const parents = new Map<string, string | undefined>()
  const groups = arrayOf('managementGroups', e.managementGroups)
  groups.forEach((g, i) => {
    const p = `managementGroups[${i}]`
    if (!isObject(g)) return problem(p, 'must be an object like {"name": "corp", "parent": "root"}')
    if (typeof g.name !== 'string' || !MG_NAME.test(g.name))
      return problem(
        `${p}.name`,
        `must be a management group id (letters, digits, -_().), got ${show(g.name)}`
      )
    const key = g.name.toLowerCase()
    if (parents.has(key)) problem(`${p}.name`, `'${g.name}' is defined twice`)
    str(`${p}.displayName`, g.displayName)
    str(`${p}.parent`, g.parent)
    if (key === tenant && g.parent !== undefined)
      problem(`${p}.parent`, 'the tenant root group (named by the tenant id) has no parent')
    parents.set(key, typeof g.parent === 'string' ? g.parent.toLowerCase() : undefined)
  })
  const groupExists = (name: string) =>
    name.toLowerCase() === tenant || parents.has(name.toLowerCase())
  groups.forEach((g, i) => {
    if (!isObject(g) || typeof g.name !== 'string' || typeof g.parent !== 'string') return
    if (!groupExists(g.parent))
      problem(`managementGroups[${i}].parent`, `management group '${g.parent}' is not defined`)
    const seen = new Set<string>([g.name.toLowerCase()])
    let at: string | undefined = g.parent.toLowerCase()
    while (at !== undefined && at !== tenant && parents.has(at)) {
      if (seen.has(at)) {
        problem(`managementGroups[${i}].parent`, `'${g.name}' is its own ancestor (a cycle)`)
        break
      }
      seen.add(at)
      at = parents.get(at)
    }
  })

  // Subscriptions.
  const subscriptions = new Map<string, Set<string> | undefined>()
  const subs = arrayOf('subscriptions', e.subscriptions)
  if (e.subscriptions === undefined) problem('subscriptions', 'is required (an array)')
  subs.forEach((s, i) => {
    const p = `subscriptions[${i}]`
    if (!isObject(s)) return problem(p, 'must be an object like {"subscriptionId": "GUID"}')
    guid(`${p}.subscriptionId`, s.subscriptionId, true)
    if (typeof s.subscriptionId === 'string') {
      const key = s.subscriptionId.toLowerCase()
      if (subscriptions.has(key))
        problem(`${p}.subscriptionId`, `'${s.subscriptionId}' is listed twice`)
      const rgs = Array.isArray(s.resourceGroups)
        ? new Set(s.resourceGroups.map((r) => String(r).toLowerCase()))
        : undefined
      subscriptions.set(key, rgs)
    }
    str(`${p}.displayName`, s.displayName)
    if (typeof s.state === 'string' && !SUBSCRIPTION_STATES.includes(s.state))
      problem(`${p}.state`, `'${s.state}' is not one of ${SUBSCRIPTION_STATES.join(', ')}`)
    else str(`${p}.state`, s.state)
    if (s.managementGroup !== undefined) {
      if (typeof s.managementGroup !== 'string') str(`${p}.managementGroup`, s.managementGroup)
      else if (!groupExists(s.managementGroup))
        problem(`${p}.managementGroup`, `management group '${s.managementGroup}' is not defined`)
    }
    arrayOf(`${p}.resourceGroups`, s.resourceGroups).forEach((r, j) => {
      if (typeof r !== 'string' || r === '') problem(`${p}.resourceGroups[${j}]`, 'must be a name')
    })
    int(`${p}.latencyMs`, s.latencyMs, 0)
    faults(`${p}.faults`, s.faults)
  })

  const checkScope = (path: string, scope: string, allowTenant: boolean, allowInside: boolean) => {
    const ref = parseScope(scope)
    if (!ref)
      return problem(
        path,
        `scope '${scope}' is not a management group, subscription or resource group`
      )
    if (ref.kind === 'tenant') {
      if (!allowTenant) problem(path, 'must be at a management group, subscription or inside one')
    } else if (ref.kind === 'managementGroup') {
      if (!groupExists(ref.managementGroup))
        problem(path, `management group '${ref.managementGroup}' is not defined`)
    } else {
      const rgs = subscriptions.get(ref.subscriptionId.toLowerCase())
      if (!subscriptions.has(ref.subscriptionId.toLowerCase()))
        problem(path, `subscription '${ref.subscriptionId}' is not in subscriptions`)
      else if (ref.kind === 'inside') {
        if (!allowInside) problem(path, 'must be at a management group or subscription')
        else if (rgs && !rgs.has(ref.resourceGroup.toLowerCase()))
          problem(
            path,
            `resource group '${ref.resourceGroup}' is not in that subscription's resourceGroups`
          )
      }
    }
  }
  const resources = (field: string, type: string, allowTenant: boolean, allowInside: boolean) => {
    const ids = new Set<string>()
    arrayOf(field, e[field]).forEach((r, i) => {
      const p = `${field}[${i}]`
      if (!isObject(r)) return problem(p, 'must be an ARM resource {id, name, properties}')
      if (typeof r.id !== 'string') return problem(`${p}.id`, 'is required (the resource id)')
      if (!isObject(r.properties)) problem(`${p}.properties`, 'is required (an object)')
      const split = splitPolicyResourceId(r.id, type)
      if (!split)
        return problem(
          `${p}.id`,
          `'${r.id}' is not a .../providers/Microsoft.Authorization/${type}/NAME id`
        )
      if (
        r.name !== undefined &&
        (typeof r.name !== 'string' || r.name.toLowerCase() !== split.name.toLowerCase())
      )
        problem(`${p}.name`, `must be the id's last segment '${split.name}', got ${show(r.name)}`)
      const props = isObject(r.properties) ? r.properties : {}
      const definition = type.endsWith('Definitions')
      if (definition && props.version !== undefined && !isVersion(props.version))
        problem(
          `${p}.properties.version`,
          `must be a version like 1.0.0, got ${show(props.version)}`
        )
      const key = definition
        ? `${r.id}@${definitionVersion(props)}`.toLowerCase()
        : r.id.toLowerCase()
      if (ids.has(key))
        problem(`${p}.id`, `'${r.id}' is defined twice${definition ? ' with one version' : ''}`)
      ids.add(key)
      checkScope(`${p}.id`, split.scope, allowTenant, allowInside)
      if (type === 'policyAssignments') {
        if (typeof props.policyDefinitionId !== 'string')
          problem(`${p}.properties.policyDefinitionId`, 'is required (a string)')
        if (
          props.scope !== undefined &&
          (typeof props.scope !== 'string' ||
            props.scope.toLowerCase() !== split.scope.toLowerCase())
        )
          problem(
            `${p}.properties.scope`,
            `must be the id's scope '${split.scope}', got ${show(props.scope)}`
          )
        if (props.notScopes !== undefined && !Array.isArray(props.notScopes))
          problem(`${p}.properties.notScopes`, 'must be an array')
      }
      if (type === 'policyExemptions') {
        if (typeof props.policyAssignmentId !== 'string')
          problem(`${p}.properties.policyAssignmentId`, 'is required (a string)')
        if (
          props.exemptionCategory !== undefined &&
          props.exemptionCategory !== 'Waiver' &&
          props.exemptionCategory !== 'Mitigated'
        )
          problem(
            `${p}.properties.exemptionCategory`,
            `must be Waiver or Mitigated, got ${show(props.exemptionCategory)}`
          )
        if (
          props.expiresOn !== undefined &&
          props.expiresOn !== null &&
          (typeof props.expiresOn !== 'string' || Number.isNaN(Date.parse(props.expiresOn)))
        )
          problem(
            `${p}.properties.expiresOn`,
            `must be an ISO 8601 date-time or null (never expires), got ${show(props.expiresOn)}`
          )
      }
      if (type === 'policySetDefinitions' && !Array.isArray(props.policyDefinitions))
        problem(`${p}.properties.policyDefinitions`, 'is required (an array of references)')
    })
  }
  resources('policyAssignments', 'policyAssignments', false, true)
  resources('policyExemptions', 'policyExemptions', false, true)
  resources('policySetDefinitions', 'policySetDefinitions', true, false)
  resources('policyDefinitions', 'policyDefinitions', true, false)
  arrayOf('pricings', e.pricings).forEach((r, i) => {
    const p = `pricings[${i}]`
    if (!isObject(r) || typeof r.id !== 'string' || !isObject(r.properties))
      return problem(p, 'must be an ARM resource {id, name, properties: {pricingTier}}')
    const m = PRICING_ID.exec(r.id)
    if (!m)
      return problem(
        `${p}.id`,
        `'${r.id}' is not a /subscriptions/S/providers/Microsoft.Security/pricings/NAME id`
      )
    if (!subscriptions.has(m[1]!.toLowerCase()))
      problem(`${p}.id`, `subscription '${m[1]}' is not in subscriptions`)
    if (r.name !== undefined && r.name !== m[2])
      problem(`${p}.name`, `must be the id's last segment '${m[2]}', got ${show(r.name)}`)
    if (r.properties.pricingTier !== 'Free' && r.properties.pricingTier !== 'Standard')
      problem(
        `${p}.properties.pricingTier`,
        `must be Free or Standard, got ${show(r.properties.pricingTier)}`
      )
    str(`${p}.properties.subPlan`, r.properties.subPlan)
  })

  const known = [
    'tenantId',
    'clientId',
    'federatedSubjects',
    'oidc',
    'entra',
    'pageSize',
    'latencyMs',
    'rootManagementGroupDisplayName',
    'managementGroups',
    'subscriptions',
    'policyAssignments',
    'policyExemptions',
    'policySetDefinitions',
    'policyDefinitions',
    'pricings',
    'faults',
    // Resource Graph's quota and subscription cap (resource-graph/tables.ts).
    'resourceGraph'
  ]
  for (const key of Object.keys(e))
    if (!known.includes(key) && !key.startsWith('$') && !key.startsWith('//'))
      problem(key, `is not an estate field (${known.join(', ')})`)

  if (problems.length > 0) throw new EstateError(source, problems)
  return e as unknown as Estate
}

/** Reads and validates an estate file (JSON). */
export async function loadEstate(file: string): Promise<Estate> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`cannot read the estate file ${file}: ${(error as Error).message}`, {
      cause: error
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`the estate file ${file} is not JSON: ${(error as Error).message}`, {
      cause: error
    })
  }
  return validateEstate(json, file)
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  if (text === undefined) return String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

// ---- helpers to build estates in code ----

/** A deterministic GUID (version-4 layout) derived from a seed. */
export function guid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex')
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The n-th deterministic subscription id of test estates. */
export function subscriptionId(n: number): string {
  return guid(`subscription/${n}`)
}

export function managementGroupScope(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`
}

export function subscriptionScope(id: string): string {
  return `/subscriptions/${id}`
}

export function resourceGroupScope(subscription: string, resourceGroup: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}`
}

/** A policy assignment in ARM's shape. `properties` is merged over the defaults (no notScopes,
 * no parameters, enforcementMode Default). */
export function policyAssignment(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyDefinitionId: string }
): ArmResource {
  return policyResource('policyAssignments', scope, name, {
    displayName: name,
    scope,
    notScopes: [],
    parameters: {},
    enforcementMode: 'Default',
    ...properties
  })
}

/** A policy exemption in ARM's shape. */
export function policyExemption(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyAssignmentId: string }
): ArmResource {
  return policyResource('policyExemptions', scope, name, {
    exemptionCategory: 'Waiver',
    ...properties
  })
}

/** A custom policy set definition in ARM's shape, at a management group or subscription scope. */
export function policySetDefinition(
  scope: string,
  name: string,
  properties: Record<string, unknown> & { policyDefinitions: unknown[] }
): ArmResource {
  return policyResource('policySetDefinitions', scope, name, {
    displayName: name,
    policyType: 'Custom',
    parameters: {},
    ...properties
  })
}

/** A Microsoft.Authorization resource of `type` named `name` at `scope`, in ARM's shape. */
function policyResource(
  type: 'policyAssignments' | 'policyExemptions' | 'policySetDefinitions',
  scope: string,
  name: string,
  properties: Record<string, unknown>
): ArmResource {
  return {
    id: `${scope}/providers/Microsoft.Authorization/${type}/${name}`,
    type: `Microsoft.Authorization/${type}`,
    name,
    properties
  }
}

/** Defender for Cloud's pricing of Defender for Servers (`VirtualMachines`) on a subscription, in
 * ARM's shape: `Free`, or `Standard` with `subPlan` `P1` or `P2`. */
export function serversPricing(
  subscription: string,
  pricingTier: 'Free' | 'Standard',
  subPlan?: 'P1' | 'P2'
): ArmResource {
  return {
    id: `/subscriptions/${subscription}/providers/Microsoft.Security/pricings/VirtualMachines`,
    name: 'VirtualMachines',
    type: 'Microsoft.Security/pricings',
    properties: { pricingTier, ...(subPlan ? { subPlan } : {}) }
  }
}
