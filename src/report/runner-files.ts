// The runner's files for the job summary (GITHUB_STEP_SUMMARY) and the step outputs
// (GITHUB_OUTPUT), written here rather than through @actions/core, whose summary.write and
// setOutput append piece by piece: on a full disk they left a table cut in the middle and an
// output cut mid-value. Each text is appended in one write, and a write that fails part way is cut
// back to the size the file had: whole or not at all, and the caller says which.
import { randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { EOL } from 'node:os'
import { describeDuration, giveUpFileCalls, withinMs } from '../deadline.ts'
import { fileFailure, REPORT_WRITE_TIMEOUT_MS, ReportWriteError } from './files.ts'

/** The runner's variable that names the file. */
export type RunnerFile = 'GITHUB_STEP_SUMMARY' | 'GITHUB_OUTPUT'

/**
 * Appends `text` to `file` (the file `variable` names) whole or not at all, within `timeoutMs`
 * (default REPORT_WRITE_TIMEOUT_MS): what a failed or given-up write appended is cut off again.
 * Throws ReportWriteError saying what went wrong and that nothing of `text` was left, or, when the
 * file could not be cut back, that part of it may remain.
 */
export async function appendWhole(
  file: string,
  text: string,
  variable: RunnerFile,
  timeoutMs: number = REPORT_WRITE_TIMEOUT_MS
): Promise<void> {
  const given = new AbortController()
  const appending = append(file, Buffer.from(text, 'utf8'), given.signal)
  try {
    await withinMs(
      appending,
      timeoutMs,
      () =>
        new ReportWriteError(
          `${variable} ${file}: writing did not finish within ${describeDuration(timeoutMs)}, the runner's file system does not answer; none of it was written`
        )
    )
  } catch (error) {
    given.abort()
    giveUpFileCalls(appending)
    if (!(error instanceof AppendError)) throw error
    const left = error.cutBack ? 'none of it was written' : 'part of it may remain in the file'
    throw new ReportWriteError(`${variable} ${file}: ${fileFailure(error.cause, file)}; ${left}`)
  }
}

/** An append that failed (`cause`), and whether the file is as it was before. */
class AppendError extends Error {
  readonly cutBack: boolean
  constructor(cause: unknown, cutBack: boolean) {
    super('the append failed', { cause })
    this.name = 'AppendError'
    this.cutBack = cutBack
  }
}

/** Appends `bytes` to `file`; on failure, or once `givenUp` has aborted, cuts the file back to
 * its size before and rejects with an AppendError. */
async function append(file: string, bytes: Buffer, givenUp: AbortSignal): Promise<void> {
  const handle = await open(file, 'a').catch((cause: unknown) => {
    throw new AppendError(cause, true)
  })
  try {
    const before = (await handle.stat()).size
    let written = 0
    try {
      // Given up while the file was opening: nothing is written after the caller said so.
      if (givenUp.aborted) throw new Error('given up')
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written)
        written += bytesWritten
      }
      if (givenUp.aborted) throw new Error('given up')
    } catch (cause) {
      // A device (/dev/full) cannot be cut, and needs no cutting when nothing reached it.
      const cutBack =
        written === 0 ||
        (await handle.truncate(before).then(
          () => true,
          () => false
        ))
      throw new AppendError(cause, cutBack)
    }
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/**
 * The step outputs `values` as GITHUB_OUTPUT takes them, in one text: for each, `name<<delimiter`,
 * the value and the delimiter on lines of their own, the delimiter a fresh random one that neither
 * holds (GitHub's "Workflow commands for GitHub Actions", multiline strings; @actions/core writes
 * the same).
 */
export function outputsText(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      let delimiter = `ghadelimiter_${randomUUID()}`
      while (name.includes(delimiter) || value.includes(delimiter))
        delimiter = `ghadelimiter_${randomUUID()}`
      return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
    })
    .join('')
}
