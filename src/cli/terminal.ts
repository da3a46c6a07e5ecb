// The Runner of a terminal (runner-interface.ts): the check as the action runs it, with the log on
// standard error (a group is a heading), the job summary rendered for the terminal on standard
// output, sign-in with the machine's credentials, and no GitHub: no job summary or output file,
// no OIDC token, no code scanning, issue or pull-request comment. Every text it writes is
// redacted first (redact.ts), as runner.ts does for the GitHub runner.
import type { Writable } from 'node:stream'
import { redact, registerSecret } from '../redact.ts'
import { readRunContext } from '../run-context.ts'
import type { Runner } from '../runner-interface.ts'
import { renderForTerminal } from './terminal-markdown.ts'

export interface TerminalRunner extends Runner {
  /** Whether the run has failed (setFailed was called): the process's exit code is 1 then. */
  failed(): boolean
}

/**
 * A Runner that reads its inputs from `inputs` (the flags given, by input name; an input not given
 * is `defaults`' value, as the runner passes action.yml's default), the environment from
 * `environment`, and writes the log to `errors` and the summary to `output`.
 */
export function terminalRunner(
  inputs: ReadonlyMap<string, string>,
  defaults: ReadonlyMap<string, string>,
  environment: NodeJS.ProcessEnv,
  output: Writable,
  errors: Writable
): TerminalRunner {
  let failed = false
  const line = (text: string) => errors.write(`${redact(text)}\n`)
  return {
    log: {
      info: line,
      warning: (text) => line(`warning: ${text}`),
      notice: (text) => line(`notice: ${text}`),
      // Stacks and request details are for a workflow's debug logging: a terminal shows none.
      debug: () => undefined,
      group: async (name, work) => {
        line(`\n== ${name} ==`)
        return work()
      }
    },
    signIn: { kind: 'azure-identity' },
    onGitHub: false,
    readRunContext: () => ({
      ...readRunContext(environment),
      // A terminal is no step: what a runner offers a step is not written to, even when the
      // command runs inside one.
      oidcAvailable: false,
      jobSummaryAvailable: false,
      jobSummaryFile: undefined,
      outputFile: undefined
    }),
    getInput: (name) => inputs.get(name) ?? defaults.get(name) ?? '',
    // An annotation marks a line of the workflow file on the run's page; a terminal has neither,
    // and the Verdicts group and the summary say the same.
    annotate: () => undefined,
    // A terminal has no step outputs: the results file holds everything they would.
    setOutput: () => undefined,
    setSecret: registerSecret,
    setFailed: (message) => {
      failed = true
      line(`\nerror: ${message}`)
    },
    showSummary: (markdown) => {
      output.write(`${renderForTerminal(redact(markdown))}\n`)
    },
    failed: () => failed
  }
}
