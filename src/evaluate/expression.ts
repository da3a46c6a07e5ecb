// Evaluates the ARM template expressions that an initiative may put in the parameter values it
// passes to a policy definition (Azure Policy evaluates them with the initiative's parameters:
// https://learn.microsoft.com/azure/governance/policy/concepts/initiative-definition-structure).
// Only the functions below are evaluated; anything else is a reason, never a guess. Pure.
import { parseExpression, type ExpressionNode } from './expression-parser.ts'

/**
 * Finds a parameter of the initiative by name (ARM names are case-insensitive): `found` with its
 * value as assigned (the assignment's value, else the initiative's defaultValue), and `key`, the
 * name as the initiative declares it.
 */
export type ParameterLookup = (name: string) => { found: boolean; value?: unknown; key?: string }

export type ExpressionResult =
  { ok: true; value: unknown; parametersUsed: string[] } | { ok: false; reason: string }

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string }

interface Context {
  lookupParameter: ParameterLookup
  parametersUsed: string[]
}

type ArmType = 'string' | 'int' | 'bool' | 'array' | 'object' | 'null' | 'other'

/**
 * The value an initiative's reference parameter value stands for.
 * `value` is the JSON value as written; a string that starts with `[` and ends with `]` is an
 * expression, except that a leading `[[` makes a literal string without its first `[`
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions#escape-characters);
 * any other value is itself. Returns the value and the parameters (as the lookup's `key`, in
 * order of first use) the evaluation read, or `{ ok: false, reason }` with a reason starting
 * "cannot evaluate" that names the part it could not evaluate. Never throws.
 */
export function evaluateExpression(
  value: unknown,
  lookupParameter: ParameterLookup
): ExpressionResult {
  if (typeof value !== 'string' || !value.startsWith('[') || !value.endsWith(']')) {
    return { ok: true, value, parametersUsed: [] }
  }
  if (value.startsWith('[[')) return { ok: true, value: value.slice(1), parametersUsed: [] }
  const parsed = parseExpression(value.slice(1, -1))
  if (!parsed.ok) return parsed
  const context: Context = { lookupParameter, parametersUsed: [] }
  const outcome = evaluate(parsed.node, context)
  return outcome.ok ? { ...outcome, parametersUsed: context.parametersUsed } : outcome
}

function evaluate(node: ExpressionNode, context: Context): Outcome {
  switch (node.kind) {
    case 'string':
    case 'integer':
      return { ok: true, value: node.value }
    case 'property':
      return cannot(node, `this check does not evaluate property access (.${node.property})`)
    case 'index':
      return cannot(node, 'this check does not evaluate array or object indexes')
    case 'call':
      return call(node, context)
  }
}

type Call = Extract<ExpressionNode, { kind: 'call' }>

interface Signature {
  /** The arguments' ARM types; null takes any. */
  params: (ArmType | null)[]
  /** The last parameter may repeat. */
  more?: true
  /** Only this many leading arguments are evaluated before `run`; by default all. */
  evaluated?: number
  run: (values: unknown[], call: Call, context: Context) => Outcome
}

// Template functions and their names are case-insensitive (template-expressions, "Use functions").
const FUNCTIONS = new Map<string, Signature>(
  Object.entries({
    // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-deployment#parameters
    parameters: {
      params: ['string'],
      run: ([name], call, context) => parameter(call, context, name)
    },
    // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-logical#if
    // "When the condition is True, only the true value is evaluated" (and the false likewise).
    if: {
      params: ['bool', null, null],
      evaluated: 1,
      run: ([condition], call, context) =>
        evaluate(call.args[condition ? 1 : 2] as ExpressionNode, context)
    },
    // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison#equals
    equals: { params: [null, null], run: ([a, b], call) => equals(call, a, b) },
    // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-logical
    not: { params: ['bool'], run: ([a]) => ok(!a) },
    and: { params: ['bool', 'bool'], more: true, run: (values) => ok(values.every(Boolean)) },
    or: { params: ['bool', 'bool'], more: true, run: (values) => ok(values.some(Boolean)) },
    // "You can also use true() and false() to get boolean values." (logical functions, bool)
    true: { params: [], run: () => ok(true) },
    false: { params: [], run: () => ok(false) },
    // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string
    tolower: { params: ['string'], run: ([text]) => ok(String(text).toLowerCase()) },
    toupper: { params: ['string'], run: ([text]) => ok(String(text).toUpperCase()) },
    concat: { params: [null], more: true, run: concat }
  } satisfies Record<string, Signature>)
)

