// Plain-text hygiene for strings that come from Azure. Every display name, id, parameter value and
// reason that quotes them is text written by whoever can edit policy: before it goes anywhere a
// person reads it (job summary, annotations, SARIF) it is made one line, stripped of control and
// invisible formatting characters, and cut to a bounded length. Secrets go first (redact.ts), on the
// raw text: before the cut, which could leave a token's head or tail, and before the
// format-specific escaping (Markdown, SARIF) that builds on this, which could hide one.
import { redact } from '../redact.ts'

/** Longest text kept from one Azure string in a table cell or inline sentence, in code points. */
export const MAX_INLINE_LENGTH = 300
/** Longest display name kept, in code points (Azure allows 128; anything longer is not Azure's). */
export const MAX_NAME_LENGTH = 128
export const ELLIPSIS = '…'
/** Longest line of log text (and annotation message) kept, in code points. */
export const MAX_LOG_TEXT_LENGTH = 1000
/** Zero-width space: breaks a pattern (a workflow command, a mention) while reading the same. */
export const ZWSP = '\u200B'

// C0 and C1 controls other than the whitespace handled below, and DEL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g
// Characters that change how text is laid out or read without being visible: bidirectional
// embeddings, overrides and isolates (Trojan Source), zero-width characters, the BOM, and
// interlinear annotation and object replacement characters. Code blocks remove them too
// (markdown.ts).
export const INVISIBLE =
  /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFC]/g
// Everything that ends or breaks a line, and tabs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKS = /[\t\n\r\u000B\u000C\u0085\u2028\u2029]+/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Turns anything into a string without throwing (objects become JSON, nullish becomes ''). */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return String(value)
  }
}

/** Cuts `text` to at most `max` code points, ending with an ellipsis when it was cut: at the last
 * space of what is kept, so that words and ids (a subscription GUID inside an assignment's name)
 * stay whole; mid-run only when what is kept holds no space (one long token). Never splits a
 * surrogate pair. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return ''
  // Fast path: fewer UTF-16 units than the limit means fewer code points too.
  if (text.length <= max) return text
  const points = Array.from(text)
  if (points.length <= max) return text
  const kept = points.slice(0, max - 1).join('')
  const space = kept.lastIndexOf(' ')
  const cut = space > 0 ? kept.slice(0, space).replace(/[\s,;:(]+$/, '') : kept
  return cut + ELLIPSIS
}

/**
 * One line of plain text: secrets redacted (redact.ts), line breaks and tabs become spaces,
 * control and invisible formatting characters are removed, lone surrogates become U+FFFD, runs of
 * spaces collapse, and the result is cut to `max` code points with an ellipsis.
 */
export function oneLine(value: unknown, max: number = MAX_INLINE_LENGTH): string {
  // Cut very long input early so that the regular expressions below stay cheap; the final cut
  // happens after cleaning, when the length is known. Redaction comes before either cut.
  let text = redact(asText(value))
  if (text.length > max * 4 + 64) text = text.slice(0, max * 4 + 64)
  const cleaned = text
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/ {2,}/g, ' ')
    .trim()
  return truncate(cleaned, max)
}

// A reason longer than this is not one the evaluator writes; it is cut before fitReason looks at it.
const MAX_REASON_INPUT = 16_384

/**
 * A reason (one sentence: "cause; fix.") as one line of at most `max` code points that keeps the
 * fix: when it is too long, the cause is shortened at a word boundary and everything from the last
 * "; " on is kept whole, unless the fix alone would take more than half of `max` (then the whole
 * sentence is cut at a word boundary).
 */
export function fitReason(value: unknown, max: number): string {
  const text = oneLine(value, Math.max(max, MAX_REASON_INPUT))
  if (Array.from(text).length <= max) return text
  const split = text.lastIndexOf('; ')
  const fixLength = split === -1 ? Infinity : Array.from(text.slice(split)).length
  if (fixLength > max / 2) return truncate(text, max)
  return truncate(text.slice(0, split), max - fixLength) + text.slice(split)
}

/** True when the text holds anything `oneLine` would remove or change besides spaces: control
 * characters, line breaks, invisible formatting characters or lone surrogates. */
export function hasUnsafeCharacters(text: string): boolean {
  return (
    new RegExp(CONTROL.source).test(text) ||
    new RegExp(INVISIBLE.source).test(text) ||
    new RegExp(LINE_BREAKS.source).test(text) ||
    new RegExp(LONE_SURROGATE.source).test(text)
  )
}

/** Text safe to print as (part of) a log line: one line, bounded, and unable to form a workflow
 * command (`::name::` at the start of a line, `##[name]` anywhere in it). */
export function inertLogText(value: unknown, max: number = MAX_LOG_TEXT_LENGTH): string {
  return oneLine(value, max)
    .replace(/:(?=:)/g, `:${ZWSP}`)
    .replace(/#(?=#\[)/g, `#${ZWSP}`)
}

/** Whatever was thrown, with its stack when it has one: for the debug log only. */
export function errorStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/** An error's message (or whatever was thrown) as inert log text. */
export function inertErrorMessage(error: unknown): string {
  return inertLogText(error instanceof Error ? error.message : error)
}

/** How plain-text reports (log, annotations, SARIF) name a subscription: its id, followed by its
 * display name in parentheses when the run learnt it, made one line and cut to MAX_NAME_LENGTH. */
export function subscriptionLabel(result: {
  subscriptionId: string
  displayName?: string
}): string {
  const id = oneLine(result.subscriptionId, 64)
  const name = oneLine(result.displayName, MAX_NAME_LENGTH)
  return name ? `${id} (${name})` : id
}
