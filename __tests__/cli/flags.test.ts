// The command line's own reading of its arguments: what it cannot take is a UsageError that names
// the argument and points to --help.
import { describe, expect, test } from '@jest/globals'
import type { ActionInput } from '../../src/cli/action-inputs.ts'
import { readCommandLine, terminalDefault, UsageError } from '../../src/cli/flags.ts'

const input = (name: string): ActionInput => ({
  name,
  description: `the ${name}`,
  required: false,
  default: ''
})
const INPUTS = ['subscriptions', 'management-groups', 'engine', 'fail-on'].map(input)

function refusal(argv: string[]): string {
  try {
    readCommandLine(argv, INPUTS)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error(`${argv.join(' ')} was read`)
}

describe('readCommandLine', () => {
  test('reads --name value and --name=value, an empty value and a value with = in it', () => {
    expect(
      readCommandLine(
        [
          '--management-groups',
          'corp',
          '--engine=resource-graph',
          '--fail-on',
          '',
          '--subscriptions=a=b'
        ],
        INPUTS
      )
    ).toEqual({
      help: false,
      inputs: new Map([
        ['management-groups', 'corp'],
        ['engine', 'resource-graph'],
        ['fail-on', ''],
        ['subscriptions', 'a=b']
      ])
    })
  })

  test('--help or -h anywhere asks for the help', () => {
    expect(readCommandLine(['--engine', 'x', '--help'], INPUTS)).toEqual({ help: true })
    expect(readCommandLine(['-h'], INPUTS)).toEqual({ help: true })
  })

  test("-h or --help as a flag's value is the value, not the help", () => {
    const inputs = [...INPUTS, input('category')]
    expect(readCommandLine(['--category', '-h'], inputs)).toEqual({
      help: false,
      inputs: new Map([['category', '-h']])
    })
    expect(readCommandLine(['--category=--help', '--engine', '-h'], inputs)).toEqual({
      help: false,
      inputs: new Map([
        ['category', '--help'],
        ['engine', '-h']
      ])
    })
    // In a flag's place it is the help, after a value of -h too.
    expect(readCommandLine(['--category', '-h', '-h'], inputs)).toEqual({ help: true })
    expect(readCommandLine(['--category', '--help'], inputs)).toEqual({ help: true })
  })

  test("--help in a flag's place is the help, whatever else the line cannot be read for", () => {
    expect(readCommandLine(['--enigne', 'x', '--help'], INPUTS)).toEqual({ help: true })
    expect(readCommandLine(['corp', '-h', '--engine'], INPUTS)).toEqual({ help: true })
  })

  test('an unknown flag is named, with the input it is closest to when it looks like a typo', () => {
    expect(refusal(['--enigne', 'resource-graph'])).toBe(
      'Unknown flag --enigne; did you mean --engine? Run with --help for the flags.'
    )
    expect(refusal(['--verbose'])).toBe('Unknown flag --verbose. Run with --help for the flags.')
  })

  test('a flag without its value, a flag given twice and an argument that is no flag are refused', () => {
    expect(refusal(['--engine'])).toMatch(/^--engine needs a value/)
    expect(refusal(['--engine', '--fail-on', 'none'])).toMatch(/^--engine needs a value/)
    expect(refusal(['--engine', 'a', '--engine', 'b'])).toMatch(/^--engine is given twice/)
    expect(refusal(['corp'])).toMatch(/^`corp` is not a flag/)
    for (const message of [refusal(['--engine']), refusal(['corp'])]) {
      expect(message).toMatch(/Run with --help for the flags\.$/)
    }
  })

  test("an expression default is a workflow's: a terminal gets it empty", () => {
    expect(terminalDefault('${{ github.token }}')).toBe('')
    expect(terminalDefault('noncompliant, error')).toBe('noncompliant, error')
  })
})
