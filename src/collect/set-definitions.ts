// The version of each policy set definition an assignment runs, read once per run
// (docs/design.md, "The rule"). An assignment runs the version ARM reports as its
// `effectiveDefinitionVersion`; without it, the highest version that matches its
// `definitionVersion` (`1.*.*`, `1.*.*-preview`), or the latest when it names none. An override of
// kind `definitionVersion` (or `policyVersion`) runs the version its value names, resolved the same
// way, unless it selects by policyDefinitionReferenceId: then it pins a definition inside the set.
import type { PolicyAssignment, PolicySetDefinition, SubscriptionSnapshot } from '../model.ts'
import {
  POLICY_DEFINITION_VERSIONS_API_VERSION,
  POLICY_DEFINITIONS_API_VERSION
} from '../api-versions.ts'
import { isSetDefinitionId, normalizeId, setDefinitionKey } from '../azure-ids.ts'
import {
  isVersionOverride,
  parseDefinitionVersion,
  parseVersionPin,
  pinMatches,
  pinsReferencedDefinitions
} from '../definition-versions.ts'
import { failureDetail } from './errors.ts'
import { mapSetDefinition, mapSetDefinitionVersion } from './map.ts'
import { ShapeError } from './shape.ts'
import type { ResourceManager } from './resource-manager.ts'
import { SharedFetches } from './concurrency.ts'

/** A policy set definition id as Azure writes one: built-in, or at a management group or a
 * subscription. Paths of requests are built from it. */
