// Labels and limits the job summary's table and its "How to fix" sections share.
import { VERDICT_MARKS, VERDICTS, type EffectSource, type Verdict } from '../model.ts'
import { escapeInline } from './markdown.ts'

/** Longest display name and id shown, in code points. */
export const MAX_DISPLAY_NAME = 80
export const MAX_ID = 200

/** Each verdict with its mark (model.ts, VERDICT_MARKS), e.g. `❌ noncompliant`. */
export const VERDICT_LABELS = Object.fromEntries(
  VERDICTS.map((verdict) => [verdict, `${VERDICT_MARKS[verdict]} ${verdict}`])
) as Readonly<Record<Verdict, string>>

const SOURCE_LABELS: Readonly<Record<EffectSource, string>> = {
  parameter: 'assignment parameter',
  'initiative-default': 'initiative default',
  'definition-default': 'definition default',
  literal: 'written in the initiative',
  override: 'assignment override'
}

export const COVERAGE_LABELS: Readonly<Record<string, string>> = {
  full: 'covers the whole subscription',
  partial: 'covers part of the subscription',
  none: 'does not cover the subscription',
  unknown: 'coverage unknown'
}

/** `1 thing` or `2 things`. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/** How the summary names where an effect came from; an unknown source is shown escaped. */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source as EffectSource] ?? escapeInline(source, 40)
}
