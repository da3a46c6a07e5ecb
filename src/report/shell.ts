// Quoting for POSIX shells (sh, bash, zsh, the Azure Cloud Shell), for values from Azure that go
// into the `az` commands of the remediation steps.
import { hasUnsafeCharacters } from './text.ts'

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
 * - very long values are not Azure's and would flood the summary.
 */
export function unsafeCommandValue(value: string): string | null {
  if (value === '') return 'it is empty'
  if (value.length > MAX_COMMAND_VALUE_LENGTH) return 'it is longer than any Azure value'
  if (hasUnsafeCharacters(value)) return 'it contains control or invisible characters'
  if (value.startsWith('@')) return "it starts with '@', which makes the Azure CLI read a file"
  if (value.startsWith('-'))
    return "it starts with '-', which the Azure CLI would read as an option"
  return null
}
