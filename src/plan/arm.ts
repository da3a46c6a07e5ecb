// ARM's side of every plan format: resource ids as Azure builds them, the kinds of resource the check
// weighs, and the JSON paths that name a value inside a resource.
import { GUID } from '../azure-ids.ts'
import { KIND_TYPES, SERVERS_PRICING_NAME, type PlannedKind, type PolicyKind } from './types.ts'

export type PathSegment = string | number

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * A JSON path (RFC 9535 normalized form, with `.name` where the name is an identifier): `$` for the
 * resource, `$.properties.notScopes[1]`, `$.properties.parameters['effect-b0f33259-…'].value`.
 */
export function jsonPath(segments: readonly PathSegment[]): string {
  let path = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += `.${segment}`
    else path += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`
  }
  return path
}

/** The segments of a path jsonPath wrote (`$.properties.parameters['effect-b0f33259-…'].value`);
 * also reads `["name"]`, the other quoting RFC 9535 allows. */
export function pathSegments(path: string): PathSegment[] {
  const steps = path
    .slice(1)
    .matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/g)
  return [...steps].map((match) => {
    if (match[2] !== undefined) return Number(match[2])
    const quoted = match[3] ?? match[4]
    return quoted === undefined ? (match[1] ?? '') : quoted.replace(/\\(.)/g, '$1')
  })
}

/** `value` when it is a JSON object (not an array, not null), else undefined. */
export function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

/** `value` when it is a non-empty string, else undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A scope as a prefix of the ids made at it: no trailing slash, and the tenant (`/`) empty. */
function scopePrefix(scope: string): string {
  return scope.replace(/\/+$/, '')
}

/**
 * The id ARM gives a resource of `type` (`Microsoft.Authorization/policyAssignments`) named `name`
 * at `scope` (a management group, subscription, resource group or resource id; `/` the tenant):
 * `{scope}/providers/{type}/{name}` ("Resource Manager resource ids" for extension resources;
 * the form the Policy and Defender for Cloud REST APIs list in their paths).
 */
export function resourceId(scope: string, type: string, name: string): string {
  return `${scopePrefix(scope)}/providers/${type}/${name}`
}

/** The name a planned resource's id carries when the plan knows its scope but not its name
 * (Terraform's `name = random_uuid.x.result`): the resource is placed where it will be, and its
 * name, which decides nothing, stays unknown. No ARM name has parentheses and spaces. */
export const NAME_KNOWN_AFTER_APPLY = '(known after apply)'

/** The id of a planned resource at `scope` (undefined: not known) named `name` (null: known only
 * after apply, NAME_KNOWN_AFTER_APPLY stands for it); null when the scope is not known. */
export function plannedId(
  scope: string | undefined,
  type: string,
  name: string | null
): string | null {
  return scope === undefined ? null : resourceId(scope, type, name ?? NAME_KNOWN_AFTER_APPLY)
}

/** `/subscriptions/{id}` for a subscription GUID; a scope that already is an id stays as written. */
export function subscriptionScope(value: string): string {
  return GUID.test(value) ? `/subscriptions/${value}` : value
}

/**
 * The type, name and scope of the resource an id names, read from its last `/providers/NS/TYPE/NAME`
 * (`{ type: 'Microsoft.Authorization/policyAssignments', name, scope }`); undefined when the id has
 * no such tail.
 */
export function parseResourceId(
  id: string
): { type: string; name: string; scope: string } | undefined {
  const index = id.toLowerCase().lastIndexOf('/providers/')
  if (index === -1) return undefined
  const parts = id.slice(index + '/providers/'.length).split('/')
  if (parts.length !== 3 || parts.some((part) => part === '')) return undefined
  return {
    type: `${parts[0]}/${parts[1]}`,
    name: parts[2] as string,
    scope: id.slice(0, index) || '/'
  }
}

/** The kind of a resource type (any case), or undefined for the types the check does not weigh. */
export function kindOfType(type: string): PolicyKind | undefined {
  const wanted = type.toLowerCase()
  for (const [kind, kindType] of Object.entries(KIND_TYPES)) {
    if (kindType.toLowerCase() === wanted) return kind as PolicyKind
  }
  return undefined
}

/** True when `kind`/`name` is a resource the check weighs: a pricing only for Defender for Servers
 * (or when its name is not known). */
export function isWeighed(kind: PlannedKind, name: string | null): boolean {
  return (
    kind !== 'pricing' || name === null || name.toLowerCase() === SERVERS_PRICING_NAME.toLowerCase()
  )
}

/** Parameter values as ARM writes them, `{ NAME: { value } }`, from bare values (EPAC's). */
export function wrapParameterValues(bare: Record<string, unknown>): Record<string, unknown> {
  const wrapped: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(bare)) wrapped[name] = { value }
  return wrapped
}

/** Sets `value` at `segments` inside `target`, making the objects on the way. */
export function setAt(
  target: Record<string, unknown>,
  segments: readonly string[],
  value: unknown
): void {
  let node = target
  for (const segment of segments.slice(0, -1)) {
    const next = objectOrUndefined(node[segment]) ?? {}
    node[segment] = next
    node = next
  }
  node[segments[segments.length - 1] as string] = value
}

/** The scope of a resource id: the part before `/providers/Microsoft.Authorization/` or
 * `/providers/Microsoft.Security/`. */
export function scopeOfPlannedId(id: string): string {
  const index = id.toLowerCase().search(/\/providers\/microsoft\.(authorization|security)\//)
  return index > 0 ? id.slice(0, index) : '/'
}
