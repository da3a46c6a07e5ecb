// The command line's flags are action.yml's inputs, read from action.yml itself: every input is a
// flag, with its description and default in --help, and every flag is an input. The reader of
// action.yml (no YAML parser in the bundle) is held equal to a YAML parser's reading, so an input
// added to action.yml is a flag with nothing else to change, and a shape the reader does not know
// fails here instead of dropping an input.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { readActionInputs } from '../../src/cli/action-inputs.ts'
import { helpText, readCommandLine } from '../../src/cli/flags.ts'

const ACTION_YML = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
const parsed = parse(ACTION_YML) as {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
}
const inputs = readActionInputs(ACTION_YML)

describe('flags and action.yml', () => {
  test('the reader reads every input of action.yml as a YAML parser does', () => {
    expect(inputs).toEqual(
      Object.entries(parsed.inputs).map(([name, input]) => ({
        name,
        description: input.description,
        required: input.required ?? false,
        default: input.default ?? ''
      }))
    )
  })

  test('every input is a flag, and every flag of --help is an input (or --help)', () => {
    const names = Object.keys(parsed.inputs)
    for (const name of names) {
      const read = readCommandLine([`--${name}`, 'value'], inputs)
      expect(read).toEqual({ help: false, inputs: new Map([[name, 'value']]) })
    }
    const help = helpText('cmd', inputs, 'What it does.')
    const flags = [...help.matchAll(/^ {2}--([a-z-]+)/gm)].map((match) => match[1])
    expect(flags).toEqual([...names, 'help'])
  })

  test('--help gives each input its description and default', () => {
    const help = helpText('cmd', inputs, 'What it does.', 10_000)
    for (const [name, input] of Object.entries(parsed.inputs)) {
      const block = help.split(`  --${name} VALUE\n`)[1]?.split('\n\n')[0] ?? ''
      expect(block).toContain(input.description.replace(/\s+/g, ' '))
      const shown = (input.default ?? '') === '' ? '(empty)' : input.default
      expect(block).toContain(`Default: ${shown}`)
    }
  })

  test('a shape the reader does not know is refused, naming the line', () => {
    const literal = ACTION_YML.replace(/^( {4}description:) >-$/m, '$1 |')
    expect(() => readActionInputs(literal)).toThrow(/^action\.yml, line \d+: not in the shape/)
    const doubleQuoted = ACTION_YML.replace("default: 'true'", 'default: "true"')
    expect(() => readActionInputs(doubleQuoted)).toThrow(/not in the shape/)
    expect(() => readActionInputs('outputs:\n')).toThrow('no `inputs:` section')
  })
})
