// The fixes for an initiative an assignment names that could not be read, by Resource Manager's
// answer: 404, the initiative is missing (deleted, or moved to another scope), which no role fixes:
// point at the assignment that names it; 403, the identity may not read where the initiative is
// defined: Reader at that scope (a management group or a subscription), not at the subscription
// checked.
import type { UnreadableInitiative } from '../../model.ts'
import { readerCommand } from './access.ts'
import { step, type RemediationStep } from './step.ts'

const AUTHORIZATION_PROVIDER = /\/providers\/Microsoft\.Authorization\//i

/** The scope a policy set definition is defined at (`/providers/Microsoft.Management/
 * managementGroups/NAME` or `/subscriptions/ID`), or null for a built-in one (tenant-wide). */
export function definitionScope(setDefinitionId: string): string | null {
  const match = AUTHORIZATION_PROVIDER.exec(setDefinitionId)
  if (match === null || match.index === 0) return null
  return setDefinitionId.slice(0, match.index)
}

/** The step for an initiative Resource Manager did not find (404): it names the assignment that
 * references it, and what to do with it; no command (which fix is right is a person's choice). */
export function missingInitiativeStep(initiative: UnreadableInitiative): RemediationStep {
  return step({
    kind: 'restore-initiative',
    title: 'Restore the missing initiative, or point the assignment at one that exists',
    target: {
      label: 'Assignment',
      displayName: initiative.assignmentDisplayName,
      id: initiative.assignmentId
    },
    portalPath: ['Azure portal', 'Policy', 'Assignments', initiative.assignmentDisplayName],
    details: [
      `The assignment names the initiative ${initiative.policySetDefinitionId}, which Resource Manager did not find (404): it was deleted, or moved to another scope.`,
      'Re-create the initiative where the assignment expects it, or replace the assignment with one of the initiative that took its place; an assignment of a missing initiative enforces nothing.'
    ],
    command: null
  })
}

/**
 * The step that gives the action's identity Reader where the initiative is defined (`clientId` as
 * for grantRoleStep); for a built-in initiative, which every identity may read, or an id of no
 * known form, Reader on the subscription `subscriptionId`.
 */
export function initiativeReaderStep(
  initiative: UnreadableInitiative,
  subscriptionId: string,
  clientId: string | undefined
): RemediationStep {
  const scope =
    definitionScope(initiative.policySetDefinitionId) ?? `/subscriptions/${subscriptionId}`
  const atGroup = /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope)
  return step({
    kind: 'grant-initiative-reader',
    title: `Give the action's identity the Reader role on the ${atGroup ? 'management group' : 'subscription'} where the initiative is defined`,
    target: { label: 'Initiative', displayName: null, id: initiative.policySetDefinitionId },
    portalPath: [
      'Azure portal',
      ...(atGroup
        ? ['Management groups', scope.slice(scope.lastIndexOf('/') + 1)]
        : ['Subscriptions', scope.slice(scope.lastIndexOf('/') + 1)]),
      'Access control (IAM)',
      'Add role assignment'
    ],
    details: [
      `Resource Manager refused to let the identity read the initiative${initiative.status === null ? '' : ` (${initiative.status})`}: reading it takes Microsoft.Authorization/policySetDefinitions/read at the scope where it is defined, which Reader there gives. A role on the subscription checked is not enough.`
    ],
    command: readerCommand(clientId, scope, { 'initiative scope': scope })
  })
}
