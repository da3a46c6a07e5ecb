// A Terraform plan of a large estate runs to tens of megabytes, most of it resources the check does
// not weigh. JSON.parse of the whole file holds four to five times its size in objects; skimming
// the bytes instead checks the whole text against JSON's grammar (RFC 8259) and hands out the byte
// ranges of members and elements, so that only the few that matter are parsed. The structural
// bytes are ASCII, which never occurs inside a multi-byte UTF-8 sequence, so byte offsets cut the
// text at character boundaries.

/** The text is not JSON: what was expected where, as a 0-based byte offset. */
export class JsonSyntaxError extends Error {
  readonly offset: number

  constructor(message: string, offset: number) {
    super(message)
    this.name = 'JsonSyntaxError'
    this.offset = offset
  }
}

/** A value's bytes: `start` inclusive, `end` exclusive. */
export interface Range {
  start: number
  end: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const MINUS = 0x2d

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x46) ||
      (byte >= 0x61 && byte <= 0x66))
  )
}

const ESCAPABLE = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74])

/** Reads ranges out of one JSON text held as UTF-8 bytes. */
export class JsonSkim {
  readonly bytes: Uint8Array

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  private fail(what: string, offset: number): never {
    const found = offset >= this.bytes.length ? 'the end of the file' : `byte ${offset}`
    throw new JsonSyntaxError(`expected ${what} at ${found}`, offset)
  }

  private skipWhitespace(offset: number): number {
    const bytes = this.bytes
    while (offset < bytes.length && isWhitespace(bytes[offset] as number)) offset++
    return offset
  }

  /**
   * Checks the whole text against JSON's grammar; returns the members of the object it holds, or
   * undefined when it holds another value. Throws JsonSyntaxError if it is not JSON.
   */
  rootMembers(): Map<string, Range> | undefined {
    const start = this.skipWhitespace(0)
    let members: Map<string, Range> | undefined
    let end: number
    if (this.bytes[start] === OPEN_BRACE) {
      members = new Map()
      end = this.walk(start, true, (key, value) => members?.set(this.stringAt(key as Range), value))
    } else {
      end = this.skipValue(start)
    }
    if (this.skipWhitespace(end) !== this.bytes.length) this.fail('the end of the file', end)
    return members
  }

  /** The byte after the string that opens at `offset`. */
  private skipString(offset: number): number {
    const bytes = this.bytes
    let at = offset + 1
    for (;;) {
      const byte = bytes[at]
      if (byte === undefined) this.fail('the end of a string', at)
      if (byte === QUOTE) return at + 1
      if (byte < 0x20) this.fail('a string without control characters', at)
      if (byte === BACKSLASH) {
        const escaped = bytes[at + 1]
        if (escaped === 0x75) {
          for (let digit = 2; digit < 6; digit++) {
            if (!isHex(bytes[at + digit])) this.fail('four hex digits after \\u', at + digit)
          }
          at += 6
        } else if (escaped !== undefined && ESCAPABLE.has(escaped)) {
          at += 2
        } else {
          this.fail('an escape sequence', at)
        }
      } else {
        at++
      }
    }
  }

  private skipDigits(offset: number): number {
    while (isDigit(this.bytes[offset])) offset++
    return offset
  }

  private skipNumber(offset: number): number {
    const bytes = this.bytes
    let at = bytes[offset] === MINUS ? offset + 1 : offset
    if (bytes[at] === 0x30) at++
    else if (isDigit(bytes[at]) && bytes[at] !== 0x30) at = this.skipDigits(at)
    else this.fail('a digit', at)
    if (bytes[at] === 0x2e) {
      if (!isDigit(bytes[at + 1])) this.fail('a digit after the decimal point', at + 1)
      at = this.skipDigits(at + 1)
    }
    if (bytes[at] === 0x65 || bytes[at] === 0x45) {
      at++
      if (bytes[at] === 0x2b || bytes[at] === MINUS) at++
      if (!isDigit(bytes[at])) this.fail('a digit in the exponent', at)
      at = this.skipDigits(at)
    }
    return at
  }

  private skipLiteral(offset: number, literal: string): number {
    for (let index = 0; index < literal.length; index++) {
      if (this.bytes[offset + index] !== literal.charCodeAt(index)) this.fail(literal, offset)
    }
    return offset + literal.length
  }

  /** The byte after the value that starts at `offset` (no whitespace before it). */
  skipValue(offset: number): number {
    const byte = this.bytes[offset]
    switch (byte) {
      case QUOTE:
        return this.skipString(offset)
      case OPEN_BRACE:
        return this.skipContainer(offset, true)
      case OPEN_BRACKET:
        return this.skipContainer(offset, false)
      case 0x74:
        return this.skipLiteral(offset, 'true')
      case 0x66:
        return this.skipLiteral(offset, 'false')
      case 0x6e:
        return this.skipLiteral(offset, 'null')
      default:
        if (byte === MINUS || isDigit(byte)) return this.skipNumber(offset)
        return this.fail('a value', offset)
    }
  }

