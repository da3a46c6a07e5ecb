// Renders the job summary's Markdown for a terminal (the command line, `npm run demo`): tables
// become one block per row, HTML tags and entities and Markdown escapes are undone, headings stand
// out.
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' '
}

function plain(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&([a-z]+);/g, (entity, name: string) => ENTITIES[name] ?? entity)
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~"'&@:])/g, '$1')
    .replace(/\u200b/g, '')
    .replace(/\*\*(.+?)\*\*/g, '$1')
}

/** Splits a table row on the pipes Markdown treats as cell borders (not on `\|`). */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => plain(cell.trim()))
}

/** The Markdown of a job summary (GitHub Flavored Markdown with HTML) as plain text for a
 * terminal; `<details>` sections are shown open. */
export function renderForTerminal(markdown: string): string {
  const output: string[] = []
  let header: string[] | null = null
  let inCode = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      inCode = !inCode
      continue
    }
    if (inCode) {
      output.push(`    ${line}`)
      continue
    }
    if (/^\s*\|/.test(line)) {
      const row = cells(line)
      if (header === null) {
        header = row
      } else if (!row.every((cell) => /^:?-+:?$/.test(cell))) {
        const width = Math.max(...header.map((name) => name.length))
        output.push(
          ...row.map((cell, index) => {
            const name = (header?.[index] ?? '').padEnd(width)
            return `  ${name}  ${cell.replace(/\n/g, `\n  ${' '.repeat(width)}  `)}`
          }),
          ''
        )
      }
      continue
    }
    header = null
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      const [, marks = '', text = ''] = heading
      const title = plain(text)
      output.push(title, (marks.length <= 2 ? '=' : '-').repeat(title.length))
    } else {
      output.push(plain(line))
    }
  }
  return output.join('\n').replace(/\n{3,}/g, '\n\n')
}
