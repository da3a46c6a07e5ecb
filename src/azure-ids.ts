// Azure resource ids and scopes, compared the way ARM compares them: case-insensitively, with no
// trailing slash. Shared by the collector and the evaluator so both key and match ids alike.

/** A GUID in any case, e.g. a subscription, tenant or client id; `GUID_SOURCE` finds one in text. */
export const GUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
export const GUID = new RegExp(`^${GUID_SOURCE}$`, 'i')

const MANAGEMENT_GROUP_ID_PREFIX = '/providers/Microsoft.Management/managementGroups/'
const MANAGEMENT_GROUP_PREFIX = MANAGEMENT_GROUP_ID_PREFIX.toLowerCase()

/** The id of the management group named `name` (its name as given, not encoded). */
export function managementGroupId(name: string): string {
  return `${MANAGEMENT_GROUP_ID_PREFIX}${name}`
}

/** The id in the form used for comparisons: trimmed, lower case, without trailing slashes. */
export function normalizeId(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase()
}

export function sameId(a: string, b: string): boolean {
  return normalizeId(a) === normalizeId(b)
}

/** The lower-cased name of a management group id, or null when `id` names something else. */
export function managementGroupName(id: string): string | null {
  const normalized = normalizeId(id)
  if (!normalized.startsWith(MANAGEMENT_GROUP_PREFIX)) return null
  const name = normalized.slice(MANAGEMENT_GROUP_PREFIX.length)
  return name === '' || name.includes('/') ? null : name
}

export function isSetDefinitionId(id: string): boolean {
  return normalizeId(id).includes('/policysetdefinitions/')
}

/**
 * The key of a set definition's version in a snapshot's `setDefinitions`: the normalized id, then
 * `@` and the version as the assignment or override names it (`1.*.*`, `2.0.0`), or the id alone
 * when no version is named (the version ARM runs by default, the latest).
 */
export function setDefinitionKey(id: string, version: string | null | undefined): string {
  const normalized = normalizeId(id)
  return version ? `${normalized}@${version.trim().toLowerCase()}` : normalized
}
