// Microsoft's KQL parser (@kusto/language-service-next) as the stand-in's interpreter reads it: the
// syntax nodes, their kinds by name, the text a node spans, and the error for a query the stand-in
// cannot run. kql.ts compiles pipelines; expressions.ts scalar expressions; summarize.ts the
// summarize operator.
import { createRequire } from 'node:module'

/** A syntax node of Kusto.Language (Bridge.NET build): the members used here. */
export interface KustoNode {
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
export function kusto() {
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

export const kindOf = (node: KustoNode) => kusto().kinds.get(node.Kind) ?? String(node.Kind)

export function children(node: KustoNode): KustoNode[] {
  const out: KustoNode[] = []
  for (let i = 0; i < node.ChildCount; i += 1) {
    const child = node.GetChild(i)
    if (child && !child.IsToken) out.push(child)
  }
  return out
}

/** The elements of a separated list (SyntaxList of SeparatedElement). */
export function listItems(list: KustoNode): KustoNode[] {
  return children(list).map((element) => children(element)[0] as KustoNode)
}

// The query being compiled: compileQuery is synchronous, so one at a time.
let source = ''

/** Sets the query text the nodes of the next compilation span. */
export function compiling(text: string): void {
  source = text
}

/** The query text a node spans (the parser's ToString drops the whitespace). */
export function textOf(node: KustoNode): string {
  return source.slice(node.TextStart, node.TextStart + node.Width).trim()
}

export function notInterpreted(node: KustoNode, what = kindOf(node)): QueryError {
  const text = textOf(node)
  return new QueryError(
    'NotInterpreted',
    `the local Azure stand-in does not interpret ${what} (\`${text.slice(0, 60)}\`); teach standin/resource-graph/kql.ts before the action sends it`,
    node.TextStart,
    text
  )
}

export function stringLiteral(node: KustoNode): string {
  if (kindOf(node) !== 'StringLiteralExpression') throw notInterpreted(node)
  return String(node.LiteralValue)
}

export type Row = Record<string, unknown>

/** An output column: its name and KQL type (paging needs a string one). */
export type ColumnType = 'string' | 'long' | 'bool' | 'dynamic'
export interface Column {
  name: string
  type: ColumnType
}

/** The column `node` (a NameReference) names among `columns`; throws UnknownColumn. */
export function columnNamed(node: KustoNode, columns: readonly Column[]): Column {
  if (kindOf(node) !== 'NameReference') throw notInterpreted(node)
  const name = String(node.SimpleName)
  const found = columns.find((c) => c.name === name)
  if (!found) {
    throw new QueryError(
      'UnknownColumn',
      `'${name}' is not a column here (${columns.map((c) => c.name).join(', ')})`,
      node.TextStart,
      name
    )
  }
  return found
}
