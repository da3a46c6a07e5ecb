// An assignment's resourceSelectors choose which resources it evaluates. The JIT definition
// evaluates virtual machines (its rule: type equals Microsoft.Compute/virtualMachines), so what
// matters is whether the selectors let every virtual machine through.
import type { PolicyAssignment, ResourceSelector, Selector } from '../model.ts'
import { includesIgnoringCase } from './ids.ts'
import type { Limit } from './types.ts'

const VIRTUAL_MACHINES = 'Microsoft.Compute/virtualMachines'
const WITHOUT_LOCATION = 'subscriptionLevelResources'

/** How many virtual machines a selector lets through. */
type Admits = 'all' | 'some' | 'none'
const ORDER: readonly Admits[] = ['none', 'some', 'all']

export function resourceSelectorLimits(assignment: PolicyAssignment): Limit[] {
  if (assignment.resourceSelectors.length === 0) return []
  // A resource is evaluated when it satisfies any one resource selector.
  const admits = assignment.resourceSelectors.map(resourceSelectorAdmits)
  const best = ORDER[Math.max(...admits.map((admit) => ORDER.indexOf(admit)))]
  const names = assignment.resourceSelectors.map((selector) => `'${selector.name}'`).join(', ')
  const fix = `remove its resource selectors or make one of them select every ${VIRTUAL_MACHINES}`
  if (best === 'none') {
    return [
      {
        coverage: 'none',
        cause: `evaluates no virtual machines: its resource selectors (${names}) leave out ${VIRTUAL_MACHINES}`,
        fix
      }
    ]
  }
  if (best === 'some') {
    const cause = `may leave out virtual machines through its resource selectors (${names}), which narrow by location or in a way this check cannot decide; assumed that they select only some`
    return [{ coverage: 'partial', cause, fix }]
  }
  return []
}

/** A resource selector lets a resource through only when all its selectors do. */
function resourceSelectorAdmits(resourceSelector: ResourceSelector): Admits {
  const admits = resourceSelector.selectors.map(selectorAdmits)
  return ORDER[Math.min(...admits.map((admit) => ORDER.indexOf(admit)))] ?? 'all'
}

function selectorAdmits(selector: Selector): Admits {
  switch (selector.kind.toLowerCase()) {
    case 'resourcetype':
      return typeAdmits(selector, VIRTUAL_MACHINES)
    case 'resourcewithoutlocation':
      return withoutLocationAdmits(selector)
    default:
      return locationAdmits(selector)
  }
}

/** Whether a resourceType selector lets through resources of type `value`. */
function typeAdmits(selector: Selector, value: string): Admits {
  if (selector.in !== undefined) return includesIgnoringCase(selector.in, value) ? 'all' : 'none'
  if (selector.notIn !== undefined)
    return includesIgnoringCase(selector.notIn, value) ? 'none' : 'all'
  return 'all'
}

/** Virtual machines have a location: selecting only resources without one leaves them out. */
function withoutLocationAdmits(selector: Selector): Admits {
  if (selector.in !== undefined && includesIgnoringCase(selector.in, WITHOUT_LOCATION))
    return 'none'
  if (selector.notIn !== undefined && includesIgnoringCase(selector.notIn, WITHOUT_LOCATION)) {
    return 'all'
  }
  return 'some'
}

/** resourceLocation, or a kind this check does not know: some virtual machines may be left out. */
function locationAdmits(selector: Selector): Admits {
  if (selector.in !== undefined && selector.in.length === 0) return 'none'
  if (selector.notIn !== undefined && selector.notIn.length === 0) return 'all'
  return 'some'
}
