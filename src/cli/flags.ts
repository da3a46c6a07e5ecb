// The command line's flags: one for each input of action.yml (`--management-groups corp`), read
// from action.yml (action-inputs.ts), and `--help`. What the command line cannot be given is a
// usage error, apart from the inputs' own checks (src/inputs/), which run as in a workflow.
import type { ActionInput } from './action-inputs.ts'

/** A command line that cannot be read: an unknown flag, a flag without its value, a flag given
 * twice or an argument that is no flag. Its message names it and points to `--help`. */
export class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem} Run with --help for the flags.`)
    this.name = 'UsageError'
  }
}

export type CommandLine = { help: true } | { help: false; inputs: Map<string, string> }

const HELP_FLAGS = new Set(['--help', '-h'])

/**
 * Reads `argv` (the arguments after the script) against `inputs`: `--name value` or
 * `--name=value` for each input given, at most once; `--help` or `-h` in a flag's place asks for
 * the help, whatever else the line holds (as a flag's value, e.g. `--category -h`, it is the
 * value). Returns the inputs given by name, as given (readSettings trims and checks them).
 * Throws UsageError for anything else, the first found.
 */
export function readCommandLine(
  argv: readonly string[],
  inputs: readonly ActionInput[]
): CommandLine {
  const known = new Set(inputs.map((input) => input.name))
  const given = new Map<string, string>()
  let help = false
  let problem: UsageError | undefined
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? ''
    if (HELP_FLAGS.has(argument)) {
      help = true
      continue
    }
    const flag = /^--([^=]+)(?:=([\s\S]*))?$/.exec(argument)
    if (!flag) {
      problem ??= new UsageError(
        `\`${argument}\` is not a flag; every input is given as --name value.`
      )
      continue
    }
    const [, name, inline] = flag as unknown as [string, string, string | undefined]
    // A value is what follows the flag, unless it is a flag itself (`--help` among them).
    let value = inline
    const next = argv[index + 1]
    if (value === undefined && next !== undefined && !(next.startsWith('--') && next.length > 2)) {
      value = next
      index += 1
    }
    if (!known.has(name)) {
      const near = nearestName(name, [...known])
      problem ??= new UsageError(
        `Unknown flag --${name}${near ? `; did you mean --${near}?` : '.'}`
      )
    } else if (value === undefined) {
      problem ??= new UsageError(`--${name} needs a value (--${name} VALUE; '' for an empty one).`)
    } else if (given.has(name)) {
      problem ??= new UsageError(
        `--${name} is given twice; give it once (a list takes its items in one value, separated by commas, spaces or newlines).`
      )
    } else {
      given.set(name, value)
    }
  }
  if (help) return { help: true }
  if (problem) throw problem
  return { help: false, inputs: given }
}

/** The flag closest to `name` by edit distance, when it is close enough to be a typo (at most a
 * third of its letters); null otherwise. */
function nearestName(name: string, names: readonly string[]): string | null {
  let best: { name: string; distance: number } | null = null
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate)
    if (best === null || distance < best.distance) best = { name: candidate, distance }
  }
  return best !== null && best.distance <= Math.max(1, Math.floor(best.name.length / 3))
    ? best.name
    : null
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** An input's default as a terminal gets it: an expression is a workflow's to evaluate. */
export function terminalDefault(value: string): string {
  return EXPRESSION.test(value) ? '' : value
}

const EXPRESSION = /^\$\{\{.*\}\}$/s

function describeDefault(value: string): string {
  if (EXPRESSION.test(value)) return `${value} in a workflow; none here.`
  return value === '' ? '(empty)' : value
}

/**
 * The text of `--help` for `command` (how it is started): usage, `about` (what the command does),
 * then every input of `inputs` as a flag with its description and default, wrapped at `width`
 * columns.
 */
export function helpText(
  command: string,
  inputs: readonly ActionInput[],
  about: string,
  width = 100
): string {
  const wrap = (text: string, indent: string): string[] => {
    const lines: string[] = []
    let line = ''
    for (const word of text.split(/\s+/).filter((part) => part !== '')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line)
        line = word
      } else {
        line = line === '' ? word : `${line} ${word}`
      }
    }
    if (line !== '') lines.push(indent + line)
    return lines
  }
  const flags = inputs.flatMap((input) => [
    `  --${input.name} VALUE`,
    ...wrap(input.description, '      '),
    ...wrap(`Default: ${describeDefault(input.default)}`, '      '),
    ''
  ])
  return [
    `Usage: ${command} [--INPUT VALUE]...`,
    '',
    ...wrap(about, ''),
    '',
    "Flags (the action's inputs, from action.yml; give each as --name VALUE or --name=VALUE):",
    '',
    ...flags,
    '  --help, -h',
    '      This text.'
  ].join('\n')
}
