// Sets of Azure locations, as resourceLocation selectors name them: `in` a list, or `notIn` one.
// Learn names locations as `eastus` and documents no other normalization, so names are compared
// lower-cased and otherwise as written
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#resource-selectors).
import type { Selector } from '../model.ts'

/** `only` the locations named, or every location `except` them; names are lower-cased. */
export interface Locations {
  kind: 'only' | 'except'
  names: ReadonlySet<string>
}

export const EVERY_LOCATION: Locations = { kind: 'except', names: new Set() }
export const NO_LOCATION: Locations = { kind: 'only', names: new Set() }

/** The locations a resourceLocation selector chooses: its `in` list, else every location but its
 * `notIn` list; null when it has neither list. */
export function selectorLocations(selector: Selector): Locations | null {
  if (selector.in !== undefined) return { kind: 'only', names: lowerCased(selector.in) }
  if (selector.notIn !== undefined) return { kind: 'except', names: lowerCased(selector.notIn) }
  return null
}

export function union(a: Locations, b: Locations): Locations {
  return complement(intersection(complement(a), complement(b)))
}

export function intersection(a: Locations, b: Locations): Locations {
  if (a.kind === 'only' && b.kind === 'only') {
    return { kind: 'only', names: filtered(a.names, (name) => b.names.has(name)) }
  }
  if (a.kind === 'except' && b.kind === 'except') {
    return { kind: 'except', names: new Set([...a.names, ...b.names]) }
  }
  const [only, except] = a.kind === 'only' ? [a, b] : [b, a]
  return { kind: 'only', names: filtered(only.names, (name) => !except.names.has(name)) }
}

/** The locations of `a` that are not in `b`. */
export function difference(a: Locations, b: Locations): Locations {
  return intersection(a, complement(b))
}

export function isEvery(locations: Locations): boolean {
  return locations.kind === 'except' && locations.names.size === 0
}

export function isNone(locations: Locations): boolean {
  return locations.kind === 'only' && locations.names.size === 0
}

export function sameLocations(a: Locations, b: Locations): boolean {
  return (
    a.kind === b.kind &&
    a.names.size === b.names.size &&
    [...a.names].every((name) => b.names.has(name))
  )
}

export function overlap(a: Locations, b: Locations): boolean {
  return !isNone(intersection(a, b))
}

/** For sentences: "in every location", "in no location", "only in eastus, westus", "in every
 * location but eastus". */
export function describeLocations(locations: Locations): string {
  const names = [...locations.names].sort().join(', ')
  if (locations.kind === 'only') return names === '' ? 'in no location' : `only in ${names}`
  return names === '' ? 'in every location' : `in every location but ${names}`
}

function complement(locations: Locations): Locations {
  return { kind: locations.kind === 'only' ? 'except' : 'only', names: locations.names }
}

function lowerCased(names: readonly string[]): Set<string> {
  return new Set(names.map((name) => name.toLowerCase()))
}

function filtered(names: ReadonlySet<string>, keep: (name: string) => boolean): Set<string> {
  return new Set([...names].filter(keep))
}
