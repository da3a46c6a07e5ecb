// The hidden marker that lets a later run find its own issue or pull-request comment again: an HTML
// comment (GitHub renders nothing for it) holding JSON with the SARIF category and, for issues, the
// failing verdicts as they were last written, which is what tells the next run what changed, and
// the last decided verdict of each failing subscription that could not be checked since.
// docs/design.md, "Architecture": notifications are found by marker and label, never by title.
import { TOOL_NAME, VERDICTS, type Verdict } from '../model.ts'

export type MarkerKind = 'issue' | 'pull-request-comment'

/** Failing subscription id -> its verdict when the body was written. */
export type FailingState = Record<string, Verdict>

/** A verdict the check decided (not `error`, not `compliant`): what a subscription that could not
 * be checked last was. */
export type DecidedVerdict = 'noncompliant' | 'partial'

/** Failing subscription id (an `error` one) -> its last decided verdict. */
export type LastState = Record<string, DecidedVerdict>

export interface Marker {
  kind: MarkerKind
  category: string
  /** Present on issue markers. */
  failing?: FailingState
  /** On issue markers, when a failing subscription could not be checked and was decided before. */
  last?: LastState
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
  const { kind, category, failing, last } = value as Record<string, unknown>
  if (kind !== 'issue' && kind !== 'pull-request-comment') return null
  if (typeof category !== 'string') return null
  if (failing === undefined) return { kind, category }
  if (!isRecord(failing)) return null
  const state: FailingState = {}
  for (const [id, verdict] of Object.entries(failing)) {
    if (typeof verdict === 'string' && KNOWN_VERDICTS.has(verdict)) state[id] = verdict as Verdict
  }
  const decided: LastState = {}
  for (const [id, verdict] of Object.entries(isRecord(last) ? last : {})) {
    if (verdict === 'noncompliant' || verdict === 'partial') decided[id] = verdict
  }
  return {
    kind,
    category,
    failing: state,
    ...(Object.keys(decided).length > 0 ? { last: decided } : {})
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
