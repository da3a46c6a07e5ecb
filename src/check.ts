// Everything after the inputs and the OIDC request: sign-in -> collect -> evaluate -> reports.
// main loads this module (and with it the Azure SDK) once it has asked the runner for its OIDC
// token (docs/design.md, "Architecture"). The step's outcome is decided by main (src/outcome.ts).
import * as core from '@actions/core'
import packageJson from '../package.json' with { type: 'json' }
import { collectSubscriptions, type Collected, type CollectedAt } from './collect/collect.ts'
import { requestLimits } from './collect/limits.ts'
import { createGraphQuery } from './collect/resource-graph/client.ts'
import { collectThroughResourceGraph } from './collect/resource-graph/engine.ts'
import { createResourceManager } from './collect/resource-manager.ts'
import { subscriptionReader } from './collect/subscription.ts'
import { collectionErrorResult, evaluateSubscription } from './evaluate/evaluate.ts'
import type { Settings } from './inputs.ts'
import { VERDICT_MARKS, type SubscriptionResult } from './model.ts'
import { writeReports, type ReportsWritten } from './report/write.ts'
import { errorStack, inertErrorMessage, inertLogText } from './report/text.ts'
import type { RunContext } from './run-context.ts'
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
 * subscription of the settings and writes the reports. Throws SignInError when sign-in fails;
 * a subscription that cannot be read or decided is an `error` verdict, not a throw.
 */
export async function checkSubscriptions(
  settings: Settings,
  run: RunContext,
  assertion: OidcAssertion
): Promise<Checked> {
  const results = await decideSubscriptions(settings, assertion)
  const reports = await writeReports(results, settings, run, packageJson.version)
  return { results, reports }
}

async function decideSubscriptions(
  settings: Settings,
  assertion: OidcAssertion
): Promise<SubscriptionResult[]> {
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
  core.info(
    `Signed in to ${settings.cloud.name} as application ${settings.clientId}; checking ${settings.subscriptionIds.length} subscription(s) with the ${settings.engine} engine.`
  )
  const limits = requestLimits(settings)
  const userAgent = `${packageJson.name}/${packageJson.version}`
  const endpoint = settings.cloud.resourceManagerEndpoint
  const resourceManager = createResourceManager(credential, endpoint, limits, userAgent)
  const ids = settings.subscriptionIds
  const clientId = settings.clientId
  // One reader for the run: both engines and the re-checks share its definition reads.
  const reader = subscriptionReader(resourceManager, clientId)
  const results = new Array<SubscriptionResult>(ids.length)
  const report = (result: SubscriptionResult, index: number) => {
    core.info(
      `${VERDICT_MARKS[result.verdict]} ${result.subscriptionId}: ${result.verdict}. ${inertLogText(result.reason)}`
    )
    results[index] = result
  }
  const reads: AsyncIterable<CollectedAt & { fromResourceGraph?: boolean }> =
    settings.engine === 'resource-graph'
      ? collectThroughResourceGraph(
          resourceManager,
          await createGraphQuery(credential, endpoint, limits, userAgent),
          ids,
          {
            clientId,
            reader,
            maxQuotaWaitMs: limits.maxRetryAfterMs,
            log: (line) => core.info(line)
          }
        )
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
