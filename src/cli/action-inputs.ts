// The inputs of action.yml, as the command line offers them (one flag each, `--help`): read from
// action.yml itself, so that flags and inputs cannot drift. action.yml is written in one plain
// shape (each input a `description`, folded with `>-` or on one line, `required` and `default`,
// plain or single-quoted); this reader takes that shape only and refuses anything else, so that
// the bundle does not carry a YAML parser (__tests__/cli/drift.test.ts holds it equal to a YAML
// parser's reading of action.yml).

/** One input of action.yml. */
export interface ActionInput {
  name: string
  description: string
  required: boolean
  /** As action.yml gives it; an expression (`${{ github.token }}`) as written. */
  default: string
}

/**
 * The `inputs` of action.yml's text `yaml`, in their order. Throws an Error naming the line when
 * the text is not in the shape above (a message for whoever edits action.yml, never for a user).
 */
export function readActionInputs(yaml: string): ActionInput[] {
  const lines = yaml.split(/\r?\n/)
  const start = lines.findIndex((line) => /^inputs:\s*$/.test(line))
  if (start < 0) throw new Error('action.yml: no `inputs:` section')
  const inputs: ActionInput[] = []
  let current: ActionInput | null = null
  const unexpected = (index: number): Error =>
    new Error(`action.yml, line ${index + 1}: not in the shape the command line reads`)
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? ''
    if (line.trim() === '') continue
    if (!line.startsWith(' ')) break
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line)
    if (name) {
      current = { name: name[1] ?? '', description: '', required: false, default: '' }
      inputs.push(current)
      continue
    }
    const field = /^ {4}(description|required|default):(?: (.*))?$/.exec(line)
    if (!field || current === null) throw unexpected(index)
    const [, key, value = ''] = field as unknown as [string, string, string | undefined]
    if (key === 'description' && value === '>-') {
      const folded: string[] = []
      for (let next = lines[index + 1]; next !== undefined && /^ {6}\S/.test(next);) {
        folded.push(next.trim())
        index += 1
        next = lines[index + 1]
      }
      if (folded.length === 0) throw unexpected(index)
      current.description = folded.join(' ')
    } else if (key === 'required') {
      if (value !== 'true' && value !== 'false') throw unexpected(index)
      current.required = value === 'true'
    } else {
      const scalar = readScalar(value)
      if (scalar === null) throw unexpected(index)
      if (key === 'description') current.description = scalar
      else current.default = scalar
    }
  }
  if (inputs.length === 0) throw new Error('action.yml: `inputs:` lists no input')
  return inputs
}

/** A one-line YAML scalar: single-quoted (`''` is a quote) or plain; null for any other form. */
function readScalar(value: string): string | null {
  const quoted = /^'((?:[^']|'')*)'$/.exec(value)
  if (quoted) return (quoted[1] ?? '').replace(/''/g, "'")
  // Plain scalars that YAML would read as something else, or that start with an indicator.
  if (value === '' || /^[>|"'&*!%@`#{[\]?:-]|\s#|:\s/.test(value)) return null
  return value
}
