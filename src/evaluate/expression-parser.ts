// Tokenizer and parser for the ARM template expression language, as Azure Policy uses it in the
// parameter values an initiative passes to its policy definitions. Syntax follows
// https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions:
// `functionName(arg1, arg2)`, strings in single quotes with `''` for a quote, integers, property
// access `.name` and indexes `[expr]`; whitespace may stand between tokens. Which functions exist
// is the evaluator's business (expression.ts): the parser only builds the tree.

/** A parsed expression; `text` is the source it was read from, for messages. */
export type ExpressionNode =
  | { kind: 'string'; value: string; text: string }
  | { kind: 'integer'; value: number; text: string }
  | { kind: 'call'; name: string; args: ExpressionNode[]; text: string }
  | { kind: 'property'; target: ExpressionNode; property: string; text: string }
  | { kind: 'index'; target: ExpressionNode; index: ExpressionNode; text: string }

export type ParseResult = { ok: true; node: ExpressionNode } | { ok: false; reason: string }

/** ARM refuses longer expressions (template-expressions: "can't exceed 24,576 characters"). */
export const MAX_EXPRESSION_LENGTH = 24_576

/** Bounds recursion, so that a hostile value yields a reason rather than a stack overflow. */
export const MAX_DEPTH = 64

type TokenKind = '(' | ')' | '[' | ']' | ',' | '.' | 'string' | 'integer' | 'name' | 'end'

interface Token {
  kind: TokenKind
  /** The string's content (quotes removed, `''` unescaped), else the token's text. */
  value: string
  start: number
  end: number
}

/** Thrown inside this module only; parseExpression turns it into a result. */
class ParseFailure {
  readonly message: string
  readonly position: number
  constructor(message: string, position: number) {
    this.message = message
    this.position = position
  }
}

const PUNCTUATION = new Set(['(', ')', '[', ']', ',', '.'])
const WHITESPACE = /\s+/y
const INTEGER = /-?[0-9]+/y
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y

/**
 * Parses the inside of an expression: the text between its outer `[` and `]`.
 * Returns the tree, or `{ ok: false, reason }` whose reason starts "cannot evaluate" and names
 * what is wrong and where (1-based character in `body`). Never throws.
 */
export function parseExpression(body: string): ParseResult {
  if (body.length > MAX_EXPRESSION_LENGTH) {
    return fail(`it is longer than ARM's limit of ${MAX_EXPRESSION_LENGTH} characters`)
  }
  try {
    const parser = new Parser(body, tokenize(body))
    const node = parser.expression(0)
    parser.expect('end', 'the end of the expression')
    return { ok: true, node }
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error
    return fail(`${error.message} at character ${error.position + 1}`)
  }
}

function fail(why: string): ParseResult {
  return { ok: false, reason: `cannot evaluate the expression: ${why}` }
}

function tokenize(body: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at
    return pattern.exec(body)?.[0]
  }
  const push = (kind: TokenKind, value: string, end: number): void => {
    tokens.push({ kind, value, start: at, end })
    at = end
  }
  while (at < body.length) {
    const char = body.charAt(at)
    const space = match(WHITESPACE)
    const integer = match(INTEGER)
    const name = match(NAME)
    if (space !== undefined) at += space.length
    else if (PUNCTUATION.has(char)) push(char as TokenKind, char, at + 1)
    else if (char === "'") push('string', ...readString(body, at))
    else if (integer !== undefined) push('integer', integer, at + integer.length)
    else if (name !== undefined) push('name', name, at + name.length)
    else {
      const hint = char === '"' ? ' (ARM expressions quote strings with single quotes)' : ''
      throw new ParseFailure(`unexpected character ${JSON.stringify(char)}${hint}`, at)
    }
  }
  tokens.push({ kind: 'end', value: '', start: at, end: at })
  return tokens
}

/** Reads `'...'` that opens at `start`, where `''` stands for one quote: [content, end]. */
function readString(body: string, start: number): [string, number] {
  let value = ''
  let at = start + 1
  for (;;) {
    const close = body.indexOf("'", at)
    if (close < 0) throw new ParseFailure('a string is not closed', start)
    value += body.slice(at, close)
    if (body.charAt(close + 1) !== "'") return [value, close + 1]
    value += "'"
    at = close + 2
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression'
  if (token.kind === 'string') return `the string '${token.value.replaceAll("'", "''")}'`
  if (token.kind === 'name' || token.kind === 'integer') return `the ${token.kind} ${token.value}`
  return `'${token.value}'`
}

class Parser {
  private readonly body: string
  private readonly tokens: Token[]
  private position = 0

  constructor(body: string, tokens: Token[]) {
    this.body = body
    this.tokens = tokens
  }

  /** The current token, and moves past it unless it is the end. */
  next(): Token {
    const token = this.peek()
    if (token.kind !== 'end') this.position += 1
    return token
  }

  private peek(): Token {
    // tokenize always ends the list with 'end', and next() never moves past it.
    return this.tokens[this.position] as Token
  }

  expect(kind: TokenKind, what: string): Token {
    const token = this.next()
    if (token.kind !== kind) {
      throw new ParseFailure(`expected ${what} but found ${describe(token)}`, token.start)
    }
    return token
  }

  /** expression := primary ( '.' name | '[' expression ']' )* */
  expression(depth: number): ExpressionNode {
    const first = this.peek()
    if (depth > MAX_DEPTH)
      throw new ParseFailure(`it nests deeper than ${MAX_DEPTH} levels`, first.start)
    let node = this.primary(depth)
    for (let kind = this.peek().kind; kind === '.' || kind === '['; kind = this.peek().kind) {
      this.next()
      if (kind === '.') {
        const name = this.expect('name', "a property name after '.'")
        node = {
          kind: 'property',
          target: node,
          property: name.value,
          text: this.source(first, name)
        }
      } else {
        const index = this.expression(depth + 1)
        const close = this.expect(']', "']' after an index")
        node = { kind: 'index', target: node, index, text: this.source(first, close) }
      }
    }
    return node
  }

  /** primary := string | integer | name '(' ( expression ( ',' expression )* )? ')' */
  private primary(depth: number): ExpressionNode {
    const token = this.next()
    const text = this.source(token, token)
    if (token.kind === 'string') return { kind: 'string', value: token.value, text }
    if (token.kind === 'integer') {
      const value = Number(token.value)
      if (!Number.isSafeInteger(value)) {
        throw new ParseFailure(`the integer ${token.value} is too large`, token.start)
      }
      return { kind: 'integer', value, text }
    }
    if (token.kind !== 'name') {
      throw new ParseFailure(
        `expected a function, string or integer but found ${describe(token)}`,
        token.start
      )
    }
    this.expect('(', `'(' after ${token.value} (a name is only valid as a function call)`)
    const args: ExpressionNode[] = []
    if (this.peek().kind !== ')') {
      args.push(this.expression(depth + 1))
      while (this.peek().kind === ',') {
        this.next()
        args.push(this.expression(depth + 1))
      }
    }
    const close = this.expect(')', `',' or ')' in the arguments of ${token.value}()`)
    return { kind: 'call', name: token.value, args, text: this.source(token, close) }
  }

  private source(from: Token, to: Token): string {
    return this.body.slice(from.start, to.end)
  }
}
