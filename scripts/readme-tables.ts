// The README's Inputs and Outputs tables, made from action.yml, the one home of every input's and
// output's description and default (docs/design.md, "The action's contract"). `npm run
// readme-tables` writes them into README.md; __tests__/repo/readme-tables.test.ts fails when the
// README holds other tables than these.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

interface ActionMetadata {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

/** action.yml, parsed. */
export function readAction(root: string = ROOT): ActionMetadata {
  return parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as ActionMetadata
}

/** A table cell: one line, `|` escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
}

/** The default cell of an input: `required`, `empty`, or the default as code. */
function defaultCell(input: ActionMetadata['inputs'][string]): string {
  if (input.required) return 'required'
  const value = input.default ?? ''
  return value === '' ? 'empty' : `\`${value}\``
}

/** The Inputs and Outputs tables of `action`, as Markdown (unformatted). */
export function tablesOf(action: ActionMetadata): { inputs: string; outputs: string } {
  const inputs = [
    '| input | default | what it takes |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, input]) => `| \`${name}\` | ${defaultCell(input)} | ${cell(input.description)} |`
    )
  ].join('\n')
  const outputs = [
    '| output | value |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(
      ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
    )
  ].join('\n')
  return { inputs, outputs }
}

/** `readme` with the first table under `## heading` replaced by `table`. Throws when the section
 * or its table is missing. */
function replaceTable(readme: string, heading: string, table: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`)
  const lines = readme.slice(start).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  if (first < 0) throw new Error(`README.md's "## ${heading}" section has no table`)
  let last = first
  while (lines[last + 1]?.startsWith('|')) last += 1
  const offset = (index: number) =>
    start + lines.slice(0, index).reduce((sum, line) => sum + line.length + 1, 0)
  return readme.slice(0, offset(first)) + table + '\n' + readme.slice(offset(last + 1))
}

/** README.md as it should be: its Inputs and Outputs tables made from action.yml, formatted as
 * Prettier formats the repository. */
export async function expectedReadme(root: string = ROOT): Promise<string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const { inputs, outputs } = tablesOf(readAction(root))
  const replaced = replaceTable(replaceTable(readme, 'Inputs', inputs), 'Outputs', outputs)
  const filepath = path.join(root, 'README.md')
  return format(replaced, { ...(await resolveConfig(filepath)), filepath })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(ROOT, 'README.md'), await expectedReadme())
  console.log('README.md: the Inputs and Outputs tables are made from action.yml.')
}
