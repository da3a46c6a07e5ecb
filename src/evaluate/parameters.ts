// Parameter lookups (ARM parameter names are case-insensitive) and the one ARM expression a
// reference uses to pass an initiative parameter on: `[parameters('NAME')]`.

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

/** What a reference's `parameters.effect.value` holds. */
export type Binding =
  | { kind: 'literal'; value: unknown }
  | { kind: 'parameter'; name: string }
  | { kind: 'expression'; text: string }

const PARAMETER_EXPRESSION = /^\[\s*parameters\s*\(\s*(?:'([^']*)'|"([^"]*)")\s*\)\s*\]$/i

export function parseBinding(value: unknown): Binding {
  if (typeof value !== 'string') return { kind: 'literal', value }
  // `[[` escapes a literal string that starts with `[`.
  if (value.startsWith('[[')) return { kind: 'literal', value: value.slice(1) }
  if (!value.startsWith('[') || !value.endsWith(']')) return { kind: 'literal', value }
  const match = PARAMETER_EXPRESSION.exec(value)
  const name = match?.[1] ?? match?.[2]
  return name === undefined ? { kind: 'expression', text: value } : { kind: 'parameter', name }
}
