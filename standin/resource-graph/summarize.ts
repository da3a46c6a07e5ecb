// The stand-in's `summarize` (Kusto, "summarize operator" and its aggregation functions): rows
// grouped by the `by` expressions, one output row per group with the `by` columns first, then
// the aggregates, each named (`name = aggregate(...)`). Interpreted: count(), countif(),
// take_any(), take_anyif(), make_list() and make_list_if() (an optional most-elements last
// argument; null values are left out), sum(). Without `by`, one row even over no rows. A string
// aggregate of no value is '' (KQL strings are never null).
import { compilePredicate, compileScalar, type Predicate, type Scalar } from './expressions.ts'
import {
  children,
  kindOf,
  listItems,
  notInterpreted,
  type Column,
  type KustoNode,
  type Row
} from './syntax.ts'

/** One aggregate: its output column and how it folds a group's rows. */
interface Aggregate {
  column: Column
  fold(rows: readonly Row[]): unknown
}

function named(item: KustoNode): { name: string; expression: KustoNode } {
  if (kindOf(item) !== 'SimpleNamedExpression') throw notInterpreted(item, 'an unnamed aggregate')
  const [declaration, expression] = children(item) as [KustoNode, KustoNode]
  return { name: String(declaration.SimpleName), expression }
}

/** The longest list make_list gives by default (Kusto: 1,048,576). */
const MAKE_LIST_DEFAULT_MAX = 1_048_576

function compileAggregate(item: KustoNode, columns: readonly Column[]): Aggregate {
  const { name, expression } = named(item)
  if (kindOf(expression) !== 'FunctionCallExpression') throw notInterpreted(expression)
  const [callee, list] = children(expression) as [KustoNode, KustoNode]
  const fn = String(callee.SimpleName).toLowerCase()
  const args = listItems(children(list)[0] as KustoNode)
  const scalar = (index: number): Scalar => compileScalar(args[index] as KustoNode, columns)
  const predicate = (index: number): Predicate =>
    compilePredicate(args[index] as KustoNode, columns)
  const maxOf = (index: number): number => {
    const node = args[index]
    if (node === undefined) return MAKE_LIST_DEFAULT_MAX
    if (kindOf(node) !== 'LongLiteralExpression') throw notInterpreted(node)
    return Number(node.LiteralValue)
  }
  const arity = (least: number, most = least) => {
    if (args.length < least || args.length > most)
      throw notInterpreted(expression, `${fn} with ${args.length} arguments`)
  }
  const long = (fold: Aggregate['fold']): Aggregate => ({ column: { name, type: 'long' }, fold })
  switch (fn) {
    case 'count':
      arity(0)
      return long((rows) => rows.length)
    case 'countif': {
      arity(1)
      const test = predicate(0)
      return long((rows) => rows.filter(test).length)
    }
    case 'sum': {
      arity(1)
      const value = scalar(0)
      if (value.type !== 'long') throw notInterpreted(expression, 'sum of a non-long')
      return long((rows) => rows.reduce((total, row) => total + Number(value.value(row)), 0))
    }
    case 'take_any':
    case 'take_anyif': {
      arity(fn === 'take_any' ? 1 : 2)
      const value = scalar(0)
      const test = fn === 'take_anyif' ? predicate(1) : () => true
      const none = value.type === 'string' ? '' : null
      return {
        column: { name, type: value.type },
        fold: (rows) => {
          const row = rows.find(test)
          return row === undefined ? none : value.value(row)
        }
      }
    }
    case 'make_list':
    case 'make_list_if': {
      const conditional = fn === 'make_list_if'
      arity(conditional ? 2 : 1, conditional ? 3 : 2)
      const value = scalar(0)
      const test = conditional ? predicate(1) : () => true
      const max = maxOf(conditional ? 2 : 1)
      return {
        column: { name, type: 'dynamic' },
        fold: (rows) => {
          const list: unknown[] = []
          for (const row of rows) {
            if (list.length >= max) break
            if (!test(row)) continue
            const item = value.value(row)
            if (item !== null && item !== undefined) list.push(item)
          }
          return list
        }
      }
    }
    default:
      throw notInterpreted(expression, `the aggregate ${fn}()`)
  }
}

/** `summarize aggregates [by keys]` over rows of `columns`: its output columns and step. */
export function compileSummarize(
  stage: KustoNode,
  columns: readonly Column[]
): { columns: Column[]; step: (rows: Row[]) => Row[] } {
  const parts = children(stage)
  const [parameters, aggregateList, byClause] = parts as [KustoNode, KustoNode, KustoNode?]
  if (children(parameters).length > 0) throw notInterpreted(parameters, 'summarize parameters')
  const aggregates = listItems(aggregateList).map((item) => compileAggregate(item, columns))
  const keys = byClause
    ? listItems(children(byClause)[0] as KustoNode).map((item) => {
        if (kindOf(item) === 'SimpleNamedExpression') {
          const { name, expression } = named(item)
          const scalar = compileScalar(expression, columns)
          return { column: { name, type: scalar.type }, value: scalar.value }
        }
        const scalar = compileScalar(item, columns)
        if (kindOf(item) !== 'NameReference') throw notInterpreted(item, 'an unnamed by key')
        return { column: { name: String(item.SimpleName), type: scalar.type }, value: scalar.value }
      })
    : []
  const out = [...keys.map((key) => key.column), ...aggregates.map((a) => a.column)]
  const names = out.map((column) => column.name)
  if (new Set(names).size !== names.length) throw notInterpreted(stage, 'a column named twice')
  const step = (rows: Row[]): Row[] => {
    const groups = new Map<string, { key: unknown[]; rows: Row[] }>()
    if (keys.length === 0) groups.set('', { key: [], rows })
    else {
      for (const row of rows) {
        const key = keys.map((k) => k.value(row))
        const text = JSON.stringify(key)
        const group = groups.get(text)
        if (group) group.rows.push(row)
        else groups.set(text, { key, rows: [row] })
      }
    }
    return [...groups.values()].map(({ key, rows: members }) => ({
      ...Object.fromEntries(keys.map((k, index) => [k.column.name, key[index]])),
      ...Object.fromEntries(aggregates.map((a) => [a.column.name, a.fold(members)]))
    }))
  }
  return { columns: out, step }
}
