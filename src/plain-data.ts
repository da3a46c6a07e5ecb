// Walking plain data (what JSON holds: strings, numbers, booleans, null, arrays and plain
// objects), for what is done to every string of a report or a request whatever its shape:
// redaction (redact.ts) and cutting (report/outputs.ts).

/** `value` with `change` applied to every string in it (object keys left as they are): a new
 * value, `value` is not changed. */
export function mapStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, change)) as T
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)])
    ) as T
  }
  return value
}

/** Every string in `value` (object keys left out), depth first in the order JSON writes them. */
export function* stringsOf(value: unknown): Generator<string, void, undefined> {
  if (typeof value === 'string') yield value
  else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) yield* stringsOf(item)
  }
}