const SET_DEFINITION_ID =
  /^(\/providers\/Microsoft\.Management\/managementGroups\/[^/?#]+|\/subscriptions\/[^/?#]+)?\/providers\/Microsoft\.Authorization\/policySetDefinitions\/[^/?#]+$/i

/** A version that names wildcards (`1.*.*`, `1.2.*`): resolved against the set's version list. */
export function isVersionPattern(version: string): boolean {
  return version.includes('*')
}

/**
 * The highest of `versions` (`MAJOR.MINOR.PATCH`, optionally with a suffix such as `-preview`, in
 * any case) whose numbers `pattern` matches (src/definition-versions.ts: each of its three parts
 * a number or `*`, optionally with a `-preview` or `-deprecated` suffix, which names a state, not
 * a number); at equal numbers a version without a suffix wins. Undefined when none matches or the
 * pattern cannot be read.
 */
export function highestMatchingVersion(
  pattern: string,
  versions: Iterable<string>
): string | undefined {
  const wanted = parseVersionPin(pattern)
  if (!wanted) return undefined
  let best: { version: string; rank: number[] } | undefined
  for (const version of versions) {
    const parsed = parseDefinitionVersion(version)
    if (!parsed || !pinMatches(wanted, parsed)) continue
    const rank = [...parsed.numbers, parsed.state === null ? 1 : 0]
    if (!best || compare(rank, best.rank) > 0) best = { version, rank }
  }
  return best?.version
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

/** No version of a set matches what an assignment or override names. */
export class VersionNotFoundError extends Error {
  constructor(setId: string, named: string, versions: string[]) {
    super(
      `no version of ${setId} matches '${named}' (it has ${versions.length === 0 ? 'none listed' : versions.join(', ')})`
    )
    this.name = 'VersionNotFoundError'
  }
}

/** What a snapshot asks of one set (its id as the assignment spells it): the version named (as
 * written), and the one ARM reports. */
interface Wanted {
  setId: string
  named?: string
  effective?: string
}

/**
 * The set definitions of one run: `add(snapshot)` reads, for every set its assignments name, the
 * version each runs and each version a `definitionVersion` override names, into
 * `snapshot.setDefinitions` under `setDefinitionKey(set id, version as named)` (the id alone when
 * none is named), unless the snapshot holds that key already; a version that cannot be read goes
 * into `unreadableSetDefinitions` under the same key, with why. Each version, and each set's
 * version list, is read once per run.
 */
export function setDefinitionReader(resourceManager: ResourceManager) {
  const latest = new SharedFetches<PolicySetDefinition>()
  const versions = new SharedFetches<PolicySetDefinition>()
  const versionLists = new SharedFetches<Map<string, PolicySetDefinition>>()

  async function add(snapshot: Omit<SubscriptionSnapshot, 'jitPolicyDefinition'>) {
    await Promise.all(
      [...wantedSets(snapshot.assignments)].map(async ([key, wanted]) => {
        // One the snapshot already holds was read elsewhere (Resource Graph's latest version).
        if (snapshot.setDefinitions[key] !== undefined) return
        try {
          snapshot.setDefinitions[key] = await read(wanted)
        } catch (error) {
          snapshot.unreadableSetDefinitions ??= {}
          snapshot.unreadableSetDefinitions[key] =
            error instanceof VersionNotFoundError ? error.message : failureDetail(error)
        }
      })
    )
  }

  function read({ setId, named, effective }: Wanted): Promise<PolicySetDefinition> {
    if (!SET_DEFINITION_ID.test(setId)) {
      return Promise.reject(
        new ShapeError(`${JSON.stringify(setId)} is not a policy set definition id`)
      )
    }
    const concrete = effective ?? named
    const shared = normalizeId(setId)
    if (concrete === undefined) return latest.get(shared, () => readLatest(setId))
    if (!isVersionPattern(concrete)) return readVersion(setId, concrete)
    return versionLists
      .get(shared, () => readVersionList(setId))
      .then((list) => {
        const version = highestMatchingVersion(concrete, list.keys())
        const definition = version === undefined ? undefined : list.get(version)
        if (!definition) throw new VersionNotFoundError(setId, concrete, [...list.keys()])
        return definition
      })
  }

  function readVersion(setId: string, version: string) {
    return versions.get(setDefinitionKey(setId, version), async () =>
      mapSetDefinitionVersion(
        await resourceManager.getJson(
          `${setId}/versions/${encodeURIComponent(version.trim())}?api-version=${POLICY_DEFINITION_VERSIONS_API_VERSION}`
        ),
        setId
      )
    )
  }

  // The list holds each version in full: a version resolved from it needs no read of its own.
  async function readVersionList(setId: string) {
    const items = await resourceManager.listAll(
      `${setId}/versions?api-version=${POLICY_DEFINITION_VERSIONS_API_VERSION}`
    )
    const list = new Map<string, PolicySetDefinition>()
    for (const item of items) {
      const definition = mapSetDefinitionVersion(item, setId)
      list.set(definition.version, definition)
      versions.offer(setDefinitionKey(setId, definition.version), definition)
    }
    return list
  }

  // As JSON at the set's own id (built-in, at a management group or at a subscription), not
  // through the SDK, whose models drop what has another shape than it expects.
  async function readLatest(id: string) {
    return mapSetDefinition(
      await resourceManager.getJson(`${id}?api-version=${POLICY_DEFINITIONS_API_VERSION}`)
    )
  }

  return { add }
}

/** Each (set, version as named) the assignments ask for, by its setDefinitionKey. */
function wantedSets(assignments: PolicyAssignment[]): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>()
  const want = (setId: string, named: string | undefined, effective: string | undefined) => {
    const key = setDefinitionKey(setId, named)
    const known = wanted.get(key)
    if (!known) wanted.set(key, { setId, named, effective })
    else known.effective ??= effective
  }
  for (const assignment of assignments) {
    if (!isSetDefinitionId(assignment.policyDefinitionId)) continue
    const setId = assignment.policyDefinitionId.trim()
    want(setId, assignment.definitionVersion, assignment.effectiveDefinitionVersion)
    // An override that selects by reference pins a definition inside the set, not the set.
    for (const override of assignment.overrides) {
      if (
        isVersionOverride(override) &&
        !pinsReferencedDefinitions(override) &&
        override.value !== ''
      ) {
        want(setId, override.value, undefined)
      }
    }
  }
  return wanted
}
