// Pieces of the Azure CLI commands that several kinds of fix share: the parts of a policy resource
// id, the URL `az rest` takes, and jq programs as the shell sees them.
import { shellQuote } from '../shell.ts'

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
  const program = lines.map((line) => line.trim()).join(' ')
  if (program.includes("'")) throw new Error('jq program must not contain a single quote')
  return program
}
