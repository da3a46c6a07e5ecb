// Wires the steps (docs/design.md, "Architecture"): the run context and the inputs -> the runner's
// OIDC token -> check.ts (sign-in, collect, evaluate, reports, notifications, each in a group of
// the log) -> the step's outcome, whose headline is the log's last line, outside every group.
// check.ts brings the Azure SDK, most of the bundle: it is loaded once the OIDC request has been
// sent, so that the runner answers while it loads.
import * as core from './runner.ts'
import { startRunDeadline, type RunDeadline } from './deadline.ts'
import { UserError } from './errors.ts'
import { readSettings } from './inputs/index.ts'
import { runHeadline, stepOutcome } from './outcome.ts'
import { errorStack, inertErrorMessage } from './report/text.ts'
import { readRunContext } from './run-context.ts'
import { requestOidcAssertion } from './signin/oidc.ts'

/**
 * Runs the action once: reads process.env (once) and the inputs, checks the subscriptions, writes
 * the reports and fails the step through @actions/core when the outcome says so. The run's
 * deadline (`deadline-minutes`) starts once the inputs are read. Never throws: a UserError (an
 * input, sign-in or scope the user must fix) fails the step with its message; any other error
 * fails it with one line, its stack going to the debug log.
 */
export async function run(): Promise<void> {
  const log = core.runnerLog
  let deadline: RunDeadline | undefined
  try {
    const runContext = readRunContext(process.env)
    const settings = readSettings(
      (name) => core.getInput(name),
      runContext,
      (secret) => core.setSecret(secret)
    )
    deadline = startRunDeadline(settings.deadlineMs)
    for (const notice of settings.notices) log.warning(notice)
    const oidc = requestOidcAssertion({
      getIdToken: (audience) => core.getIDToken(audience),
      audience: settings.audience,
      available: runContext.oidcAvailable
    })
    await oidc.sent
    const { checkSubscriptions } = await import('./check.ts')
    const checked = await checkSubscriptions(settings, runContext, oidc.assertion, log, deadline)
    const outcome = stepOutcome(checked, settings.failOn, checked.reports.unwritten)
    for (const warning of outcome.warnings) log.warning(warning)
    log.info(runHeadline(checked, outcome.failure))
    if (outcome.failure !== null) core.setFailed(outcome.failure)
  } catch (error) {
    if (error instanceof UserError) {
      core.setFailed(error.message)
    } else {
      // Unexpected: say what happened in one line; the stack stays in the debug log.
      log.debug(errorStack(error))
      core.setFailed(`The check failed unexpectedly: ${inertErrorMessage(error)}`)
    }
  } finally {
    deadline?.stop()
  }
}
