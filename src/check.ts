// Everything after the inputs and the OIDC request: sign-in -> collect -> evaluate -> reports ->
// notifications (the issue and pull-request comment, src/notify; it loads Octokit only when one is
// to be written).
// main loads this module (and with it the Azure SDK) once it has asked the runner for its OIDC
// token (docs/design.md, "Architecture"). The step's outcome is decided by main (src/outcome.ts).
import * as core from '@actions/core'
import packageJson from '../package.json' with { type: 'json' }
import { collectSubscriptions, type Collected } from './collect/collect.ts'
import { requestLimits } from './collect/limits.ts'
import { createResourceManager } from './collect/resource-manager.ts'
import { collectionErrorResult, evaluateSubscription } from './evaluate/evaluate.ts'
import type { Settings } from './inputs.ts'
import { VERDICT_MARKS, type SubscriptionResult } from './model.ts'
import { notify } from './notify/index.ts'
import { reportContext, runUrl } from './report/context.ts'
import { writeReports, type ReportsWritten } from './report/write.ts'
import { errorStack, inertErrorMessage, inertLogText } from './report/text.ts'
import { readPullRequestNumber, type RunContext } from './run-context.ts'
import { signIn } from './signin/entra.ts'
import type { OidcAssertion } from './signin/oidc.ts'

export interface Checked {
  /** One verdict per subscription, in the order of `settings.subscriptionIds`. */
  results: SubscriptionResult[]
  /** What the reports wrote and what they could not. */
  reports: ReportsWritten
}

/**
 * Signs in with the runner's OIDC token (`assertion`, already asked for), checks every
 * subscription of the settings, writes the reports, then the issue and pull-request comment the
 * settings ask for. Throws SignInError when sign-in fails; a subscription that cannot be read or
 * decided is an `error` verdict, not a throw; a notification that cannot be written is a warning.
 */
export async function checkSubscriptions(
  settings: Settings,
  run: RunContext,
  assertion: OidcAssertion
): Promise<Checked> {
  const results = await decideSubscriptions(settings, assertion)
  const reports = await writeReports(results, settings, run, packageJson.version)
  await notifyRun(results, reports.category, settings, run)
  return { results, reports }
}

/** Keeps the category's issue and pull-request comment up to date (src/notify); logs what it did
 * and, as warnings, what it could not do. Never throws: the verdicts stand whatever GitHub says. */
async function notifyRun(
  results: readonly SubscriptionResult[],
  category: string,
  settings: Settings,
  run: RunContext
): Promise<void> {
  const names = new Map<string, string>()
  for (const result of results) {
    if (result.displayName) names.set(result.subscriptionId, result.displayName)
  }
  const outcome = await notify(
    {
      results,
      names,
      category,
      runUrl: runUrl(reportContext(run, settings, packageJson.version)),
      failOn: settings.failOn,
      clientId: settings.clientId
    },
    {
      token: settings.githubToken,
      apiUrl: run.apiUrl,
      repository: run.repository ?? '',
      issue: settings.issue,
      eventName: run.eventName,
      labels: settings.issueLabels,
      pullRequestComment: settings.pullRequestComment,
      pullRequest: settings.pullRequestComment ? await readPullRequestNumber(run) : null,
      setSecret: (secret) => core.setSecret(secret)
    }
  )
  for (const note of outcome.notes) core.info(note)
  for (const warning of outcome.warnings) core.warning(warning)
}

async function decideSubscriptions(
  settings: Settings,
  assertion: OidcAssertion
): Promise<SubscriptionResult[]> {
  const { credential } = await signIn({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    audience: settings.audience,
    authorityHost: settings.cloud.authorityHost,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    assertion,
    setSecret: (secret) => core.setSecret(secret)
  })
  core.info(
    `Signed in to ${settings.cloud.name} as application ${settings.clientId}; checking ${settings.subscriptionIds.length} subscription(s).`
  )
  const resourceManager = createResourceManager(
    credential,
    settings.cloud.resourceManagerEndpoint,
    requestLimits(settings),
    `${packageJson.name}/${packageJson.version}`
  )
  const results = new Array<SubscriptionResult>(settings.subscriptionIds.length)
  const reads = collectSubscriptions(resourceManager, settings.subscriptionIds, {
    clientId: settings.clientId
  })
  for await (const read of reads) {
    const result = decide(read)
    core.info(
      `${VERDICT_MARKS[result.verdict]} ${result.subscriptionId}: ${result.verdict}. ${inertLogText(result.reason)}`
    )
    results[read.index] = result
  }
  return results
}

/** The verdict of one subscription; a defect met on its data costs that subscription alone. */
function decide(read: Collected): SubscriptionResult {
  if (!('snapshot' in read)) {
    return collectionErrorResult(read.subscriptionId, read.failure, read.cause)
  }
  try {
    return evaluateSubscription(read.snapshot)
  } catch (error) {
    core.debug(errorStack(error))
    return collectionErrorResult(
      read.subscriptionId,
      `The check failed on the policy data of /subscriptions/${read.subscriptionId} (${inertErrorMessage(error)}); please report it with the job log.`,
      'internal'
    )
  }
}
