// Versions of policy definitions and initiatives, and the pins assignments and overrides name,
// read the same way by the collector (which version of a set to read) and the evaluator (whether
// a pin names the JIT definition the check holds). Learn, "Azure Policy definition structure
// basics", Version (preview): a version is `{Major}.{Minor}.{Patch}`; "when a policy definition
// is in preview state, the suffix preview is appended to the version property and treated as a
// boolean" (Azure's built-in versioning rules add `-deprecated` the same way), so the suffix is a
// state of the version, not part of its number, and Azure lists it in any case (`1.3.0-PREVIEW`).
// A pin is `#.*.*` (any minor and patch), `#.#.*` (any patch) or a whole version
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#policy-definition-id-and-version-preview).
import type { Override } from './model.ts'

/** A version's three numbers and its state suffix (lower-cased, without the dash), if any. */
export interface DefinitionVersion {
  numbers: [number, number, number]
  state: string | null
}

/** Each part of a pin: a number, or `*` for any. */
export type PinPart = number | '*'

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9a-z.-]+))?$/i
const PIN = /^(\d+|\*)\.(\d+|\*)\.(\d+|\*)(?:-(preview|deprecated))?$/i

/** `1.3.0`, `1.3.0-PREVIEW` read as numbers and state; null when it is not such a version. */
export function parseDefinitionVersion(version: string): DefinitionVersion | null {
  const parts = VERSION.exec(version.trim())
  if (parts === null) return null
  return {
    numbers: [Number(parts[1]), Number(parts[2]), Number(parts[3])],
    state: parts[4] === undefined ? null : parts[4].toLowerCase()
  }
}

/** The parts of a pin (`1.*.*`, `1.2.*`, `1.2.3`, any of them with a `-preview` or `-deprecated`
 * suffix in any case, which names the state, not a number); null when it is not a pin. */
export function parseVersionPin(pin: string): [PinPart, PinPart, PinPart] | null {
  const parts = PIN.exec(pin.trim())
  if (parts === null) return null
  const [, major = '', minor = '', patch = ''] = parts
  const part = (text: string): PinPart => (text === '*' ? '*' : Number(text))
  return [part(major), part(minor), part(patch)]
}

/** Whether a version's numbers are those a pin's parts name (`*` matches any). */
export function pinMatches(pin: readonly PinPart[], version: DefinitionVersion): boolean {
  return pin.every((part, index) => part === '*' || part === version.numbers[index])
}

/** The override kinds that run another version: the REST API and SDKs write `definitionVersion`,
 * Learn's assignment structure `policyVersion`. */
export const VERSION_OVERRIDE_KINDS = ['definitionVersion', 'policyVersion'] as const

export function isVersionOverride(override: Override): boolean {
  const kind = override.kind.toLowerCase()
  return VERSION_OVERRIDE_KINDS.some((known) => known.toLowerCase() === kind)
}

/**
 * Whether a version override selects by `policyDefinitionReferenceId`: Learn's safe-deployment
 * page uses that selector to update "the version of the definition ... for a particular
 * definition within an initiative", so such an override pins the version of the definitions it
 * selects, and the initiative runs its own version
 * (https://learn.microsoft.com/azure/governance/policy/how-to/policy-safe-deployment-practices).
 */
export function pinsReferencedDefinitions(override: Override): boolean {
  return (override.selectors ?? []).some(
    (selector) => selector.kind.toLowerCase() === 'policydefinitionreferenceid'
  )
}
