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
//   escapes are decoded, so escaping does not stop it; it skips code. So a word that would link,
//   mention or become an emoji goes in a code span (`<code>` inside HTML), which reads the same
//   and copies exactly: no zero-width space in what a person copies out of a reason. GitHub's
//   "Autolinked references and URLs" lists what links: URLs, the issue forms above, and commit
//   SHAs (bare, `user@SHA`, `owner/repo@SHA`). The last two hold `@`; a bare SHA links only to a
//   commit of this repository and notifies nobody, and Azure's ids are hex (GUIDs), so hex runs
//   are left as they are. A word that holds a backtick or a pipe (which a code span could not
//   hold in a table cell) is broken with zero-width spaces instead.
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
 * shortcodes with zero-width spaces. Works on plain text, before escaping; for a word that cannot
 * go in a code span. */
export function neutraliseReferences(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=[\p{L}\p{N}])/gu, `#${ZWSP}`)
    .replace(/(gh-)(?=\d)/gi, `$1${ZWSP}`)
    .replace(/:(?=\S)/g, `:${ZWSP}`)
    .replace(/(w)(ww\.)/gi, `$1${ZWSP}$2`)
}

/** What GitHub links, mentions or turns into an emoji in rendered text, in one word. */
const LINKING = [
  /(?:^|[^\p{L}\p{N}])[a-z][a-z+.-]*:(?=\S)/iu, // a URL, or anything that reads like one
  /(?:^|[^\p{L}\p{N}])www\./iu, // a bare www. address
  /@/, // a mention, user@SHA, an e-mail address
  /#[\p{L}\p{N}]/u, // #1, owner/repo#1
  /(?:^|[^\p{L}\p{N}])gh-\d/iu, // GH-1
  /:[\p{N}_+-]*\p{L}[\p{L}\p{N}_+-]*:|:[+-]1:/u // :emoji: (a timestamp's :00: is none)
]

/** A piece of inline text: plain, or a word GitHub would act on, to show as code. */
export interface InlinePiece {
  text: string
  code: boolean
}

/** `text` (plain, one line) in pieces: each word GitHub would link, mention or turn into an emoji
 * (without the punctuation around it) a code piece, the rest plain. */
export function inlinePieces(text: string): InlinePiece[] {
  const pieces: InlinePiece[] = []
  const plain = (part: string) => {
    const last = pieces[pieces.length - 1]
    if (last && !last.code) last.text += part
    else if (part !== '') pieces.push({ text: part, code: false })
  }
  for (const part of text.split(/(\s+)/)) {
    if (!LINKING.some((pattern) => pattern.test(part))) {
      plain(part)
    } else if (/[`|]/.test(part)) {
      plain(neutraliseReferences(part))
    } else {
      // The punctuation around the word stays outside the code, unless the word needs it (`:x:`).
      const [, before = '', word = '', after = ''] =
        /^([("'[{<]*)(.*?)([)"'\]}>.,;:!?]*)$/su.exec(part) ?? []
      const whole = word === '' || !LINKING.some((pattern) => pattern.test(word))
      if (!whole) plain(before)
      pieces.push({ text: whole ? part : word, code: true })
      if (!whole) plain(after)
    }
  }
  return pieces
}

/**
 * Inline Markdown for text from Azure: one line, cut to `max` code points, with HTML, Markdown and
 * table pipes made inert, and each word GitHub would link, mention or turn into an emoji in a code
 * span (inlinePieces). Safe in a paragraph, a list item, a heading and
 * a table cell. Returns '' for empty input.
 */
export function escapeInline(value: unknown, max: number = MAX_INLINE_LENGTH): string {
  let out = ''
  for (const piece of inlinePieces(oneLine(value, max))) {
    if (piece.code) {
      out += codeSpan(piece.text)
      continue
    }
    for (const char of piece.text) {
      const entity = ENTITIES[char]
      if (entity !== undefined) out += entity
      else if (BACKSLASHED.has(char)) out += `\\${char}`
      else out += char
    }
  }
  // Nothing from Azure should start a line, but if it does it must not become a list item, a
  // heading underline or an ordered list.
  return out.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2')
}

/**
 * Text for inside an HTML element the action writes (a `<summary>`), where Markdown is not
 * interpreted: one line, cut to `max` code points, `& < > " '` as entities, and each word GitHub
 * would link, mention or turn into an emoji in `<code>` (inlinePieces). Returns '' for empty input.
 */
export function escapeHtmlText(value: unknown, max: number = MAX_INLINE_LENGTH): string {
  const entities = (text: string) =>
    Array.from(text, (char) => (char === '|' ? char : (ENTITIES[char] ?? char))).join('')
  return inlinePieces(oneLine(value, max))
    .map((piece) => (piece.code ? `<code>${entities(piece.text)}</code>` : entities(piece.text)))
    .join('')
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
