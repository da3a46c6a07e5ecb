// The README's Inputs and Outputs tables against action.yml, read when the test runs: every input
// with its default and whether it is required, every output, nothing else. A change to action.yml
// that the README does not follow fails here.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './workflows.ts'

interface ActionMetadata {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}

/** The rows of the first table under the `## heading` section, as cells. */
function tableUnder(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  if (start < 0) return []
  const end = markdown.indexOf('\n## ', start + 1)
  const section = markdown.slice(start, end < 0 ? undefined : end)
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
    )
  return rows.slice(2) // header and delimiter row
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]!)

/** Every way the README's tables differ from action.yml; empty when they agree. */
function tableProblems(readme: string, action: ActionMetadata): string[] {
  const problems: string[] = []
  const inputRows = new Map<string, string>()
  for (const [name, defaultCell] of tableUnder(readme, 'Inputs')) {
    const input = codeSpans(name ?? '')[0] ?? name ?? ''
    if (inputRows.has(input)) problems.push(`input ${input} has two rows`)
    inputRows.set(input, defaultCell ?? '')
  }
  for (const [name, input] of Object.entries(action.inputs)) {
    const cell = inputRows.get(name)
    if (cell === undefined) {
      problems.push(`input ${name} has no row in the README's Inputs table`)
      continue
    }
    const defaultValue = input.default ?? ''
    if (input.required) {
      if (cell !== 'required')
        problems.push(`input ${name} is required; its default cell says '${cell}'`)
    } else if (cell === 'required') {
      problems.push(`input ${name} is not required; its default cell says 'required'`)
    } else if (defaultValue === '') {
      if (!cell.startsWith('empty')) {
        problems.push(`input ${name} defaults to empty; its default cell says '${cell}'`)
      }
    } else if (codeSpans(cell)[0] !== defaultValue) {
      problems.push(`input ${name} defaults to '${defaultValue}'; its default cell says '${cell}'`)
    }
  }
  for (const name of inputRows.keys()) {
    if (!(name in action.inputs))
      problems.push(`the README's Inputs table has ${name}, which action.yml lacks`)
  }

  const outputRows = tableUnder(readme, 'Outputs').map(([name]) => codeSpans(name ?? '')[0] ?? name)
  for (const name of Object.keys(action.outputs)) {
    if (!outputRows.includes(name))
      problems.push(`output ${name} has no row in the README's Outputs table`)
  }
  for (const name of outputRows) {
    if (name && !(name in action.outputs)) {
      problems.push(`the README's Outputs table has ${name}, which action.yml lacks`)
    }
  }
  return problems
}

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const readAction = (): ActionMetadata =>
  parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata

describe("the README's tables", () => {
  test('match action.yml', () => {
    expect(tableProblems(readme, readAction())).toEqual([])
  })

  test('list at least the inputs and outputs action.yml has today', () => {
    const action = readAction()
    expect(Object.keys(action.inputs).length).toBeGreaterThan(5)
    expect(Object.keys(action.outputs).length).toBeGreaterThan(1)
  })

  test.each<[string, (action: ActionMetadata) => void, string]>([
    [
      'a changed default',
      (action) => (action.inputs['fail-on']!.default = 'noncompliant'),
      "input fail-on defaults to 'noncompliant'"
    ],
    [
      'an input made required',
      (action) => (action.inputs.audience!.required = true),
      'input audience is required'
    ],
    [
      'a default removed',
      (action) => (action.inputs['max-concurrency']!.default = ''),
      'input max-concurrency defaults to empty'
    ],
    [
      'a new input',
      (action) => (action.inputs['resource-groups'] = { required: false, default: '' }),
      'input resource-groups has no row'
    ],
    [
      'a removed input',
      (action) => delete action.inputs['job-summary'],
      "the README's Inputs table has job-summary, which action.yml lacks"
    ],
    [
      'a new output',
      (action) => (action.outputs['partial-subscriptions'] = {}),
      'output partial-subscriptions has no row'
    ],
    [
      'a removed output',
      (action) => delete action.outputs.results,
      "the README's Outputs table has results, which action.yml lacks"
    ]
  ])('fail after %s in action.yml', (_, change, problem) => {
    const action = readAction()
    change(action)
    expect(tableProblems(readme, action).join('\n')).toContain(problem)
  })

  test('fail when the README calls an input required that action.yml does not', () => {
    const edited = readme.replace(/^(\| `exclude-subscriptions` +\| )[^|]+\|/m, '$1required |')
    expect(edited).not.toBe(readme)
    expect(tableProblems(edited, readAction()).join('\n')).toContain(
      "input exclude-subscriptions is not required; its default cell says 'required'"
    )
  })
})
