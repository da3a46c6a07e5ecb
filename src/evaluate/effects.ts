// Effect values as Azure data holds them: any JSON, compared case-insensitively; quoted in
// sentences cut at MAX_QUOTED_VALUE (azure-text.ts), compared whole.
import { MAX_QUOTED_VALUE, cutText } from '../azure-text.ts'
import { AUDIT_EFFECT } from '../model.ts'

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

/** How a sentence names the effect: the value (cut at MAX_QUOTED_VALUE: the value is Azure's, the
 * sentence ours), or a description when there is none. */
export function describeEffect(effect: EffectValue): string {
  return effect.text === '' ? 'no value' : quotedValue(effect.text)
}

/** A value from Azure as a sentence quotes it: cut at MAX_QUOTED_VALUE, marked when cut. */
export function quotedValue(text: string): string {
  return cutText(text, MAX_QUOTED_VALUE)
}
