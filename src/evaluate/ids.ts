// Azure resource ids and scopes, compared the way ARM compares them: case-insensitively, with no
// trailing slash.
import { JIT_POLICY_DEFINITION_ID, JIT_POLICY_DEFINITION_NAME } from '../model.ts'

const MANAGEMENT_GROUP_PREFIX = '/providers/microsoft.management/managementgroups/'
const JIT_DEFINITION_SUFFIX = `/policydefinitions/${JIT_POLICY_DEFINITION_NAME}`

/** The id in the form used for comparisons: trimmed, lower case, without trailing slashes. */
export function normalizeId(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase()
}

export function sameId(a: string, b: string): boolean {
  return normalizeId(a) === normalizeId(b)
}

/** Whether `list` holds `value`, compared case-insensitively. */
export function includesIgnoringCase(list: readonly string[], value: string): boolean {
  const wanted = value.toLowerCase()
  return list.some((item) => item.toLowerCase() === wanted)
}

export function subscriptionScope(subscriptionId: string): string {
  return normalizeId(`/subscriptions/${subscriptionId}`)
}

/** The lower-cased name of a management group id, or null when `id` names something else. */
export function managementGroupName(id: string): string | null {
  const normalized = normalizeId(id)
  if (!normalized.startsWith(MANAGEMENT_GROUP_PREFIX)) return null
  const name = normalized.slice(MANAGEMENT_GROUP_PREFIX.length)
  return name === '' || name.includes('/') ? null : name
}

/** Whether `scope` lies strictly inside `parent` (both compared normalized). */
export function isInside(scope: string, parent: string): boolean {
  return normalizeId(scope).startsWith(`${normalizeId(parent)}/`)
}

/** A policyDefinitionId that names the JIT definition (built-in, or by the same name elsewhere). */
export function isJitDefinitionId(id: string): boolean {
  return normalizeId(id).endsWith(JIT_DEFINITION_SUFFIX)
}

export function isBuiltInJitDefinitionId(id: string): boolean {
  return sameId(id, JIT_POLICY_DEFINITION_ID)
}

export function isSetDefinitionId(id: string): boolean {
  return normalizeId(id).includes('/policysetdefinitions/')
}
