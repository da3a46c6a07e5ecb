// Which files `planned-changes` names, and their bytes. Paths and globs are relative to the
// workspace; nothing outside it is read, whatever a pattern or a symbolic link says. Globs are
// expanded by Node's own fs.promises.glob (stable since Node 24.0, the runtime the action runs on),
// so no glob library is bundled.
import { glob, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { PlanFileError } from './errors.ts'

/** A plan file: where it is, and how messages and results name it (relative to the workspace,
 * with `/` separators). */
export interface PlanPath {
  absolute: string
  relative: string
}

/** Characters that make a line a glob for fs.glob (`*`, `**`, `?`, `[…]`, `{a,b}`). */
const GLOB_CHARACTERS = /[*?[\]{}]/

/** More matches than this is a pattern written too wide (`**\/*.json`), not a list of plans. */
export const MAX_PLAN_FILES = 1000

/** A plan larger than this is refused rather than read into memory. */
export const MAX_PLAN_BYTES = 512 * 1024 * 1024

const WHERE =
  'Paths and globs in `planned-changes` are relative to the workspace (GITHUB_WORKSPACE)'

function isInside(root: string, candidate: string): boolean {
  return (
    candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
  )
}

/** The file at `absolute` (named `given` in messages) as a PlanPath, after checking that it is a
 * file whose real path lies inside the workspace's real path `root`. */
async function planPath(root: string, absolute: string, given: string): Promise<PlanPath> {
  let real: string
  try {
    real = await realpath(absolute)
  } catch {
    throw new PlanFileError(
      given,
      'does not exist.',
      `Write the plan there in an earlier step, or correct the path. ${WHERE}.`
    )
  }
  if (!isInside(root, real)) {
    throw new PlanFileError(
      given,
      'lies outside the workspace (its real path, after symbolic links).',
      `${WHERE}; write the plan inside it.`
    )
  }
  if (!(await stat(real)).isFile()) {
    throw new PlanFileError(
      given,
      'is not a file.',
      'Name the plan file, or a glob such as `plans/*.json`.'
    )
  }
  return { absolute: real, relative: path.relative(root, real).split(path.sep).join('/') }
}

/**
 * The plan files `patterns` name (one path or glob each, relative to `workspace`; empty lines are
 * skipped), in the order given, each once. Throws PlanFileError for a path that does not exist or
 * is not a file, a glob that matches no file or more than MAX_PLAN_FILES, and anything whose real
 * path lies outside the workspace.
 */
export async function expandPlanPaths(
  patterns: readonly string[],
  workspace: string
): Promise<PlanPath[]> {
  const root = await realpath(workspace)
  const found = new Map<string, PlanPath>()
  for (const pattern of patterns.map((line) => line.trim()).filter((line) => line !== '')) {
    if (!GLOB_CHARACTERS.test(pattern)) {
      const file = await planPath(root, path.resolve(root, pattern), pattern)
      found.set(file.absolute, file)
      continue
    }
    const matches: string[] = []
    for await (const match of glob(pattern, { cwd: root })) {
      matches.push(path.resolve(root, match))
      if (matches.length > MAX_PLAN_FILES) {
        throw new PlanFileError(
          pattern,
          `matches more than ${MAX_PLAN_FILES} files.`,
          'Narrow the glob to the plan files.'
        )
      }
    }
    let files = 0
    for (const match of matches.sort()) {
      if (!(await stat(match)).isFile()) continue
      const file = await planPath(root, match, path.relative(root, match).split(path.sep).join('/'))
      found.set(file.absolute, file)
      files++
    }
    if (files === 0) {
      throw new PlanFileError(
        pattern,
        'matches no file.',
        `Check that an earlier step wrote the plan. ${WHERE}.`
      )
    }
  }
  return [...found.values()]
}

/**
 * The bytes of a plan file as UTF-8: a UTF-8 byte order mark dropped, UTF-16 (with its byte order
 * mark, as Windows PowerShell 5.1 writes Out-File) converted. Throws PlanFileError for a file larger
 * than MAX_PLAN_BYTES.
 */
export async function readPlanBytes(file: PlanPath): Promise<Uint8Array> {
  const { size } = await stat(file.absolute)
  if (size > MAX_PLAN_BYTES) {
    throw new PlanFileError(
      file.relative,
      `is ${Math.round(size / 1024 / 1024)} MiB, more than the ${MAX_PLAN_BYTES / 1024 / 1024} MiB read.`,
      'Give a plan of the policy resources alone, or split it.'
    )
  }
  const bytes = await readFile(file.absolute)
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3)
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return Buffer.from(bytes.subarray(2).toString('utf16le'), 'utf8')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const even = bytes.subarray(2, bytes.length - (bytes.length % 2))
    return Buffer.from(Buffer.from(even).swap16().toString('utf16le'), 'utf8')
  }
  return bytes
}
