// Coverage of the subscription by one JIT reference: the narrowest of everything that limits it.
import type { Coverage } from '../model.ts'
import type { Limit } from './types.ts'

const NARROWNESS: Record<Coverage, number> = { full: 0, partial: 1, unknown: 2, none: 3 }

/** What stands when nothing limits a reference. */
const NO_LIMIT: Limit = {
  coverage: 'full',
  cause: 'covers the whole subscription',
  fix: 'keep it as it is'
}

/** The first of the narrowest limits, or NO_LIMIT. `none` beats `unknown` (whatever the unknown,
 * the reference does not cover the subscription), which beats `partial`. */
export function narrowestLimit(limits: readonly Limit[]): Limit {
  let narrowest = NO_LIMIT
  for (const limit of limits) {
    if (NARROWNESS[limit.coverage] > NARROWNESS[narrowest.coverage]) narrowest = limit
  }
  return narrowest
}

export function limitNote(limit: Limit): string {
  return `Coverage ${limit.coverage}: the assignment ${limit.cause}.`
}