const NAMES = 'parameters, if, equals, not, and, or, true, false, toLower, toUpper, concat'

/** Checks the argument count, evaluates the arguments and checks their types, then runs. */
function call(node: Call, context: Context): Outcome {
  const signature = FUNCTIONS.get(node.name.toLowerCase())
  if (signature === undefined) {
    return cannot(
      node,
      `${node.name}() is not one of the functions this check evaluates (${NAMES})`
    )
  }
  const { params, more, evaluated = node.args.length, run } = signature
  if (more ? node.args.length < params.length : node.args.length !== params.length) {
    const count = `${more ? 'at least' : 'exactly'} ${params.length}`
    const noun = params.length === 1 ? 'argument' : 'arguments'
    return cannot(node, `${node.name}() takes ${count} ${noun}, not ${node.args.length}`)
  }
  const values: unknown[] = []
  for (const [i, arg] of node.args.slice(0, evaluated).entries()) {
    const outcome = evaluate(arg, context)
    if (!outcome.ok) return outcome
    const wanted = params[Math.min(i, params.length - 1)]
    const type = armType(outcome.value)
    if (wanted && type !== wanted) {
      const is = `${arg.text} is ${article(type)}`
      return cannot(node, `argument ${i + 1} of ${node.name}() must be a ${wanted}, but ${is}`)
    }
    values.push(outcome.value)
  }
  return run(values, node, context)
}

function parameter(call: Call, context: Context, name: unknown): Outcome {
  const found = context.lookupParameter(String(name))
  if (!found.found) {
    const why = "neither the assignment nor the initiative's defaultValue sets one"
    return cannot(call, `parameter ${String(name)} has no value (${why})`)
  }
  const key = found.key ?? String(name)
  if (!context.parametersUsed.includes(key)) context.parametersUsed.push(key)
  return ok(found.value)
}

/** concat of strings gives a string; of arrays, an array (template-functions-string#concat). */
function concat(values: unknown[], call: Call): Outcome {
  const types = new Set(values.map(armType))
  if (types.size === 1 && types.has('string')) return ok(values.join(''))
  if (types.size === 1 && types.has('array')) return ok((values as unknown[][]).flat(1))
  return cannot(call, `concat() takes only strings or only arrays, not ${[...types].join(' and ')}`)
}

/**
 * equals compares case-sensitively: Bicep's `==` is this function and Bicep needs a separate
 * `=~` to ignore case (https://learn.microsoft.com/azure/azure-resource-manager/bicep/operators-comparison).
 * How ARM compares values of different types is not documented, so that is a reason.
 */
function equals(call: Call, a: unknown, b: unknown): Outcome {
  const same = sameValue(a, b)
  return typeof same === 'boolean' ? ok(same) : cannot(call, same)
}

function sameValue(a: unknown, b: unknown): boolean | string {
  const [typeA, typeB] = [armType(a), armType(b)]
  if (typeA !== typeB || typeA === 'null' || typeA === 'other') {
    const types = `${article(typeA)} and ${article(typeB)}`
    return `equals() compares two strings, ints, bools, arrays or objects, not ${types}`
  }
  if (typeA !== 'array' && typeA !== 'object') return a === b
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>]
  const keysY = Object.keys(y)
  if (Object.keys(x).length !== keysY.length) return false
  for (const [key, value] of Object.entries(x)) {
    if (!Object.hasOwn(y, key)) {
      // ARM property names are case-insensitive; whether equals() is too is not documented.
      const lower = key.toLowerCase()
      const near = keysY.find((other) => other.toLowerCase() === lower)
      return near === undefined ? false : `equals() on properties ${key} and ${near} (case differs)`
    }
    const same = sameValue(value, y[key])
    if (same !== true) return same
  }
  return true
}

function armType(value: unknown): ArmType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'other'
  return typeof value === 'object' ? 'object' : 'other'
}

function article(type: ArmType): string {
  if (type === 'null') return 'null'
  if (type === 'other') return 'a value of another type'
  return `${type === 'int' || type === 'array' || type === 'object' ? 'an' : 'a'} ${type}`
}

function ok(value: unknown): Outcome {
  return { ok: true, value }
}

function cannot(node: ExpressionNode, why: string): Outcome {
  return { ok: false, reason: `cannot evaluate ${node.text}: ${why}` }
}
