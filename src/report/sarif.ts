// SARIF 2.1.0 for GitHub code scanning: one run, one rule (JIT network access audit in force), one
// result per subscription the check found not compliant (noncompliant or partial), each located in
// the workflow file that ran the action. A subscription that could not be checked (an `error`
// verdict, whatever its cause) is not a finding: it is a tool execution notification of the run's
// invocation, which then reports `executionSuccessful: false` (docs/reading-results.md, "Code
// scanning"). But code scanning closes an alert as fixed when the next analysis of its tool and
// category lacks its result, so when an alert was open for such a subscription (or the open
// alerts could not be read: src/notify/alerts.ts), the last result is carried forward as a result
// with the same rule, location and fingerprint, marked "could not be checked now". The rule and
// the notification's descriptor carry the help text code scanning shows. Valid against the OASIS schema and within GitHub's extra rules: every result has a
// physical location, descriptions of at most 1024 characters, help text, a security-severity with
// the `security` tag, and at most 25,000 results per run.
import { createHash } from 'node:crypto'
import type { Location, Log, Notification, ReportingDescriptor, Result, Run } from 'sarif'
import {
  AUDIT_EFFECT,
  JIT_POLICY_DEFINITION_NAME,
  JIT_POLICY_DISPLAY_NAME,
  TOOL_NAME,
  type LastFinding,
  type SubscriptionResult,
  type Verdict
} from '../model.ts'
import { repositoryUrl, type ReportContext } from './context.ts'
import { locateResult, type WorkflowFile } from './locate.ts'
import { machineCounts } from './machines.ts'
import { VERDICT_STATES } from './counts.ts'
import { fitReason, oneLine, subscriptionLabel } from './text.ts'

/** Microsoft's page on just-in-time VM access, for rule help and as a fallback information URI. */
export const JIT_DOCS_URL =
  'https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage'

export const RULE_ID = 'azure-jit-network-access-audit'
/** The rule of a subscription where JIT is audited on only part of it: a rule of its own because
 * code scanning reads `security-severity` from the rule, never from a result. */
export const PARTIAL_RULE_ID = 'azure-jit-network-access-audit-partial'
/**
 * GitHub maps security-severity to high for 7.0-8.9. 7.5 because a subscription without the audit
 * lets virtual machines keep RDP/SSH management ports open to the internet without Defender for
 * Cloud recommending just-in-time access: the finding removes the detection of the most common
 * initial-access path to VMs, and turning it off is a defense-evasion step (MITRE ATT&CK T1562,
 * Impair Defenses). It is not itself an open port, so not critical.
 */
export const SECURITY_SEVERITY = '7.5'
/** Medium (GitHub: 4.0-6.9) for a subscription audited on only part of it: the detection stands
 * for the rest, and what is left out is usually a named resource group or region. */
export const PARTIAL_SECURITY_SEVERITY = '5.0'

const SHORT_DESCRIPTION = 'Just-in-time network access is not audited on the Azure subscription'

const FULL_DESCRIPTION =
  `Microsoft Defender for Cloud recommends just-in-time (JIT) network access for virtual machines only while a policy assignment that applies to the subscription runs the built-in policy "${JIT_POLICY_DISPLAY_NAME}" (${JIT_POLICY_DEFINITION_NAME}) with the effect ${AUDIT_EFFECT}. ` +
  'This result means that no assignment audits it anywhere in the subscription: the policy is not assigned, its effect is Disabled through a parameter or an override, or an exemption or an excluded scope takes the subscription out (a subscription audited on only part of it is a result of the rule azure-jit-network-access-audit-partial, of medium severity). A subscription that could not be checked is a notification of the run (the analysis did not complete); when its alert was open, the result is kept, marked could not be checked now, so that the alert stays open.'

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
  'A subscription that could not be checked (no access, not found, throttled, an initiative that could not be read) opens no alert: the upload lists it among the tool notifications of the analysis, and the job summary says what to fix. An alert that was open for it stays open: its last result is carried forward, marked *could not be checked now*, until the subscription is checked again.',
  '',
  `More: [Just-in-time VM access in Defender for Cloud](${JIT_DOCS_URL}).`
].join('\n')

