// The run's one door to the runner: @actions/core as the action uses it, with every text it hands
// the runner (log lines, annotations, the failure, outputs set by command) redacted first
// (redact.ts), and every secret it tells the runner to mask (setSecret, the OIDC token) also kept
// for redaction. The runner masks only the secrets it knows, as written, and only in the log:
// this is the last guard in front of those sinks (the job summary and GITHUB_OUTPUT are appended
// by report/runner-files.ts, redacted by report/index.ts). Nothing else in src/ imports
// @actions/core (eslint.config.js). `actionsRunner` is the Runner (runner-interface.ts) index.ts
// runs the action with.
import * as core from '@actions/core'
import type { Log } from './log.ts'
import { redact, registerSecret } from './redact.ts'
import { readRunContext } from './run-context.ts'
import type { Runner } from './runner-interface.ts'

/** An input of action.yml, as the runner passes it (`core.getInput`). */
export function getInput(name: string): string {
  return core.getInput(name)
}

/** Masks `secret` in the job log (`core.setSecret`) and keeps it for redact(). */
export function setSecret(secret: string): void {
  core.setSecret(secret)
  registerSecret(secret)
}

/** The runner's OIDC token for `audience` (`core.getIDToken`, which masks it), kept for redact().
 * Rejects as `core.getIDToken` does. */
export async function getIDToken(audience: string): Promise<string> {
  const token = await core.getIDToken(audience)
  registerSecret(token)
  return token
}

/** A line of the step log. */
export function info(message: string): void {
  core.info(redact(message))
}

/** A line of the step log shown only with debug logging on. */
export function debug(message: string): void {
  core.debug(redact(message))
}

/** A warning annotation (`properties`: its title and place in a file). */
export function warning(message: string, properties?: core.AnnotationProperties): void {
  core.warning(redact(message), redactProperties(properties))
}

/** A notice annotation (`core.notice`). */
export function notice(message: string): void {
  core.notice(redact(message))
}

/** An error annotation (`properties`: its title and place in a file). */
export function error(message: string, properties?: core.AnnotationProperties): void {
  core.error(redact(message), redactProperties(properties))
}

function redactProperties(
  properties: core.AnnotationProperties | undefined
): core.AnnotationProperties | undefined {
  return (
    properties && {
      ...properties,
      ...(properties.title ? { title: redact(properties.title) } : {})
    }
  )
}

/** Runs `work` inside a group of the log named `name` (`core.group`). */
export function group<T>(name: string, work: () => Promise<T>): Promise<T> {
  return core.group(redact(name), work)
}

/** Fails the step with `message` (`core.setFailed`). */
export function setFailed(message: string): void {
  core.setFailed(redact(message))
}

/** Sets the step output `name` to `value` (`core.setOutput`). */
export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value))
}

/** The step log of a run through the runner: `::group::` folds each phase (log.ts). */
export const runnerLog: Log = { info, warning: (line) => warning(line), notice, debug, group }

/** The action on a GitHub runner: inputs, log, annotations, outputs and the failure through
 * @actions/core, the environment from process.env, sign-in with the runner's OIDC token. */
export const actionsRunner: Runner = {
  log: runnerLog,
  signIn: { kind: 'github-oidc', getIdToken: getIDToken },
  onGitHub: true,
  readRunContext: () => readRunContext(process.env),
  getInput,
  annotate: (level, message, place) => (level === 'error' ? error : warning)(message, place),
  setOutput,
  setSecret,
  setFailed
}
