// Wires the steps (docs/design.md, "Architecture"): the run context and the inputs -> sign-in
// started (the runner's OIDC token, when the Runner signs in with it) -> check.ts (sign-in, collect, evaluate, reports,
// notifications, each in a group of the log) -> the step's outcome, whose headline is the log's
// last line, outside every group. The entry gives it the Runner to run on (runner-interface.ts;
// index.ts: the GitHub runner's; cli/: a terminal's).
// check.ts brings the Azure SDK, most of the bundle: it is loaded once the OIDC request has been
// sent, so that the runner answers while it loads.
import { startRunDeadline, type RunDeadline } from './deadline.ts'
import { UserError } from './errors.ts'
import { readSettings } from './inputs/index.ts'
import { describePlanRead, readPlannedChanges } from './plan/index.ts'
import { runHeadline, stepOutcome } from './outcome.ts'
import { requireChangesPlaced } from './planned-scope.ts'
import { errorStack, inertErrorMessage, inertLogText } from './report/text.ts'
import type { Runner } from './runner-interface.ts'
import { requestOidcAssertion, type OidcAssertion } from './signin/oidc.ts'

/**
 * Runs the check once on `runner`: reads its run context (once) and the inputs, checks the
 * subscriptions, writes the reports and fails the run through `runner` when the outcome says so.
 * The run's deadline (`deadline-minutes`) starts once the inputs are read. Never throws: a
 * UserError (an input, sign-in or scope the user must fix) fails the run with its message; any
 * other error fails it with one line, its stack going to the debug log.
 */
export async function run(runner: Runner): Promise<void> {
  const { log } = runner
  let deadline: RunDeadline | undefined
  try {
    const runContext = runner.readRunContext()
    const { signIn } = runner
    const settings = readSettings(
      (name) => runner.getInput(name),
      runContext,
      (secret) => runner.setSecret(secret),
      signIn.kind
    )
    deadline = startRunDeadline(settings.deadlineMs)
    for (const notice of settings.notices) log.warning(notice)
    // Plan files are read before any request, so that a wrong one fails the step at once.
    const plans =
      settings.plannedChanges.length > 0
        ? await readPlannedChanges(settings.plannedChanges, runContext.workspace)
        : null
    for (const read of plans ?? []) {
      log.info(inertLogText(describePlanRead(read)))
      for (const change of read.changes) {
        for (const note of change.notes) log.info(inertLogText(`${change.source.address}: ${note}`))
      }
    }
    requireChangesPlaced(settings.scope, plans?.flatMap((read) => read.changes) ?? [])
    let assertion: OidcAssertion | null = null
    if (signIn.kind === 'github-oidc') {
      const oidc = requestOidcAssertion({
        getIdToken: (audience) => signIn.getIdToken(audience),
        audience: settings.audience,
        available: runContext.oidcAvailable
      })
      await oidc.sent
      assertion = oidc.assertion
    }
    const { checkSubscriptions } = await import('./check.ts')
    const checked = await checkSubscriptions(
      settings,
      runContext,
      assertion,
      runner,
      deadline,
      plans
    )
    const outcome = stepOutcome(
      checked,
      settings.failOn,
      checked.reports.unwritten,
      plans === null ? null : { failOnExisting: settings.failOnExisting }
    )
    for (const warning of outcome.warnings) log.warning(warning)
    log.info(runHeadline(checked, outcome.failure))
    if (outcome.failure !== null) runner.setFailed(outcome.failure)
  } catch (error) {
    if (error instanceof UserError) {
      runner.setFailed(error.message)
    } else {
      // Unexpected: say what happened in one line; the stack stays in the debug log.
      log.debug(errorStack(error))
      runner.setFailed(`The check failed unexpectedly: ${inertErrorMessage(error)}`)
    }
  } finally {
    deadline?.stop()
  }
}
