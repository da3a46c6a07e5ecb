// The bundle's entry (dist/index.js). Run as a program, as the runner runs action.yml's `main`, it
// runs the action on the GitHub runner. The command line (dist/cli.js, package.json's `bin`) imports
// it instead and calls runCommandLine, so that one bundle serves both (docs/design.md, "The
// command line"); the command line's code is a chunk of its own, which the action never loads.
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { endProcessOnceRunOver } from './deadline.ts'
import { run } from './main.ts'
import { actionsRunner } from './runner.ts'

/**
 * Runs the command line with `argv` (the arguments after the script; `command`: how it was started,
 * for --help), with the inputs of the action.yml beside the bundle's folder, and ends the process
 * with its exit code (cli/index.ts, EXIT).
 */
export async function runCommandLine(argv: readonly string[], command: string): Promise<void> {
  const cli = await import('./cli/index.ts')
  try {
    process.exitCode = await cli.runCommandLine(argv, {
      actionYml: new URL('../action.yml', import.meta.url),
      command,
      environment: process.env,
      output: process.stdout,
      errors: process.stderr
    })
  } catch (error) {
    process.stderr.write(
      `${command}: could not start: ${error instanceof Error ? error.message : String(error)}\n`
    )
    process.exitCode = cli.EXIT.failed
  }
  endProcessOnceRunOver()
}

const started = process.argv[1]
if (started !== undefined && realpathSync(started) === fileURLToPath(import.meta.url)) {
  await run(actionsRunner)
  endProcessOnceRunOver()
}
