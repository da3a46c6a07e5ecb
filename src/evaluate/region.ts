// Regions of one subscription: which of its virtual machines something reaches, told apart by the
// two things that decide it, where a virtual machine is (its resource group, or the resource
// itself) and its location. Scopes are those the snapshot names inside the subscription
// (assignment scopes, notScopes, exemption scopes), each standing for itself less the named
// scopes inside it, and "every other resource group"; locations are those resourceLocation
// selectors name anywhere in the snapshot, and "every other location". A region is a set of
// (scope, location) cells, as the bits of a bigint, so that what assignments audit can be united
// and what no assignment audits named (docs/how-it-decides.md, "Every rule, with its source").
import { normalizeId } from '../azure-ids.ts'
import type { ResourceSelector, SubscriptionSnapshot } from '../model.ts'
import { isInside } from './ids.ts'
import type { Locations } from './locations.ts'

/** A set of cells of the subscription (bit `scope * locations + location`). */
export type Region = bigint

export const NOWHERE: Region = 0n

/** The cells of one subscription, and how to name and build its regions. */
export interface Universe {
  /** Every virtual machine of the subscription. */
  every: Region
  /** The part inside `scope`, a resource group or resource inside the subscription. Throws when
   * the snapshot does not name it (a defect: every scope the rule meets is in the snapshot). */
  inside(scope: string): Region
  /** The part in `locations`. Throws when they name a location the snapshot does not. */
  at(locations: Locations): Region
  /** The region for people: "resource group rg-lab in every location", "every resource group in
   * westeurope", joined with ", and "; "the whole subscription" for every cell. */
  describe(region: Region): string
}

interface ScopeAtom {
  /** Normalized id; '' for every resource group the snapshot does not name. */
  key: string
  /** The id as first written. */
  written: string
}

/** The universe of `snapshot`'s subscription (`subscription`, its normalized scope). */
export function universeOf(snapshot: SubscriptionSnapshot, subscription: string): Universe {
  const scopes = scopeAtoms(snapshot, subscription)
  const children = childrenOf(scopes)
  const locations = ['', ...locationNames(snapshot)]
  const width = BigInt(locations.length)
  const cell = (scope: number, location: number) => 1n << (BigInt(scope) * width + BigInt(location))
  const rows = scopes.map((_, s) => locations.reduce((row, _l, l) => row | cell(s, l), NOWHERE))
  const columns = locations.map((_, l) => scopes.reduce((column, _s, s) => column | cell(s, l), 0n))
  const every = rows.reduce((all, row) => all | row, NOWHERE)

  function inside(scope: string): Region {
    const key = normalizeId(scope)
    if (!scopes.some((atom) => atom.key === key)) {
      throw new Error(`the scope ${scope} is not among those the snapshot names`)
    }
    return scopes.reduce(
      (region, atom, s) =>
        atom.key === key || (atom.key !== '' && isInside(atom.key, key))
          ? region | (rows[s] ?? NOWHERE)
          : region,
      NOWHERE
    )
  }

  function at({ kind, names }: Locations): Region {
    for (const name of names) {
      if (!locations.includes(name)) throw new Error(`the location ${name} is not named anywhere`)
    }
    return locations.reduce(
      (region, name, l) =>
        (kind === 'only') === (name !== '' && names.has(name))
          ? region | (columns[l] ?? NOWHERE)
          : region,
      NOWHERE
    )
  }

  /** The shorter of the region's own description and "every virtual machine but those in" its
   * complement's, when that is one phrase. */
  function describe(region: Region): string {
    if (region === every) return 'the whole subscription'
    const own = parts(region)
    const rest = every & ~region
    if (rest === NOWHERE) return own
    const complement = parts(rest)
    if (complement.includes('; ')) return own
    const but = `every virtual machine but those in ${complement}`
    return but.length < own.length ? but : own
  }

  function parts(region: Region): string {
    const fullColumns = columns.map((column) => (region & column) === column)
    const phrases: string[] = []
    if (fullColumns.some(Boolean)) {
      phrases.push(`every resource group in ${locationPhrase(locations, fullColumns)}`)
    }
    // Each scope with the locations it holds beyond the full columns; a scope that holds "every
    // other location" is named with all it holds, so that its phrase needs no exception.
    const groups = new Map<string, Set<number>>()
    scopes.forEach((_, s) => {
      const actual = locations.map((_, l) => (region & cell(s, l)) !== 0n)
      const held = actual.map((value, l) => value && !fullColumns[l])
      if (!held.some(Boolean)) return
      const phrase = actual.every(Boolean)
        ? 'every location'
        : locationPhrase(locations, actual[0] ? actual : held)
      groups.set(phrase, (groups.get(phrase) ?? new Set()).add(s))
    })
    for (const [phrase, atoms] of groups) {
      phrases.push(`${capped(scopePhrases(scopes, children, atoms, 0), ', ')} in ${phrase}`)
    }
    return capped(phrases, '; ')
  }

  return { every, inside, at, describe }
}

/** Every scope the snapshot names inside the subscription, with the resource group of each
 * resource, after the atom of every resource group it does not name. */
