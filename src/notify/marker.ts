// The hidden marker that lets a later run find its own issue or pull-request comment again: an HTML
// comment (GitHub renders nothing for it) holding JSON with the SARIF category and, for issues, the
// failing verdicts as they were last written, which is what tells the next run what changed.
// docs/design.md, "Architecture": notifications are found by marker and label, never by title.
import { TOOL_NAME, VERDICTS, type Verdict } from '../model.ts'

export type MarkerKind = 'issue' | 'pull-request-comment'

/** Failing subscription id -> its verdict when the body was written. */
export type FailingState = Record<string, Verdict>

export interface Marker {
  kind: MarkerKind
  category: string
  /** Present on issue markers. */
  failing?: FailingState
}

const PREFIX = `<!-- ${TOOL_NAME} `
const SUFFIX = ' -->'
const KNOWN_VERDICTS: ReadonlySet<string> = new Set(VERDICTS)

/** The marker as an HTML comment. `<`, `>` and `-` inside the JSON are written as `\u` escapes, so
 * no category or id can end the comment early (`-->`) or open markup; JSON reads them back. */
export function writeMarker(marker: Marker): string {
  const json = JSON.stringify(marker).replace(
    /[<>-]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return `${PREFIX}${json}${SUFFIX}`
}

/** The first marker of this action in `body`, or null when there is none or it does not parse as
 * one (a person may have edited the body). */
export function readMarker(body: string | null | undefined): Marker | null {
  if (!body) return null
  const start = body.indexOf(PREFIX)
  if (start < 0) return null
  const end = body.indexOf(SUFFIX, start + PREFIX.length)
  if (end < 0) return null
  let value: unknown
  try {
    value = JSON.parse(body.slice(start + PREFIX.length, end))
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { kind, category, failing } = value as Record<string, unknown>
  if (kind !== 'issue' && kind !== 'pull-request-comment') return null
  if (typeof category !== 'string') return null
  if (failing === undefined) return { kind, category }
  if (typeof failing !== 'object' || failing === null || Array.isArray(failing)) return null
  const state: FailingState = {}
  for (const [id, verdict] of Object.entries(failing)) {
    if (typeof verdict === 'string' && KNOWN_VERDICTS.has(verdict)) state[id] = verdict as Verdict
  }
  return { kind, category, failing: state }
}
