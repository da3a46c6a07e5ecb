// Where an assignment runs the JIT definition: the definition itself, or every reference to it in
// the assigned initiative. Found by policyDefinitionId only, never by reference id or name.
import type {
  PolicyAssignment,
  PolicyDefinitionReference,
  PolicySetDefinition,
  SubscriptionSnapshot
} from '../model.ts'
import { isSetDefinitionId, setDefinitionKey } from '../azure-ids.ts'
import { isJitDefinitionId } from './ids.ts'
import { findEntry } from './ids.ts'
import type { JitReference } from './types.ts'

export type AssignmentContent =
  | { kind: 'references'; references: JitReference[] }
  | {
      kind: 'missing-set'
      setId: string
      version: string | null
      why: string | undefined
      status: number | null
    }

/**
 * Where `assignment` runs the JIT definition when it runs version `version` of what it assigns
 * (as written: `1.*.*`, `2.0.0`; null: the latest). The set definition is looked up under
 * `setDefinitionKey(id, version)`, as the collector stores each version an assignment runs
 * (https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-basics#version-preview);
 * a version it could not read is `missing-set`, with why and Resource Manager's HTTP status.
 */
export function assignmentContent(
  assignment: PolicyAssignment,
  snapshot: SubscriptionSnapshot,
  version: string | null
): AssignmentContent {
  const assigned = assignment.policyDefinitionId
  if (isJitDefinitionId(assigned)) {
    return { kind: 'references', references: [aloneReference(assignment)] }
  }
  if (!isSetDefinitionId(assigned)) return { kind: 'references', references: [] }
  const key = setDefinitionKey(assigned, version)
  const set = findEntry(snapshot.setDefinitions, key)?.value
  if (set === undefined) {
    const why = findEntry(snapshot.unreadableSetDefinitions ?? {}, key)?.value
    return { kind: 'missing-set', setId: assigned, version, why, status: httpStatus(why) }
  }
  return { kind: 'references', references: setReferences(assignment, set) }
}

/** The HTTP status Resource Manager gave, from the collector's `STATUS CODE: message`
 * (collect/errors.ts, failureDetail); null when there was no answer or no reason. */
function httpStatus(why: string | undefined): number | null {
  return Number(/^(\d{3})\b/.exec(why ?? '')?.[1]) || null
}

function aloneReference(assignment: PolicyAssignment): JitReference {
  return {
    assignment,
    set: null,
    referenceId: null,
    referenceParameters: {},
    definitionId: assignment.policyDefinitionId
  }
}

// A built-in set holds hundreds of references and is shared by every subscription's snapshot:
// find its JIT references once per set, not once per assignment and subscription.
const jitReferencesOfSet = new WeakMap<PolicySetDefinition, PolicyDefinitionReference[]>()

function jitReferences(set: PolicySetDefinition): PolicyDefinitionReference[] {
  let references = jitReferencesOfSet.get(set)
  if (references === undefined) {
    references = set.policyDefinitions.filter((reference) =>
      isJitDefinitionId(reference.policyDefinitionId)
    )
    jitReferencesOfSet.set(set, references)
  }
  return references
}

function setReferences(assignment: PolicyAssignment, set: PolicySetDefinition): JitReference[] {
  return jitReferences(set).map((reference) => ({
    assignment,
    set,
    referenceId: reference.policyDefinitionReferenceId,
    referenceParameters: reference.parameters,
    definitionId: reference.policyDefinitionId
  }))
}
