// The one rule of the SARIF log (JIT network access audit in force) and the one notification
// descriptor (a subscription that could not be checked), with the help text code scanning shows.
// Descriptions stay within GitHub's 1024 characters; the rule carries a security-severity with
// the `security` tag.
import type { ReportingDescriptor } from 'sarif'
import { AUDIT_EFFECT, JIT_POLICY_DEFINITION_NAME, JIT_POLICY_DISPLAY_NAME } from '../model.ts'
import { JIT_DOCS_URL } from './context.ts'

export const RULE_ID = 'azure-jit-network-access-audit'
/**
 * GitHub maps security-severity to high for 7.0-8.9. 7.5 because a subscription without the audit
 * lets virtual machines keep RDP/SSH management ports open to the internet without Defender for
 * Cloud recommending just-in-time access: the finding removes the detection of the most common
 * initial-access path to VMs, and turning it off is a defense-evasion step (MITRE ATT&CK T1562,
 * Impair Defenses). It is not itself an open port, so not critical.
 */
export const SECURITY_SEVERITY = '7.5'

const SHORT_DESCRIPTION = 'Just-in-time network access is not audited on the Azure subscription'

const FULL_DESCRIPTION =
  `Microsoft Defender for Cloud recommends just-in-time (JIT) network access for virtual machines only while a policy assignment that applies to the subscription runs the built-in policy "${JIT_POLICY_DISPLAY_NAME}" (${JIT_POLICY_DEFINITION_NAME}) with the effect ${AUDIT_EFFECT}. ` +
  'This result means that no assignment does so over the whole subscription: the policy is not assigned, its effect is Disabled through a parameter or an override, or an exemption or an excluded scope takes the subscription out. A subscription that could not be checked is not a result: it is a notification of the run (the analysis did not complete).'

const HELP_TEXT = [
  `What it checks: for each Azure subscription, whether some policy assignment that applies to it runs the built-in policy ${JIT_POLICY_DEFINITION_NAME} (${JIT_POLICY_DISPLAY_NAME}) with the effect ${AUDIT_EFFECT} over the whole subscription. Parameters, initiative defaults, overrides, exemptions and excluded scopes are all taken into account.`,
  '',
  'Why it matters: while the policy audits, Defender for Cloud flags every virtual machine whose management ports (RDP 3389, SSH 22, WinRM) are open without just-in-time access control. Anyone who can edit policy can switch the effect to Disabled, exempt the subscription or exclude it, and the recommendation silently disappears; exposed management ports are a leading way into virtual machines.',
  '',
  'How to fix: the job summary of the workflow run lists the cause and the steps for each subscription. In short: set the assignment parameter that controls the effect back to AuditIfNotExists (Azure portal > Policy > Assignments > the assignment > Edit assignment > Parameters); remove or narrow an override that sets it to Disabled (Edit assignment > Advanced > Overrides); remove the exemption or the excluded scope that takes the subscription out; or, when nothing assigns the policy, turn on the Microsoft cloud security benchmark in Defender for Cloud (Environment settings > the subscription > Security policies) or assign the policy to the subscription.'
].join('\n')

const HELP_MARKDOWN = [
  '## What it checks',
  '',
  `For each Azure subscription, whether some policy assignment that applies to it runs the built-in policy \`${JIT_POLICY_DEFINITION_NAME}\` (*${JIT_POLICY_DISPLAY_NAME}*) with the effect \`${AUDIT_EFFECT}\` over the whole subscription. The policy is found by its definition id inside any initiative; parameters, initiative defaults, overrides, exemptions and excluded scopes are all taken into account.`,
  '',
  '## Why it matters',
  '',
  'While the policy audits, Microsoft Defender for Cloud flags every virtual machine whose management ports (RDP 3389, SSH 22, WinRM) are open without just-in-time access control. Anyone who can edit policy can switch the effect to `Disabled`, exempt the subscription or exclude it, and the recommendation silently disappears. Exposed management ports are a leading way into virtual machines.',
  '',
  '## How to fix',
  '',
  'The job summary of the workflow run names the cause and gives the steps, with an `az` command, for each subscription.',
  '',
  '| Cause | Fix |',
  '|---|---|',
  '| The effect parameter is `Disabled` | Azure portal > Policy > Assignments > the assignment > Edit assignment > Parameters: set it to `AuditIfNotExists`. `az policy assignment update --params` replaces all parameters: pass the current ones with this one changed. |',
  '| An override sets `Disabled` | Edit assignment > Advanced > Overrides: remove the override or leave the JIT reference out of its selector. |',
  '| An exemption | Azure portal > Policy > Exemptions: delete the exemption (`az policy exemption delete --name NAME --scope SCOPE`) or take the JIT policy out of it. |',
  '| An excluded scope | Edit assignment > Basics > Exclusions: remove the subscription, its resource groups or the management group above it. |',
  `| Nothing assigns the policy | Defender for Cloud > Environment settings > the subscription > Security policies: turn on the Microsoft cloud security benchmark, or \`az policy assignment create --policy ${JIT_POLICY_DEFINITION_NAME} --scope /subscriptions/ID\`. |`,
  '',
  'A subscription that could not be checked (no access, not found, throttled, an initiative that could not be read) opens no alert: the upload lists it among the tool notifications of the analysis, and the job summary says what to fix.',
  '',
  `More: [Just-in-time VM access in Defender for Cloud](${JIT_DOCS_URL}).`
].join('\n')

export const RULE: ReportingDescriptor = {
  id: RULE_ID,
  name: 'JitNetworkAccessAuditNotInForce',
  shortDescription: { text: SHORT_DESCRIPTION },
  fullDescription: { text: FULL_DESCRIPTION },
  help: { text: HELP_TEXT, markdown: HELP_MARKDOWN },
  helpUri: JIT_DOCS_URL,
  defaultConfiguration: { level: 'error' },
  properties: {
    'security-severity': SECURITY_SEVERITY,
    tags: [
      'security',
      'azure',
      'azure-policy',
      'defender-for-cloud',
      'just-in-time',
      'external/cwe/cwe-778'
    ],
    precision: 'very-high',
    'problem.severity': 'error'
  }
}

/** The notification descriptor of a subscription the run could not check. */
export const NOT_CHECKED_ID = 'subscription-not-checked'

export const NOT_CHECKED: ReportingDescriptor = {
  id: NOT_CHECKED_ID,
  name: 'SubscriptionNotChecked',
  shortDescription: { text: 'The Azure subscription could not be checked' },
  fullDescription: {
    text: 'The check could not decide whether just-in-time network access is audited on the subscription: Resource Manager refused or failed a read (no access, not found, another tenant, throttling, errors), an initiative or a management group the assignments name could not be read, or the check met a defect. The message names the subscription, the reason and the fix.'
  },
  help: {
    text: "The job summary of the workflow run says, for each subscription that could not be checked, why and what to do: give the action's identity the Reader role on the subscription (or where an initiative is defined), check the subscription id and the tenant, restore or re-point an assignment whose initiative is missing, or re-run the check when Azure throttled or failed.",
    markdown:
      "The job summary of the workflow run says, for each subscription that could not be checked, why and what to do: give the action's identity the **Reader** role on the subscription (or where an initiative is defined), check the subscription id and the tenant, restore or re-point an assignment whose initiative is missing, or re-run the check when Azure throttled or failed."
  },
  helpUri: JIT_DOCS_URL,
  defaultConfiguration: { level: 'error' }
}
