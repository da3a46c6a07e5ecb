// The stand-in's KQL scalar expressions and predicates (docs: Kusto "Scalar data types",
// "String operators", "Scalar functions"), for what the action's queries use: columns, dynamic
// member access (`properties.status.code`), string and long literals, the string comparisons
// (`==` and `!=` case-sensitive, `=~` and `!~`, `startswith` and `in~` case-insensitive), `and`,
// `or`, and the functions tostring, tolower, strcat, iff, isempty, isnotempty and bag_pack.
// tostring(null) is '' (a KQL string is never null); a string column a leftouter join left empty
// is null, as the stand-in has always served it.
// Anything else is refused (syntax.ts, notInterpreted), so a query the action starts sending
// cannot pass the stand-in without the stand-in learning it.
import {
  children,
  columnNamed,
  kindOf,
  listItems,
  notInterpreted,
  stringLiteral,
  type Column,
  type ColumnType,
  type KustoNode,
  type Row
} from './syntax.ts'

export type Value = (row: Row) => unknown
export type Predicate = (row: Row) => boolean

/** A compiled scalar expression: its KQL type and how to compute it for a row. */
export interface Scalar {
  type: ColumnType
  value: Value
}

/** KQL's tostring: a string as it is, null as '', a dynamic object or array as JSON. */
export function kqlToString(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

const asText = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** The arguments of a function call node. */
function callArguments(node: KustoNode): { name: string; args: KustoNode[] } {
  const [callee, list] = children(node) as [KustoNode, KustoNode]
  return {
    name: String(callee.SimpleName).toLowerCase(),
    args: listItems(children(list)[0] as KustoNode)
  }
}

/** Compiles a scalar expression over rows of `columns`. Throws QueryError for what it does not
 * interpret or a column that does not exist. */
export function compileScalar(node: KustoNode, columns: readonly Column[]): Scalar {
  const parts = children(node)
  switch (kindOf(node)) {
    case 'NameReference': {
      // As the row holds it: a string column a leftouter join left empty is null here.
      const column = columnNamed(node, columns)
      const name = column.name
      return { type: column.type, value: (row) => row[name] ?? null }
    }
    case 'PathExpression': {
      // `dynamic.member`: null when the value is not an object or lacks the member.
      const [left, member] = parts as [KustoNode, KustoNode]
      const object = compileScalar(left, columns)
      if (object.type !== 'dynamic') throw notInterpreted(node, 'a member of a non-dynamic value')
      const name = String(member.SimpleName)
      return {
        type: 'dynamic',
        value: (row) => {
          const value = object.value(row)
          return typeof value === 'object' && value !== null && !Array.isArray(value)
            ? ((value as Row)[name] ?? null)
            : null
        }
      }
    }
    case 'StringLiteralExpression': {
      const text = stringLiteral(node)
      return { type: 'string', value: () => text }
    }
    case 'LongLiteralExpression': {
      const number = Number(node.LiteralValue)
      return { type: 'long', value: () => number }
    }
    case 'ParenthesizedExpression':
      return compileScalar(parts[0] as KustoNode, columns)
    case 'FunctionCallExpression':
      return compileCall(node, columns)
    default: {
      const predicate = compileComparison(node, columns)
      return { type: 'bool', value: predicate }
    }
  }
}

function compileCall(node: KustoNode, columns: readonly Column[]): Scalar {
  const { name, args } = callArguments(node)
  const scalars = () => args.map((arg) => compileScalar(arg, columns))
  const arity = (count: number) => {
    if (args.length !== count) throw notInterpreted(node, `${name} with ${args.length} arguments`)
  }
  switch (name) {
    case 'tostring': {
      arity(1)
      const [inner] = scalars() as [Scalar]
      return { type: 'string', value: (row) => kqlToString(inner.value(row)) }
    }
    case 'tolower': {
      arity(1)
      const [inner] = scalars() as [Scalar]
      return { type: 'string', value: (row) => kqlToString(inner.value(row)).toLowerCase() }
    }
    case 'strcat': {
      const parts = scalars()
      return {
        type: 'string',
        value: (row) => parts.map((part) => kqlToString(part.value(row))).join('')
      }
    }
    case 'iff':
    case 'iif': {
      arity(3)
      const condition = compilePredicate(args[0] as KustoNode, columns)
      const [, then, otherwise] = scalars() as [Scalar, Scalar, Scalar]
      if (then.type !== otherwise.type) throw notInterpreted(node, 'iff of two types')
      return { type: then.type, value: (row) => (condition(row) ? then : otherwise).value(row) }
    }
    case 'isempty':
    case 'isnotempty': {
      arity(1)
      const [inner] = scalars() as [Scalar]
      const empty = (row: Row) => {
        const value = inner.value(row)
        return value === null || value === undefined || value === ''
      }
      return {
        type: 'bool',
        value: name === 'isempty' ? empty : (row) => !empty(row)
      }
    }
    case 'bag_pack':
    case 'pack': {
      if (args.length % 2 !== 0) throw notInterpreted(node, `${name} with an odd argument count`)
      const keys = args.filter((_, index) => index % 2 === 0).map(stringLiteral)
      const values = args
        .filter((_, index) => index % 2 === 1)
        .map((arg) => compileScalar(arg, columns))
      return {
        type: 'dynamic',
        value: (row) =>
          Object.fromEntries(keys.map((key, index) => [key, values[index]!.value(row)]))
      }
    }
    default:
      throw notInterpreted(node, `the function ${name}()`)
  }
}

/** Compiles a condition (`where`, countif, iff): a comparison, `and`, `or`, or a bool function. */
export function compilePredicate(node: KustoNode, columns: readonly Column[]): Predicate {
  const kind = kindOf(node)
  if (kind === 'FunctionCallExpression' || kind === 'ParenthesizedExpression') {
    const scalar = compileScalar(node, columns)
    if (scalar.type !== 'bool') throw notInterpreted(node, 'a condition that is not a bool')
    return (row) => scalar.value(row) === true
  }
  return compileComparison(node, columns)
}

function compileComparison(node: KustoNode, columns: readonly Column[]): Predicate {
  const parts = children(node)
  const sides = () => {
    const [left, right] = parts as [KustoNode, KustoNode]
    return [compileScalar(left, columns), compileScalar(right, columns)] as const
  }
  switch (kindOf(node)) {
    case 'AndExpression':
    case 'OrExpression': {
      const [left, right] = parts.map((part) => compilePredicate(part, columns)) as [
        Predicate,
        Predicate
      ]
      return kindOf(node) === 'AndExpression'
        ? (row) => left(row) && right(row)
        : (row) => left(row) || right(row)
    }
    case 'EqualExpression':
    case 'NotEqualExpression': {
      // Case-sensitive; a null (a dynamic member that is missing) equals nothing.
      const [left, right] = sides()
      const equal = (row: Row) => {
        const [a, b] = [left.value(row), right.value(row)]
        return a !== null && b !== null && a === b
      }
      return kindOf(node) === 'EqualExpression'
        ? equal
        : (row) => {
            const [a, b] = [left.value(row), right.value(row)]
            return a !== null && b !== null && a !== b
          }
    }
    case 'EqualTildeExpression':
    case 'NotEqualTildeExpression': {
      const [left, right] = sides()
      const compare = (row: Row) => {
        const [a, b] = [asText(left.value(row)), asText(right.value(row))]
        return a === undefined || b === undefined ? undefined : a.toLowerCase() === b.toLowerCase()
      }
      return kindOf(node) === 'EqualTildeExpression'
        ? (row) => compare(row) === true
        : (row) => compare(row) === false
    }
    case 'StartsWithExpression': {
      const [left, right] = parts as [KustoNode, KustoNode]
      const value = compileScalar(left, columns)
      const prefix = stringLiteral(right).toLowerCase()
      return (row) => asText(value.value(row))?.toLowerCase().startsWith(prefix) ?? false
    }
    case 'InCsExpression': {
      // Kusto.Language names `in~` (case-insensitive) InCs: see its SyntaxFacts table.
      const [left, list] = parts as [KustoNode, KustoNode]
      const value = compileScalar(left, columns)
      const wanted = new Set(
        listItems(children(list)[0] as KustoNode).map((item) => stringLiteral(item).toLowerCase())
      )
      return (row) => wanted.has(asText(value.value(row))?.toLowerCase() ?? '\u0000')
    }
    default:
      throw notInterpreted(node, `the expression '${kindOf(node)}'`)
  }
}
