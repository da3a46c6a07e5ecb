// Microsoft.Authorization policy resources as ARM serves them (docs/design.md, "The stand-in"):
// a subscription's assignments and exemptions with ARM's `$filter`s, one assignment or
// exemption at any scope, and policy (set) definitions, built-in or custom.

import type { ArmResource } from '../estate/index.ts'
import { definitionVersion } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError, json } from '../http.ts'
import type { ArmModel, ListMode, MgNode } from './model.ts'
import { MG_PREFIX } from './model.ts'
import type { ArmRequest } from './request.ts'

export const AUTHORIZATION = '/providers/Microsoft.Authorization'

const POLICY_TYPES = [
  'policyAssignments',
  'policyExemptions',
  'policyDefinitions',
  'policySetDefinitions'
] as const

/** A policy resource type as ARM spells it, from the request's spelling (any letter case). */
export function policyType(spelled: string): string {
  return POLICY_TYPES.find((t) => t.toLowerCase() === spelled.toLowerCase()) ?? spelled
}

/** What a list of one kind of policy resource understands in `$filter`, besides `atScope()`
 * and `atExactScope()`. */
interface ListSpec {
  index: 'assignments' | 'exemptions'
  /** The property of `{property} eq '{value}'`. */
  property: 'policyDefinitionId' | 'policyAssignmentId'
  /** The `eq` term alone reads at scope (ARM's policyDefinitionId filter does). */
  eqMeansAtScope: boolean
  /** `excludeExpired()` is understood. */
  expiry: boolean
}

/** The subscription's resources of one kind (the row requires the subscription), filtered by the
 * terms of `$filter` joined with `and`; an unsupported term is a 400. */
function listPolicy(spec: ListSpec, request: ArmRequest): Reply {
  const { url } = request
  const filter = url.searchParams.get('$filter')
  const terms = filter === null || filter.trim() === '' ? [] : filter.split(/\s+and\s+/i)
  const eqPattern = new RegExp(`^${spec.property}\\s+eq\\s+'([^']*)'$`, 'i')
  let mode: ListMode = 'all'
  let excludeExpired = false
  let value: string | undefined
  for (const term of terms.map((t) => t.trim())) {
    const eq = eqPattern.exec(term)
    if (/^atScope\(\)$/i.test(term)) mode = 'atScope'
    else if (/^atExactScope\(\)$/i.test(term)) mode = 'exact'
    else if (spec.expiry && /^excludeExpired\(\)$/i.test(term)) excludeExpired = true
    else if (eq) {
      value = eq[1]!.toLowerCase()
      if (spec.eqMeansAtScope && mode === 'all') mode = 'atScope'
    } else
      return armError(
        400,
        'InvalidFilterInQueryString',
        `The filter '${filter}' is not supported. Supported filters are 'atScope()', 'atExactScope()'${spec.expiry ? ", 'excludeExpired()'" : ''} and '${spec.property} eq '{value}''.`
      )
  }
  const sub = request.subscription!
  let list = request.model[spec.index].list(sub, request.model.ancestors(sub), mode)
  if (value !== undefined)
    list = list.filter((x) => String(x.properties[spec.property]).toLowerCase() === value)
  if (excludeExpired) {
    const nowMs = Date.now()
    list = list.filter(
      (x) =>
        typeof x.properties.expiresOn !== 'string' || Date.parse(x.properties.expiresOn) > nowMs
    )
  }
  return request.page(list)
}

const EXPANDS = ['LatestDefinitionVersion', 'EffectiveDefinitionVersion']

/** `$expand` of an assignments list: the supported values it names (comma-separated, any case),
 * or the 400 that refuses another. */
