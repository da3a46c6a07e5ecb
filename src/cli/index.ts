// The command line (package.json's `bin`, dist/cli.js): the check from a terminal or another CI,
// through the same main and phases as the action, on a terminal's Runner (terminal.ts). Every
// input of action.yml is a flag (action-inputs.ts, flags.ts); sign-in is the machine's own
// (signin/index.ts, signInLocally). docs/design.md, "The command line".
import { readFile } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { run } from '../main.ts'
import { LOCAL_SIGN_IN } from '../runner-interface.ts'
import { readActionInputs } from './action-inputs.ts'
import { helpText, readCommandLine, terminalDefault, UsageError } from './flags.ts'
import { terminalRunner } from './terminal.ts'

/** Exit codes: the check passed; it failed as the step would; the command line was not read. */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const

const ABOUT = `Checks, for every Azure subscription in scope, whether Microsoft Defender for Cloud's just-in-time network access audit is in force, as the GitHub Action does; prints the job summary and writes the SARIF and results files. Signs in with ${LOCAL_SIGN_IN}, never GitHub OIDC. The issue, the pull-request comment and code scanning are a workflow's: skipped here. Exit code: 0 when the check passes, 1 when it fails as the step would, 2 for a command line that cannot be read.`

export interface CommandLineIo {
  /** The action's action.yml, whose inputs are the flags. */
  actionYml: URL
  /** How the command is started, for --help. */
  command: string
  environment: NodeJS.ProcessEnv
  output: Writable
  errors: Writable
}

/**
 * Runs the command line `argv` (the arguments after the script): `--help` prints the flags;
 * otherwise the check, as a workflow step with these inputs would run it. Returns the exit code
 * (EXIT). A command line that cannot be read is a message on `io.errors` and EXIT.usage; the
 * check's own failures are the run's (main). Throws only when `io.actionYml` cannot be read or is
 * not in the shape action-inputs.ts reads (a broken install).
 */
export async function runCommandLine(argv: readonly string[], io: CommandLineIo): Promise<number> {
  const inputs = readActionInputs(await readFile(io.actionYml, 'utf8'))
  let commandLine
  try {
    commandLine = readCommandLine(argv, inputs)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.errors.write(`${io.command}: ${error.message}\n`)
    return EXIT.usage
  }
  if (commandLine.help) {
    io.output.write(`${helpText(io.command, inputs, ABOUT)}\n`)
    return EXIT.passed
  }
  const defaults = new Map(inputs.map((input) => [input.name, terminalDefault(input.default)]))
  const runner = terminalRunner(commandLine.inputs, defaults, io.environment, io.output, io.errors)
  if (commandLine.inputs.has('audience')) {
    runner.log.warning(
      "`audience` is the GitHub OIDC token's, which a terminal does not sign in with: not used."
    )
  }
  await run(runner)
  return runner.failed() ? EXIT.failed : EXIT.passed
}