const TAGS = [
  'security',
  'azure',
  'azure-policy',
  'defender-for-cloud',
  'just-in-time',
  'external/cwe/cwe-778'
]

/** The rule of a noncompliant subscription: nothing audits JIT over it. */
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
    tags: TAGS,
    precision: 'very-high',
    'problem.severity': 'error'
  }
}

/** The rule of a partial subscription: JIT is audited, but no assignment audits part of it. */
export const PARTIAL_RULE: ReportingDescriptor = {
  id: PARTIAL_RULE_ID,
  name: 'JitNetworkAccessAuditPartial',
  shortDescription: {
    text: 'Just-in-time network access is audited on only part of the Azure subscription'
  },
  fullDescription: {
    text: `The built-in policy "${JIT_POLICY_DISPLAY_NAME}" (${JIT_POLICY_DEFINITION_NAME}) audits with ${AUDIT_EFFECT} on part of the subscription, and no assignment audits the rest: the message names that part (a resource group, a region) and what leaves it out (an exemption, an excluded scope, a resource selector or override limited to some locations), or Defender for Servers Plan 2 is not on for every virtual machine, or its plan could not be read.`
  },
  help: { text: HELP_TEXT, markdown: HELP_MARKDOWN },
  helpUri: JIT_DOCS_URL,
  defaultConfiguration: { level: 'warning' },
  properties: {
    'security-severity': PARTIAL_SECURITY_SEVERITY,
    tags: TAGS,
    precision: 'very-high',
    'problem.severity': 'warning'
  }
}

/** The rules of the run, in the order `ruleIndex` counts them. */
const RULES: readonly ReportingDescriptor[] = [RULE, PARTIAL_RULE]

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

export const FINGERPRINT_KEY = 'jitAuditSubscription/v1'
/** Results kept per run: GitHub accepts 25,000; fewer keep a file of long messages well under its
 * 10 MB (gzip) limit. */
export const MAX_SARIF_RESULTS = 10_000
/** Longest result message, in code points. */
export const MAX_SARIF_MESSAGE = 1000

/** The verdicts that are findings, and their levels. */
const LEVELS: Readonly<Partial<Record<Verdict, Result.level>>> = {
  noncompliant: 'error',
  partial: 'warning'
}

/** Whether a verdict is a SARIF result: the check decided the subscription is not compliant. */
export function isFinding(verdict: Verdict): boolean {
  return LEVELS[verdict] !== undefined
}

/**
 * Plain text for a SARIF message: one line, no control or invisible characters, bounded, and with
 * `\`, `[` and `]` escaped as SARIF requires outside embedded links, so that text from Azure cannot
 * form a link (`[text](url)` is SARIF's embedded-link syntax in plain-text messages). A reason that
 * is too long loses words of its cause, never its fix (text.ts, fitReason).
 */
export function sarifText(value: unknown, max: number = MAX_SARIF_MESSAGE): string {
  const escape = (text: string) => text.replace(/[\\[\]]/g, (char) => `\\${char}`)
  // Escaping lengthens the text; cut the plain text shorter until the escaped text fits.
  // fitReason keeps the fix at the end of a reason whole.
  let limit = max
  let text = escape(fitReason(value, limit))
  let length = Array.from(text).length
  while (length > max && limit > 1) {
    limit = Math.max(1, limit - (length - max))
    text = escape(fitReason(value, limit))
    length = Array.from(text).length
  }
  return text
}

/** Stable per rule and subscription: the same subscription keeps its alert across runs, branches
 * and edits of the workflow file. */
