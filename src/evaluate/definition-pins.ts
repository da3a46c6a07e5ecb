// Version overrides that select by policyDefinitionReferenceId: Learn's safe-deployment page uses
// one to update "the version of the definition ... for a particular definition within an
// initiative", in the locations its resourceLocation selectors choose
// (https://learn.microsoft.com/azure/governance/policy/how-to/policy-safe-deployment-practices).
// One that does not select the JIT reference changes nothing for JIT; one that does pins the JIT
// definition's version for that reference. The check reads the JIT definition once, as Resource
// Manager serves it (its `version`): a pin that version matches changes nothing, any other one
// runs a version the check has not read, so JIT there is in doubt.
import {
  isVersionOverride,
  parseDefinitionVersion,
  parseVersionPin,
  pinMatches,
  pinsReferencedDefinitions
} from '../definition-versions.ts'
import type { Override, PolicyDefinition } from '../model.ts'
import {
  describeLocations,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  selectorLocations,
  type Locations
} from './locations.ts'
import type { Region, Universe } from './region.ts'
import { listAdmits } from './resource-selectors.ts'
import type { JitReference, Limit } from './types.ts'

export interface DefinitionPins {
  /** `unknown` limits where a pin runs a version the check has not read, or whose selectors it
   * cannot decide. */
  limits: Limit[]
  notes: string[]
}

/** What `reference`'s assignment's version overrides that select by reference do to it, against
 * the JIT definition the check read (`definition`). */
export function definitionPins(
  reference: JitReference,
  definition: PolicyDefinition,
  universe: Universe
): DefinitionPins {
  const pins: DefinitionPins = { limits: [], notes: [] }
  const held = parseDefinitionVersion(definition.version ?? '')
  const read = definition.version === undefined ? null : definition.version
  const served = read === null ? 'which names no version' : `version ${read}`
  for (const [index, override] of reference.assignment.overrides.entries()) {
    if (!isVersionOverride(override) || !pinsReferencedDefinitions(override)) continue
    const number = index + 1
    const named = `Override #${number} (version ${override.value})`
    if (!selectsReference(override, reference.referenceId)) {
      pins.notes.push(
        `${named} pins other definitions of the initiative, not the JIT reference: it changes nothing for JIT.`
      )
      continue
    }
    const locations = pinLocations(override)
    if (locations === null) {
      pins.limits.push(
        doubt(
          `has override #${number} of kind definitionVersion that selects the JIT reference with a selector that is neither policyDefinitionReferenceId nor a resourceLocation 'in' or 'notIn' list, whose reach this check cannot decide`,
          `check override #${number}: select by policyDefinitionReferenceId and resourceLocation`,
          universe.every
        )
      )
      continue
    }
    const where = isEvery(locations) ? '' : ` ${describeLocations(locations)}`
    const pin = parseVersionPin(override.value)
    if (isNone(locations)) {
      pins.notes.push(`${named} selects no location: it applies nowhere.`)
    } else if (pin !== null && held !== null && pinMatches(pin, held)) {
      pins.notes.push(
        `${named} pins the JIT definition${where} to the version this check read (${read}): it changes nothing here.`
      )
    } else {
      pins.limits.push(
        doubt(
          `has override #${number} of kind definitionVersion that pins the JIT definition${where} to version ${override.value}, which this check does not read (it reads the definition as Resource Manager serves it, ${served})`,
          `remove override #${number}, or pin a version of the JIT definition that ${read === null ? 'Resource Manager serves' : `matches ${read}`}`,
          universe.at(locations)
        )
      )
    }
  }
  return pins
}

function doubt(cause: string, fix: string, region: Region): Limit {
  return { coverage: 'unknown', decidesEffect: true, errorCause: 'undecidable', cause, fix, region }
}

/** Every policyDefinitionReferenceId selector must admit the reference. The definition assigned
 * alone has no reference id: an `in` list cannot name it, and a `notIn` list leaves it out of
 * nothing (as overrides.ts reads policyEffect overrides). */
function selectsReference(override: Override, referenceId: string | null): boolean {
  return (override.selectors ?? [])
    .filter((selector) => selector.kind.toLowerCase() === 'policydefinitionreferenceid')
    .every((selector) =>
      referenceId === null ? selector.in === undefined : listAdmits(selector, referenceId)
    )
}

/** Where all the override's resourceLocation selectors meet (every location without any); null
 * when it has a selector of another kind, or a location selector with neither list. */
function pinLocations(override: Override): Locations | null {
  let locations = EVERY_LOCATION
  for (const selector of override.selectors ?? []) {
    const kind = selector.kind.toLowerCase()
    if (kind === 'policydefinitionreferenceid') continue
    const selected = kind === 'resourcelocation' ? selectorLocations(selector) : null
    if (selected === null) return null
    locations = intersection(locations, selected)
  }
  return locations
}
