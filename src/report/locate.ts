// Where a finding is reported: GitHub code scanning rejects a SARIF file in which any result lacks
// a physical location, and annotations need a file and line. The place that states what is
// checked is the workflow file that ran the action (GITHUB_WORKFLOW_REF), at the line listing the
// subscription id when the id is written there.

import { GUID, GUID_SOURCE } from '../azure-ids.ts'
import type { SubscriptionResult } from '../model.ts'
import type { WorkflowRef } from '../workflow-ref.ts'

/**
 * The location used when GITHUB_WORKFLOW_REF is missing or unusable (a runner too old to set it,
 * or the action run outside GitHub Actions). The workflow file cannot be known then, so results
 * point at the folder that holds every workflow: the place the check is configured, a path inside
 * the repository (which code scanning accepts), and never a made-up file name.
 */
export const FALLBACK_WORKFLOW_PATH = '.github/workflows'

export interface WorkflowFile {
  /** Repository-relative path every result and annotation points at. */
  path: string
  /** True when the path came from GITHUB_WORKFLOW_REF, false for FALLBACK_WORKFLOW_PATH. */
  fromWorkflowRef: boolean
  /** The file's text, or null when it could not be read. */
  content: string | null
  /** Lower-cased GUID -> 1-based line where it is written, first uncommented occurrence preferred. */
  guidLines: ReadonlyMap<string, number>
}

const GUID_G = new RegExp(GUID_SOURCE, 'gi')

function splitLines(content: string): string[] {
  return content.split(/\r\n|\n|\r/)
}

/** True when `index` on `line` follows a `#`: the action's list inputs treat the rest of the
 * line as a comment there, so an id written after it is not one the action was given. */
function isCommented(line: string, index: number): boolean {
  const hash = line.indexOf('#')
  return hash !== -1 && hash < index
}

/** Maps every GUID written in `content` (lower-cased) to its line: the first line where it is
 * not commented out, else the first where it is. One pass over the file. */
export function indexGuidLines(content: string | null): Map<string, number> {
  const uncommented = new Map<string, number>()
  const commented = new Map<string, number>()
  if (content === null) return uncommented
  splitLines(content).forEach((line, index) => {
    for (const match of line.matchAll(GUID_G)) {
      const id = match[0].toLowerCase()
      const target = isCommented(line, match.index) ? commented : uncommented
      if (!target.has(id)) target.set(id, index + 1)
    }
  })
  for (const [id, line] of commented) if (!uncommented.has(id)) uncommented.set(id, line)
  return uncommented
}

/**
 * The 1-based line of `content` that lists `subscriptionId` (case-insensitive; an uncommented
 * occurrence preferred), or 1 when the id is not written there or the content is unknown.
 */
export function findSubscriptionLine(content: string | null, subscriptionId: string): number {
  if (content === null || subscriptionId === '') return 1
  const wanted = subscriptionId.toLowerCase()
  if (GUID.test(subscriptionId)) return indexGuidLines(content).get(wanted) ?? 1
  let fallback = 0
  const lines = splitLines(content)
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).toLowerCase()
    const at = line.indexOf(wanted)
    if (at === -1) continue
    if (!isCommented(line, at)) return index + 1
    if (fallback === 0) fallback = index + 1
  }
  return fallback || 1
}

/**
 * The workflow file results are reported against (GITHUB_WORKFLOW_REF as the run context parsed
 * it, null when it is missing or unusable), with an index of the ids written in its content. SARIF
 * and annotations both take the file this returns, so they point at the same lines.
 */
export function workflowLocation(
  parsed: WorkflowRef | null,
  workflowFileContent: string | null
): WorkflowFile {
  if (!parsed) {
    return {
      path: FALLBACK_WORKFLOW_PATH,
      fromWorkflowRef: false,
      content: null,
      guidLines: new Map()
    }
  }
  return {
    path: parsed.path,
    fromWorkflowRef: true,
    content: workflowFileContent,
    guidLines: indexGuidLines(workflowFileContent)
  }
}

export interface ResultLocation {
  /** Repository-relative path. */
  file: string
  /** 1-based line. */
  startLine: number
}

/** Where the finding for `result` goes: where the planned change that changes its verdict is
 * declared in the repository (the first of them found), so that it shows on the pull request's
 * diff; else its line in the workflow (locateSubscription). The same place for SARIF and
 * annotations. */
export function locateResult(
  file: WorkflowFile,
  result: Pick<SubscriptionResult, 'subscriptionId' | 'plannedChanges'>
): ResultLocation {
  const declared = result.plannedChanges?.find((change) => change.declaredAt)?.declaredAt
  if (declared) return { file: declared.file, startLine: declared.line }
  return locateSubscription(file, result.subscriptionId)
}

/** Where the finding for `subscriptionId` goes in the workflow file. */
export function locateSubscription(file: WorkflowFile, subscriptionId: string): ResultLocation {
  if (!file.fromWorkflowRef || file.content === null) return { file: file.path, startLine: 1 }
  const line = GUID.test(subscriptionId)
    ? (file.guidLines.get(subscriptionId.toLowerCase()) ?? 1)
    : findSubscriptionLine(file.content, subscriptionId)
  return { file: file.path, startLine: line }
}
