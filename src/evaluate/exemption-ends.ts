// Exemptions about to end, and exemptions as results name them. The evaluator has no clock: "now"
// is the snapshot's collectedAt, and an exemption's end is its expiresOn, which Learn gives in
// UTC ("Universal ISO 8601 DateTime format",
// https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure#expiration).
import type { PolicyExemption } from '../model.ts'
import { isoTime } from './exemptions.ts'
import type { ExemptionPart } from './reach.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/** An exemption that ends within the window, and when (milliseconds since the epoch). */
export interface Ending {
  exemption: PolicyExemption
  accepted: boolean
  endsAt: number
}

/**
 * The exemptions of `parts` (each takes part of where some assignment would audit JIT) whose
 * expiresOn falls from `collectedAt` to `days` days after it, each once, soonest first. None when
 * `days` is 0.
 */
export function endingWithin(
  parts: readonly ExemptionPart[],
  collectedAt: string,
  days: number
): Ending[] {
  const now = isoTime(collectedAt)
  const endings = new Map<string, Ending>()
  for (const { exemption, accepted } of parts) {
    if (exemption.expiresOn === undefined || endings.has(exemption.id)) continue
    const endsAt = isoTime(exemption.expiresOn)
    if (endsAt >= now && endsAt <= now + days * DAY_MS) {
      endings.set(exemption.id, { exemption, accepted, endsAt })
    }
  }
  return [...endings.values()].sort((a, b) => a.endsAt - b.endsAt)
}

/** The time just after an exemption ends, as a snapshot's collectedAt: it has expired then. */
export function justAfter(endsAt: number): string {
  return new Date(endsAt + 1).toISOString()
}

/** Each exemption once, in order. */
export function distinctExemptions(parts: readonly ExemptionPart[]): PolicyExemption[] {
  const byId = new Map(parts.map((part) => [part.exemption.id, part.exemption]))
  return [...byId.values()]
}
