// The fixes for what the action's identity may not read: a Reader role assignment on the
// subscription, or on the management group an assignment excludes.
//
// `az role assignment create --assignee` takes an object id, a sign-in name or a service
// principal name (the application's client id is one).
import { GUID } from '../../azure-ids.ts'
import { shellQuote } from '../shell.ts'
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
