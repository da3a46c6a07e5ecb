// Where the action may write its files (`sarif-file`, `results-file`): one rule for both, inside
// the workspace (GITHUB_WORKSPACE) or the runner's temporary folder (RUNNER_TEMP), never either
// folder itself. The inputs check the path as written, before any request (src/inputs/); the
// reports check it again on the real path, symbolic links resolved, just before they write
// (src/report/files.ts): a link inside the workspace to a folder outside it does not let a report
// out.
import { lstat, realpath } from 'node:fs/promises'
import path from 'node:path'

/** The folders a report file may go in: the workspace and the runner's temporary folder. */
export interface FileRoots {
  workspace: string
  runnerTemp: string
}

/** The inputs that name a file the action writes. */
export type FileInput = 'sarif-file' | 'results-file'

/** Whether `file` (absolute) is inside `root` (absolute), and not `root` itself. */
export function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** The rule in words, for messages. */
export function describeRoots(roots: FileRoots): string {
  return `the workspace (${roots.workspace}) or the runner's temporary folder (RUNNER_TEMP, ${roots.runnerTemp})`
}

/**
 * The problem with `resolved` (the absolute path `input` names, `shown` as the message quotes
 * the value given) as the inputs see it, before anything exists: null when it is inside one of
 * `roots`, else what is wrong and the fix (InputError's words).
 */
export function placeProblem(
  input: FileInput,
  shown: string,
  resolved: string,
  roots: FileRoots
): string | null {
  if (isInside(resolved, roots.workspace) || isInside(resolved, roots.runnerTemp)) return null
  const empty =
    input === 'sarif-file'
      ? 'or leave it empty for no SARIF file'
      : 'or leave it empty for jit-network-access-results.json in RUNNER_TEMP'
  return `\`${input}\` ${shown} is not a file inside ${describeRoots(roots)}; give a path relative to the workspace, or one inside RUNNER_TEMP, ${empty}.`
}

/** The real path of `file`'s nearest folder that exists, and the folders below it still to be
 * made, outermost first. */
export async function existingFolder(file: string): Promise<{ real: string; missing: string[] }> {
  const missing: string[] = []
  let folder = path.dirname(file)
  for (;;) {
    try {
      await lstat(folder)
      return { real: await realpath(folder), missing: missing.reverse() }
    } catch (error) {
      const parent = path.dirname(folder)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === folder) throw error
      missing.push(folder)
      folder = parent
    }
  }
}

/** `roots` resolved through symbolic links (a root that does not exist stays as it is). */
export async function realRoots(roots: FileRoots): Promise<FileRoots> {
  const real = (folder: string) => realpath(folder).catch(() => path.resolve(folder))
  return { workspace: await real(roots.workspace), runnerTemp: await real(roots.runnerTemp) }
}

/** Whether the real folder `realFolder` may hold a report file: it is one of the real roots or
 * inside one. */
export function mayHold(realFolder: string, real: FileRoots): boolean {
  return (
    realFolder === real.workspace ||
    realFolder === real.runnerTemp ||
    isInside(realFolder, real.workspace) ||
    isInside(realFolder, real.runnerTemp)
  )
}
