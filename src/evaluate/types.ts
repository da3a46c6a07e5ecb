// Shapes the evaluator passes between its steps; none of them leaves the module.
import type {
  AssignmentEvidence,
  Coverage,
  EffectSource,
  ErrorCause,
  ExemptionRules,
  ParameterValues,
  PolicyAssignment,
  PolicySetDefinition
} from '../model.ts'
import type { EffectValue } from './effects.ts'
import type { Locations } from './locations.ts'
import type { Reach } from './reach.ts'
import type { Region, Universe } from './region.ts'

/** One place where an assignment runs the JIT definition. */
export interface JitReference {
  assignment: PolicyAssignment
  /** The initiative that holds the reference; null when the definition is assigned alone. */
  set: PolicySetDefinition | null
  /** The reference id inside the initiative; null when the definition is assigned alone. */
  referenceId: string | null
  /** The reference's own parameter bindings; empty when the definition is assigned alone. */
  referenceParameters: ParameterValues
  /** The id the assignment or the reference uses for the JIT definition. */
  definitionId: string
}

export interface ResolvedEffect extends EffectValue {
  source: EffectSource
  /** The assignment parameter that sets this effect (what to change), or null. */
  parameter: string | null
  /** 1-based position of the override that set this effect, when one did. */
  overrideNumber: number | null
  /** Explains where the effect came from, for people. */
  note: string
  /** Why the effect cannot be decided ("cannot evaluate …"), when it cannot. */
  undecidable?: string
}

/** Something that takes an assignment off all or part of the subscription. */
export interface Limit {
  coverage: Coverage
  /** A verb phrase with the assignment as subject: "excludes /subscriptions/… in its notScopes". */
  cause: string
  /** An imperative phrase: "remove it from notScopes". */
  fix: string
  /** For `partial` and `none`: the part it takes from where the reference would audit; for
   * `unknown`: the part it leaves in doubt. */
  region: Region
  /** For `unknown` coverage: what kept it from being decided (default `undecidable`). */
  errorCause?: ErrorCause
  /** For `unknown` coverage: the unknown decides the effect too, so it matters even when the
   * effect found does not audit. */
  decidesEffect?: true
}

/** One thing that decides, by location, where a reference audits: where its assignment evaluates,
 * what an exemption exempts, what an override selects; said for people. */
export interface LocationPart {
  locations: Locations
  /** The locations where this part keeps the reference from auditing JIT (none when it does not). */
  taken: Locations
  /** A verb phrase with the assignment as subject. */
  cause: string
  /** An imperative phrase; absent when this part is not what keeps JIT from being audited. */
  fix?: string
}

/** What keeps one reference from being decided: the cause and fix an `error` verdict gives. */
export interface Undecided {
  /** A verb phrase with the assignment as subject. */
  cause: string
  fix: string
  errorCause: ErrorCause
}

/** What the rule found for one JIT reference: its evidence and what the reason needs. */
export interface Evaluated {
  reference: JitReference
  effect: ResolvedEffect
  /** The narrowest limit: the one behind the evidence's coverage. */
  limit: Limit
  /** Set when the effect, or the coverage of an auditing effect, cannot be decided. */
  undecided: Undecided | null
  evidence: AssignmentEvidence
  /** Where it audits JIT, as regions of the subscription, before the versions its assignment runs
   * place it (versions.ts). */
  reach: Reach
}

/** Facts about the subscription that every assignment is measured against. */
export interface SubscriptionContext {
  subscriptionId: string
  /** `/subscriptions/<id>`, normalized. */
  scope: string
  /** Lower-cased names of the management groups above the subscription, when the ancestry was
   * read; null when it was not. */
  ancestry: ReadonlySet<string> | null
  /** Lower-cased names of management groups known to be above the subscription because
   * assignments that apply to it were made there. */
  knownAncestors: ReadonlySet<string>
  ancestryError: string | undefined
  collectedAt: string
  /** The cells of the subscription that regions are made of. */
  universe: Universe
  /** Which exemptions the run accepts, and how far ahead exemptions' ends are named. */
  rules: ExemptionRules
}
