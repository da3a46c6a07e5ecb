// SARIF 2.1.0 for GitHub code scanning: one run, one rule (JIT network access audit in force), one
// result per subscription that is not compliant, each located in the workflow file that ran the
// action. Valid against the OASIS schema and within GitHub's extra rules: every result has a
// physical location, descriptions of at most 1024 characters, help text, a security-severity
// with the `security` tag, and at most 25,000 results per run.
import { createHash } from 'node:crypto'
import type { Log, ReportingDescriptor, Result, Run } from 'sarif'
import {
  AUDIT_EFFECT,
  JIT_POLICY_DEFINITION_NAME,
  JIT_POLICY_DISPLAY_NAME,
  type SubscriptionResult,
  type Verdict
} from '../model.ts'
import { JIT_DOCS_URL, TOOL_NAME, repositoryUrl, type ReportContext } from './context.ts'
import { locateSubscription, type WorkflowFile } from './locate.ts'
import { oneLine } from './text.ts'

export const RULE_ID = 'azure-jit-network-access-audit'
export const FINGERPRINT_KEY = 'jitAuditSubscription/v1'
/**
 * GitHub maps security-severity to high for 7.0-8.9. 7.5 because a subscription without the audit
 * lets virtual machines keep RDP/SSH management ports open to the internet without Defender for
 * Cloud recommending just-in-time access: the finding removes the detection of the most common
 * initial-access path to VMs, and turning it off is a defense-evasion step (MITRE ATT&CK T1562,
 * Impair Defenses). It is not itself an open port, so not critical.
 */
export const SECURITY_SEVERITY = '7.5'
/** Category prefix of automationDetails.id. */
export const AUTOMATION_CATEGORY_PREFIX = 'azure-jit-network-access'
/** Results kept per run: GitHub accepts 25,000; fewer keep a file of long messages well under its
 * 10 MB (gzip) limit. */
export const MAX_SARIF_RESULTS = 10_000
/** Longest result message, in code points. */
export const MAX_SARIF_MESSAGE = 1000

const SHORT_DESCRIPTION = 'Just-in-time network access is not audited on the Azure subscription'

const FULL_DESCRIPTION =
  `Microsoft Defender for Cloud recommends just-in-time (JIT) network access for virtual machines only while a policy assignment that applies to the subscription runs the built-in policy "${JIT_POLICY_DISPLAY_NAME}" (${JIT_POLICY_DEFINITION_NAME}) with the effect ${AUDIT_EFFECT}. ` +
  'This result means that no assignment does so over the whole subscription (the policy is not assigned, its effect is Disabled through a parameter or an override, or an exemption or an excluded scope takes the subscription out), or that the subscription could not be checked.'

