// Wires the steps: inputs -> the runner's OIDC token -> check.ts (sign-in, collect, evaluate,
// reports) -> the step's outcome. check.ts brings the Azure SDK, most of the bundle: it is loaded
// once the OIDC request has been sent, so that the runner answers while it loads.
import * as core from '@actions/core'
import { InputError, readSettings } from './inputs.ts'
import { SignInError } from './signin/errors.ts'
import { requestOidcAssertion } from './signin/oidc.ts'
import { inertErrorMessage } from './report/annotations.ts'

export async function run(): Promise<void> {
  try {
    const settings = readSettings((name) => core.getInput(name), process.env)
    const oidc = requestOidcAssertion({
      getIdToken: (audience) => core.getIDToken(audience),
      audience: settings.audience,
      available: Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL)
    })
    await oidc.sent
    const { checkSubscriptions } = await import('./check.ts')
    const failure = await checkSubscriptions(settings, oidc.assertion)
    if (failure !== null) core.setFailed(failure)
  } catch (error) {
    if (error instanceof InputError || error instanceof SignInError) {
      core.setFailed(error.message)
    } else {
      // Unexpected: say what happened in one line; the stack stays in the debug log.
      core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
      core.setFailed(`The check failed unexpectedly: ${inertErrorMessage(error)}`)
    }
  }
}
