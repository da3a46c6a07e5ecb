// The README's Inputs and Outputs tables are made from action.yml (scripts/readme-tables.ts), the
// one home of every input's and output's description and default: a change to action.yml that
// the README does not follow, or an edit of the README's tables by hand, fails here. `npm run
// readme-tables` brings the README up to date.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expectedReadme, readAction, tablesOf } from '../../scripts/readme-tables.ts'
import { ROOT } from './workflows.ts'

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

describe("the README's tables", () => {
  test('are the ones action.yml makes (npm run readme-tables)', async () => {
    expect(readme).toBe(await expectedReadme(ROOT))
  })

  test('have a row for every input and output, with its default and its description', () => {
    const action = readAction(ROOT)
    const { inputs, outputs } = tablesOf(action)
    expect(Object.keys(action.inputs).length).toBeGreaterThan(5)
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = inputs.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      expect(row).toContain(input.default ? `| \`${input.default}\` |` : '| empty |')
      expect(row).toContain(input.description.replace(/\s+/g, ' ').trim().slice(0, 60))
    }
    for (const name of Object.keys(action.outputs)) {
      expect(outputs).toContain(`| \`${name}\` |`)
    }
  })

  test('a description changed in action.yml changes the README', async () => {
    const action = readAction(ROOT)
    action.inputs['fail-on']!.description = 'Something else entirely.'
    expect(tablesOf(action).inputs).toContain(
      '| `fail-on` | `noncompliant, error` | Something else entirely. |'
    )
    expect(readme).not.toContain('Something else entirely.')
  })
})
