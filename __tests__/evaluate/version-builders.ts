// Test data for definition versions: the real benchmark as its latest version, older versions
// that wire the JIT effect otherwise, and an assignment of it whose versions can be read or not.
import { setDefinitionKey } from '../../src/azure-ids.ts'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { Override, PolicyAssignment, PolicySetDefinition } from '../../src/model.ts'
import { assignment, builtInSet, groupId, MCSB_V1, setId, snapshot } from './builders.ts'

export const ID = setId(MCSB_V1)
export const latest = builtInSet(MCSB_V1)

/** The benchmark as a version that fixes the JIT effect to `value` would hold it. */
export function withJitEffect(version: string, value: string): PolicySetDefinition {
  return {
    ...latest,
    version,
    policyDefinitions: latest.policyDefinitions.map((reference) =>
      reference.policyDefinitionReferenceId === 'jitNetworkAccessMonitoring'
        ? { ...reference, parameters: { effect: { value } } }
        : reference
    )
  }
}

/** An older version that fixed the JIT effect to Disabled. */
export const older = withJitEffect('57.23.1', 'Disabled')

/** The latest version (which audits) as the assignment's own, and 57.23.* (which does not). */
export const SETS = {
  [setDefinitionKey(ID, null)]: latest,
  [setDefinitionKey(ID, '57.23.*')]: older
}

export function mcsb(fields: Partial<PolicyAssignment> = {}): PolicyAssignment {
  return assignment({
    name: 'mcsb',
    displayName: 'MCSB',
    scope: groupId('platform'),
    policyDefinitionId: ID,
    ...fields
  })
}

export function evaluate(
  assigned: PolicyAssignment,
  sets: Record<string, PolicySetDefinition>,
  unreadable = {}
) {
  return evaluateSubscription(
    snapshot([assigned], [], { setDefinitions: sets, unreadableSetDefinitions: unreadable })
  )
}

export const byLocation = (value: string, locations: string[]): Override => ({
  kind: 'definitionVersion',
  value,
  selectors: [{ kind: 'resourceLocation', in: locations }]
})
