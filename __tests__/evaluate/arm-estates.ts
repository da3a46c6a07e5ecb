// Estates as Resource Manager returns them (fixtures/union-estates.json: assignments and exemptions
// in ARM's GET shape, `{ id, type, name, properties }`), flattened to the model by the collector's
// own mapping (src/collect/map.ts), into snapshots of SUBSCRIPTION with the real built-in sets
// they name.
import { readFileSync } from 'node:fs'
import { setDefinitionKey } from '../../src/azure-ids.ts'
import { mapAssignment, mapExemption } from '../../src/collect/map.ts'
import type { PolicySetDefinition, SubscriptionSnapshot } from '../../src/model.ts'
import { builtInSet, MCSB_V1, MCSB_V2, snapshot } from './builders.ts'

export interface ArmResource {
  id: string
  name: string
  properties: Record<string, unknown>
}

export interface ArmEstate {
  assignments: ArmResource[]
  exemptions: ArmResource[]
}

const estates = JSON.parse(
  readFileSync(new URL('./fixtures/union-estates.json', import.meta.url), 'utf8')
) as Record<string, ArmEstate>

/** A deep copy of the named estate, to change for a variant. */
export function armEstate(name: string): ArmEstate {
  const estate = estates[name]
  if (estate === undefined) throw new Error(`no estate ${name} in fixtures/union-estates.json`)
  return structuredClone(estate)
}

const BUILT_IN_SETS = [MCSB_V1, MCSB_V2].map(builtInSet)

/** The snapshot of `estate`: each built-in set an assignment names, stored under the version it
 * names (as the collector stores the version it runs). */
export function estateSnapshot(
  estate: ArmEstate,
  fields: Partial<SubscriptionSnapshot> = {}
): SubscriptionSnapshot {
  const assignments = estate.assignments.map((resource) => mapAssignment(resource))
  const setDefinitions: Record<string, PolicySetDefinition> = {}
  for (const assignment of assignments) {
    const set = BUILT_IN_SETS.find(
      (candidate) => candidate.id.toLowerCase() === assignment.policyDefinitionId.toLowerCase()
    )
    if (set !== undefined) {
      setDefinitions[setDefinitionKey(set.id, assignment.definitionVersion)] = set
    }
  }
  return snapshot(assignments, [], {
    exemptions: estate.exemptions.map((resource) => mapExemption(resource)),
    setDefinitions,
    ...fields
  })
}
