// Escaping for GitHub-flavoured Markdown as the job summary renders it: inline text (also inside
// table cells), code spans and fenced code blocks that stay inert whatever they hold.
//
// What has to be defeated, and how:
// - HTML (`<img onerror>`, `</td>`, `<script>`): `& < > " '` become entities, which CommonMark
//   never turns back into markup.
// - Markdown syntax (emphasis, links `[x](javascript:...)`, images, code, headings, strikethrough,
//   math `$...$`): a backslash before every punctuation character that could open it.
// - Table cells: a `|` would end the cell, a line break the row. `|` becomes `&#124;` (no pipe
//   left for the table parser to see) and everything is one line.
// - GitHub's post-processing on rendered text (@mentions, issue references `#1`, `GH-1` and
//   `owner/repo#1`, bare-URL and e-mail autolinks, :emoji: shortcodes) runs after entities and
//   escapes are decoded, so escaping does not stop it: a zero-width space after `@`, `#`, `GH-`
//   and `:` and in `www.` breaks the patterns while reading the same. GitHub's "Autolinked
//   references and URLs" lists what links: URLs, the issue forms above, and commit SHAs (bare,
//   `user@SHA`, `owner/repo@SHA`). The last two are broken at `@`; a bare SHA links only to a
//   commit of this repository and notifies nobody, and Azure's ids are hex (GUIDs), which a
//   zero-width space would break for copying, so hex runs are left as they are.
// - Length: every Azure string is cut (see text.ts) before escaping, so one value cannot flood the
//   summary.
// - Secrets: redacted (redact.ts) on the raw text, before the cut and the escaping: a backslash
//   put inside a token would hide it from the runner's masking and from redaction alike.
import { redact } from '../redact.ts'
import { INVISIBLE, MAX_INLINE_LENGTH, ZWSP, oneLine } from './text.ts'

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;'
}

// Punctuation that can open Markdown syntax inline. Escaping more than needed is harmless: a
// backslash before any ASCII punctuation is a literal character in CommonMark.
const BACKSLASHED = new Set(['\\', '`', '*', '_', '[', ']', '(', ')', '#', '!', '~', '{', '}', '$'])

/** Breaks GitHub's autolinking, mentions, issue references (`#1`, `GH-1`, any case) and emoji
 * shortcodes with zero-width spaces. Works on plain text, before escaping. */
export function neutraliseReferences(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=[\p{L}\p{N}])/gu, `#${ZWSP}`)
    .replace(/(gh-)(?=\d)/gi, `$1${ZWSP}`)
    .replace(/:(?=\S)/g, `:${ZWSP}`)
    .replace(/(w)(ww\.)/gi, `$1${ZWSP}$2`)
}

/**
 * Inline Markdown for text from Azure: one line, cut to `max` code points, with HTML, Markdown,
 * table pipes, mentions and autolinks made inert. Safe in a paragraph, a list item, a heading and
 * a table cell. Returns '' for empty input.
 */
export function escapeInline(value: unknown, max: number = MAX_INLINE_LENGTH): string {
  const text = neutraliseReferences(oneLine(value, max))
  let out = ''
  for (const char of text) {
    const entity = ENTITIES[char]
    if (entity !== undefined) out += entity
    else if (BACKSLASHED.has(char)) out += `\\${char}`
    else out += char
  }
  // Nothing from Azure should start a line, but if it does it must not become a list item, a
  // heading underline or an ordered list.
  return out.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2')
}

/**
 * Text for inside an HTML element the action writes (a `<summary>`), where Markdown is not
 * interpreted: one line, cut to `max` code points, `& < > " '` as entities, and mentions and
 * autolinks broken as in escapeInline. Returns '' for empty input.
 */
export function escapeHtmlText(value: unknown, max: number = MAX_INLINE_LENGTH): string {
  return Array.from(neutraliseReferences(oneLine(value, max)), (char) =>
    char === '|' ? char : (ENTITIES[char] ?? char)
  ).join('')
}

export interface CodeSpanOptions {
  /** The span goes in a table cell: pipes are escaped the way GFM tables require. */
  table?: boolean
  max?: number
}

/**
 * A code span that shows `value` literally whatever it holds: backticks inside are outrun by a
 * longer fence, HTML and Markdown are not interpreted inside code, and GitHub does not autolink or
 * mention inside code. The value is made one line and cut to `max` code points first. Empty values
 * give an empty string (an empty code span is not valid Markdown).
 */
export function codeSpan(value: unknown, options: CodeSpanOptions = {}): string {
  let text = oneLine(value, options.max ?? MAX_INLINE_LENGTH)
  if (text === '') return ''
  if (options.table) {
    // GFM splits table rows on `|` before it parses code spans; `\|` keeps the pipe in the cell.
    // A backslash from the value just before the pipe could pair with ours and free the pipe
    // again, so a zero-width space goes between them.
    text = text.replace(/(\\?)\|/g, (_match, backslash: string) =>
      backslash ? `\\${ZWSP}\\|` : '\\|'
    )
  }
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = /^[`\s]|[`\s]$/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

// Controls other than line feed, removed from code blocks (with text.ts's INVISIBLE characters).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BLOCK_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g

/**
 * A fenced code block that shows `content` literally, secrets redacted (redact.ts): its fence is
 * longer than any run of backticks inside, so no line of the content can close it; control
 * characters (other than line feeds) and invisible formatting characters are removed. `info` is
 * written by this action (a language name such as `sh`), never taken from Azure.
 */
export function codeBlock(content: string, info = ''): string {
  const text = redact(content)
    .replace(/\r\n?/g, '\n')
    .replace(BLOCK_CONTROL, '')
    .replace(INVISIBLE, '')
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  const safeInfo = info.replace(/[^A-Za-z0-9_+-]/g, '')
  return `${fence}${safeInfo}\n${text}\n${fence}`
}

/** A Markdown link whose text is escaped and whose URL must be http(s) and is percent-encoded
 * where Markdown could misread it; anything else gives the escaped text without a link. */
export function link(text: string, url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return escapeInline(text)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return escapeInline(text)
  const href = parsed.href.replace(
    /[()<>\s"'`|\\]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
  return `[${escapeInline(text)}](${href})`
}