export function assignmentExpands(url: URL): Set<string> | Reply {
  const expand = url.searchParams.get('$expand')
  const named = new Set<string>()
  for (const value of (expand ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')) {
    const known = EXPANDS.find((e) => e.toLowerCase() === value.toLowerCase())
    if (!known)
      return armError(
        400,
        'InvalidExpandQueryParameter',
        `The $expand value '${value}' is not supported. Supported values are '${EXPANDS.join(', ')}'.`
      )
    named.add(known)
  }
  return named
}

/** The versions an assignment runs and could run, as ARM's `$expand` adds them: the latest held
 * version of its definition, and the highest that its `definitionVersion` matches (`1.*.*`; an
 * exact version when held; absent: the latest). Unknown definitions get neither. */
function withVersions(assignment: ArmResource, model: ArmModel, expands: Set<string>): ArmResource {
  const id = String(assignment.properties.policyDefinitionId ?? '').toLowerCase()
  const held = (model.definitionVersions.get(id) ?? []).map((d) => definitionVersion(d.properties))
  if (held.length === 0 || expands.size === 0) return assignment
  const asked = assignment.properties.definitionVersion
  const wanted = typeof asked === 'string' ? asked.split('.') : ['*', '*', '*']
  // `held` is newest first: the first match is the highest.
  const effective = held.find((version) => {
    const parts = version.split('-')[0]!.split('.')
    return (
      wanted.length === 3 &&
      wanted.every((part, i) => part === '*' || Number(part) === Number(parts[i]))
    )
  })
  const properties = { ...assignment.properties }
  if (expands.has('LatestDefinitionVersion')) properties.latestDefinitionVersion = held[0]
  if (expands.has('EffectiveDefinitionVersion') && effective !== undefined)
    properties.effectiveDefinitionVersion = effective
  return { ...assignment, properties }
}

/** GET .../policyAssignments: `atScope()`, `atExactScope()`, `policyDefinitionId eq '...'`;
 * `$expand=LatestDefinitionVersion, EffectiveDefinitionVersion`. */
export function listAssignments(request: ArmRequest): Reply {
  const expands = assignmentExpands(request.url)
  if (!(expands instanceof Set)) return expands
  return listPolicy(
    {
      index: 'assignments',
      property: 'policyDefinitionId',
      eqMeansAtScope: true,
      expiry: false
    },
    {
      ...request,
      page: (items) =>
        request.page(items.map((a) => withVersions(a as ArmResource, request.model, expands)))
    }
  )
}

/** GET .../policyExemptions: also `excludeExpired()` and `policyAssignmentId eq '...'`. */
export function listExemptions(request: ArmRequest): Reply {
  return listPolicy(
    {
      index: 'exemptions',
      property: 'policyAssignmentId',
      eqMeansAtScope: false,
      expiry: true
    },
    request
  )
}

/** GET /providers/Microsoft.Management/managementGroups/{mg}/providers/Microsoft.Authorization/
 * policyExemptions ("Policy Exemptions - List For Management Group"): the exemptions at the group
 * and at its ancestors (`atScope()`, also without a filter), or at the group alone
 * (`atExactScope()`); `excludeExpired()` and `policyAssignmentId eq '...'` as for a subscription. */
export function listGroupExemptions(request: ArmRequest): Reply {
  const group = request.managementGroup!
  const filter = request.url.searchParams.get('$filter') ?? ''
  const terms = filter.trim() === '' ? [] : filter.split(/\s+and\s+/i).map((t) => t.trim())
  let exact = false
  let excludeExpired = false
  let assignment: string | undefined
  for (const term of terms) {
    const eq = /^policyAssignmentId\s+eq\s+'([^']*)'$/i.exec(term)
    if (/^atExactScope\(\)$/i.test(term)) exact = true
    else if (/^excludeExpired\(\)$/i.test(term)) excludeExpired = true
    else if (eq) assignment = eq[1]!.toLowerCase()
    else if (!/^atScope\(\)$/i.test(term))
      return armError(
        400,
        'InvalidFilterInQueryString',
        `The filter '${filter}' is not supported. Supported filters are 'atScope()', 'atExactScope()', 'excludeExpired()' and 'policyAssignmentId eq '{value}''.`
      )
  }
  const groups: MgNode[] = [group]
  if (!exact) for (let at = group.parent; at; at = at.parent) groups.push(at)
  const nowMs = Date.now()
  const list = groups
    .reverse()
    .flatMap(
      (g) => request.model.exemptions.atScope.get(`${MG_PREFIX}${g.name}`.toLowerCase()) ?? []
    )
    .filter(
      (x) =>
        assignment === undefined ||
        String(x.properties.policyAssignmentId).toLowerCase() === assignment
    )
    .filter(
      (x) =>
        !excludeExpired ||
        typeof x.properties.expiresOn !== 'string' ||
        Date.parse(x.properties.expiresOn) > nowMs
    )
  return request.page(list)
}

