// The effect a reference runs with before overrides: an assignment parameter, an initiative
// default, a literal or an expression in the initiative, or the JIT definition's own default.
import type {
  EffectSource,
  PolicyAssignment,
  PolicyDefinition,
  PolicySetDefinition
} from '../model.ts'
import { describeEffect, effectValue, quotedValue, type EffectValue } from './effects.ts'
import { evaluateExpression, type ParameterLookup } from './expression.ts'
import { findEntry } from './ids.ts'
import type { JitReference, ResolvedEffect } from './types.ts'

/** The JIT definition's parameter that holds its effect. */
const EFFECT_PARAMETER = 'effect'

/**
 * The effect `reference` runs with before overrides. A reference's value is an ARM template
 * expression evaluated against the initiative's parameters as assigned (the assignment's value,
 * else the initiative's defaultValue), as Azure Policy evaluates it
 * (https://learn.microsoft.com/azure/governance/policy/concepts/initiative-definition-structure).
 * An expression that cannot be evaluated gives an effect whose `undecidable` says why.
 */
export function baseEffect(reference: JitReference, definition: PolicyDefinition): ResolvedEffect {
  if (reference.set === null) return aloneEffect(reference.assignment, definition)
  const binding = findEntry(reference.referenceParameters, EFFECT_PARAMETER)?.value.value
  if (binding === undefined) {
    return definitionDefault(definition, null, 'the initiative does not bind its effect')
  }
  const given = new Set<string>()
  const lookup = setParameterLookup(reference.assignment, reference.set, given)
  const outcome = evaluateExpression(binding, lookup)
  const written = typeof binding === 'string' ? binding : JSON.stringify(binding)
  if (!outcome.ok) {
    const note = `The initiative's reference ${reference.referenceId} sets the effect to ${quotedValue(written)}, which this check cannot decide: ${outcome.reason}.`
    return { ...resolved(written, 'literal', null, note), undecidable: outcome.reason }
  }
  const used = outcome.parametersUsed
  const value = effectValue(outcome.value)
  if (used.length === 0) {
    const note = `The initiative's reference ${reference.referenceId} fixes the effect to ${describeEffect(value)}.`
    return resolved(outcome.value, 'literal', null, note)
  }
  const source: EffectSource = used.some((name) => given.has(name))
    ? 'parameter'
    : 'initiative-default'
  const only = used.length === 1 ? (used[0] as string) : null
  const note =
    only !== null && lookup(only).value === outcome.value
      ? parameterNote(only, given.has(only), value)
      : expressionNote(written, used, given, value)
  return resolved(outcome.value, source, only, note)
}

/** Reads the initiative's parameters as the assignment gives them; records the ones it gives. */
function setParameterLookup(
  assignment: PolicyAssignment,
  set: PolicySetDefinition,
  given: Set<string>
): ParameterLookup {
  return (name) => {
    const declared = findEntry(set.parameters, name)
    const key = declared?.key ?? name
    const value = findEntry(assignment.parameters, key)?.value.value
    if (value !== undefined) {
      given.add(key)
      return { found: true, value, key }
    }
    const fallback = declared?.value.defaultValue
    return fallback === undefined ? { found: false } : { found: true, value: fallback, key }
  }
}

/** The effect is one initiative parameter's value, passed on as it is. */
function parameterNote(name: string, isGiven: boolean, value: EffectValue): string {
  return isGiven
    ? `The assignment sets parameter ${name} to ${describeEffect(value)}.`
    : `The assignment does not set parameter ${name}; the initiative's default is ${describeEffect(value)}.`
}

function expressionNote(
  written: string,
  used: readonly string[],
  given: ReadonlySet<string>,
  value: EffectValue
): string {
  const parts = used.map((name) =>
    given.has(name)
      ? `the assignment sets parameter ${name}`
      : `parameter ${name} keeps its initiative default`
  )
  return `The effect is ${describeEffect(value)}: the initiative passes ${quotedValue(written)}, and ${parts.join(', ')}.`
}

function aloneEffect(assignment: PolicyAssignment, definition: PolicyDefinition): ResolvedEffect {
  const name = findEntry(definition.parameters, EFFECT_PARAMETER)?.key ?? EFFECT_PARAMETER
  const given = findEntry(assignment.parameters, name)?.value.value
  if (given === undefined) {
    return definitionDefault(definition, name, `the assignment does not set parameter ${name}`)
  }
  return resolved(given, 'parameter', name, parameterNote(name, true, effectValue(given)))
}

function definitionDefault(
  definition: PolicyDefinition,
  parameter: string | null,
  why: string
): ResolvedEffect {
  const fallback = findEntry(definition.parameters, EFFECT_PARAMETER)?.value.defaultValue
  const note = `The effect is the JIT definition's default, ${describeEffect(effectValue(fallback))}: ${why}.`
  return resolved(fallback, 'definition-default', parameter, note)
}

function resolved(
  raw: unknown,
  source: EffectSource,
  parameter: string | null,
  note: string
): ResolvedEffect {
  return { ...effectValue(raw), source, parameter, overrideNumber: null, note }
}
