// Everything after the inputs and the OIDC request, one phase after another, each in its own group
// of the log: sign-in -> the scope -> reads (each decided as it comes) -> verdicts -> reports ->
// notifications (the issue and pull-request comment; src/notify loads Octokit only when one is to
// be written). Every wait counts against the run's deadline (src/deadline.ts): at the deadline the
// reads stop (src/reads.ts) and the reports are written all the same; notifications get a short
// grace. main loads this module (and with it the Azure SDK) once it has asked the runner for its
// OIDC token, and decides the step's outcome (src/outcome.ts; docs/design.md, "Architecture").
import packageJson from '../package.json' with { type: 'json' }
import { openScope, type Discovery } from './collect/index.ts'
import {
  NOTIFICATION_GRACE_MS,
  describeDuration,
  settledBefore,
  type RunDeadline
} from './deadline.ts'
import type { Settings } from './inputs/index.ts'
import type { Log } from './log.ts'
import type { SubscriptionResult } from './model.ts'
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
  carryForward,
  failClosed,
  notify
} from './notify/index.ts'
import type { ScopeVerdicts } from './outcome.ts'
import { readEach } from './reads.ts'
import { crossCheckEach, startMachineRead } from './virtual-machines.ts'
import { verdictLogLine } from './report/counts.ts'
import { writeReports, type ReportsWritten } from './report/index.ts'
import { inertLogText, subscriptionLabel } from './report/text.ts'
import { readPullRequestNumber, type RunContext } from './run-context.ts'
import type { Runner } from './runner-interface.ts'
import { signIn, signInLocally } from './signin/index.ts'
import type { OidcAssertion } from './signin/oidc.ts'
import { indexDeclarations } from './plan/locate.ts'
import type { PlanFileRead } from './plan/types.ts'
import { groupScope, plannedAssignments, plannedOverlay, scopeOfChanges } from './planned-scope.ts'

/** What the run checked (its results in the order discovery gave the subscriptions,
 * collect/discover.ts) and what the reports wrote. */
export interface Checked extends ScopeVerdicts {
  /** What the reports wrote and what they could not. */
  reports: ReportsWritten
}

/**
 * Signs in with the runner's OIDC token (`assertion`, already asked for; null: with the machine's
 * credentials, signInLocally), resolves the scope of the settings into subscriptions, checks each,
 * writes the reports, then (on GitHub only) the issue and pull-request comment the settings ask
 * for, through `runner`, logging each phase in its own group of its log. Every wait keeps
 * `deadline`: a subscription not read by then is `error`, and the reports are written. Throws
 * SignInError when sign-in fails and DiscoveryError when the scope cannot be resolved; a
 * subscription that cannot be read or decided is an `error` verdict, not a throw; a notification
 * that cannot be written is a warning. With `plans` (the planned changes read), each subscription
 * is decided now and after the changes (planned-verdicts.ts), and without scope inputs the scope is
 * every subscription the changes reach.
 */
export async function checkSubscriptions(
  settings: Settings,
  runContext: RunContext,
  assertion: OidcAssertion | null,
  runner: Runner,
  deadline: RunDeadline,
  plans: readonly PlanFileRead[] | null = null
): Promise<Checked> {
  const { log } = runner
  const { cloud, clientId, engine } = settings
  const credential = await log.group('Sign-in', async () => {
    if (assertion === null) {
      const { credential, signedInWith } = await signInLocally({
        tenantId: settings.tenantId,
        authorityHost: cloud.authorityHost,
        resourceManagerEndpoint: cloud.resourceManagerEndpoint,
        setSecret: (secret) => runner.setSecret(secret),
        deadline: deadline.signal
      })
      log.info(`Signed in to ${cloud.name} with ${signedInWith}.`)
      return credential
    }
    const { credential } = await signIn({
      tenantId: settings.tenantId,
      clientId,
      audience: settings.audience,
      cloud,
      authorityHost: cloud.authorityHost,
      resourceManagerEndpoint: cloud.resourceManagerEndpoint,
      assertion,
      setSecret: (secret) => runner.setSecret(secret),
      deadline: deadline.signal
    })
    log.info(`Signed in to ${cloud.name} as application ${clientId}.`)
    return credential
  })
  const userAgent = `${packageJson.name}/${packageJson.version}`
  const changes = plans?.flatMap((read) => read.changes) ?? []
  const scopeSettings = {
    ...settings,
    scope: plans === null ? settings.scope : scopeOfChanges(settings.scope, changes),
    plannedAssignments: plannedAssignments(changes),
    deadline: deadline.signal
  }
  const { scope, overlay } = await log.group('Scope', async () => {
    const opened = await openScope(credential, scopeSettings, userAgent, log)
    logDiscovery(opened.discovery, settings.scope.excludeSubscriptionIds, log)
    const overlay =
      plans === null
        ? undefined
        : await plannedOverlay(changes, await indexDeclarations(runContext.workspace), (group) =>
            openScope(
              credential,
              { ...scopeSettings, engine: 'resource-manager', scope: groupScope(group) },
              userAgent,
              log
            ).then(({ discovery }) => discovery.subscriptions.map((s) => s.subscriptionId))
          )
    return { scope: opened, overlay }
  })
  const { subscriptions, skipped } = scope.discovery
  let results = await log.group(
    `Reads: ${subscriptions.length} subscription(s), ${engine} engine`,
    async () => {
      log.info(`Checking ${subscriptions.length} subscription(s) with the ${engine} engine.`)
      // Azure's record of the virtual machines is read beside the verdicts, then compared.
      const machines = startMachineRead(scope, settings.virtualMachines, log)
      const options = { failOn: settings.failOn, ...settings.exemptionRules }
      return crossCheckEach(
        await readEach(scope, deadline, options, log, overlay),
        machines,
        deadline,
        log
      )
    }
  )
  await log.group('Verdicts', async () => {
    for (const result of results) log.info(verdictLogLine(result))
  })
  const reports = await log.group('Reports', async () => {
    // What code scanning holds open for subscriptions that could not be checked, before the SARIF.
    if (runner.onGitHub) {
      results = await carryForward(results, settings, runContext, log)
    } else {
      // Unread, as when the alerts cannot be read: each `error` subscription is a SARIF result.
      results = failClosed(results, 'code scanning is not read outside a GitHub workflow')
      log.info(NOT_ON_GITHUB.codeScanning)
    }
    return writeReports(results, skipped, settings, runContext, packageJson.version, runner)
  })
  await log.group('Notifications', async () => {
    if (runner.onGitHub) await notifyRun(results, reports, settings, runContext, deadline, runner)
    else log.info(NOT_ON_GITHUB.notifications)
  })
  return { results, skipped, reports }
}

