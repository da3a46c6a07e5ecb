// The stand-in's Kusto: each query is parsed by Microsoft's own KQL parser
// (@kusto/language-service-next) and its syntax tree interpreted here, for exactly the operators
// the action's queries use (src/collect/resource-graph/queries.ts). Anything else is refused, so
// a query the action starts sending cannot pass the stand-in without the stand-in learning it.
// Semantics follow the KQL reference: `==` compares strings case-sensitively, `=~` and `in~`
// case-insensitively,
// `startswith` is case-insensitive, `order by` sorts descending unless told `asc`.
import { createRequire } from 'node:module'

/** A syntax node of Kusto.Language (Bridge.NET build): the members used here. */
interface KustoNode {
  Kind: number
  IsToken: boolean
  ChildCount: number
  GetChild(index: number): KustoNode | null
  TextStart: number
  Width: number
  Text?: string
  SimpleName?: string
  LiteralValue?: unknown
}
interface KustoDiagnostic {
  Message: string
  Start: number
}
interface KustoLanguage {
  KustoCode: {
    Parse(text: string): {
      Syntax: KustoNode
      GetDiagnostics(): { Count: number; getItem(index: number): KustoDiagnostic }
    }
  }
  Syntax: { SyntaxKind: Record<string, unknown> }
}

let language: { kusto: KustoLanguage; kinds: Map<number, string> } | undefined

// Loaded on first use: the parser is a 16 MB script that defines globals through Bridge.NET.
function kusto() {
  if (!language) {
    const require = createRequire(import.meta.url)
    const bridge = require('@kusto/language-service-next/bridge.js') as {
      global: { Kusto: { Language: KustoLanguage } }
    }
    require('@kusto/language-service-next/Kusto.Language.Bridge.js')
    const kusto = bridge.global.Kusto.Language
    const kinds = new Map<number, string>()
    for (const [name, value] of Object.entries(kusto.Syntax.SyntaxKind)) {
      if (typeof value === 'number') kinds.set(value, name)
    }
    language = { kusto, kinds }
  }
  return language
}

/** Loads the KQL parser now (about 2 s), so that the first query does not wait for it. */
export function loadKqlParser(): void {
  kusto()
}

/** Why a query cannot run: a syntax error, or something the stand-in does not interpret. */
export class QueryError extends Error {
  readonly code: 'ParserFailure' | 'NotInterpreted' | 'UnknownColumn' | 'UnknownTable'
  /** Offset of the offending text in the query. */
  readonly position: number
  readonly token: string
  constructor(code: QueryError['code'], message: string, position: number, token: string) {
    super(message)
    this.name = 'QueryError'
    this.code = code
    this.position = position
    this.token = token
  }
}

export type Row = Record<string, unknown>

/** The columns every Resource Graph table has (the `resources` schema); the first ones are
 * strings, the rest `dynamic`. */
export const STRING_COLUMNS = [
  'id',
  'name',
  'type',
  'tenantId',
  'kind',
  'location',
  'resourceGroup',
  'subscriptionId',
  'managedBy'
] as const
export const DYNAMIC_COLUMNS = [
  'sku',
  'plan',
  'properties',
  'tags',
  'identity',
  'zones',
  'extendedLocation'
] as const

export interface CompiledQuery {
  /** The table the query reads first, lower case. */
  table: string
  /** The output columns and whether each is a string (paging needs one that is). */
  columns: { name: string; string: boolean }[]
  /** Runs the query over the rows of each table it reads (`rowsOf`, by lower-case name), those
   * the request's scope lets it see. */
  run(rowsOf: (table: string) => readonly Row[]): Row[]
}

type Column = { name: string; string: boolean }

type Predicate = (row: Row) => boolean
type Value = (row: Row) => unknown

const kindOf = (node: KustoNode) => kusto().kinds.get(node.Kind) ?? String(node.Kind)

function children(node: KustoNode): KustoNode[] {
  const out: KustoNode[] = []
  for (let i = 0; i < node.ChildCount; i += 1) {
    const child = node.GetChild(i)
    if (child && !child.IsToken) out.push(child)
  }
  return out
}

/** The elements of a separated list (SyntaxList of SeparatedElement). */
function listItems(list: KustoNode): KustoNode[] {
  return children(list).map((element) => children(element)[0] as KustoNode)
}

// The query being compiled: compileQuery is synchronous, so one at a time.
let source = ''

/** The query text a node spans (the parser's ToString drops the whitespace). */
function textOf(node: KustoNode): string {
  return source.slice(node.TextStart, node.TextStart + node.Width).trim()
}

function notInterpreted(node: KustoNode, what = kindOf(node)): QueryError {
  const text = textOf(node)
  return new QueryError(
    'NotInterpreted',
    `the local Azure stand-in does not interpret ${what} (\`${text.slice(0, 60)}\`); teach standin/resource-graph/kql.ts before the action sends it`,
    node.TextStart,
    text
  )
}

