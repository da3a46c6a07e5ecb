// What a rewriting proxy in front of Azure would make of its answers, for the tests of the
// action's boundary (docs/design.md, "The stand-in"; standin/README.md, "Rewrites"): resources of
// the estate served with a field changed or removed, whatever type Azure documents for it (both
// Resource Manager and Resource Graph serve them so), and Resource Manager answers replaced whole
// (a status with any body, or text that is not JSON). An estate stays valid ARM; its rewrites say
// where the answers stop being so.

/** One field of one resource of the estate, changed or removed in what the stand-in serves. */
export interface Reshape {
  /** The resource's id, as the estate writes it (any letter case): a policy assignment,
   * exemption, (set) definition or pricing of the estate. */
  id: string
  /** Keys from the resource's top, e.g. `["properties", "parameters", "effect"]`. */
  path: string[]
  /** The value served at `path` (any JSON); absent with `remove`. */
  value?: unknown
  /** Serve the resource without the field. */
  remove?: true
}

/** A Resource Manager answer replaced whole: a GET of `path` answers `status` with `body` (sent as
 * JSON) or `text` (sent as it is), after latency and faults, as the route's answer would be. */
export interface RawAnswer {
  /** The request path without its query, e.g.
   * `/subscriptions/S/providers/Microsoft.Security/pricings/VirtualMachines` (any letter case). */
  path: string
  status: number
  body?: unknown
  text?: string
}

/** The estate fields rewrites read, so that this file needs none of types.ts. */
interface Rewritable {
  reshapes?: Reshape[]
  answers?: RawAnswer[]
  policyAssignments?: { id: string }[]
  policyExemptions?: { id: string }[]
  policySetDefinitions?: { id: string }[]
  policyDefinitions?: { id: string }[]
  pricings?: { id: string }[]
}

const RESOURCE_LISTS = [
  'policyAssignments',
  'policyExemptions',
  'policySetDefinitions',
  'policyDefinitions',
  'pricings'
] as const

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Every problem of an estate's `reshapes` and `answers` (parsed JSON), as `path: message`. */
export function rewriteProblems(estate: Record<string, unknown>): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  for (const list of RESOURCE_LISTS) {
    const resources = estate[list]
    if (!Array.isArray(resources)) continue
    for (const resource of resources)
      if (isObject(resource) && typeof resource.id === 'string') ids.add(resource.id.toLowerCase())
  }
  const each = (field: string, check: (entry: Record<string, unknown>, at: string) => void) => {
    const value = estate[field]
    if (value === undefined) return
    if (!Array.isArray(value)) return void problems.push(`${field}: must be an array`)
    value.forEach((entry, index) => {
      const at = `${field}[${index}]`
      if (!isObject(entry)) problems.push(`${at}: must be an object`)
      else check(entry, at)
    })
  }
  each('reshapes', (entry, at) => {
    if (typeof entry.id !== 'string' || !ids.has(entry.id.toLowerCase()))
      problems.push(`${at}.id: must be the id of a resource of the estate`)
    const path = entry.path
    if (!Array.isArray(path) || path.length === 0 || !path.every((key) => typeof key === 'string'))
      problems.push(`${at}.path: must be a non-empty array of keys`)
    if ((entry.remove === true) === 'value' in entry)
      problems.push(`${at}: needs either value or remove: true`)
  })
  each('answers', (entry, at) => {
    if (typeof entry.path !== 'string' || !entry.path.startsWith('/'))
      problems.push(`${at}.path: must be a request path starting with /`)
    const status = entry.status
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599)
      problems.push(`${at}.status: must be an HTTP status from 200 to 599`)
    if (entry.text !== undefined && typeof entry.text !== 'string')
      problems.push(`${at}.text: must be a string`)
    if ('body' in entry && entry.text !== undefined)
      problems.push(`${at}: needs body or text, not both`)
  })
  return problems
}

/** A copy of `value` with `path` set to `reshape.value` (or removed); objects and lists on the
 * way (a list's keys are its indexes, `"0"`) are copied, never changed, and objects are made when
 * missing. */
function reshaped(value: unknown, path: readonly string[], reshape: Reshape): unknown {
  const [key, ...rest] = path
  if (key === undefined) return reshape.value
  if (Array.isArray(value) && /^\d+$/.test(key)) {
    const copy: unknown[] = [...value]
    const index = Number(key)
    if (rest.length === 0 && reshape.remove) copy.splice(index, 1)
    else copy[index] = reshaped(copy[index], rest, reshape)
    return copy
  }
  const copy: Record<string, unknown> = isObject(value) ? { ...value } : {}
  if (rest.length === 0 && reshape.remove) Reflect.deleteProperty(copy, key)
  else copy[key] = reshaped(copy[key], rest, reshape)
  return copy
}

/** The estate with its reshapes applied to its resources (a copy; the estate is not changed). */
export function applyReshapes<E extends Rewritable>(estate: E): E {
  const reshapes = estate.reshapes ?? []
  if (reshapes.length === 0) return estate
  const copy = { ...estate }
  for (const list of RESOURCE_LISTS) {
    const resources = estate[list]
    if (!resources) continue
    copy[list] = resources.map((resource) =>
      reshapes
        .filter((reshape) => reshape.id.toLowerCase() === resource.id.toLowerCase())
        .reduce<typeof resource>(
          (shaped, reshape) => reshaped(shaped, reshape.path, reshape) as typeof resource,
          resource
        )
    )
  }
  return copy
}

/** The raw answer for a GET of `path` (any letter case), if the estate replaces it. */
export function rawAnswerOf(
  answers: readonly RawAnswer[] | undefined,
  path: string
): RawAnswer | undefined {
  const wanted = path.toLowerCase()
  return answers?.find((answer) => answer.path.toLowerCase() === wanted)
}
