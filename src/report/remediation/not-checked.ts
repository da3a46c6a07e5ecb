// The fixes for what kept a subscription from being checked (the cause of an `error` verdict) and
// for a coverage the check could not read: Reader for the action's identity where it may not read
// (the subscription, the management group an assignment excludes, the scope where an initiative is
// defined); for an initiative Resource Manager did not find, the assignment that names it; and,
// where no role assignment is the fix, what a person checks by hand (the subscription id, the
// tenant, a re-run, the reason).
//
// `az role assignment create --assignee` takes an object id, a sign-in name or a service
// principal name (the application's client id is one).
//
// An initiative that could not be read, by Resource Manager's answer: 404, the initiative is
// missing (deleted, or moved to another scope), which no role fixes: point at the assignment that
// names it; 403, the identity may not read where the initiative is defined: Reader at that scope
// (a management group or a subscription), not at the subscription checked.
import { GUID } from '../../azure-ids.ts'
import type { UnreadableInitiative } from '../../model.ts'
import { shellQuote } from './azure-cli.ts'
import { step, type CommandPlan, type RemediationStep } from './step.ts'

export type AccessKind = 'grant-reader' | 'grant-management-group-reader'

// Reading which subscriptions sit below a management group takes managementGroups/descendants/
// read there: Reader has it, Management Group Reader does not.
const ROLE = 'Reader'

/**
 * The step that gives the action's identity Reader on subscription `subscriptionId`
 * (`grant-reader`) or on the management group an assignment excludes
 * (`grant-management-group-reader`), with an `az role assignment create` command. `clientId` is
 * the application (client) id the action signs in with; when it is missing or not a GUID, the
 * command holds a `<client-id>` placeholder, and the note says what to replace.
 */
export function grantRoleStep(
  kind: AccessKind,
  subscriptionId: string,
  clientId: string | undefined
): RemediationStep {
  const forSubscription = kind === 'grant-reader'
  const scope = forSubscription
    ? `/subscriptions/${subscriptionId}`
    : '/providers/Microsoft.Management/managementGroups/<management-group-id>'
  const placeholders = forSubscription
    ? []
    : [
        '<management-group-id> with the management group that the assignment excludes in its notScopes'
      ]
  return step({
    kind,
    title: forSubscription
      ? "Give the action's identity the Reader role on the subscription"
      : "Give the action's identity read access to the excluded management group",
    target: null,
    portalPath: [
      'Azure portal',
      ...(forSubscription
        ? ['Subscriptions', subscriptionId]
        : ['Management groups', 'the management group']),
      'Access control (IAM)',
      'Add role assignment'
    ],
    details: [
      forSubscription
        ? 'Reader lets it read the policy assignments, exemptions and initiatives that apply. If an initiative is defined at a management group, give the same role there too.'
        : 'An assignment excludes a management group, and the check must read which subscriptions sit below that group (Microsoft.Management/managementGroups/descendants/read, part of Reader) to know whether the exclusion covers this one.'
    ],
    command: readerCommand(clientId, scope, { 'subscription id': subscriptionId }, placeholders)
  })
}

/**
 * The command of a step that gives the action's identity Reader at `scope`: `values` are the
 * values from Azure the scope holds (checked before the command is shown), `placeholders` what
 * else the note asks to replace. `clientId` as for grantRoleStep.
 */
export function readerCommand(
  clientId: string | undefined,
  scope: string,
  values: Record<string, string>,
  placeholders: readonly string[] = []
): CommandPlan {
  const assigneeId = clientId && GUID.test(clientId) ? clientId : null
  const replace = [
    assigneeId ? null : '<client-id> with the application (client) id of the action',
    ...placeholders
  ].filter((text): text is string => text !== null)
  return {
    values,
    write: () =>
      `az role assignment create --assignee ${shellQuote(assigneeId ?? '<client-id>')} --role ${shellQuote(ROLE)} --scope ${shellQuote(scope)}`,
    note: replace.length ? `Replace ${replace.join(', and ')}.` : null
  }
}

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

export type ByHandKind = 'check-subscription' | 'check-tenant' | 'retry' | 'investigate'

// [title, detail] of each step.
const BY_HAND_TEXTS: Readonly<Record<ByHandKind, readonly [string, string]>> = {
  'check-subscription': [
    "Check the subscription id, and that the action's identity has a role on it",
    'The subscription was not found or is not visible to the identity: it may be mistyped, cancelled, or in another tenant than tenant-id.'
  ],
  'check-tenant': [
    'Check that tenant-id is the tenant of the subscription',
    'Resource Manager refused the token: the subscription belongs to another tenant than the one the action signed in to.'
  ],
  retry: [
    'Re-run the check',
    'Resource Manager failed, throttled or answered badly for this subscription; the next run usually succeeds. If it keeps happening, lower max-concurrency.'
  ],
  investigate: [
    'Read the reason and fix what it names',
    'The check could not decide this subscription; the reason says what failed.'
  ]
}

/** The step of kind `kind` for subscription `subscriptionId`: what to do and the portal path to the
 * subscription; never a command. */
export function byHandStep(kind: ByHandKind, subscriptionId: string): RemediationStep {
  const [title, detail] = BY_HAND_TEXTS[kind]
  return step({
    kind,
    title,
    target: null,
    portalPath: ['Azure portal', 'Subscriptions', subscriptionId],
    details: [detail],
    command: null
  })
}
