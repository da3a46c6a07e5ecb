// The text of the Azure CLI commands the fixes print: quoting for POSIX shells (sh, bash, zsh, the
// Azure Cloud Shell) and which values from Azure may go into a command at all, and the pieces that
// several kinds of fix share: the parts of a policy resource id, the URL `az rest` takes, and jq
// programs as the shell sees them.
import { redact } from '../../redact.ts'
import { hasUnsafeCharacters } from '../text.ts'

/** Longest value from Azure put into a command; ids and names in Azure are far shorter. */
export const MAX_COMMAND_VALUE_LENGTH = 1024

/**
 * Quotes `value` as one word for a POSIX shell: inside single quotes nothing is special, and a
 * single quote is written as `'\''` (end the quote, an escaped quote, start again).
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * Why `value` should not be put into a command a person will paste, or null when it can be. Quoting
 * makes any value one shell word, but some values would still do harm or mislead:
 * - control characters and invisible formatting characters (terminal escape sequences,
 *   bidirectional overrides) can make the pasted command differ from what is shown;
 * - a leading `@` makes the Azure CLI replace the value with the contents of a local file;
 * - a leading `-` can be read as an option;
 * - very long values are not Azure's and would flood the summary;
 * - a value that holds a secret, or what looks like one (redact.ts), is checked here, on the raw
 *   value, before quoting could change how it reads.
 */
export function unsafeCommandValue(value: string): string | null {
  if (value === '') return 'it is empty'
  if (value.length > MAX_COMMAND_VALUE_LENGTH) return 'it is longer than any Azure value'
  if (redact(value) !== value) return 'it holds what looks like a secret'
  if (hasUnsafeCharacters(value)) return 'it contains control or invisible characters'
  if (value.startsWith('@')) return "it starts with '@', which makes the Azure CLI read a file"
  if (value.startsWith('-'))
    return "it starts with '-', which the Azure CLI would read as an option"
  return null
}

interface SplitId {
  scope: string
  name: string
}

/**
 * Splits `{scope}/providers/Microsoft.Authorization/{type}/{name}` (case-insensitively) into the
 * scope and the name that `az policy ... --scope --name` take; null when `id` has another form
 * (no such segment, an empty or nested name, a scope that is not an absolute id).
 */
export function splitPolicyResourceId(
  id: string,
  type: 'policyAssignments' | 'policyExemptions'
): SplitId | null {
  const marker = `/providers/microsoft.authorization/${type.toLowerCase()}/`
  const at = id.toLowerCase().lastIndexOf(marker)
  if (at <= 0) return null
  const scope = id.slice(0, at)
  const name = id.slice(at + marker.length)
  if (name === '' || name.includes('/') || !scope.startsWith('/')) return null
  return { scope, name }
}

/**
 * The `--url` value of `az rest` for the resource `id` at `apiVersion`, shell-quoted. `az rest`
 * takes a resource id and prefixes the current cloud's Resource Manager endpoint. Each path
 * segment is percent-encoded, so that a `?`, `#` or `{subscriptionId}` inside a name cannot move
 * the query, cut the path or be substituted by the CLI.
 */
export function restUrl(id: string, apiVersion: string): string {
  const path = id.split('/').map(encodeURIComponent).join('/')
  return shellQuote(`${path}?api-version=${apiVersion}`)
}

/**
 * A jq program written over several lines for people to read, as the one line the commands carry:
 * takes the lines (indentation is for the reader and dropped) and returns them joined by single
 * spaces, which jq reads the same way. The shell sees the program in single quotes, so it must not
 * hold one: throws when it does (the programs are constants written in this folder).
 */
export function jqProgram(...lines: string[]): string {
  return singleQuotable(lines.map((line) => line.trim()).join(' '))
}

/** A jq program over several lines, kept as written, for a script a person reads: the lines
 * joined by newlines (inside single quotes the shell keeps them). Throws as jqProgram does. */
export function jqScript(...lines: string[]): string {
  return singleQuotable(lines.join('\n'))
}

function singleQuotable(program: string): string {
  if (program.includes("'")) throw new Error('jq program must not contain a single quote')
  return program
}
