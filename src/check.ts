// Everything after the inputs and the OIDC request: sign-in -> collect -> evaluate -> reports ->
// notifications (the issue and pull-request comment, src/notify; it loads Octokit only when one is
// to be written).
// main loads this module (and with it the Azure SDK) once it has asked the runner for its OIDC
// token (docs/design.md, "Architecture"). The step's outcome is decided by main (src/outcome.ts).
import * as core from '@actions/core'
import packageJson from '../package.json' with { type: 'json' }
import { collectSubscriptions, type Collected, type CollectedAt } from './collect/collect.ts'
import { discoverSubscriptions, type Discovery } from './collect/discover.ts'
import {
  GraphScopeTooLargeError,
  discoverThroughResourceGraph,
  type GraphDiscovery
} from './collect/discover-graph.ts'
import { failureDetail } from './collect/errors.ts'
import { requestLimits } from './collect/limits.ts'
import { createGraphQuery, type SendGraphQuery } from './collect/resource-graph/client.ts'
import { collectThroughResourceGraph } from './collect/resource-graph/engine.ts'
import { QuotaGate } from './collect/resource-graph/paging.ts'
import { createResourceManager } from './collect/resource-manager.ts'
import { subscriptionReader } from './collect/subscription.ts'
import { collectionErrorResult, evaluateSubscription } from './evaluate/evaluate.ts'
import type { Settings } from './inputs/index.ts'
import type { SubscriptionResult } from './model.ts'
import type { Checked as Decided } from './outcome.ts'
import { verdictLogLine } from './report/counts.ts'
import { notify } from './notify/index.ts'
import { writeReports, type ReportsWritten } from './report/index.ts'
import { errorStack, inertErrorMessage, inertLogText, subscriptionLabel } from './report/text.ts'
import { readPullRequestNumber, type RunContext } from './run-context.ts'
import { signIn } from './signin/entra.ts'
import type { OidcAssertion } from './signin/oidc.ts'

/** What the run checked (its results in the order discovery gave the subscriptions,
 * collect/discover.ts) and what the reports wrote. */
export interface Checked extends Decided {
  /** What the reports wrote and what they could not. */
  reports: ReportsWritten
}

/**
 * Signs in with the runner's OIDC token (`assertion`, already asked for), resolves the scope of the
 * settings into subscriptions, checks each, writes the reports, then the issue and pull-request
 * comment the settings ask for. Throws SignInError when sign-in fails and DiscoveryError when the
 * scope cannot be resolved; a subscription that cannot be read or decided is an `error` verdict,
 * not a throw; a notification that cannot be written is a warning.
 */
export async function checkSubscriptions(
  settings: Settings,
  run: RunContext,
  assertion: OidcAssertion
): Promise<Checked> {
  const { results, skipped } = await decideSubscriptions(settings, assertion)
  const reports = await writeReports(results, skipped, settings, run, packageJson.version)
  await notifyRun(results, reports, settings, run)
  return { results, skipped, reports }
}

/** Keeps the category's issue and pull-request comment up to date (src/notify); logs what it did
 * and, as warnings, what it could not do. Never throws: the verdicts stand whatever GitHub says. */
