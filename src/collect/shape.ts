// Reads Azure's JSON strictly, at the boundary: each field the rule reads must have the type
// Azure's REST specification gives it (azure-rest-api-specs, docs/design.md "The rule"), or the
// read fails with a ShapeError that names the field, the resource and what the field is instead.
// An absent optional field (or ARM's `null` for one) is absent; a field of another type is never
// read as absent, nor defaulted.
import { ArmRequestError } from './errors.ts'

/** A field of an answer from Azure does not have the type Azure documents for it. Its message
 * names the field, e.g. "properties.notScopes of policy assignment '/subscriptions/…/x' is a
 * string, not a list". A MalformedResponse ArmRequestError, as any malformed answer. */
export class ShapeError extends ArmRequestError {
  constructor(message: string) {
    super(200, 'MalformedResponse', message)
    this.name = 'ShapeError'
  }
}

/** The sentence for `what` of `scope` (e.g. "the policy assignments", "/subscriptions/S") whose
 * answer `error` refused, naming the field: no re-run reads it otherwise. */
export function describeShapeFailure(error: ShapeError, what: string, scope: string): string {
  return `The answer for ${what} of ${scope} does not have the shape Azure documents: ${error.message}. The check does not guess at what it cannot read; check whether something between the runner and Azure rewrites the answers, and report it if Azure changed its API.`
}

/** A JSON object, as JSON.parse gives it. */
export type JsonObject = Record<string, unknown>

/** What a JSON value is, in words: "a string", "a list", "null", "missing"... */
function typeOf(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'true or false'
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** One JSON value of an answer, where it sits (`properties.notScopes[0]`) and whose it is (`policy
 * assignment '/subscriptions/…'`), read strictly: each reader returns it typed or throws a
 * ShapeError naming it. */
export class Field {
  readonly value: unknown
  /** Where the value sits from the resource's top, as JavaScript would write it; '' at the top. */
  readonly path: string
  /** The resource it belongs to, for messages: a kind and, when known, its id. */
  readonly owner: string

  constructor(value: unknown, path: string, owner: string) {
    this.value = value
    this.path = path
    this.owner = owner
  }

  /** The value of a resource from Azure (`what`, e.g. "policy assignment"), named by its `id` when
   * it has a string one. */
  static of(value: unknown, what: string): Field {
    const id = typeof value === 'object' && value !== null ? (value as JsonObject).id : undefined
    return new Field(value, '', typeof id === 'string' ? `${what} '${id}'` : `a ${what}`)
  }

  /** Fails naming this field: it is not `expected` ("a list"), or, with `is`, says what it is. */
  fail(expected: string, is?: string): never {
    const where = this.path === '' ? this.owner : `${this.path} of ${this.owner}`
    throw new ShapeError(`${where} is ${is ?? typeOf(this.value)}, not ${expected}`)
  }

  /** Whether the field is absent: missing, or `null` (ARM writes it for optional fields unset). */
  get absent(): boolean {
    return this.value === undefined || this.value === null
  }

  /** The field `key` of this object (absent when this is not an object: read it with object()). */
  at(key: string): Field {
    const value =
      typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value)
        ? (this.value as JsonObject)[key]
        : undefined
    const step = IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
    return new Field(
      value,
      this.path === '' ? step.replace(/^\./, '') : `${this.path}${step}`,
      this.owner
    )
  }

  object(): JsonObject {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      this.fail('an object')
    return this.value as JsonObject
  }

  /** The object, or `{}` when the field is absent. */
  optionalObject(): JsonObject {
    return this.absent ? {} : this.object()
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('a string')
    return this.value
  }

  /** The string, or undefined when the field is absent. */
  optionalString(): string | undefined {
    return this.absent ? undefined : this.string()
  }

  /** The string when it is not empty, else undefined (absent, or ''). */
  optionalText(): string | undefined {
    const text = this.optionalString()
    return text === '' ? undefined : text
  }

  /** Each item of the list, as a field of its own. */
  list(): Field[] {
    if (!Array.isArray(this.value)) this.fail('a list')
    return this.value.map(
      (item: unknown, index) => new Field(item, `${this.path}[${index}]`, this.owner)
    )
  }

  /** The items, or none when the field is absent. */
  optionalList(): Field[] {
    return this.absent ? [] : this.list()
  }

  /** A list of strings, or none when the field is absent. */
  optionalStrings(): string[] {
    return this.optionalList().map((item) => item.string())
  }

  /** Each entry of an object keyed by names (parameters), as a field of its own; none when the
   * field is absent. */
  optionalEntries(): [string, Field][] {
    return Object.keys(this.optionalObject()).map((key) => [key, this.at(key)])
  }
}
