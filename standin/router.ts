// Routing by table, for any of the stand-in's services (docs/design.md, "The stand-in"): a route
// is a method, a path template and whatever the service needs to answer it, so a new route is a
// new row. Paths match case-insensitively, as ARM's do.
//
// A path template is literal text with parameters:
//   {name}            one path segment (no '/')
//   {name:a|b}        one segment that is one of the words listed (any letter case)
//   {name...}         any text, '/' included, possibly empty (greedy: it takes all it can)
// e.g. '{scope...}/providers/Microsoft.Authorization/{type:policyDefinitions|policySetDefinitions}/{name}'.
// Parameters are given as the request spelled them.

/** What every row of a route table has. */
export interface RouteRow {
  /** The HTTP method, upper case. */
  method: string
  /** The path template (see above). */
  path: string
}

/** A row that matched, and its parameters by name. */
export interface RouteMatch<Row extends RouteRow> {
  row: Row
  params: Record<string, string>
}

/** What the table says of a request: the first row that matches its method and path; else the
 * methods rows of that path answer (for 405 and `Allow`); else that no row has the path. */
export type Lookup<Row extends RouteRow> =
  { match: RouteMatch<Row> } | { allowed: string[] } | { unknown: true }

const PARAMETER = /\{(\w+)(\.\.\.|:[^}]+)?\}/g

/** The regular expression of a path template; throws on a template it cannot read. */
export function compileTemplate(template: string): RegExp {
  let source = ''
  let at = 0
  for (const m of template.matchAll(PARAMETER)) {
    source += escape(template.slice(at, m.index))
    const [, name, suffix] = m
    const body =
      suffix === '...'
        ? '.*'
        : suffix?.startsWith(':')
          ? suffix.slice(1).split('|').map(escape).join('|')
          : '[^/]+'
    source += `(?<${name}>${body})`
    at = m.index + m[0].length
  }
  source += escape(template.slice(at))
  if (/[{}]/.test(template.replace(PARAMETER, '')))
    throw new Error(`route template '${template}' has an unreadable parameter`)
  return new RegExp(`^${source}$`, 'i')
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A route table: rows tried in order. */
export class RouteTable<Row extends RouteRow> {
  readonly rows: readonly Row[]
  private readonly compiled: { row: Row; pattern: RegExp }[]

  /** Compiles every row's template; throws on one it cannot read. */
  constructor(rows: readonly Row[]) {
    this.rows = rows
    this.compiled = rows.map((row) => ({ row, pattern: compileTemplate(row.path) }))
  }

  /** Looks up a request by method and path (percent-decoded, no trailing slash). */
  lookup(method: string, path: string): Lookup<Row> {
    const allowed: string[] = []
    for (const { row, pattern } of this.compiled) {
      const m = pattern.exec(path)
      if (!m) continue
      if (row.method === method) return { match: { row, params: { ...m.groups } } }
      if (!allowed.includes(row.method)) allowed.push(row.method)
    }
    return allowed.length > 0 ? { allowed } : { unknown: true }
  }
}
