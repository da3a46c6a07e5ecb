// The effect a reference runs with before overrides: an assignment parameter, an initiative
// default, a literal in the initiative, or the JIT definition's own default.
import type {
  EffectSource,
  PolicyAssignment,
  PolicyDefinition,
  PolicySetDefinition
} from '../model.ts'
import { describeEffect, effectValue } from './effect-values.ts'
import { findEntry, parseBinding } from './parameters.ts'
import type { JitReference, ResolvedEffect } from './types.ts'

/** The JIT definition's parameter that holds its effect. */
const EFFECT_PARAMETER = 'effect'

export function baseEffect(reference: JitReference, definition: PolicyDefinition): ResolvedEffect {
  if (reference.set === null) return aloneEffect(reference.assignment, definition)
  const binding = findEntry(reference.referenceParameters, EFFECT_PARAMETER)?.value.value
  if (binding === undefined) {
    return definitionDefault(definition, null, 'the initiative does not bind its effect')
  }
  const parsed = parseBinding(binding)
  if (parsed.kind === 'parameter') {
    return setParameterEffect(reference.assignment, reference.set, parsed.name)
  }
  if (parsed.kind === 'expression') {
    return resolved(parsed.text, 'literal', null, expressionNote(reference, parsed.text))
  }
  const value = effectValue(parsed.value)
  const note = `The initiative's reference ${reference.referenceId} fixes the effect to ${describeEffect(value)}.`
  return resolved(parsed.value, 'literal', null, note)
}

function aloneEffect(assignment: PolicyAssignment, definition: PolicyDefinition): ResolvedEffect {
  const name = findEntry(definition.parameters, EFFECT_PARAMETER)?.key ?? EFFECT_PARAMETER
  const given = findEntry(assignment.parameters, name)?.value.value
  if (given === undefined) {
    return definitionDefault(definition, name, `the assignment does not set parameter ${name}`)
  }
  return resolved(given, 'parameter', name, parameterNote(name, given))
}

function setParameterEffect(
  assignment: PolicyAssignment,
  set: PolicySetDefinition,
  parameter: string
): ResolvedEffect {
  const declared = findEntry(set.parameters, parameter)
  const name = declared?.key ?? parameter
  const given = findEntry(assignment.parameters, name)?.value.value
  if (given !== undefined) return resolved(given, 'parameter', name, parameterNote(name, given))
  const fallback = declared?.value.defaultValue
  const note =
    fallback === undefined
      ? `The assignment does not set parameter ${name} and the initiative gives it no default.`
      : `The assignment does not set parameter ${name}; the initiative's default is ${describeEffect(effectValue(fallback))}.`
  return resolved(fallback, 'initiative-default', name, note)
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

function parameterNote(name: string, given: unknown): string {
  return `The assignment sets parameter ${name} to ${describeEffect(effectValue(given))}.`
}

function expressionNote(reference: JitReference, text: string): string {
  return `The initiative's reference ${reference.referenceId} sets the effect to the expression ${text}, which this check cannot evaluate.`
}

function resolved(
  raw: unknown,
  source: EffectSource,
  parameter: string | null,
  note: string
): ResolvedEffect {
  return { ...effectValue(raw), source, parameter, overrideNumber: null, note }
}
