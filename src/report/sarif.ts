// SARIF 2.1.0 for GitHub code scanning: one run, one rule (JIT network access audit in force), one
// result per subscription the check found not compliant (noncompliant or partial), each located in
// the workflow file that ran the action. A subscription that could not be checked (an `error`
// verdict, whatever its cause) is not a finding: it is a tool execution notification of the run's
// invocation, which then reports `executionSuccessful: false` (docs/reading-results.md, "Code
// scanning"). Valid against the OASIS schema and within GitHub's extra rules: every result has a
// physical location, descriptions of at most 1024 characters, help text, a security-severity with
// the `security` tag, and at most 25,000 results per run.
import { createHash } from 'node:crypto'
import type { Location, Log, Notification, Result, Run } from 'sarif'
import { TOOL_NAME, type SubscriptionResult, type Verdict } from '../model.ts'
import { JIT_DOCS_URL, repositoryUrl, type ReportContext } from './context.ts'
import { locateSubscription, type WorkflowFile } from './locate.ts'
import { VERDICT_STATES } from './counts.ts'
import { NOT_CHECKED, NOT_CHECKED_ID, RULE, RULE_ID } from './sarif-rule.ts'
import { fitReason, oneLine, subscriptionLabel } from './text.ts'

export { RULE_ID, SECURITY_SEVERITY } from './sarif-rule.ts'
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
export function subscriptionFingerprint(subscriptionId: string): string {
  return createHash('sha256').update(`${RULE_ID}:${subscriptionId.toLowerCase()}`).digest('hex')
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

function workflowLocation(file: WorkflowFile, subscriptionId: string): Location {
  const location = locateSubscription(file, subscriptionId)
  return {
    physicalLocation: {
      artifactLocation: { uri: pathToUri(location.file) },
      region: { startLine: location.startLine }
    }
  }
}

/** `Subscription ID (NAME) is noncompliant: REASON`, within MAX_SARIF_MESSAGE. */
function message(subscription: SubscriptionResult, state: string): string {
  const subject = `Subscription ${subscriptionLabel(subscription)} ${state}`
  const reason = oneLine(subscription.reason, MAX_SARIF_MESSAGE)
  return sarifText(reason ? `${subject}: ${subscription.reason}` : `${subject}.`)
}

function resultFor(subscription: SubscriptionResult, file: WorkflowFile): Result {
  return {
    ruleId: RULE_ID,
    ruleIndex: 0,
    level: LEVELS[subscription.verdict] ?? 'error',
    kind: 'fail',
    message: {
      text: message(
        subscription,
        VERDICT_STATES[subscription.verdict === 'partial' ? 'partial' : 'noncompliant']
      )
    },
    locations: [workflowLocation(file, subscription.subscriptionId)],
    partialFingerprints: {
      [FINGERPRINT_KEY]: subscriptionFingerprint(subscription.subscriptionId)
    },
    properties: {
      subscriptionId: oneLine(subscription.subscriptionId, 100),
      ...(subscription.displayName ? { displayName: oneLine(subscription.displayName, 128) } : {}),
      verdict: subscription.verdict,
      effectiveEffect:
        subscription.effectiveEffect === null ? null : oneLine(subscription.effectiveEffect, 100),
      assignmentIds: subscription.assignments
        .slice(0, 10)
        .map((evidence) => oneLine(evidence.id, 400))
    }
  }
}

function notificationFor(subscription: SubscriptionResult, file: WorkflowFile): Notification {
  return {
    level: 'error',
    descriptor: { id: NOT_CHECKED_ID, index: 0 },
    message: { text: message(subscription, VERDICT_STATES.error) },
    locations: [workflowLocation(file, subscription.subscriptionId)],
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
 * `executionSuccessful` is false when there is any. Both are located in `file` (the workflow file,
 * from workflowLocation, that the annotations point at too) at the line that lists the
 * subscription id, else at line 1. `automationDetails.id` is `context.category` followed by `/`.
 */
export function buildSarif(
  results: readonly SubscriptionResult[],
  file: WorkflowFile,
  context: ReportContext
): Log {
  const findings = results.filter((result) => isFinding(result.verdict))
  const kept = findings.slice(0, MAX_SARIF_RESULTS)
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
        rules: [RULE],
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
    results: kept.map((result) => resultFor(result, file)),
    properties: {
      subscriptionsChecked: results.length,
      subscriptionsNotChecked: unchecked.length,
      ...(findings.length > kept.length ? { resultsOmitted: findings.length - kept.length } : {}),
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