/** Parses and checks `text` against `tables` (lower-case names). Throws QueryError. */
export function compileQuery(text: string, tables: readonly string[]): CompiledQuery {
  source = text
  const code = kusto().kusto.KustoCode.Parse(text)
  const diagnostics = code.GetDiagnostics()
  if (diagnostics.Count > 0) {
    const first = diagnostics.getItem(0)
    throw new QueryError(
      'ParserFailure',
      first.Message,
      first.Start,
      text.slice(first.Start, first.Start + 20)
    )
  }
  const [directives, statements] = children(code.Syntax)
  if (!directives || !statements || children(directives).length > 0) {
    throw notInterpreted(code.Syntax, 'directives')
  }
  const items = listItems(statements)
  if (items.length !== 1 || kindOf(items[0] as KustoNode) !== 'ExpressionStatement') {
    throw notInterpreted(statements, 'more than one statement, or a let statement')
  }
  return compilePipeline(children(items[0] as KustoNode)[0] as KustoNode, tables)
}

/** A tabular expression: a table, then `|` operators. */
function compilePipeline(expression: KustoNode, tables: readonly string[]): CompiledQuery {
  const stages: KustoNode[] = []
  let head = expression
  while (kindOf(head) === 'PipeExpression') {
    const [left, operator] = children(head) as [KustoNode, KustoNode]
    stages.unshift(operator)
    head = left
  }
  if (kindOf(head) !== 'NameReference')
    throw notInterpreted(head, 'a query that starts with anything but a table')
  const table = String(head.SimpleName).toLowerCase()
  if (!tables.includes(table)) {
    throw new QueryError(
      'UnknownTable',
      `'${head.SimpleName}' is not a Resource Graph table the stand-in serves (${tables.join(', ')})`,
      head.TextStart,
      String(head.SimpleName)
    )
  }
  let columns: Column[] = [
    ...STRING_COLUMNS.map((name) => ({ name, string: true })),
    ...DYNAMIC_COLUMNS.map((name) => ({ name, string: false }))
  ]
  const steps: ((rows: Row[], rowsOf: (table: string) => readonly Row[]) => Row[])[] = []
  for (const stage of stages) {
    const column = (node: KustoNode): Value => {
      if (kindOf(node) !== 'NameReference') throw notInterpreted(node)
      const name = String(node.SimpleName)
      if (!columns.some((c) => c.name === name)) {
        throw new QueryError(
          'UnknownColumn',
          `'${name}' is not a column here (${columns.map((c) => c.name).join(', ')})`,
          node.TextStart,
          name
        )
      }
      return (row) => row[name] ?? null
    }
    const parts = children(stage)
    switch (kindOf(stage)) {
      case 'FilterOperator': {
        const [parameters, condition] = parts as [KustoNode, KustoNode]
        if (children(parameters).length > 0) throw notInterpreted(parameters, 'where parameters')
        const predicate = compilePredicate(condition, column)
        steps.push((rows) => rows.filter(predicate))
        break
      }
      case 'ProjectOperator': {
        // `name` or `newName = name` (a column renamed).
        const projected = listItems(parts[0] as KustoNode).map((item) => {
          if (kindOf(item) !== 'SimpleNamedExpression') {
            column(item)
            return { name: String(item.SimpleName), from: String(item.SimpleName) }
          }
          const [declaration, value] = children(item) as [KustoNode, KustoNode]
          column(value)
          return { name: String(declaration.SimpleName), from: String(value.SimpleName) }
        })
        const names = projected.map((p) => p.name)
        if (new Set(names).size !== names.length)
          throw notInterpreted(stage, 'a column projected twice')
        columns = projected.map(({ name, from }) => ({
          name,
          string: (columns.find((c) => c.name === from) as Column).string
        }))
        steps.push((rows) =>
          rows.map((row) => Object.fromEntries(projected.map((p) => [p.name, row[p.from] ?? null])))
        )
        break
      }
      case 'JoinOperator': {
        const join = compileJoin(stage, parts, columns, tables, column)
        columns = join.columns
        steps.push(join.step)
        break
      }
      case 'SortOperator': {
        const [parameters, list] = parts as [KustoNode, KustoNode]
        if (children(parameters).length > 0) throw notInterpreted(parameters, 'sort parameters')
        const keys = listItems(list).map((item) => {
          if (kindOf(item) !== 'OrderedExpression') throw notInterpreted(item)
          const [expression, ordering] = children(item) as [KustoNode, KustoNode | undefined]
          const direction = ordering ? children(ordering) : []
          if (direction.length > 0) throw notInterpreted(ordering as KustoNode, 'nulls first/last')
          const keyword = ordering?.GetChild(0)?.Text?.toLowerCase()
          return { value: column(expression), ascending: keyword === 'asc' }
        })
        steps.push((rows) =>
          [...rows].sort((a, b) => {
            for (const key of keys) {
              const order = compareValues(key.value(a), key.value(b))
              if (order !== 0) return key.ascending ? order : -order
            }
            return 0
          })
        )
        break
      }
      default:
        throw notInterpreted(stage, `the operator '${stage.GetChild(0)?.Text ?? kindOf(stage)}'`)
    }
  }
  return {
    table,
    columns,
    run: (rowsOf) => steps.reduce((current, step) => step(current, rowsOf), [...rowsOf(table)])
  }
}

