// Where an assignment runs the JIT definition: the definition itself, or every reference to it in
// the assigned initiative. Found by policyDefinitionId only, never by reference id or name.
import type { PolicyAssignment, PolicySetDefinition, SubscriptionSnapshot } from '../model.ts'
import { isJitDefinitionId, isSetDefinitionId, normalizeId } from './ids.ts'
import { findEntry } from './parameters.ts'
import type { JitReference } from './types.ts'

export type AssignmentContent =
  | { kind: 'references'; references: JitReference[] }
  | { kind: 'missing-set'; setId: string; why: string | undefined }

export function assignmentContent(
  assignment: PolicyAssignment,
  snapshot: SubscriptionSnapshot
): AssignmentContent {
  const assigned = assignment.policyDefinitionId
  if (isJitDefinitionId(assigned)) {
    return { kind: 'references', references: [aloneReference(assignment)] }
  }
  if (!isSetDefinitionId(assigned)) return { kind: 'references', references: [] }
  const set = lookUp(snapshot.setDefinitions, assigned)
  if (set === undefined) {
    const why = lookUp(snapshot.unreadableSetDefinitions ?? {}, assigned)
    return { kind: 'missing-set', setId: assigned, why }
  }
  return { kind: 'references', references: setReferences(assignment, set) }
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

function setReferences(assignment: PolicyAssignment, set: PolicySetDefinition): JitReference[] {
  return set.policyDefinitions
    .filter((reference) => isJitDefinitionId(reference.policyDefinitionId))
    .map((reference) => ({
      assignment,
      set,
      referenceId: reference.policyDefinitionReferenceId,
      referenceParameters: reference.parameters,
      definitionId: reference.policyDefinitionId
    }))
}

/** Records keyed by lower-cased id; a key in another case is found too. */
function lookUp<T>(record: Record<string, T | undefined>, id: string): T | undefined {
  return findEntry(record, normalizeId(id))?.value
}