const HELP_TEXT = [
  `What it checks: for each Azure subscription, whether some policy assignment that applies to it runs the built-in policy ${JIT_POLICY_DEFINITION_NAME} (${JIT_POLICY_DISPLAY_NAME}) with the effect ${AUDIT_EFFECT} over the whole subscription. Parameters, initiative defaults, overrides, exemptions and excluded scopes are all taken into account.`,
  '',
  'Why it matters: while the policy audits, Defender for Cloud flags every virtual machine whose management ports (RDP 3389, SSH 22, WinRM) are open without just-in-time access control. Anyone who can edit policy can switch the effect to Disabled, exempt the subscription or exclude it, and the recommendation silently disappears; exposed management ports are a leading way into virtual machines.',
  '',
  "How to fix: the job summary of the workflow run lists the cause and the steps for each subscription. In short: set the assignment parameter that controls the effect back to AuditIfNotExists (Azure portal > Policy > Assignments > the assignment > Edit assignment > Parameters); remove or narrow an override that sets it to Disabled (Edit assignment > Advanced > Overrides); remove the exemption or the excluded scope that takes the subscription out; or, when nothing assigns the policy, turn on the Microsoft cloud security benchmark in Defender for Cloud (Environment settings > the subscription > Security policies) or assign the policy to the subscription. When the subscription could not be checked, give the action's identity the Reader role on it."
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
  '| The effect parameter is `Disabled` | Azure portal › Policy › Assignments › the assignment › Edit assignment › Parameters: set it to `AuditIfNotExists`. `az policy assignment update --params` replaces all parameters: pass the current ones with this one changed. |',
  '| An override sets `Disabled` | Edit assignment › Advanced › Overrides: remove the override or leave the JIT reference out of its selector. |',
  '| An exemption | Azure portal › Policy › Exemptions: delete the exemption (`az policy exemption delete --name NAME --scope SCOPE`) or take the JIT policy out of it. |',
  '| An excluded scope | Edit assignment › Basics › Exclusions: remove the subscription, its resource groups or the management group above it. |',
  `| Nothing assigns the policy | Defender for Cloud › Environment settings › the subscription › Security policies: turn on the Microsoft cloud security benchmark, or \`az policy assignment create --policy ${JIT_POLICY_DEFINITION_NAME} --scope /subscriptions/ID\`. |`,
  "| The subscription could not be checked | Give the action's identity the Reader role on the subscription: `az role assignment create --assignee CLIENT_ID --role Reader --scope /subscriptions/ID`. |",
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

const LEVELS: Readonly<Record<Exclude<Verdict, 'compliant'>, Result.level>> = {
  noncompliant: 'error',
  error: 'error',
  partial: 'warning'
}

/**
 * Plain text for a SARIF message: one line, no control or invisible characters, bounded, and with
 * `\`, `[` and `]` escaped as SARIF requires outside embedded links, so that text from Azure cannot
 * form a link (`[text](url)` is SARIF's embedded-link syntax in plain-text messages).
 */
export function sarifText(value: unknown, max: number = MAX_SARIF_MESSAGE): string {
  const escape = (text: string) => text.replace(/[\\[\]]/g, (char) => `\\${char}`)
  // Escaping lengthens the text; cut the plain text shorter until the escaped text fits.
  let limit = max
  let text = escape(oneLine(value, limit))
  let length = Array.from(text).length
  while (length > max && limit > 1) {
    limit = Math.max(1, limit - (length - max))
    text = escape(oneLine(value, limit))
    length = Array.from(text).length
  }
  return text
}

/** Stable per rule and subscription: the same subscription keeps its alert across runs, branches
 * and edits of the workflow file. */
export function subscriptionFingerprint(subscriptionId: string): string {
  return createHash('sha256').update(`${RULE_ID}:${subscriptionId.toLowerCase()}`).digest('hex')
}

function automationSegment(value: string): string {
  return oneLine(value, 200).replace(/[^A-Za-z0-9._/:-]/g, '-')
}

/**
 * automationDetails.id, `category/` with an empty run id. Code scanning replaces the previous
 * analysis that has the same tool and category, so the category must be stable for one workflow
 * and job and differ between them: `azure-jit-network-access/<workflow file>:<job>/`. The
 * upload-sarif action keeps an id already present in the file (its `category` input fills in only
 * a missing one).
 */
export function automationId(file: WorkflowFile, context: ReportContext): string {
  const workflow = file.fromWorkflowRef
    ? file.path
    : context.workflowName
      ? `workflow-${context.workflowName}`
      : 'unknown-workflow'
  const job = context.job ? `:${context.job}` : ''
  return `${AUTOMATION_CATEGORY_PREFIX}/${automationSegment(workflow + job)}/`
}

/** The repository-relative path as a URI reference: each segment percent-encoded. */
function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function informationUri(context: ReportContext): string {
  return (
    repositoryUrl(context.serverUrl ?? 'https://github.com', context.actionRepository) ??
    JIT_DOCS_URL
  )
}

function resultFor(subscription: SubscriptionResult, file: WorkflowFile): Result {
  const verdict = subscription.verdict === 'compliant' ? 'error' : subscription.verdict
  const level = LEVELS[verdict] ?? 'error'
  const location = locateSubscription(file, subscription.subscriptionId)
  const text =
    sarifText(subscription.reason) ||
    sarifText(`Subscription ${subscription.subscriptionId}: ${verdict}`)
  return {
    ruleId: RULE_ID,
    ruleIndex: 0,
    level,
    kind: 'fail',
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(location.file) },
          region: { startLine: location.startLine }
        }
      }
    ],
    partialFingerprints: {
      [FINGERPRINT_KEY]: subscriptionFingerprint(subscription.subscriptionId)
    },
    properties: {
      subscriptionId: oneLine(subscription.subscriptionId, 100),
      verdict: subscription.verdict,
      effectiveEffect:
        subscription.effectiveEffect === null ? null : oneLine(subscription.effectiveEffect, 100),
      assignmentIds: subscription.assignments
        .slice(0, 10)
        .map((evidence) => oneLine(evidence.id, 400))
    }
  }
}

/**
 * The SARIF log for `results`: one result per subscription whose verdict is not `compliant`
 * (`error` level for noncompliant and error, `warning` for partial), located in `file` (the
 * workflow file, from workflowLocation, that the annotations point at too) at the line that lists
 * the subscription id, else at line 1. `category` is automationDetails.id (writeReports passes the
 * one it computed for the notifications too).
 */
export function buildSarif(
  results: readonly SubscriptionResult[],
  file: WorkflowFile,
  context: ReportContext,
  category: string = automationId(file, context)
): Log {
  const failing = results.filter((result) => result.verdict !== 'compliant')
  const kept = failing.slice(0, MAX_SARIF_RESULTS)
  const version = oneLine(context.actionVersion, 64)
  const run: Run = {
    tool: {
      driver: {
        name: TOOL_NAME,
        ...(version ? { version } : {}),
        ...(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)
          ? { semanticVersion: version }
          : {}),
        informationUri: informationUri(context),
        rules: [RULE]
      }
    },
    automationDetails: { id: category },
    columnKind: 'utf16CodeUnits',
    results: kept.map((result) => resultFor(result, file)),
    properties: {
      subscriptionsChecked: results.length,
      ...(failing.length > kept.length ? { resultsOmitted: failing.length - kept.length } : {}),
      ...(file.fromWorkflowRef ? {} : { locationFallback: true })
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run]
  }
}
