// Checks an estate (parsed JSON) against the format of types.ts, every problem at once, and reads
// estate files (docs/design.md, "The stand-in").

import { readFile } from 'node:fs/promises'
import { machineProblems } from './machines.ts'
import { rewriteProblems } from './rewrites.ts'
import {
  EstateError,
  FAULT_KINDS,
  GUID_PATTERN,
  REQUEST_KINDS,
  SUBSCRIPTION_STATES,
  definitionVersion,
  isVersion,
  parseScope,
  splitPolicyResourceId,
  type Estate
} from './types.ts'

const MG_NAME = /^[A-Za-z0-9\-_().]{1,90}$/
const PRICING_ID = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/pricings\/([^/]+)$/i

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
      if (typeof f.fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(f.fault))
        problem(`${p}.fault`, `must be one of ${FAULT_KINDS.join(', ')}, got ${show(f.fault)}`)
      if (
        f.on !== undefined &&
        (typeof f.on !== 'string' || !(REQUEST_KINDS as readonly string[]).includes(f.on))
      )
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
    int('entra.hangAfterTokens', entra.hangAfterTokens, 0)
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

  machineProblems(e.virtualMachines, new Set(subscriptions.keys()), problem)

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
    'virtualMachines',
    'faults',
    'reshapes',
    'answers',
    // Resource Graph's quota and subscription cap (resource-graph/tables.ts).
    'resourceGraph'
  ]
  for (const key of Object.keys(e))
    if (!known.includes(key) && !key.startsWith('$') && !key.startsWith('//'))
      problem(key, `is not an estate field (${known.join(', ')})`)

  problems.push(...rewriteProblems(e))
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
