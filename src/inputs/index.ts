// Reads and validates the action's inputs into a typed settings object. Every problem is
// reported at once, naming the bad value, before any request is made. The folder's entry: the
// scope inputs are read in scope.ts, who signs in and where in sign-in.ts, single values that
// several inputs share in values.ts.
import path from 'node:path'
import {
  DEFAULT_RESULTS_FILE_NAME,
  ENGINES,
  INPUT_DEFAULTS,
  MAX_CONCURRENCY_LIMIT,
  type Cloud,
  type Engine,
  type IssueMode
} from '../defaults.ts'
import { UserError } from '../errors.ts'
import type { ExemptionRules, Verdict } from '../model.ts'
import { categoryProblem } from '../category.ts'
import { placeProblem } from '../file-places.ts'
import type { RunContext } from '../run-context.ts'
import type { SignInSource } from '../runner-interface.ts'
import { parseSubscriptionId, readScope, type Scope } from './scope.ts'
import { readExemptionRules } from './exemptions.ts'
import { readAzureSignIn } from './sign-in.ts'
import {
  quote,
  readBoolean,
  readDeadline,
  readFailOn,
  readIssueMode,
  readLabels
} from './values.ts'

export interface Settings {
  /** Which subscriptions to check, as the inputs name them (scope.ts). */
  scope: Scope
  clientId: string
  tenantId: string
  audience: string
  cloud: Cloud
  /** Verdicts that fail the step; empty for `none`. */
  failOn: ReadonlySet<Verdict>
  /** What the inputs allow but the run should warn of at its start (main logs them as warnings),
   * e.g. a `fail-on` that leaves out noncompliant. */
  notices: string[]
  /** Absolute path inside the workspace or RUNNER_TEMP (src/file-places.ts), or null for no
   * SARIF file. */
  sarifFile: string | null
  jobSummary: boolean
  maxConcurrency: number
  /** `deadline-minutes`, in milliseconds: the run's deadline (src/deadline.ts). */
  deadlineMs: number
  /** Absolute path of the file that gets the full results (JSON), inside the workspace or
   * RUNNER_TEMP (src/file-places.ts). */
  resultsFile: string
  /** Read each subscription's Defender for Servers plan (one request per subscription). */
  defenderPlanCheck: boolean
  /** Read what Azure records of the virtual machines and cross-check the verdicts with it
   * (`virtual-machines`; src/virtual-machines.ts). */
  virtualMachines: boolean
  /** The `category` input as given (checked); '' to derive one per scope (src/category.ts). */
  category: string
  /** `github-token`, masked once read; '' when the workflow gives none. */
  githubToken: string
  issue: IssueMode
  /** `issue-labels`: at least one, duplicates (any case) dropped, in the order given. */
  issueLabels: string[]
  pullRequestComment: boolean
  /** How the run reads Azure (defaults.ts, ENGINES). */
  engine: Engine
  /** `accept-mitigated-exemptions` and `exemption-expiry-days` (exemptions.ts). */
  exemptionRules: ExemptionRules
  /** `planned-changes`: the plan files' paths and globs as given, one a line, relative to the
   * workspace (src/plan/files.ts reads them); empty: no planned change is weighed. */
  plannedChanges: string[]
  /** `fail-on-existing`: with planned changes, fail on the failures the estate already has too,
   * not only on what the change makes worse. */
  failOnExisting: boolean
}

/** Inputs that cannot be used: every problem at once, each naming the value and the fix. */
export class InputError extends UserError {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((problem) => `- ${problem}`).join('\n')}`
    )
    this.name = 'InputError'
    this.problems = problems
  }
}

/** Splits a list input on newlines, commas and spaces; `#` starts a comment to the end of the line. */
export function splitList(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((item) => item.length > 0)
}

/**
 * The settings from the inputs (`getInput` returns one as the runner gives it, '' when unset) and
 * the run context (the workspace, the runner's temporary folder, AZURE_CLIENT_ID and
 * AZURE_TENANT_ID as fallbacks). `setSecret` (@actions/core's) masks `github-token` as soon as it
 * is read, before anything else; `signIn` says who signs in (readAzureSignIn). What is allowed
 * but worth a warning goes to `notices`. Throws InputError listing every problem at once, each
 * naming the bad value and the fix.
 */
