// Resource selectors choose which resources an assignment evaluates, and which an exemption
// exempts, with one meaning for both
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#resource-selectors,
// https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure#resource-selectors).
// The JIT definition evaluates virtual machines (its rule: type equals
// Microsoft.Compute/virtualMachines), so what matters is in which locations they let virtual
// machines through.
import type { PolicyAssignment, ResourceSelector, Selector } from '../model.ts'
import { includesIgnoringCase } from './ids.ts'
import {
  difference,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  NO_LOCATION,
  selectorLocations,
  union
} from './locations.ts'
import type { Locations } from './locations.ts'
import type { Universe } from './region.ts'
import type { Limit, LocationPart } from './types.ts'

const VIRTUAL_MACHINES = 'Microsoft.Compute/virtualMachines'

export interface Selection {
  /** The locations whose virtual machines the selectors let through; null when that cannot be
   * decided. */
  locations: Locations | null
  /** The resource selectors' names, quoted and joined, for sentences. */
  names: string
  /** Why it cannot be decided, when it cannot. */
  why?: string
}

/**
 * The locations whose virtual machines `resourceSelectors` let through. "In-scope resources are
 * evaluated when they satisfy any one of these resource selectors", and a resource selector holds
 * when all its selectors do: the union over resource selectors of the intersection of their
 * selectors. No resource selectors: every location. `resourceType` lists decide all or none
 * (case-insensitively); `resourceLocation` lists select their locations; a
 * `resourceWithoutLocation` `in` list selects no virtual machine (they have a location), a `notIn`
 * list all of them; a selector with neither list, or of a kind Azure does not document, cannot be
 * decided, unless the other selectors settle it.
 */
export function virtualMachineSelection(resourceSelectors: readonly ResourceSelector[]): Selection {
  const names = resourceSelectors.map((selector) => `'${selector.name}'`).join(', ')
  if (resourceSelectors.length === 0) return { locations: EVERY_LOCATION, names }
  const each = resourceSelectors.map((resourceSelector) =>
    allOf(resourceSelector.selectors.map(selectorAdmits))
  )
  const known = each.filter((locations) => locations !== null).reduce(union, NO_LOCATION)
  if (isEvery(known) || !each.includes(null)) return { locations: known, names }
  const odd = resourceSelectors
    .flatMap((resourceSelector) => resourceSelector.selectors)
    .filter((selector) => selectorAdmits(selector) === null)
    .map(
      (selector) =>
        `kind '${selector.kind}'${hasList(selector) ? '' : ' with neither in nor notIn'}`
    )
  return { locations: null, names, why: `a selector of ${odd.join(', ')}` }
}

export interface EvaluatedLocations {
  /** Where the assignment evaluates virtual machines, when not everywhere. */
  part: LocationPart | null
  /** An `unknown` limit when its resource selectors cannot be decided. */
  limits: Limit[]
}

/** Where an assignment's resource selectors let it evaluate virtual machines; an undecidable
 * selector leaves every part of `universe` in doubt. */
export function evaluatedLocations(
  assignment: PolicyAssignment,
  universe: Universe
): EvaluatedLocations {
  const { locations, names, why } = virtualMachineSelection(assignment.resourceSelectors)
  const fix = `remove its resource selectors or make one of them select every ${VIRTUAL_MACHINES}`
  if (locations === null) {
    const limit: Limit = {
      coverage: 'unknown',
      cause: `has resource selectors (${names}) whose reach this check cannot decide (${why})`,
      fix: `check its resource selectors (kinds resourceLocation, resourceType and resourceWithoutLocation, each with in or notIn)`,
      errorCause: 'undecidable',
      region: universe.every
    }
    return { part: null, limits: [limit] }
  }
  if (isEvery(locations)) return { part: null, limits: [] }
  const cause = isNone(locations)
    ? `evaluates no virtual machines: its resource selectors (${names}) leave out ${VIRTUAL_MACHINES}`
    : `evaluates only the virtual machines in the locations its resource selectors (${names}) choose`
  const taken = difference(EVERY_LOCATION, locations)
  return { part: { locations, taken, cause, fix }, limits: [] }
}

/** A resource must meet every selector; no selectors: every location. `none` settles it even
 * when another selector cannot be decided. */
function allOf(each: (Locations | null)[]): Locations | null {
  if (each.some((locations) => locations !== null && isNone(locations))) return NO_LOCATION
  if (each.includes(null)) return null
  return (each as Locations[]).reduce(intersection, EVERY_LOCATION)
}

function hasList(selector: Selector): boolean {
  return selector.in !== undefined || selector.notIn !== undefined
}

function selectorAdmits(selector: Selector): Locations | null {
  if (!hasList(selector)) return null
  switch (selector.kind.toLowerCase()) {
    case 'resourcetype':
      return listAdmits(selector, VIRTUAL_MACHINES) ? EVERY_LOCATION : NO_LOCATION
    case 'resourcewithoutlocation':
      return selector.in !== undefined ? NO_LOCATION : EVERY_LOCATION
    case 'resourcelocation':
      return selectorLocations(selector)
    default:
      return null
  }
}

/** Whether a selector's `in` list holds `value`, or its `notIn` list does not (either or none),
 * compared case-insensitively. Overrides' selectors read the same way. */
export function listAdmits(selector: Selector, value: string): boolean {
  if (selector.in !== undefined) return includesIgnoringCase(selector.in, value)
  return !includesIgnoringCase(selector.notIn ?? [], value)
}