function scopeAtoms(snapshot: SubscriptionSnapshot, subscription: string): ScopeAtom[] {
  const named = [
    ...snapshot.assignments.flatMap((assignment) => [assignment.scope, ...assignment.notScopes]),
    ...snapshot.exemptions.map((exemption) => exemption.scope)
  ].filter((scope) => isInside(scope, subscription))
  const atoms = new Map<string, string>()
  for (const scope of named) {
    const group = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+/i.exec(scope.trim())?.[0]
    for (const written of group === undefined ? [scope] : [group, scope]) {
      const key = normalizeId(written)
      if (!atoms.has(key)) atoms.set(key, written.trim().replace(/\/+$/, ''))
    }
  }
  const sorted = [...atoms].sort(([a], [b]) => a.localeCompare(b))
  return [{ key: '', written: '' }, ...sorted.map(([key, written]) => ({ key, written }))]
}

/** Lower-cased names of every location a resourceLocation selector names, sorted. */
function locationNames(snapshot: SubscriptionSnapshot): string[] {
  const selectorSets: ResourceSelector[] = [
    ...snapshot.assignments.flatMap((assignment) => [
      ...assignment.resourceSelectors,
      ...assignment.overrides.map((override) => ({ name: '', selectors: override.selectors ?? [] }))
    ]),
    ...snapshot.exemptions.flatMap((exemption) => exemption.resourceSelectors)
  ]
  const names = new Set<string>()
  for (const selector of selectorSets.flatMap((resourceSelector) => resourceSelector.selectors)) {
    if (selector.kind.toLowerCase() !== 'resourcelocation') continue
    for (const name of [...(selector.in ?? []), ...(selector.notIn ?? [])]) {
      names.add(name.toLowerCase())
    }
  }
  return [...names].sort()
}

/** "westeurope", "eastus, westus", "every location but eastus" for the locations held. */
function locationPhrase(locations: readonly string[], held: readonly boolean[]): string {
  const named = locations.filter((name, l) => name !== '' && held[l])
  if (!held[0]) return capped(named, ', ')
  const left = locations.filter((name, l) => name !== '' && !held[l])
  return left.length === 0 ? 'every location' : `every location but ${capped(left, ', ')}`
}

/** For each atom, the atoms directly below it: those whose nearest named scope above is it (the
 * first atom, every resource group, holds those nothing else holds). */
function childrenOf(scopes: readonly ScopeAtom[]): number[][] {
  const children: number[][] = scopes.map(() => [])
  scopes.forEach((atom, s) => {
    if (atom.key === '') return
    let parent = 0
    scopes.forEach((other, o) => {
      const nearer = (scopes[parent]?.key.length ?? 0) < other.key.length
      if (other.key !== '' && o !== s && isInside(atom.key, other.key) && nearer) parent = o
    })
    children[parent]?.push(s)
  })
  return children
}

/** Phrases that name `atoms` within the scope of atom `at` (0: the subscription): "every
 * resource group but resource groups Lab and rg-dev", "resource group Lab", "resource
 * Microsoft.Compute/virtualMachines/jump in resource group Lab". A scope whose atoms are all held
 * is named whole. */
function scopePhrases(
  scopes: readonly ScopeAtom[],
  children: readonly number[][],
  atoms: ReadonlySet<number>,
  at: number
): string[] {
  const below = children[at] ?? []
  const full = (index: number): boolean => atoms.has(index) && (children[index] ?? []).every(full)
  const name = at === 0 ? 'every resource group' : longName(scopes[at]?.written ?? '')
  if (full(at)) return [name]
  const partial = below.flatMap((child) => scopePhrases(scopes, children, atoms, child))
  if (!atoms.has(at)) return partial
  const missing = below.filter((child) => !full(child)).map((child) => scopes[child]?.written ?? '')
  return [`${name} but ${listed(missing)}`, ...partial]
}

/** "resource group Lab", "resource groups Lab and rg-dev", "resource group Lab and resource
 * Microsoft.Compute/virtualMachines/jump". */
function listed(written: readonly string[]): string {
  const groups = written.filter((scope) => !/\/providers\//i.test(scope))
  const others = written.filter((scope) => /\/providers\//i.test(scope)).map(shortName)
  const names = groups.map((scope) => scope.slice(scope.lastIndexOf('/') + 1))
  const groupPhrase =
    names.length === 0
      ? []
      : [`resource group${names.length === 1 ? '' : 's'} ${capped(names, ' and ')}`]
  return capped([...groupPhrase, ...others], ' and ')
}

/** Most items a description lists in one list; the rest are counted, so that a region of many
 * named scopes or locations stays a sentence. */
export const MAX_LISTED = 8

function capped(items: readonly string[], separator: string): string {
  if (items.length <= MAX_LISTED) return items.join(separator)
  return `${items.slice(0, MAX_LISTED).join(separator)}${separator}${items.length - MAX_LISTED} more`
}

/** A resource group by its name, a resource by what follows /providers/. */
function shortName(written: string): string {
  const provider = /\/providers\/(.+)$/i.exec(written)?.[1]
  if (provider !== undefined) return `resource ${provider}`
  return `resource group ${written.slice(written.lastIndexOf('/') + 1)}`
}

function longName(written: string): string {
  const group = /\/resourcegroups\/([^/]+)\/providers\//i.exec(written)?.[1]
  const short = shortName(written)
  return group === undefined ? short : `${short} in resource group ${group}`
}
