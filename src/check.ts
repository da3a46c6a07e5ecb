// Everything after the inputs and the OIDC request, one phase after another, each in its own group
// of the log: sign-in -> the scope -> reads (each decided as it comes) -> verdicts -> reports ->
// notifications (the issue and pull-request comment; src/notify loads Octokit only when one is to
// be written). main loads this module (and with it the Azure SDK) once it has asked the runner for
// its OIDC token, and decides the step's outcome (src/outcome.ts; docs/design.md, "Architecture").
import * as core from '@actions/core'
import packageJson from '../package.json' with { type: 'json' }
import { openScope, type Collected, type Discovery } from './collect/index.ts'
import { collectionErrorResult, evaluateSubscription } from './evaluate/index.ts'
import type { Settings } from './inputs/index.ts'
import type { Log } from './log.ts'
import type { ExemptionRules, SubscriptionResult } from './model.ts'
import { notify } from './notify/index.ts'
import type { ScopeVerdicts } from './outcome.ts'
import { verdictLogLine } from './report/counts.ts'
import { writeReports, type ReportsWritten } from './report/index.ts'
import { errorStack, inertErrorMessage, inertLogText, subscriptionLabel } from './report/text.ts'
import { readPullRequestNumber, type RunContext } from './run-context.ts'
import { signIn } from './signin/index.ts'
import type { OidcAssertion } from './signin/oidc.ts'

/** What the run checked (its results in the order discovery gave the subscriptions,
 * collect/discover.ts) and what the reports wrote. */
export interface Checked extends ScopeVerdicts {
  /** What the reports wrote and what they could not. */
  reports: ReportsWritten
}

/**
 * Signs in with the runner's OIDC token (`assertion`, already asked for), resolves the scope of the
 * settings into subscriptions, checks each, writes the reports, then the issue and pull-request
 * comment the settings ask for, logging each phase in its own group of `log`. Throws SignInError
 * when sign-in fails and DiscoveryError when the scope cannot be resolved; a subscription that
 * cannot be read or decided is an `error` verdict, not a throw; a notification that cannot be
 * written is a warning.
 */
export async function checkSubscriptions(
  settings: Settings,
  runContext: RunContext,
  assertion: OidcAssertion,
  log: Log
): Promise<Checked> {
  const { cloud, clientId, engine } = settings
  const credential = await log.group('Sign-in', async () => {
    const { credential } = await signIn({
      tenantId: settings.tenantId,
      clientId,
      audience: settings.audience,
      cloud,
      authorityHost: cloud.authorityHost,
      resourceManagerEndpoint: cloud.resourceManagerEndpoint,
      assertion,
      setSecret: (secret) => core.setSecret(secret)
    })
    log.info(`Signed in to ${cloud.name} as application ${clientId}.`)
    return credential
  })
  const userAgent = `${packageJson.name}/${packageJson.version}`
  const scope = await log.group('Scope', async () => {
    const opened = await openScope(credential, settings, userAgent, log)
    logDiscovery(opened.discovery, log)
    return opened
  })
  const { subscriptions, skipped } = scope.discovery
  const results = new Array<SubscriptionResult>(subscriptions.length)
  await log.group(`Reads: ${subscriptions.length} subscription(s), ${engine} engine`, async () => {
    log.info(`Checking ${subscriptions.length} subscription(s) with the ${engine} engine.`)
    const decideRead = (read: Collected) => decide(read, settings.exemptionRules, log)
    for await (const { index, decided } of scope.decideEach(decideRead)) {
      // The one place a result gets its display name: the evaluator knows only the id.
      const displayName = subscriptions[index]?.displayName
      results[index] = { ...decided, ...(displayName !== undefined ? { displayName } : {}) }
    }
  })
  await log.group('Verdicts', async () => {
    for (const result of results) log.info(verdictLogLine(result))
  })
  const reports = await log.group('Reports', () =>
    writeReports(results, skipped, settings, runContext, packageJson.version)
  )
  await log.group('Notifications', () => notifyRun(results, reports, settings, runContext, log))
  return { results, skipped, reports }
}

/** Keeps the category's issue and pull-request comment up to date (src/notify); logs what it did
 * and, as warnings, what it could not do. Never throws: the verdicts stand whatever GitHub says. */
async function notifyRun(
  results: readonly SubscriptionResult[],
  { category, runUrl }: Pick<ReportsWritten, 'category' | 'runUrl'>,
  settings: Settings,
  runContext: RunContext,
  log: Log
): Promise<void> {
  const outcome = await notify(
    { results, category, runUrl, failOn: settings.failOn, clientId: settings.clientId },
    {
      token: settings.githubToken,
      apiUrl: runContext.apiUrl,
      repository: runContext.repository ?? '',
      issue: settings.issue,
      eventName: runContext.eventName,
      labels: settings.issueLabels,
      pullRequestComment: settings.pullRequestComment,
      pullRequest: settings.pullRequestComment ? await readPullRequestNumber(runContext) : null,
      setSecret: (secret) => core.setSecret(secret)
    }
  )
  for (const note of outcome.notes) log.info(note)
  for (const warning of outcome.warnings) log.warning(warning)
}

/** What discovery found and what it cost, apart from the checks' own requests. */
function logDiscovery(discovery: Discovery, log: Log): void {
  const { cost, excluded, skipped } = discovery
  log.info(
    `Discovery: ${discovery.subscriptions.length} subscription(s) to check, ${skipped.length} skipped, ${excluded.length} excluded; ${cost.requests} request(s) over ${cost.lists} list(s) in ${cost.ms} ms.`
  )
  if (discovery.subscriptionListError !== undefined) {
    log.warning(
      `Could not list the subscriptions the identity can read (${inertLogText(discovery.subscriptionListError)}); the listed subscriptions are checked without their display names and states.`
    )
  }
  for (const subscription of skipped) {
    log.info(
      inertLogText(
        `⏭️ ${subscriptionLabel(subscription)}: skipped, the subscription is ${subscription.state}.`
      )
    )
  }
}

/** The verdict of one subscription, with the run's exemption rules; a defect met on its data costs
 * that subscription alone. */
function decide(read: Collected, rules: ExemptionRules, log: Log): SubscriptionResult {
  if (!('snapshot' in read)) {
    return collectionErrorResult(read.subscriptionId, read.failure, read.cause)
  }
  try {
    return evaluateSubscription(read.snapshot, rules)
  } catch (error) {
    log.debug(errorStack(error))
    return collectionErrorResult(
      read.subscriptionId,
      `The check failed on the policy data of /subscriptions/${read.subscriptionId} (${inertErrorMessage(error)}); please report it with the job log.`,
      'internal'
    )
  }
}
