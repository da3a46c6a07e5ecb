// Which version of its initiative an assignment runs, and where: its definitionVersion, and the
// overrides of kind definitionVersion that run another version in the locations they select
// (https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides;
// Learn writes the kind `policyVersion`, the REST API and SDKs `definitionVersion`).
import type { Override, PolicyAssignment, SubscriptionSnapshot } from '../model.ts'
import { audits } from './effect-values.ts'
import { includesIgnoringCase } from './ids.ts'
import type { MissingSet } from './reasons.ts'
import { evaluateReference } from './reference-evaluation.ts'
import { assignmentContent } from './references.ts'
import type { Evaluated, Limit, SubscriptionContext } from './types.ts'

const VERSION_KINDS = ['definitionVersion', 'policyVersion']

type Reach = 'all' | 'part' | 'none' | 'unknown'

export interface AssignmentOutcome {
  evaluated: Evaluated[]
  missing: MissingSet[]
}

/**
 * Every JIT reference `assignment` runs, evaluated in the version it runs: its definitionVersion
 * (or the one the last override without selectors names) over the subscription, and for each override
 * of kind definitionVersion limited by location, the version it names there. When the two wire
 * JIT alike (both audit, or neither) the override changes nothing; when they differ, JIT is
 * audited on part of the subscription. A version that cannot be read is a missing set.
 */
export function evaluateAssignment(
  assignment: PolicyAssignment,
  snapshot: SubscriptionSnapshot,
  context: SubscriptionContext
): AssignmentOutcome {
  const overrides = assignment.overrides
    .map((override, index) => ({ override, number: index + 1, reach: reach(override) }))
    .filter(({ override }) => includesIgnoringCase(VERSION_KINDS, override.kind))
  // Overrides are "evaluated in the order in which they're specified": the last that selects
  // the whole subscription names the version that runs over it.
  const last = overrides.filter((item) => item.reach === 'all').at(-1)
  const version = last?.override.value ?? assignment.definitionVersion ?? null
  const run = (version: string | null, limits: Limit[] = []): AssignmentOutcome => {
    const content = assignmentContent(assignment, snapshot, version)
    if (content.kind === 'missing-set') {
      const { setId, why } = content
      return { evaluated: [], missing: [{ assignment, setId, version, why }] }
    }
    const evaluated = content.references.map((reference) =>
      evaluateReference(reference, snapshot, context, limits)
    )
    return { evaluated, missing: [] }
  }
  const unknown = overrides
    .filter((item) => item.reach === 'unknown')
    .map((item) =>
      undecidable(
        `has override #${item.number} of kind definitionVersion with selectors other than resourceLocation, whose reach this check cannot decide`
      )
    )
  const base = run(version, unknown)
  if (base.missing.length > 0 || base.evaluated.length === 0) return base
  const outcome: AssignmentOutcome = { evaluated: [...base.evaluated], missing: [] }

  const baseAudits = base.evaluated.some((item) => audits(item.effect))
  for (const { override, number } of overrides.filter((item) => item.reach === 'part')) {
    const variant = run(override.value)
    // What runs in those locations is unknown: the assignment cannot count as auditing anywhere.
    if (variant.missing.length > 0) return variant
    const variantAudits = variant.evaluated.some((item) => audits(item.effect))
    const where = `the locations override #${number} selects, where it runs version ${override.value}`
    if (variantAudits === baseAudits) {
      const alike = `Override #${number} runs version ${override.value} in the locations it selects, which wires JIT alike (${baseAudits ? 'it audits' : 'it does not audit'} there too); it changes nothing here.`
      for (const item of outcome.evaluated) item.evidence.notes.push(alike)
      continue
    }
    const fix = `remove override #${number} or make both versions audit JIT`
    if (baseAudits) {
      const limit: Limit = { coverage: 'partial', cause: `does not audit JIT in ${where}`, fix }
      outcome.evaluated = outcome.evaluated.map((item) =>
        evaluateReference(item.reference, snapshot, context, [...item.extraLimits, limit])
      )
    } else {
      const limit: Limit = { coverage: 'partial', cause: `audits JIT only in ${where}`, fix }
      outcome.evaluated.push(...run(override.value, [limit]).evaluated)
    }
  }
  return outcome
}

function undecidable(cause: string): Limit {
  return {
    coverage: 'unknown',
    cause,
    fix: 'check its overrides of kind definitionVersion',
    errorCause: 'undecidable',
    decidesEffect: true
  }
}

/** Overrides of kind definitionVersion select by resourceLocation only. */
function reach(override: Override): Reach {
  const selectors = override.selectors ?? []
  if (selectors.length === 0) return 'all'
  if (selectors.some((selector) => selector.kind.toLowerCase() !== 'resourcelocation')) {
    return 'unknown'
  }
  const reaches = selectors.map((selector): Reach => {
    if (selector.in !== undefined) return selector.in.length === 0 ? 'none' : 'part'
    if (selector.notIn !== undefined) return selector.notIn.length === 0 ? 'all' : 'part'
    return 'unknown'
  })
  if (reaches.includes('none')) return 'none'
  if (reaches.includes('unknown')) return 'unknown'
  return reaches.includes('part') ? 'part' : 'all'
}
