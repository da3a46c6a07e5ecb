// Parameter lookups: ARM parameter names are case-insensitive.

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