  /** Walks the object or array at `offset`, calling `visit` with each member's key and value range
   * (elements of an array have key undefined); returns the byte after it. */
  private walk(
    offset: number,
    isObject: boolean,
    visit: (key: Range | undefined, value: Range) => void
  ): number {
    const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET
    let at = this.skipWhitespace(offset + 1)
    if (this.bytes[at] === close) return at + 1
    for (;;) {
      let key: Range | undefined
      if (isObject) {
        if (this.bytes[at] !== QUOTE) this.fail('a member name', at)
        key = { start: at, end: this.skipString(at) }
        at = this.skipWhitespace(key.end)
        if (this.bytes[at] !== COLON) this.fail('a colon', at)
        at = this.skipWhitespace(at + 1)
      }
      const value = { start: at, end: this.skipValue(at) }
      visit(key, value)
      at = this.skipWhitespace(value.end)
      if (this.bytes[at] === close) return at + 1
      if (this.bytes[at] !== COMMA) this.fail(`a comma or ${isObject ? '}' : ']'}`, at)
      at = this.skipWhitespace(at + 1)
    }
  }

  private skipContainer(offset: number, isObject: boolean): number {
    return this.walk(offset, isObject, () => undefined)
  }

  /** The text of the string whose quotes span `range`. */
  private stringAt(range: Range): string {
    const inner = Buffer.from(
      this.bytes.buffer,
      this.bytes.byteOffset + range.start,
      range.end - range.start
    )
    return inner.includes(BACKSLASH)
      ? (JSON.parse(inner.toString('utf8')) as string)
      : inner.toString('utf8', 1, inner.length - 1)
  }

  /** True when the value at `range` is an object. */
  isObject(range: Range): boolean {
    return this.bytes[range.start] === OPEN_BRACE
  }

  /** True when the value at `range` is an array. */
  isArray(range: Range): boolean {
    return this.bytes[range.start] === OPEN_BRACKET
  }

  /** The members of the object at `range`, by name (a repeated name: the last, as JSON.parse);
   * only those in `names` when it is given. */
  members(range: Range, names?: ReadonlySet<string>): Map<string, Range> {
    const members = new Map<string, Range>()
    this.walk(range.start, true, (key, value) => {
      const name = this.stringAt(key as Range)
      if (!names || names.has(name)) members.set(name, value)
    })
    return members
  }

  /** Each element of the array at `range`, with its members (those in `names` when it is given)
   * when it is an object; one at a time, in one pass over the array's bytes. */
  *elements(
    range: Range,
    names?: ReadonlySet<string>
  ): Generator<{ range: Range; members?: Map<string, Range> }> {
    let at = this.skipWhitespace(range.start + 1)
    if (this.bytes[at] === CLOSE_BRACKET) return
    for (;;) {
      const start = at
      if (this.bytes[at] === OPEN_BRACE) {
        const members = new Map<string, Range>()
        at = this.walk(at, true, (key, value) => {
          const name = this.stringAt(key as Range)
          if (!names || names.has(name)) members.set(name, value)
        })
        yield { range: { start, end: at }, members }
      } else {
        at = this.skipValue(at)
        yield { range: { start, end: at } }
      }
      at = this.skipWhitespace(at)
      if (this.bytes[at] === CLOSE_BRACKET) return
      if (this.bytes[at] !== COMMA) this.fail('a comma or ]', at)
      at = this.skipWhitespace(at + 1)
    }
  }

  /** The value at `range`, parsed. */
  parse(range: Range): unknown {
    const slice = Buffer.from(
      this.bytes.buffer,
      this.bytes.byteOffset + range.start,
      range.end - range.start
    )
    return JSON.parse(slice.toString('utf8'))
  }

  /** The string at `range`, or undefined when the value there is not a string. */
  string(range: Range | undefined): string | undefined {
    return range !== undefined && this.bytes[range.start] === QUOTE
      ? this.stringAt(range)
      : undefined
  }

  /** The 1-based line and column of a byte offset, for messages. */
  lineAndColumn(offset: number): { line: number; column: number } {
    let line = 1
    let lineStart = 0
    const end = Math.min(offset, this.bytes.length)
    for (let at = 0; at < end; at++) {
      if (this.bytes[at] === 0x0a) {
        line++
        lineStart = at + 1
      }
    }
    return { line, column: end - lineStart + 1 }
  }
}
