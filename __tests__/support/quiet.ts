// What a test runs in-process that writes to the process's own stdout (@actions/core's workflow
// commands: `::debug::`, `::add-mask::`), kept off the test run's output: `npm test` says little
// when it passes.
import * as core from '@actions/core'

/** Runs `work` with everything written to process.stdout meanwhile dropped, and returns what it
 * returns (or rethrows what it throws). */
export async function withQuietStdout<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = () => true
  try {
    return await work()
  } finally {
    process.stdout.write = write
  }
}

/** @actions/core's getIDToken, with its `::debug::` and `::add-mask::` lines kept off the
 * output. */
export function quietIdToken(audience: string): Promise<string> {
  return withQuietStdout(() => core.getIDToken(audience))
}