export function readSettings(
  getInput: (name: string) => string,
  runContext: Pick<RunContext, 'workspace' | 'runnerTemp' | 'azureClientId' | 'azureTenantId'>,
  setSecret: (secret: string) => void,
  signIn: SignInSource['kind'] = 'github-oidc'
): Settings {
  const problems: string[] = []
  const input = (name: string): string => getInput(name).trim()
  const githubToken = input('github-token')
  if (githubToken !== '') setSecret(githubToken)

  const scope = readScope(
    {
      subscriptions: splitList(input('subscriptions')),
      managementGroups: splitList(input('management-groups')),
      excludeSubscriptions: splitList(input('exclude-subscriptions'))
    },
    problems,
    input('planned-changes') !== ''
  )
  // GitHub passes undeclared `with:` keys on too: a step copied from Azure/login keeps its
  // `subscription-id`, which this action would otherwise ignore without a word.
  const azureLoginSubscription = input('subscription-id')
  const listed = parseSubscriptionId(azureLoginSubscription)
  if (
    azureLoginSubscription !== '' &&
    !scope.allSubscriptions &&
    !('id' in listed && scope.subscriptionIds.includes(listed.id))
  ) {
    problems.push(
      `\`subscription-id\` ${quote(azureLoginSubscription)} is Azure/login's input, which this action does not read; list the subscriptions to check in \`subscriptions\` instead.`
    )
  }

  const { clientId, tenantId, cloud, audience } = readAzureSignIn(
    input,
    runContext,
    problems,
    signIn
  )

  const notices: string[] = []
  const failOn = readFailOn(
    splitList(input('fail-on') || INPUT_DEFAULTS['fail-on']),
    problems,
    notices
  )

  const roots = { workspace: runContext.workspace, runnerTemp: runContext.runnerTemp }
  const sarifInput = input('sarif-file')
  let sarifFile: string | null = null
  if (sarifInput !== '') {
    sarifFile = path.resolve(roots.workspace, sarifInput)
    const badPlace = placeProblem('sarif-file', quote(sarifInput), sarifFile, roots)
    if (badPlace !== null) problems.push(badPlace)
  }

  const jobSummary = readBoolean('job-summary', input('job-summary'), problems)
  const defenderPlanCheck = readBoolean(
    'defender-plan-check',
    input('defender-plan-check'),
    problems
  )

  const virtualMachines = readBoolean('virtual-machines', input('virtual-machines'), problems)

  const concurrencyInput = input('max-concurrency') || INPUT_DEFAULTS['max-concurrency']
  const maxConcurrency = Number(concurrencyInput)
  if (
    !/^\d+$/.test(concurrencyInput) ||
    maxConcurrency < 1 ||
    maxConcurrency > MAX_CONCURRENCY_LIMIT
  ) {
    problems.push(
      `\`max-concurrency\` ${quote(concurrencyInput)} is not a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}.`
    )
  }

  const deadlineMs = readDeadline(input('deadline-minutes'), problems)

  const engineInput = (input('engine') || INPUT_DEFAULTS.engine).toLowerCase()
  const engine = ENGINES.find((name) => name === engineInput)
  if (!engine) {
    problems.push(`\`engine\` ${quote(engineInput)} is not an engine; use ${ENGINES.join(' or ')}.`)
  }

  const resultsInput = input('results-file')
  const resultsFile = resultsInput
    ? path.resolve(roots.workspace, resultsInput)
    : path.join(roots.runnerTemp, DEFAULT_RESULTS_FILE_NAME)
  const badResultsPlace = placeProblem('results-file', quote(resultsInput), resultsFile, roots)
  if (resultsInput !== '' && badResultsPlace !== null) problems.push(badResultsPlace)

  const category = input('category')
  const badCategory = categoryProblem(category)
  if (badCategory !== null) problems.push(badCategory)

  const issue = readIssueMode(input('issue'), problems)
  const issueLabels = readLabels(input('issue-labels'), problems)
  const pullRequestComment = readBoolean('pr-comment', input('pr-comment'), problems)
  const exemptionRules = readExemptionRules(input, problems)
  // One path or glob a line: a path may hold spaces and commas, so lines are not split further.
  const plannedChanges = input('planned-changes')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const failOnExisting = readBoolean('fail-on-existing', input('fail-on-existing'), problems)

  if (problems.length > 0 || !issue || !engine) throw new InputError(problems)
  return {
    scope,
    clientId,
    tenantId,
    audience,
    cloud,
    failOn,
    notices,
    sarifFile,
    jobSummary,
    maxConcurrency,
    deadlineMs,
    resultsFile,
    defenderPlanCheck,
    virtualMachines,
    category,
    githubToken,
    issue,
    issueLabels,
    pullRequestComment,
    engine,
    exemptionRules,
    plannedChanges,
    failOnExisting
  }
}