async function notifyRun(
  results: readonly SubscriptionResult[],
  { category, runUrl }: Pick<ReportsWritten, 'category' | 'runUrl'>,
  settings: Settings,
  run: RunContext
): Promise<void> {
  const outcome = await notify(
    {
      results,
      category,
      runUrl,
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

async function decideSubscriptions(settings: Settings, assertion: OidcAssertion): Promise<Decided> {
  const { credential } = await signIn({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    audience: settings.audience,
    cloud: settings.cloud,
    authorityHost: settings.cloud.authorityHost,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    assertion,
    setSecret: (secret) => core.setSecret(secret)
  })
  core.info(`Signed in to ${settings.cloud.name} as application ${settings.clientId}.`)
  const limits = requestLimits(settings)
  const userAgent = `${packageJson.name}/${packageJson.version}`
  const endpoint = settings.cloud.resourceManagerEndpoint
  const resourceManager = createResourceManager(credential, endpoint, limits, userAgent)
  const graph =
    settings.engine === 'resource-graph'
      ? await discoverWithResourceGraph(
          await createGraphQuery(credential, endpoint, limits, userAgent),
          settings.scope,
          new QuotaGate(limits.maxRetryAfterMs, limits.deadline)
        )
      : undefined
  const discovery =
    graph?.discovered?.discovery ?? (await discoverSubscriptions(resourceManager, settings.scope))
  logDiscovery(discovery)
  const subscriptions = discovery.subscriptions
  const ids = subscriptions.map((subscription) => subscription.subscriptionId)
  const { clientId, defenderPlanCheck } = settings
  core.info(`Checking ${ids.length} subscription(s) with the ${settings.engine} engine.`)
  // One reader for the run: both engines and the re-checks share its definition reads.
  const reader = subscriptionReader(resourceManager, { clientId, defenderPlanCheck })
  const results = new Array<SubscriptionResult>(subscriptions.length)
  const report = (decided: SubscriptionResult, index: number) => {
    // The one place a result gets its display name: the evaluator knows only the id.
    const displayName = subscriptions[index]?.displayName
    const result = { ...decided, ...(displayName !== undefined ? { displayName } : {}) }
    core.info(verdictLogLine(result))
    results[index] = result
  }
  const reads: AsyncIterable<CollectedAt & { fromResourceGraph?: boolean }> =
    graph?.send !== undefined
      ? collectThroughResourceGraph(resourceManager, graph.send, ids, {
          clientId,
          reader,
          defenderPlanCheck,
          managementGroups: settings.scope.managementGroups,
          maxQuotaWaitMs: limits.maxRetryAfterMs,
          discovered: graph.discovered && {
            gate: graph.gate,
            subscriptionRows: graph.discovered.subscriptionRows
          },
          log: (line) => core.info(line)
        })
      : collectSubscriptions(resourceManager, ids, { clientId, reader })
  // Resource Graph can lag behind Resource Manager: what it finds short of compliant is read
  // again through Resource Manager, whose verdict is the one reported (README, "Engines").
  const recheck: { index: number; subscriptionId: string }[] = []
  for await (const read of reads) {
    const result = decide(read)
    if (read.fromResourceGraph && result.verdict !== 'compliant')
      recheck.push({ index: read.index, subscriptionId: read.subscriptionId })
    else report(result, read.index)
  }
  if (recheck.length > 0) {
    core.info(
      `Reading ${recheck.length} subscription(s) that Azure Resource Graph found not compliant again through Resource Manager.`
    )
    const again = recheck.map((read) => read.subscriptionId)
    for await (const read of collectSubscriptions(resourceManager, again, { clientId, reader })) {
      report(decide(read), recheck[read.index]?.index ?? read.index)
    }
  }
  return { results, skipped: discovery.skipped }
}

/**
 * Discovery through Resource Graph for the resource-graph engine (collect/discover-graph.ts).
 * Returns `send` for the engine, with `discovered` unless a scope is over Resource Graph's cap
 * (Resource Manager's lists resolve it then); without `send` when Resource Graph refused a query,
 * so that Resource Manager resolves the scope and reads every subscription.
 */
async function discoverWithResourceGraph(
  send: SendGraphQuery,
  scope: Settings['scope'],
  gate: QuotaGate
): Promise<{ send?: SendGraphQuery; gate: QuotaGate; discovered?: GraphDiscovery }> {
  try {
    return { send, gate, discovered: await discoverThroughResourceGraph(send, scope, gate) }
  } catch (error) {
    if (error instanceof GraphScopeTooLargeError) {
      core.info(`${error.message}: resolving the scope through Resource Manager's lists.`)
      return { send, gate }
    }
    core.info(
      `Azure Resource Graph could not be read (${failureDetail(error)}); resolving the scope and reading every subscription through Resource Manager instead.`
    )
    return { gate }
  }
}

/** What discovery found and what it cost, apart from the checks' own requests. */
function logDiscovery(discovery: Discovery): void {
  const { cost, excluded, skipped } = discovery
  core.info(
    `Discovery: ${discovery.subscriptions.length} subscription(s) to check, ${skipped.length} skipped, ${excluded.length} excluded; ${cost.requests} request(s) over ${cost.lists} list(s) in ${cost.ms} ms.`
  )
  if (discovery.subscriptionListError !== undefined) {
    core.warning(
      `Could not list the subscriptions the identity can read (${inertLogText(discovery.subscriptionListError)}); the listed subscriptions are checked without their display names and states.`
    )
  }
  for (const subscription of skipped) {
    core.info(
      inertLogText(
        `⏭️ ${subscriptionLabel(subscription)}: skipped, the subscription is ${subscription.state}.`
      )
    )
  }
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
