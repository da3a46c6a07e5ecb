// Effect values as Azure data holds them (any JSON, compared case-insensitively), and how sentences
// name an effect, where it came from, and what to change to make it audit.
import { AUDIT_EFFECT } from '../model.ts'
import type { JitReference, ResolvedEffect } from './types.ts'

export const DISABLED = 'Disabled'

export type KnownEffect = typeof AUDIT_EFFECT | typeof DISABLED

export interface EffectValue {
  /** The value as written: the string itself, JSON for other values, '' when there is none. */
  text: string
  /** AuditIfNotExists or Disabled when the value is one of them in any case, else null. */
  known: KnownEffect | null
}

export function effectValue(raw: unknown): EffectValue {
  if (typeof raw !== 'string') return { text: JSON.stringify(raw) ?? '', known: null }
  return { text: raw, known: knownEffect(raw) }
}

function knownEffect(value: string): KnownEffect | null {
  const lower = value.toLowerCase()
  if (lower === AUDIT_EFFECT.toLowerCase()) return AUDIT_EFFECT
  if (lower === DISABLED.toLowerCase()) return DISABLED
  return null
}

export function audits(effect: EffectValue): boolean {
  return effect.known === AUDIT_EFFECT
}

/** How a sentence names the effect: the value, or a description when there is none. */
export function describeEffect(effect: EffectValue): string {
  return effect.text === '' ? 'no value' : effect.text
}

/** The effect for a sentence: known effects as written, anything else quoted. */
export function shownEffect(effect: ResolvedEffect): string {
  if (effect.text === '') return 'no value'
  return effect.known === null ? `'${effect.text}'` : effect.text
}

/** A verb phrase, with the assignment as subject, that says which effect it runs and whence. */
export function effectClause(effect: ResolvedEffect, reference: JitReference): string {
  return `${origin(effect, reference)}${effect.known === null ? `, which does not audit JIT (only ${AUDIT_EFFECT} does)` : ''}`
}

function origin(effect: ResolvedEffect, reference: JitReference): string {
  const shown = shownEffect(effect)
  switch (effect.source) {
    case 'parameter':
      return `sets parameter ${effect.parameter} to ${shown}`
    case 'initiative-default':
      return effect.text === ''
        ? `leaves parameter ${effect.parameter} without a value and its initiative gives it no default`
        : `leaves parameter ${effect.parameter} at its initiative default ${shown}`
    case 'definition-default':
      return `runs the JIT definition with its default effect ${shown}`
    case 'literal':
      return `assigns an initiative whose reference ${reference.referenceId} sets the JIT effect to ${shown}`
    case 'override':
      return `overrides the JIT effect to ${shown} (override #${effect.overrideNumber})`
  }
}

/** An imperative phrase that would make this effect AuditIfNotExists. */
export function effectFix(effect: ResolvedEffect, reference: JitReference): string {
  if (effect.source === 'override') {
    return `remove override #${effect.overrideNumber} or set its value to ${AUDIT_EFFECT}`
  }
  if (effect.parameter !== null) return `set parameter ${effect.parameter} to ${AUDIT_EFFECT}`
  return `add a policyEffect override with value ${AUDIT_EFFECT} for reference ${reference.referenceId}`
}