/**
 * `join kind=leftouter (right) on column`: every row of the left with each row of `right` whose
 * `column` equals its own (KQL's `==`, case-sensitive), or once with the right's columns null
 * when none does. Right columns whose names the left has are renamed with a `1` (KQL's rule).
 * The only flavour interpreted is leftouter, one of those Resource Graph supports.
 */
function compileJoin(
  stage: KustoNode,
  parts: KustoNode[],
  left: Column[],
  tables: readonly string[],
  column: (node: KustoNode) => Value
) {
  const [parameters, parenthesized, on] = parts as [KustoNode, KustoNode, KustoNode]
  const flavour = children(parameters).map((p) => textOf(p).replace(/\s+/g, '').toLowerCase())
  if (flavour.join() !== 'kind=leftouter')
    throw notInterpreted(stage, 'a join other than kind=leftouter')
  if (kindOf(parenthesized) !== 'ParenthesizedExpression') throw notInterpreted(parenthesized)
  const right = compilePipeline(children(parenthesized)[0] as KustoNode, tables)
  const keys = listItems(children(on)[0] as KustoNode)
  if (kindOf(on) !== 'JoinOnClause' || keys.length !== 1 || kindOf(keys[0]!) !== 'NameReference')
    throw notInterpreted(on, 'a join on anything but one column')
  const key = String(keys[0]!.SimpleName)
  column(keys[0]!)
  if (!right.columns.some((c) => c.name === key)) throw notInterpreted(on, 'a key the right lacks')
  const renamed = right.columns.map((c) => ({
    ...c,
    from: c.name,
    name: left.some((l) => l.name === c.name) ? `${c.name}1` : c.name
  }))
  const columns = [...left, ...renamed.map(({ name, string }) => ({ name, string }))]
  const step = (rows: Row[], rowsOf: (table: string) => readonly Row[]): Row[] => {
    const byKey = new Map<unknown, Row[]>()
    for (const row of right.run(rowsOf)) {
      byKey.set(row[key], [...(byKey.get(row[key]) ?? []), row])
    }
    const nulls = Object.fromEntries(renamed.map((c) => [c.name, null]))
    return rows.flatMap((row) => {
      const matches = row[key] === null || row[key] === undefined ? [] : byKey.get(row[key])
      if (!matches?.length) return [{ ...row, ...nulls }]
      return matches.map((match) => ({
        ...row,
        ...Object.fromEntries(renamed.map((c) => [c.name, match[c.from] ?? null]))
      }))
    })
  }
  return { columns, step }
}

// KQL sorts nulls first in ascending order; strings by ordinal comparison.
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  const [x, y] = [String(a), String(b)]
  return x < y ? -1 : x > y ? 1 : 0
}

function stringLiteral(node: KustoNode): string {
  if (kindOf(node) !== 'StringLiteralExpression') throw notInterpreted(node)
  return String(node.LiteralValue)
}

function compilePredicate(node: KustoNode, column: (node: KustoNode) => Value): Predicate {
  const parts = children(node)
  const text = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined)
  switch (kindOf(node)) {
    case 'OrExpression': {
      const [left, right] = parts.map((part) => compilePredicate(part, column)) as [
        Predicate,
        Predicate
      ]
      return (row) => left(row) || right(row)
    }
    case 'EqualTildeExpression': {
      const [left, right] = parts as [KustoNode, KustoNode]
      const value = column(left)
      const expected = stringLiteral(right).toLowerCase()
      return (row) => text(value(row)) === expected
    }
    case 'EqualExpression': {
      // `==` on strings is case-sensitive; a null column equals no string.
      const [left, right] = parts as [KustoNode, KustoNode]
      const value = column(left)
      const expected = stringLiteral(right)
      return (row) => value(row) === expected
    }
    case 'StartsWithExpression': {
      const [left, right] = parts as [KustoNode, KustoNode]
      const value = column(left)
      const prefix = stringLiteral(right).toLowerCase()
      return (row) => text(value(row))?.startsWith(prefix) ?? false
    }
    case 'InCsExpression': {
      // Kusto.Language names `in~` (case-insensitive) InCs: see its SyntaxFacts table.
      const [left, list] = parts as [KustoNode, KustoNode]
      const value = column(left)
      const wanted = new Set(
        listItems(children(list)[0] as KustoNode).map((item) => stringLiteral(item).toLowerCase())
      )
      return (row) => wanted.has(text(value(row)) ?? '\u0000')
    }
    default:
      throw notInterpreted(node, `the expression '${textOf(node).slice(0, 40)}'`)
  }
}
