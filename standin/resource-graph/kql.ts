// The stand-in's Kusto: each query is parsed by Microsoft's own KQL parser
// (@kusto/language-service-next) and its syntax tree interpreted here, for exactly the operators
// the action's queries use (src/collect/resource-graph/queries.ts,
// src/collect/virtual-machines/queries.ts): where, project, extend, summarize (summarize.ts),
// join kind=leftouter, order by; scalar expressions in expressions.ts. Anything else is refused,
// so a query the action starts sending cannot pass the stand-in without the stand-in learning it.
// Semantics follow the KQL reference: `==` compares strings case-sensitively, `=~` and `in~`
// case-insensitively, `startswith` is case-insensitive, `order by` sorts descending unless told
// `asc`.
import { compilePredicate, compileScalar } from './expressions.ts'
import { compileSummarize } from './summarize.ts'
import {
  QueryError,
  children,
  columnNamed,
  compiling,
  kindOf,
  kusto,
  listItems,
  notInterpreted,
  textOf,
  type Column,
  type KustoNode,
  type Row
} from './syntax.ts'

export { QueryError, type Row } from './syntax.ts'

/** Loads the KQL parser now (about 2 s), so that the first query does not wait for it. */
export function loadKqlParser(): void {
  kusto()
}

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
  /** The output columns and their types (paging needs a string one). */
  columns: Column[]
  /** Runs the query over the rows of each table it reads (`rowsOf`, by lower-case name), those
   * the request's scope lets it see. */
  run(rowsOf: (table: string) => readonly Row[]): Row[]
}

/** Parses and checks `text` against `tables` (lower-case names). Throws QueryError. */
export function compileQuery(text: string, tables: readonly string[]): CompiledQuery {
  compiling(text)
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
    ...STRING_COLUMNS.map((name): Column => ({ name, type: 'string' })),
    ...DYNAMIC_COLUMNS.map((name): Column => ({ name, type: 'dynamic' }))
  ]
  const steps: ((rows: Row[], rowsOf: (table: string) => readonly Row[]) => Row[])[] = []
  for (const stage of stages) {
    const parts = children(stage)
    switch (kindOf(stage)) {
      case 'FilterOperator': {
        const [parameters, condition] = parts as [KustoNode, KustoNode]
        if (children(parameters).length > 0) throw notInterpreted(parameters, 'where parameters')
        const predicate = compilePredicate(condition, columns)
        steps.push((rows) => rows.filter(predicate))
        break
      }
      case 'ProjectOperator':
      case 'ExtendOperator': {
        // `name`, or `newName = expression`; extend keeps the columns it does not name, and each
        // of its expressions sees the columns the ones before it made.
        const extend = kindOf(stage) === 'ExtendOperator'
        let scope = columns
        const computed = listItems(parts[0] as KustoNode).map((item) => {
          let name: string
          let scalar
          if (kindOf(item) === 'SimpleNamedExpression') {
            const [declaration, value] = children(item) as [KustoNode, KustoNode]
            name = String(declaration.SimpleName)
            scalar = compileScalar(value, scope)
          } else {
            if (extend) throw notInterpreted(item, 'an unnamed extend')
            name = columnNamed(item, scope).name
            scalar = compileScalar(item, scope)
          }
          const column: Column = { name, type: scalar.type }
          if (extend) scope = [...scope.filter((c) => c.name !== name), column]
          return { column, value: scalar.value }
        })
        const names = computed.map((c) => c.column.name)
        if (new Set(names).size !== names.length)
          throw notInterpreted(stage, 'a column projected twice')
        const kept = extend ? columns.filter((c) => !names.includes(c.name)) : []
        columns = [...kept, ...computed.map((c) => c.column)]
        steps.push((rows) =>
          rows.map((row) => {
            const out: Row = extend ? { ...row } : {}
            const seen: Row = { ...row }
            for (const { column, value } of computed) {
              const result = value(extend ? seen : row)
              out[column.name] = result
              if (extend) seen[column.name] = result
            }
            return out
          })
        )
        break
      }
      case 'SummarizeOperator': {
        const summarize = compileSummarize(stage, columns)
        columns = summarize.columns
        steps.push(summarize.step)
        break
      }
      case 'JoinOperator': {
        const join = compileJoin(stage, parts, columns, tables)
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
          columnNamed(expression, columns)
          return { value: compileScalar(expression, columns).value, ascending: keyword === 'asc' }
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
  tables: readonly string[]
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
  columnNamed(keys[0]!, left)
  if (!right.columns.some((c) => c.name === key)) throw notInterpreted(on, 'a key the right lacks')
  const renamed = right.columns.map((c) => ({
    ...c,
    from: c.name,
    name: left.some((l) => l.name === c.name) ? `${c.name}1` : c.name
  }))
  const columns = [...left, ...renamed.map(({ name, type }) => ({ name, type }))]
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
