// GITHUB_WORKFLOW_REF, the workflow file that runs the action: parsed once, by the run context
// (run-context.ts); the reports point their findings at that file (report/locate.ts).

export interface WorkflowRef {
  owner: string
  repo: string
  /** Path of the workflow file from the repository root, e.g. `.github/workflows/ci.yml`. */
  path: string
  /** e.g. `refs/heads/main`, `refs/pull/7/merge`, `refs/tags/v1`. */
  ref: string
}

const MAX_PATH_LENGTH = 1024

function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.length > MAX_PATH_LENGTH) return false
  if (path.startsWith('/') || path.includes('\\')) return false
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F]/.test(path)) return false
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
}

/**
 * Parses GITHUB_WORKFLOW_REF (`owner/repo/path/to/workflow.yml@ref`). The path is taken up to the
 * first `.yml@` or `.yaml@`, so a branch name holding `@` does not cut it short; returns null when
 * the value is missing or malformed, or the path is not a plain relative path.
 */
export function parseWorkflowRef(value: string | undefined): WorkflowRef | null {
  if (!value) return null
  const trimmed = value.trim()
  const match =
    /^([^/@\s]+)\/([^/@\s]+)\/(.+?\.ya?ml)@(.+)$/i.exec(trimmed) ??
    /^([^/@\s]+)\/([^/@\s]+)\/(.+)@([^@]+)$/.exec(trimmed)
  if (!match) return null
  const [, owner, repo, path, ref] = match as unknown as [string, string, string, string, string]
  if (!isSafeRelativePath(path)) return null
  return { owner, repo, path, ref }
}