/** What a run outside a GitHub workflow (a terminal) leaves out, as it says so. */
const NOT_ON_GITHUB = {
  codeScanning:
    'Code scanning: not read outside a GitHub workflow, and the SARIF file is not uploaded; each subscription that could not be checked is a result of it, so that an upload (github/codeql-action/upload-sarif) closes none of their alerts as fixed.',
  notifications:
    'Issue and pull-request comment: skipped outside a GitHub workflow (`issue`, `issue-labels`, `pr-comment` and `github-token` apply to a workflow step only).'
}

/** Keeps the category's issue and pull-request comment up to date (src/notify); logs what it did
 * and, as warnings, what it could not do. Notifications get what is left of `deadline` and
 * NOTIFICATION_GRACE_MS, never more than their own limit. Never throws: the verdicts stand
 * whatever GitHub says. */
async function notifyRun(
  results: readonly SubscriptionResult[],
  { category, runUrl }: Pick<ReportsWritten, 'category' | 'runUrl'>,
  settings: Settings,
  runContext: RunContext,
  deadline: RunDeadline,
  runner: Pick<Runner, 'log' | 'setSecret'>
): Promise<void> {
  const { log } = runner
  const budgetMs = Math.min(DEFAULT_DEADLINE_MS, deadline.remainingMs() + NOTIFICATION_GRACE_MS)
  const notified = async () =>
    notify(
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
        setSecret: (secret) => runner.setSecret(secret),
        deadlineMs: budgetMs,
        maxRateLimitWaitMs: Math.min(DEFAULT_MAX_RATE_LIMIT_WAIT_MS, budgetMs)
      }
    )
  const notifying = notified()
  if (!(await settledBefore(notifying, AbortSignal.timeout(budgetMs)))) {
    log.warning(
      `The issue and pull-request comment were not brought up to date within ${describeDuration(budgetMs)}; the next run tries again.`
    )
    return
  }
  const outcome = await notifying
  for (const note of outcome.notes) log.info(note)
  for (const warning of outcome.warnings) log.warning(warning)
}

/** What discovery found and what it cost, apart from the checks' own requests; a notice for each
 * id of `exclude-subscriptions` (`toExclude`) that is not in scope, so excludes nothing. */
function logDiscovery(discovery: Discovery, toExclude: readonly string[], log: Log): void {
  const { cost, excluded, skipped } = discovery
  log.info(
    `Discovery: ${discovery.subscriptions.length} subscription(s) to check, ${skipped.length} skipped, ${excluded.length} excluded; ${cost.requests} request(s) over ${cost.lists} list(s) in ${cost.ms} ms.`
  )
  const matched = new Set(excluded.map((id) => id.toLowerCase()))
  for (const id of toExclude.filter((id) => !matched.has(id.toLowerCase()))) {
    log.notice(
      `\`exclude-subscriptions\` lists ${id}, which is not in the scope checked, so it excludes nothing: check the id, or remove it.`
    )
  }
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
