// What the report builders need from the run besides the results, as plain data: reportContext
// fills it from the run context and the settings; tests hand it values. The workflow file the
// findings point at is passed on its own (report/locate.ts, workflowLocation).
import type { Settings } from '../inputs/index.ts'
import type { Verdict } from '../model.ts'
import type { RunContext } from '../run-context.ts'
import type { Scope } from '../inputs/scope.ts'
import { scanCategory } from '../category.ts'
import { CLOUDS } from '../defaults.ts'

export interface ReportContext {
  /** This action's version, e.g. `1.2.0` (package.json). */
  actionVersion: string
  /** The analysis category (category.ts, scanCategory): SARIF `automationDetails.id` is
   * `category/`. */
  category: string
  /** `GITHUB_JOB`: the job's id in the workflow. */
  job?: string | undefined
  /** `GITHUB_WORKFLOW`: the workflow's name, shown in the summary footer. */
  workflowName?: string | undefined
  /** `GITHUB_RUN_ID` and `GITHUB_RUN_ATTEMPT`, for the link to the run. */
  runId?: string | undefined
  runAttempt?: string | undefined
  /** `GITHUB_SERVER_URL`, e.g. `https://github.com`. */
  serverUrl?: string | undefined
  /** `GITHUB_REPOSITORY`, `owner/name`. */
  repository?: string | undefined
  /** `GITHUB_ACTION_REPOSITORY`: the repository of this action, for the tool's information URI. */
  actionRepository?: string | undefined
  /** The application (client) id the action signed in with (not a secret); used in the role
   * assignment command of `error` verdicts. */
  clientId?: string | undefined
  /** Verdicts that fail the step (the `fail-on` input); decides the summary's headline mark.
   * Defaults to noncompliant and error. */
  failOn?: ReadonlySet<Verdict> | undefined
  /** `https://PORTAL/#@TENANT`: a resource's page is this, `/resource`, and its id (the Azure
   * portal's link form); absent for a cloud `environment` does not name. */
  portalTenantUrl?: string | undefined
}

/** The report context of a run: its identifiers, this action's version (package.json), the
 * settings the reports mention (`client-id`, `fail-on`) and the category of the checked scope. */
export function reportContext(
  runContext: RunContext,
  settings: Pick<Settings, 'clientId' | 'failOn' | 'category' | 'scope'> &
    Partial<Pick<Settings, 'tenantId' | 'cloud'>>,
  actionVersion: string
): ReportContext {
  const portal = CLOUDS.find((cloud) => cloud.name === settings.cloud?.name)?.portal
  return {
    actionVersion,
    category: runCategory(runContext, settings),
    job: runContext.job,
    workflowName: runContext.workflowName,
    runId: runContext.runId,
    runAttempt: runContext.runAttempt,
    serverUrl: runContext.serverUrl,
    repository: runContext.repository,
    actionRepository: runContext.actionRepository,
    clientId: settings.clientId,
    failOn: settings.failOn,
    ...(portal && settings.tenantId
      ? { portalTenantUrl: `${portal}/#@${encodeURIComponent(settings.tenantId)}` }
      : {})
  }
}

/** The category of the run's analysis (category.ts, scanCategory): the `category` input, else one
 * derived from the workflow file (else its name), the job and the checked scope. */
export function runCategory(
  runContext: Pick<RunContext, 'workflowRef' | 'workflowName' | 'job'>,
  settings: Pick<Settings, 'category' | 'scope'>
): string {
  return scanCategory({
    explicit: settings.category,
    workflow: runContext.workflowRef?.path ?? runContext.workflowName,
    job: runContext.job,
    subscriptionIds: scopeEntries(settings.scope),
    managementGroups: settings.scope.managementGroups
  })
}

/** The subscription entries of a scope for its category: the listed ids, `*` for every readable
 * subscription, and each excluded id as `-ID`, so that a different exclusion is another scope. */
export function scopeEntries(scope: Scope): string[] {
  return [
    ...scope.subscriptionIds,
    ...(scope.allSubscriptions ? ['*'] : []),
    ...scope.excludeSubscriptionIds.map((id) => `-${id}`)
  ]
}

const OWNER_REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/

/** `https://server/owner/repo` when both look like what GitHub sets, else null. */
export function repositoryUrl(
  serverUrl: string | undefined,
  repository: string | undefined
): string | null {
  if (!serverUrl || !repository || !OWNER_REPO.test(repository)) return null
  let server: URL
  try {
    server = new URL(serverUrl)
  } catch {
    return null
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') return null
  return `${server.origin}${server.pathname.replace(/\/+$/, '')}/${repository}`
}

/** Link to this workflow run, or null when the context lacks what it takes. Takes the report
 * context or the run context (the same field names). */
export function runUrl(
  context: Pick<ReportContext, 'serverUrl' | 'repository' | 'runId' | 'runAttempt'>
): string | null {
  const base = repositoryUrl(context.serverUrl, context.repository)
  if (!base || !context.runId || !/^\d{1,20}$/.test(context.runId)) return null
  const attempt =
    context.runAttempt && /^\d{1,5}$/.test(context.runAttempt) && context.runAttempt !== '1'
      ? `/attempts/${context.runAttempt}`
      : ''
  return `${base}/actions/runs/${context.runId}${attempt}`
}