/** GET {scope}/providers/Microsoft.Authorization/{type}/{name} of an assignment or exemption. */
export function getPolicyItem(request: ArmRequest): Reply {
  const { scope, type, name } = request.params as Record<'scope' | 'type' | 'name', string>
  const assignments = policyType(type) === 'policyAssignments'
  const index = assignments ? request.model.assignments : request.model.exemptions
  const found = index.byId.get(`${scope}${AUTHORIZATION}/${policyType(type)}/${name}`.toLowerCase())
  if (found) return json(200, found)
  return assignments
    ? armError(404, 'PolicyAssignmentNotFound', `The policy assignment '${name}' is not found.`)
    : armError(404, 'PolicyExemptionNotFound', `The policy exemption '${name}' is not found.`)
}

/** GET {scope}/providers/Microsoft.Authorization/{type}/{name} of a policy (set) definition:
 * built-ins at the tenant (''), custom ones at their management group or subscription only. */
export function getDefinition(request: ArmRequest): Reply {
  const { scope, type, name } = request.params as Record<'scope' | 'type' | 'name', string>
  const found: ArmResource | undefined = request.model.definitions.get(
    `${scope}${AUTHORIZATION}/${type}/${name}`.toLowerCase()
  )
  return found ? json(200, found) : definitionNotFound(request)
}

/** 404 PolicySetDefinitionNotFound or PolicyDefinitionNotFound of the path's `{name}`. */
export function definitionNotFound(request: ArmRequest): Reply {
  const { type, name } = request.params as Record<'type' | 'name', string>
  return policyType(type) === 'policySetDefinitions'
    ? armError(
        404,
        'PolicySetDefinitionNotFound',
        `The policy set definition '${name}' could not be found.`
      )
    : armError(
        404,
        'PolicyDefinitionNotFound',
        `The policy definition '${name}' could not be found.`
      )
}

/** A version of a policy (set) definition as ARM serves it: `{definition id}/versions/{version}`. */
function versionResource(definition: ArmResource): ArmResource {
  const version = definitionVersion(definition.properties)
  // A version lists no versions: only the definition's latest does.
  const properties = { ...definition.properties }
  Reflect.deleteProperty(properties, 'versions')
  return {
    ...definition,
    id: `${definition.id}/versions/${version}`,
    name: version,
    type: `${definition.type ?? ''}/versions`,
    properties: { ...properties, version }
  }
}

function versionsOf(request: ArmRequest): ArmResource[] | undefined {
  const { scope, type, name } = request.params as Record<'scope' | 'type' | 'name', string>
  return request.model.definitionVersions.get(
    `${scope}${AUTHORIZATION}/${policyType(type)}/${name}`.toLowerCase()
  )
}

/** GET {definition}/versions: every version held, newest first; 404 for an unknown definition. */
export function listDefinitionVersions(request: ArmRequest): Reply {
  const versions = versionsOf(request)
  return versions ? request.page(versions.map(versionResource)) : definitionNotFound(request)
}

/** GET {definition}/versions/{version}: that version; 404 when the definition or it is unknown. */
export function getDefinitionVersion(request: ArmRequest): Reply {
  const versions = versionsOf(request)
  if (!versions) return definitionNotFound(request)
  const wanted = request.params.version!
  const found = versions.find((d) => definitionVersion(d.properties) === wanted)
  if (found) return json(200, versionResource(found))
  const set = policyType(request.params.type!) === 'policySetDefinitions'
  return armError(
    404,
    set ? 'PolicySetDefinitionVersionNotFound' : 'PolicyDefinitionVersionNotFound',
    `The policy ${set ? 'set ' : ''}definition version '${wanted}' of '${request.params.name}' could not be found.`
  )
}
