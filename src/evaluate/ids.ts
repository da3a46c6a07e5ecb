// What the rule asks of ids and names beyond ../azure-ids.ts (which the collector shares): scopes
// inside scopes, which policyDefinitionIds name the JIT definition, and parameter lookups (ARM
// parameter names are case-insensitive).
import { JIT_POLICY_DEFINITION_ID, JIT_POLICY_DEFINITION_NAME } from '../model.ts'
import { normalizeId, sameId } from '../azure-ids.ts'

const JIT_DEFINITION_SUFFIX = `/policydefinitions/${JIT_POLICY_DEFINITION_NAME}`

/** Whether `list` holds `value`, compared case-insensitively. */
export function includesIgnoringCase(list: readonly string[], value: string): boolean {
  const wanted = value.toLowerCase()
  return list.some((item) => item.toLowerCase() === wanted)
}

export function subscriptionScope(subscriptionId: string): string {
  return normalizeId(`/subscriptions/${subscriptionId}`)
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

export interface Entry<T> {
  /** The key as written in the record. */
  key: string
  value: T
}

/** The entry named `name`, preferring an exact match, else any that differs only in case. */
export function findEntry<T>(
  record: Record<string, T | undefined>,
  name: string
): Entry<T> | undefined {
  const exact = record[name]
  if (exact !== undefined) return { key: name, value: exact }
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lower && value !== undefined) return { key, value }
  }
  return undefined
}
