// Writing a report file (`sarif-file`, `results-file`; docs/design.md, "Bounded waits"): only
// where the one rule allows (src/file-places.ts), checked again on the real path just before
// writing; through a temporary file renamed over it, so that a reader never sees half a report;
// within REPORT_WRITE_TIMEOUT_MS. What goes wrong is one sentence with the fix, never a raw
// `EISDIR: ... rename '....tmp'`.
import { lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { describeDuration, giveUpFileCalls, withinMs } from '../deadline.ts'
import { DEFAULT_RESULTS_FILE_NAME, INPUT_DEFAULTS } from '../defaults.ts'
import {
  describeRoots,
  existingFolder,
  mayHold,
  realRoots,
  type FileInput,
  type FileRoots
} from '../file-places.ts'

/** How long writing one report (a file, the job summary, the outputs) may take. */
export const REPORT_WRITE_TIMEOUT_MS = 10_000

/** A report that was not written: the message is one sentence, what is wrong and the fix. */
export class ReportWriteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportWriteError'
  }
}

/** The code of a Node.js file system error (`EISDIR`), or undefined. */
function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/**
 * What is wrong, in words, when writing `file` failed on `error` (a Node.js file system error,
 * by its code): e.g. `/w/out is a folder, not a file (EISDIR)`.
 */
export function fileFailure(error: unknown, file: string): string {
  const code = codeOf(error)
  const folder = path.dirname(file)
  switch (code) {
    case 'EISDIR':
      return `${file} is a folder, not a file (EISDIR)`
    case 'ENOTDIR':
      return `a part of the path ${file} is a file, not a folder (ENOTDIR)`
    case 'ENOENT':
      return `a folder of ${file} does not exist (ENOENT)`
    case 'EACCES':
    case 'EPERM':
      return `the runner's user may not write in ${folder} (${code})`
    case 'EROFS':
      return `${folder} is on a read-only file system (EROFS)`
    case 'ENOSPC':
      return `no space is left on the disk that holds ${folder} (ENOSPC)`
    case 'EDQUOT':
      return `the runner's user has used up its disk quota (EDQUOT)`
    case 'EFBIG':
      return `the file would be larger than the runner lets a file be (EFBIG)`
    case 'ENAMETOOLONG':
      return `the path ${file} is too long (ENAMETOOLONG)`
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

/** The file `input` names by default, for the fix of a path that is a folder. */
const DEFAULT_NAMES: Readonly<Record<FileInput, string>> = {
  'sarif-file': INPUT_DEFAULTS['sarif-file'],
  'results-file': DEFAULT_RESULTS_FILE_NAME
}

/** `fileFailure` and the fix, for the report file `file` that `input` names. */
function failureSentence(error: unknown, file: string, input: FileInput, roots: FileRoots): string {
  const code = codeOf(error)
  const what = fileFailure(error, file)
  if (code === 'EISDIR') {
    return `${what}: give \`${input}\` a file name, such as ${path.join(file, DEFAULT_NAMES[input])}`
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return `${what}: free space on the runner, or give \`${input}\` a path on another disk inside ${describeRoots(roots)}`
  }
  return `${what}: give \`${input}\` another path inside ${describeRoots(roots)}`
}

/**
 * Writes `content` (text, or pieces of it written one after another) to `file`, the path `input`
 * names, whole or not at all, within `timeoutMs` (default REPORT_WRITE_TIMEOUT_MS). Refuses a
 * file whose folder is not, on its real path, inside `roots` (src/file-places.ts); makes the
 * folders it lacks. Throws ReportWriteError, whose message says what is wrong and the fix.
 */
export async function writeReportFile(
  file: string,
  content: string | Iterable<string>,
  input: FileInput,
  roots: FileRoots,
  timeoutMs: number = REPORT_WRITE_TIMEOUT_MS
): Promise<void> {
  // Set when the time is up: a write still under way then puts nothing in the file's place.
  const given = new AbortController()
  const writing = writeWithin(file, content, input, roots, given.signal)
  try {
    await withinMs(
      writing,
      timeoutMs,
      () =>
        new ReportWriteError(
          `writing it did not finish within ${describeDuration(timeoutMs)}: the file system of ${path.dirname(file)} does not answer; give \`${input}\` another path inside ${describeRoots(roots)}`
        )
    )
  } catch (error) {
    given.abort()
    giveUpFileCalls(writing)
    if (error instanceof ReportWriteError) throw error
    throw new ReportWriteError(failureSentence(error, file, input, roots))
  }
}

async function writeWithin(
  file: string,
  content: string | Iterable<string>,
  input: FileInput,
  roots: FileRoots,
  givenUp: AbortSignal
): Promise<void> {
  const real = await realRoots(roots)
  const outside = (folder: string) =>
    new ReportWriteError(
      `its folder is ${folder} on its real path (symbolic links followed), outside ${describeRoots(roots)}: give \`${input}\` a path inside one of them that no symbolic link leads out of`
    )
  const existing = await existingFolder(file)
  if (!mayHold(existing.real, real)) throw outside(existing.real)
  for (const folder of existing.missing) {
    if (givenUp.aborted) return
    await mkdir(folder).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    })
  }
  // Made just now, or by someone else meanwhile: the folder is checked again where it really is.
  const folder = await realpath(path.dirname(file))
  if (!mayHold(folder, real)) throw outside(folder)
  // Renaming over a folder would fail with a raw `EISDIR ... rename '....tmp'`.
  const target = await lstat(file).catch(() => null)
  if (target?.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' })
  const temporary = `${file}.${process.pid}.tmp`
  await rm(temporary, { force: true })
  try {
    // `wx`: a file (or a link) that appeared at the temporary path is not written through.
    const handle = await open(temporary, 'wx')
    try {
      await handle.writeFile(content)
    } finally {
      await handle.close()
    }
    if (givenUp.aborted) throw new Error('given up')
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