export function subscriptionFingerprint(subscriptionId: string, ruleId: string = RULE_ID): string {
  return createHash('sha256').update(`${ruleId}:${subscriptionId.toLowerCase()}`).digest('hex')
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

function workflowLocation(file: WorkflowFile, subscription: SubscriptionResult): Location {
  const location = locateResult(file, subscription)
  return {
    physicalLocation: {
      artifactLocation: { uri: pathToUri(location.file) },
      region: { startLine: location.startLine }
    }
  }
}

/** How a carried result's message says the subscription's state. */
export const CARRIED_STATE = 'could not be checked now'
/** What separates a carried result's message from the last result it carries (alerts.ts reads the
 * last result back from an alert whose message is itself carried). */
export const LAST_RESULT_MARK = '; last result: '
/** Longest reason and last result a carried message quotes, in code points: both fit in
 * MAX_SARIF_MESSAGE. */
const MAX_CARRIED_PART = 440

/** `Subscription ID (NAME) is noncompliant: REASON` and `after` (a sentence of the action's),
 * within MAX_SARIF_MESSAGE. */
function message(subscription: SubscriptionResult, state: string, after = ''): string {
  const subject = `Subscription ${subscriptionLabel(subscription)} ${state}`
  const reason = oneLine(subscription.reason, MAX_SARIF_MESSAGE)
  return sarifText(reason ? `${subject}: ${subscription.reason}${after}` : `${subject}.${after}`)
}

/** `Subscription ID (NAME) could not be checked now: REASON; last result: LAST`, within
 * MAX_SARIF_MESSAGE: LAST is the open alert's message, or says that the alerts could not be read. */
function carriedMessage(subscription: SubscriptionResult, last: LastFinding): string {
  const subject = `Subscription ${subscriptionLabel(subscription)} ${CARRIED_STATE}`
  // The reason is a sentence and the mark goes on with it: no ".;".
  const now = oneLine(subscription.reason, MAX_CARRIED_PART).replace(/\.$/, '')
  const before =
    last.verdict === 'unknown'
      ? `unknown, the open code scanning alerts could not be read (${last.why})`
      : last.message
  return sarifText(`${subject}: ${now}${LAST_RESULT_MARK}${oneLine(before, MAX_CARRIED_PART)}`)
}

/** A result of `rule` for `subscription`, at its location in `file` and with its fingerprints:
 * the same alert, run after run, whatever the level, message and extra `properties`. Code
 * scanning matches results by `primaryLocationLineHash` alone ("SARIF support for code scanning",
 * partialFingerprints), which upload-sarif would otherwise compute from the workflow line: every
 * subscription not listed there (a management group's) would share line 1's hash and one alert.
 * upload-sarif keeps a value it finds, and logs that it would have computed another. */
function ruleResult(
  subscription: SubscriptionResult,
  file: WorkflowFile,
  rule: ReportingDescriptor,
  level: Result.level,
  text: string,
  properties: Record<string, unknown>
): Result {
  const fingerprint = subscriptionFingerprint(subscription.subscriptionId, rule.id)
  return {
    ruleId: rule.id,
    ruleIndex: RULES.indexOf(rule),
    level,
    kind: 'fail',
    message: { text },
    locations: [workflowLocation(file, subscription)],
    partialFingerprints: {
      [FINGERPRINT_KEY]: fingerprint,
      primaryLocationLineHash: fingerprint
    },
    properties: {
      subscriptionId: oneLine(subscription.subscriptionId, 100),
      ...(subscription.displayName ? { displayName: oneLine(subscription.displayName, 128) } : {}),
      verdict: subscription.verdict,
      ...properties
    }
  }
}

function resultFor(subscription: SubscriptionResult, file: WorkflowFile): Result {
  const partial = subscription.verdict === 'partial'
  const state = VERDICT_STATES[partial ? 'partial' : 'noncompliant']
  // What Azure records of the machines: a sentence after the reason, and the counts.
  const machines = machineCounts(subscription)
  return ruleResult(
    subscription,
    file,
    partial ? PARTIAL_RULE : RULE,
    LEVELS[subscription.verdict] ?? 'error',
    message(subscription, state, machines === null ? '' : ` ${machines}.`),
    {
      ...(subscription.virtualMachines !== undefined
        ? { virtualMachines: subscription.virtualMachines, crossCheck: subscription.crossCheck }
        : {}),
      effectiveEffect:
        subscription.effectiveEffect === null ? null : oneLine(subscription.effectiveEffect, 100),
      assignmentIds: subscription.assignments
        .slice(0, 10)
        .map((evidence) => oneLine(evidence.id, 400))
    }
  )
}

/** The last result of a subscription that could not be checked, carried forward: the alert's
 * level (`error` when the alerts could not be read) and number, and the last verdict. */
function carriedResultFor(
  subscription: SubscriptionResult,
  last: LastFinding,
  file: WorkflowFile
): Result {
  const level = last.verdict === 'unknown' ? 'error' : last.level
  const rule = last.verdict === 'partial' ? PARTIAL_RULE : RULE
  return ruleResult(subscription, file, rule, level, carriedMessage(subscription, last), {
    lastVerdict: last.verdict,
    ...(last.verdict === 'unknown' ? {} : { alertNumber: last.alert })
  })
}

function notificationFor(subscription: SubscriptionResult, file: WorkflowFile): Notification {
  return {
    level: 'error',
    descriptor: { id: NOT_CHECKED_ID, index: 0 },
    message: { text: message(subscription, VERDICT_STATES.error) },
    locations: [workflowLocation(file, subscription)],
    properties: {
      subscriptionId: oneLine(subscription.subscriptionId, 100),
      ...(subscription.displayName ? { displayName: oneLine(subscription.displayName, 128) } : {}),
      errorCause: subscription.errorCause ?? 'internal'
    }
  }
}

/**
 * The SARIF log for `results`: one result per subscription the check found not compliant (`error`
 * level for noncompliant, `warning` for partial) and one error notification per subscription that
 * could not be checked (an `error` verdict), in the run's one invocation, whose
 * `executionSuccessful` is false when there is any. Such a subscription with a `lastFinding` is a
 * result too, after the findings: its last result carried forward (carriedResultFor). All are
 * located in `file` (the workflow file, from workflowLocation, that the annotations point at too)
 * at the line that lists the subscription id, else at line 1. `automationDetails.id` is
 * `context.category` followed by `/`.
 */
export function buildSarif(
  results: readonly SubscriptionResult[],
  file: WorkflowFile,
  context: ReportContext
): Log {
  const findings = results.filter((result) => isFinding(result.verdict))
  const carried = results.filter((result) => result.verdict === 'error' && result.lastFinding)
  const kept = [...findings, ...carried].slice(0, MAX_SARIF_RESULTS)
  const unchecked = results.filter(
    (result) => result.verdict !== 'compliant' && !isFinding(result.verdict)
  )
  const keptUnchecked = unchecked.slice(0, MAX_SARIF_RESULTS)
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
        rules: [...RULES],
        notifications: [NOT_CHECKED]
      }
    },
    invocations: [
      {
        executionSuccessful: unchecked.length === 0,
        toolExecutionNotifications: keptUnchecked.map((result) => notificationFor(result, file))
      }
    ],
    automationDetails: { id: `${context.category}/` },
    columnKind: 'utf16CodeUnits',
    results: kept.map((result) =>
      result.lastFinding && !isFinding(result.verdict)
        ? carriedResultFor(result, result.lastFinding, file)
        : resultFor(result, file)
    ),
    properties: {
      subscriptionsChecked: results.length,
      subscriptionsNotChecked: unchecked.length,
      ...(carried.length > 0 ? { resultsCarriedForward: carried.length } : {}),
      ...(findings.length + carried.length > kept.length
        ? { resultsOmitted: findings.length + carried.length - kept.length }
        : {}),
      ...(unchecked.length > keptUnchecked.length
        ? { notificationsOmitted: unchecked.length - keptUnchecked.length }
        : {}),
      ...(file.fromWorkflowRef ? {} : { locationFallback: true })
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run]
  }
}
