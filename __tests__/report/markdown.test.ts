import { describe, expect, test } from '@jest/globals'
import { codeBlock, codeSpan, escapeInline, link } from '../../src/report/markdown.ts'
import { hasUnsafeCharacters, oneLine, truncate } from '../../src/report/text.ts'
import { HOSTILE, HOSTILE_ALL, activeMarkdown, outsideCode, splitTableRow } from './helpers.ts'

describe('oneLine', () => {
  test('joins lines, drops control and invisible characters, collapses spaces', () => {
    expect(oneLine('a\r\n\n b\tc\u2028d')).toBe('a b c d')
    expect(oneLine(HOSTILE.control)).toBe('bellescape[31mred')
    expect(oneLine(HOSTILE.bidi)).toBe('safeexe.txt')
    expect(oneLine('zero\u200Bwidth\uFEFF')).toBe('zerowidth')
  })

  test('cuts long text with an ellipsis, counting code points', () => {
    const cut = oneLine(HOSTILE.long, 100)
    expect(Array.from(cut)).toHaveLength(100)
    expect(cut.endsWith('…')).toBe(true)
    expect(truncate('😀'.repeat(10), 5)).toBe('😀😀😀😀…')
    expect(truncate('short', 5)).toBe('short')
  })

  test('replaces lone surrogates and accepts any value', () => {
    expect(oneLine('a\uD800b')).toBe('a\uFFFDb')
    expect(oneLine(null)).toBe('')
    expect(oneLine({ a: 1 })).toBe('{"a":1}')
  })

  test('hasUnsafeCharacters spots what oneLine would remove', () => {
    expect(hasUnsafeCharacters('plain text')).toBe(false)
    expect(hasUnsafeCharacters('two\nlines')).toBe(true)
    expect(hasUnsafeCharacters(HOSTILE.bidi)).toBe(true)
    expect(hasUnsafeCharacters(HOSTILE.control)).toBe(true)
  })
})

describe('escapeInline', () => {
  test('turns HTML into entities', () => {
    const out = escapeInline(`${HOSTILE.html} ${HOSTILE.closeCell} "q" 'a' & b`)
    expect(out).not.toMatch(/[<>"']/)
    expect(out).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;')
    expect(out).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;')
    expect(out).toContain('&quot;q&quot; &#39;a&#39; &amp; b')
  })

  test('escapes Markdown syntax so links, images, code and emphasis stay text', () => {
    const out = escapeInline(
      `${HOSTILE.link} ${HOSTILE.image} ${HOSTILE.backticks} *b* _i_ ~~s~~ $x$ #h`
    )
    // The link's target and the image read like URLs: shown as code, which renders nothing.
    expect(out).toContain('\\[click `me](javascript:alert(1`\\)\\)')
    expect(out).toContain('`![x](https://evil.example/x.png`')
    expect(outsideCode(out).text).not.toMatch(/(?<!\\)[`*_~$[\]()!]/)
    expect(activeMarkdown(outsideCode(out).text)).toEqual([])
  })

  test('leaves no pipe for a table to split on and keeps to one line', () => {
    const out = escapeInline(`${HOSTILE.pipe} ${HOSTILE.newline}`)
    expect(out).not.toContain('|')
    expect(out).toContain('&#124;')
    expect(out).not.toMatch(/[\r\n]/)
    expect(splitTableRow(`| ${out} | x |`)).toHaveLength(2)
  })

  test('breaks mentions, autolinks, issue references and emoji shortcodes', () => {
    const out = escapeInline(`${HOSTILE.mention} ${HOSTILE.url} ${HOSTILE.emoji} #12`)
    // Each word GitHub would act on is a code span: it reads the same and copies exactly.
    expect(out).toBe(
      '`@example-org/security-team` `https://evil.example/login` and `www.evil.example` `:white_check_mark:` compliant `#12`'
    )
    expect(out).not.toContain('\u200B')
    expect(activeMarkdown(outsideCode(out).text)).toEqual([])
  })

  test('breaks the issue references GitHub autolinks: #1, GH-1 in any case, owner/repo#1', () => {
    const out = escapeInline(HOSTILE.issueReference)
    expect(out).toBe('Fix `GH-1` and `gh-2`, see `octo-org/estate#3`')
    expect(activeMarkdown(outsideCode(out).text)).toEqual([])
    // Not a reference: left alone.
    expect(escapeInline('GH-x and SIGH- 1')).toBe('GH-x and SIGH- 1')
  })

  test('bounds the length of anything from Azure', () => {
    expect(escapeInline(HOSTILE.long, 50).length).toBeLessThan(60)
    expect(escapeInline(HOSTILE_ALL).length).toBeLessThan(2000)
  })

  test('cannot start a list, heading or ordered list', () => {
    expect(escapeInline('- item')).toBe('\\- item')
    expect(escapeInline('1. first')).toBe('1\\. first')
    expect(escapeInline('# h')).toBe('\\# h')
  })
})

describe('codeSpan', () => {
  test('outruns backticks in the value with a longer fence', () => {
    expect(codeSpan('a`b')).toBe('``a`b``')
    expect(codeSpan(HOSTILE.backticks)).toBe('````` ```` `code` `` `````')
    expect(codeSpan('`x')).toBe('`` `x ``')
  })

  test('shows HTML literally and keeps to one line', () => {
    expect(codeSpan(`${HOSTILE.html}\n</td>`)).toBe('`<img src=x onerror=alert(1)> </td>`')
  })

  test('escapes pipes in table cells, even after a backslash from the value', () => {
    expect(codeSpan('a|b', { table: true })).toBe('`a\\|b`')
    const sneaky = codeSpan('x\\|<img src=x>', { table: true })
    expect(sneaky).toBe('`x\\\u200B\\|<img src=x>`')
    // Whether a backslash escapes only a pipe or any character, the pipe stays in the cell.
    for (const escapes of ['any', 'pipe'] as const) {
      expect(splitTableRow(`| ${sneaky} | next |`, escapes)).toHaveLength(2)
      expect(splitTableRow(`| ${codeSpan('a\\\\|b|c', { table: true })} |`, escapes)).toHaveLength(
        1
      )
    }
  })

  test('gives nothing for an empty value (an empty code span is not Markdown)', () => {
    expect(codeSpan('')).toBe('')
    expect(codeSpan('\n')).toBe('')
  })
})

describe('codeBlock', () => {
  test('uses a fence longer than any backtick run inside', () => {
    const content = "echo '```'\necho '`````'"
    const block = codeBlock(content, 'sh')
    expect(block.startsWith('``````sh\n')).toBe(true)
    expect(block.endsWith('\n``````')).toBe(true)
    expect(block).toContain(content)
  })

  test('defaults to a three-backtick fence and removes control characters', () => {
    expect(codeBlock('a\u001b[2Jb\r\nc', 'sh')).toBe('```sh\na[2Jb\nc\n```')
    expect(codeBlock('x', 'sh; rm')).toBe('```shrm\nx\n```')
  })
})

describe('link', () => {
  test('links only http(s) URLs', () => {
    expect(link('run', 'https://github.com/o/r/actions/runs/1')).toBe(
      '[run](https://github.com/o/r/actions/runs/1)'
    )
    expect(link('x', 'javascript:alert(1)')).toBe('x')
    expect(link('x', 'https://e.example/a)b')).toBe('[x](https://e.example/a%29b)')
  })
})
