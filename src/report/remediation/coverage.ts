// The fixes for an assignment that does not reach the whole subscription: remove the exemption
// that takes the JIT policy off it, or take the subscription out of the excluded scopes.
//
// `az policy exemption delete --name --scope`: the name must match ^[^<>%&:\?/]*[^<>%&:\?/ ]+$;
// other names are deleted through `az rest`, which takes any id.
import type { AssignmentEvidence } from '../../model.ts'
import { POLICY_EXEMPTIONS_API_VERSION } from '../../api-versions.ts'
import { MAX_NAME_LENGTH, oneLine } from '../text.ts'
import { assignmentStep, cliUpdate } from './assignment.ts'
import { jqProgram, restUrl, shellQuote, splitPolicyResourceId } from './azure-cli.ts'
import { MAX_TARGET_ID_LENGTH, step, type RemediationStep } from './step.ts'

const AZ_EXEMPTION_NAME = /^[^<>%&:\\?/]*[^<>%&:\\?/ ]+$/

// Input: the assignment's `notScopes` list (null when it has none). Output: the list without the
// subscription $sub and the scopes below it (its resource groups), compared case-insensitively;
// a scope that only starts with the same characters (another subscription's id) stays.
const JQ_DROP_NOT_SCOPES = jqProgram(
  '[(. // [])[]',
  '  | select(ascii_downcase as $s | ($sub | ascii_downcase) as $t',
  '      | ($s != $t) and ($s | startswith($t + "/") | not))]'
)

/**
 * The step that deletes the exemption `exemptionId`: by name and scope through
 * `az policy exemption delete`, or through `az rest` when the CLI would reject its name; no
 * command when the id has another form or cannot go into a command (the note says why).
 */
export function removeExemptionStep(exemptionId: string): RemediationStep {
  const split = splitPolicyResourceId(exemptionId, 'policyExemptions')
  return step({
    kind: 'remove-exemption',
    title: 'Remove the exemption that takes the JIT policy off the subscription',
    target: {
      label: 'Exemption',
      displayName: null,
      id: oneLine(exemptionId, MAX_TARGET_ID_LENGTH)
    },
    portalPath: [
      'Azure portal',
      'Policy',
      'Exemptions',
      oneLine(split?.name ?? exemptionId, MAX_NAME_LENGTH),
      'Delete exemption'
    ],
    details: [
      'It exempts an assignment that runs the JIT policy. Deleting it also ends it for every other policy and resource it covers; to keep it for those, edit it instead (Edit exemption) and take the JIT policy out of the policies it exempts.'
    ],
    command: {
      blocker:
        split === null
          ? 'No command is given because the exemption id does not have the usual form.'
          : null,
      values: { 'exemption id': exemptionId },
      write: () =>
        split !== null && AZ_EXEMPTION_NAME.test(split.name)
          ? `az policy exemption delete --name ${shellQuote(split.name)} --scope ${shellQuote(split.scope)}`
          : `az rest --method delete --url ${restUrl(exemptionId, POLICY_EXEMPTIONS_API_VERSION)}`,
      note: 'Deletes the whole exemption.'
    }
  })
}

/**
 * The step that makes the assignment in `evidence` cover subscription `subscriptionId` again:
 * portal path to its Exclusions, and a show | jq | update command that drops the subscription and
 * its resource groups from notScopes and keeps the other exclusions.
 */
export function restoreCoverageStep(
  subscriptionId: string,
  evidence: AssignmentEvidence
): RemediationStep {
  return assignmentStep(evidence, {
    kind: 'restore-coverage',
    title: 'Make the assignment cover the whole subscription again',
    tabs: ['Basics', 'Exclusions'],
    detail:
      'Remove the subscription, its resource groups, or the management group above it from Exclusions; on the Advanced tab, check that no resource selector or override location selector leaves virtual machines out.',
    command: cliUpdate(evidence, {
      query: 'notScopes',
      option: '--not-scopes',
      variable: 'not_scopes',
      program: JQ_DROP_NOT_SCOPES,
      arg: ['sub', `/subscriptions/${subscriptionId}`],
      values: { 'subscription id': subscriptionId },
      note: 'Removes this subscription and its resource groups from the excluded scopes and keeps the other exclusions (--not-scopes replaces the list; needs jq). An excluded management group, a resource selector or an override location selector has to be changed in the portal.'
    })
  })
}
