// Resource selectors choose which resources an assignment evaluates, and which an exemption
// exempts, with one meaning for both
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#resource-selectors,
// https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure#resource-selectors).
// The JIT definition evaluates virtual machines (its rule: type equals
// Microsoft.Compute/virtualMachines), so what matters is how many virtual machines they let through.
import type { PolicyAssignment, ResourceSelector, Selector } from '../model.ts'
import { includesIgnoringCase } from './ids.ts'
import type { Limit } from './types.ts'

const VIRTUAL_MACHINES = 'Microsoft.Compute/virtualMachines'

/** How many virtual machines selectors let through; `unknown` when that cannot be decided. */
export type Admits = 'all' | 'some' | 'none' | 'unknown'
// Narrowest first; `unknown` sits between none and some: it may be either.
const ORDER: readonly Admits[] = ['none', 'unknown', 'some', 'all']

export interface Admission {
  admits: Admits
  /** The resource selectors' names, quoted and joined, for sentences. */
  names: string
  /** Why it is `unknown`, when it is. */
  why?: string
}

/**
 * How many virtual machines `resourceSelectors` let through: a resource must satisfy every
 * selector of a resource selector, and any one resource selector. No resource selectors: all.
 * `resourceType` lists decide it (case-insensitively); `resourceLocation` lists select some
 * (which locations hold virtual machines is not known here), an empty `in` none, an empty `notIn`
 * all; a `resourceWithoutLocation` `in` list selects no virtual machine (they have a location), a
 * `notIn` list all of them; a selector with neither list, or of a kind Azure does not document,
 * is `unknown`.
 */
export function virtualMachineAdmission(resourceSelectors: readonly ResourceSelector[]): Admission {
  const names = resourceSelectors.map((selector) => `'${selector.name}'`).join(', ')
  if (resourceSelectors.length === 0) return { admits: 'all', names }
  const each = resourceSelectors.map((resourceSelector) =>
    narrowest(resourceSelector.selectors.map(selectorAdmits))
  )
  const admits = ORDER[Math.max(...each.map((admit) => ORDER.indexOf(admit)))] as Admits
  if (admits !== 'unknown') return { admits, names }
  const odd = resourceSelectors
    .flatMap((resourceSelector) => resourceSelector.selectors)
    .filter((selector) => selectorAdmits(selector) === 'unknown')
    .map(
      (selector) =>
        `kind '${selector.kind}'${hasList(selector) ? '' : ' with neither in nor notIn'}`
    )
  return { admits, names, why: `a selector of ${odd.join(', ')}` }
}

/** What an assignment's resource selectors take off the subscription. */
export function resourceSelectorLimits(assignment: PolicyAssignment): Limit[] {
  const { admits, names, why } = virtualMachineAdmission(assignment.resourceSelectors)
  const fix = `remove its resource selectors or make one of them select every ${VIRTUAL_MACHINES}`
  switch (admits) {
    case 'all':
      return []
    case 'none':
      return [
        {
          coverage: 'none',
          cause: `evaluates no virtual machines: its resource selectors (${names}) leave out ${VIRTUAL_MACHINES}`,
          fix
        }
      ]
    case 'some':
      return [
        {
          coverage: 'partial',
          cause: `evaluates only the virtual machines in the locations its resource selectors (${names}) choose`,
          fix
        }
      ]
    case 'unknown':
      return [
        {
          coverage: 'unknown',
          cause: `has resource selectors (${names}) whose reach this check cannot decide (${why})`,
          fix: `check its resource selectors (kinds resourceLocation, resourceType and resourceWithoutLocation, each with in or notIn)`,
          errorCause: 'undecidable'
        }
      ]
  }
}

function narrowest(admits: Admits[]): Admits {
  return ORDER[Math.min(...admits.map((admit) => ORDER.indexOf(admit)))] ?? 'all'
}

function hasList(selector: Selector): boolean {
  return selector.in !== undefined || selector.notIn !== undefined
}

function selectorAdmits(selector: Selector): Admits {
  if (!hasList(selector)) return 'unknown'
  switch (selector.kind.toLowerCase()) {
    case 'resourcetype':
      return typeAdmits(selector)
    case 'resourcewithoutlocation':
      return selector.in !== undefined ? 'none' : 'all'
    case 'resourcelocation':
      return locationAdmits(selector)
    default:
      return 'unknown'
  }
}

function typeAdmits(selector: Selector): Admits {
  if (selector.in !== undefined) {
    return includesIgnoringCase(selector.in, VIRTUAL_MACHINES) ? 'all' : 'none'
  }
  return includesIgnoringCase(selector.notIn ?? [], VIRTUAL_MACHINES) ? 'none' : 'all'
}

function locationAdmits(selector: Selector): Admits {
  if (selector.in !== undefined) return selector.in.length === 0 ? 'none' : 'some'
  return selector.notIn?.length === 0 ? 'all' : 'some'
}
