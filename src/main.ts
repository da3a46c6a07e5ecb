// Wires the steps (docs/design.md, "Architecture"): the run context and the inputs -> the runner's
// OIDC token -> check.ts (sign-in, collect, evaluate, reports) -> the step's outcome. check.ts
// brings the Azure SDK, most of the bundle: it is loaded once the OIDC request has been sent, so
// that the runner answers while it loads.
import * as core from '@actions/core'
import { DiscoveryError } from './collect/discover-error.ts'
import { InputError, readSettings } from './inputs/index.ts'
import { stepOutcome } from './outcome.ts'
import { errorStack, inertErrorMessage } from './report/text.ts'
import { readRunContext } from './run-context.ts'
import { SignInError } from './signin/errors.ts'
import { requestOidcAssertion } from './signin/oidc.ts'

/**
 * Runs the action once: reads process.env (once) and the inputs, checks the subscriptions, writes
 * the reports and fails the step through @actions/core when the outcome says so. Never throws: an
 * unexpected error fails the step with one line, its stack going to the debug log.
 */
export async function run(): Promise<void> {
  try {
    const runContext = readRunContext(process.env)
    const settings = readSettings(
      (name) => core.getInput(name),
      runContext,
      (secret) => core.setSecret(secret)
    )
    for (const notice of settings.notices) core.warning(notice)
    const oidc = requestOidcAssertion({
      getIdToken: (audience) => core.getIDToken(audience),
      audience: settings.audience,
      available: runContext.oidcAvailable
    })
    await oidc.sent
    const { checkSubscriptions } = await import('./check.ts')
    const checked = await checkSubscriptions(settings, runContext, oidc.assertion)
    const outcome = stepOutcome(checked, settings.failOn, checked.reports.unwritten)
    for (const warning of outcome.warnings) core.warning(warning)
    if (outcome.failure !== null) core.setFailed(outcome.failure)
  } catch (error) {
    if (
      error instanceof InputError ||
      error instanceof SignInError ||
      error instanceof DiscoveryError
    ) {
      core.setFailed(error.message)
    } else {
      // Unexpected: say what happened in one line; the stack stays in the debug log.
      core.debug(errorStack(error))
      core.setFailed(`The check failed unexpectedly: ${inertErrorMessage(error)}`)
    }
  }
}
