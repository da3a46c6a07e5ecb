// The plain data that flows between the steps: collect -> evaluate -> report.
// Shapes follow ARM's policy resources, flattened out of `properties`, with only the fields the
// rule reads. Nothing here depends on an Azure or GitHub package.

// The facts of the rule (docs/design.md, "The rule") and the action's own name have their one
// home here.

/** Name (GUID) of the built-in definition JIT_POLICY_DISPLAY_NAME. */
export const JIT_POLICY_DEFINITION_NAME = 'b0f33259-77d7-4c9e-aac6-3aabcfae693c'
export const JIT_POLICY_DEFINITION_ID = `/providers/Microsoft.Authorization/policyDefinitions/${JIT_POLICY_DEFINITION_NAME}`
/** The built-in definition's display name, as Azure Policy shows it. */
export const JIT_POLICY_DISPLAY_NAME =
  'Management ports of virtual machines should be protected with just-in-time network access control'
/** The only effect that makes Defender for Cloud audit JIT network access. */
export const AUDIT_EFFECT = 'AuditIfNotExists'

/** This action's name: the tool in SARIF, the summary footer, and the hidden marker by which a
 * later run finds its issue and pull-request comment again. */
export const TOOL_NAME = 'azure-jit-network-access-check'

export type ParameterValues = Record<string, { value?: unknown } | undefined>

/** The kinds of override Azure documents: `policyEffect` and `definitionVersion` (REST API and
 * SDKs), `policyVersion` (Learn's name for the latter,
 * https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure#overrides).
 * An override of another kind is refused where it is read: what it changes is unknown. */
export const OVERRIDE_KINDS: readonly string[] = [
  'policyEffect',
  'definitionVersion',
  'policyVersion'
]

export interface Selector {
  kind: string
  in?: string[]
  notIn?: string[]
}

export interface Override {
  kind: string
  value: string
  selectors?: Selector[]
}

export interface ResourceSelector {
  name: string
  selectors: Selector[]
}

export interface PolicyAssignment {
  id: string
  name: string
  displayName?: string
  /** The scope the assignment was created at: a management group, the subscription, or a resource
   * group or resource inside it (the unfiltered list returns all of them). */
  scope: string
  policyDefinitionId: string
  /** The version asked for, as written (`1.*.*`, `2.0.0`); absent: the latest. */
  definitionVersion?: string
  /** The version the assignment runs, as ARM reports it (`$expand=EffectiveDefinitionVersion`). */
  effectiveDefinitionVersion?: string
  /** The newest version there is, as ARM reports it (`$expand=LatestDefinitionVersion`). */
  latestDefinitionVersion?: string
  notScopes: string[]
  parameters: ParameterValues
  /** `Default`, `DoNotEnforce` or `Enroll`. */
  enforcementMode: string
  overrides: Override[]
  resourceSelectors: ResourceSelector[]
}

export interface PolicyDefinitionReference {
  policyDefinitionId: string
  policyDefinitionReferenceId: string
  /** The version of the referenced definition the set pins, as written; absent: the latest. */
  definitionVersion?: string
  parameters: ParameterValues
}

export interface ParameterDefinition {
  type?: string
  defaultValue?: unknown
  allowedValues?: unknown[]
}

export interface PolicySetDefinition {
  id: string
  name: string
  displayName?: string
  version?: string
  parameters: Record<string, ParameterDefinition | undefined>
  policyDefinitions: PolicyDefinitionReference[]
}

export interface PolicyDefinition {
  id: string
  name: string
  displayName?: string
  version?: string
  parameters: Record<string, ParameterDefinition | undefined>
}

export interface PolicyExemption {
  id: string
  name: string
  displayName?: string
  /** The scope the exemption was created at (its id before `/providers/Microsoft.Authorization`). */
  scope: string
  policyAssignmentId: string
  policyDefinitionReferenceIds: string[]
  /** `Waiver` or `Mitigated`. */
  exemptionCategory: string
  /** ISO 8601; absent when the exemption never expires (ARM writes `null` or leaves it out). */
  expiresOn?: string
  /** Which resources the exemption exempts, with the meaning an assignment's have; empty: all. */
  resourceSelectors: ResourceSelector[]
}

/** Defender for Cloud's plan for servers on a subscription (`Microsoft.Security/pricings/VirtualMachines`). */
export type DefenderForServersPlan =
  /** `pricingTier` `Free` or `Standard`; `subPlan` `P1` or `P2` when Standard;
   * `resourcesCoverageStatus` `FullyCovered`, `PartiallyCovered` or `NotCovered` when ARM gives
   * it: whether resource-level plans leave some resources without the subscription's plan. */
  | { pricingTier: string; subPlan?: string; resourcesCoverageStatus?: string }
  /** The plan could not be read: why, for people, and what an `error` verdict on it asks to fix
   * (`access-denied` for a refusal, else `transient`). */
  | { unreadable: string; cause: ErrorCause }

/** Everything the rule needs to decide one subscription, as the collector gathered it. */
export interface SubscriptionSnapshot {
  subscriptionId: string
  /** Every assignment associated with the subscription: inherited from management groups, at it,
   * and at resource groups and resources inside it (the list without `$filter`). */
  assignments: PolicyAssignment[]
  /** The exemptions that touch the subscription: above it, at it and inside it. */
  exemptions: PolicyExemption[]
  /** Set definitions named by the assignments, keyed by `setDefinitionKey(id, version)` (azure-ids.ts)
   * for each version an assignment runs (its effective version, or the version a `definitionVersion`
   * override names). A set that could not be read is absent (and listed in
   * `unreadableSetDefinitions`, under the same key, when the collector knows why). */
  setDefinitions: Record<string, PolicySetDefinition | undefined>
  unreadableSetDefinitions?: Record<string, string | undefined>
  /** The JIT policy definition itself, for its default effect. */
  jitPolicyDefinition: PolicyDefinition
  /** Management groups above the subscription, as management group ids
   * (`/providers/Microsoft.Management/managementGroups/NAME`): from Resource Graph its whole
   * chain, nearest parent first; from Resource Manager, those of the groups a notScope names whose
   * descendants list the subscription (wherever their parent field points). Absent when it was not
   * read; the collector reads it only when some notScope names a management group. */
  managementGroupAncestry?: string[]
  /** Why the ancestry could not be read, when the collector tried and failed. */
  managementGroupAncestryError?: string
  /** When the snapshot was taken, ISO 8601: exemptions that expired before it do not count. */
  collectedAt: string
  /** The subscription's Defender for Servers plan; absent when the check was turned off. */
  defenderForServers?: DefenderForServersPlan
}

/**
 * How the run weighs exemptions (the `accept-mitigated-exemptions` and `exemption-expiry-days`
 * inputs). Learn's exemption categories: `Mitigated` "because the policy intent is met through
 * another method", `Waiver` because "the non-compliance state of the resource is temporarily
 * accepted" (https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure#exemption-category).
 */
export interface ExemptionRules {
  /** Exemptions of category Mitigated that cover the part they exempt: `none`, `all`, or only
   * those with an `expiresOn` (`with-expiry`). A Waiver never does. */
  acceptMitigated: 'none' | 'all' | 'with-expiry'
  /** Exemptions that affect JIT and end within this many days of `collectedAt` are named, with
   * the verdict when each ends; 0: none are. */
  expiryDays: number
}

export type Verdict = 'compliant' | 'partial' | 'noncompliant' | 'error'
export const VERDICTS: readonly Verdict[] = ['compliant', 'partial', 'noncompliant', 'error']
/** The mark each verdict is shown with, in the log and in the job summary. */
export const VERDICT_MARKS: Readonly<Record<Verdict, string>> = {
  compliant: '✅',
  partial: '⚠️',
  noncompliant: '❌',
  error: '❓'
}

/** Where an effect came from. */
export type EffectSource =
  'parameter' | 'initiative-default' | 'definition-default' | 'literal' | 'override'

/** How much of the subscription one assignment's JIT reference audits. */
export type Coverage = 'full' | 'partial' | 'none' | 'unknown'

export interface AssignmentEvidence {
  id: string
  displayName: string
  scope: string
  policyDefinitionId: string
  /** The reference id inside the initiative; null when the JIT definition is assigned alone. */
  policyDefinitionReferenceId: string | null
  effect: string
  effectSource: EffectSource
  enforcementMode: string
  coverage: Coverage
  /** The assignment parameter the effect is bound to (what to change), or null when the effect is
   * not bound to an assignment parameter. */
  effectParameter: string | null
  /** Ids of the exemptions that take this assignment off the subscription or off part of it. */
  exemptionIds: string[]
  /** Sentences that explain the effect and the coverage, for people. */
  notes: string[]
}

/** What kept a subscription from being decided: the thing an `error` verdict asks to fix. */
export type ErrorCause =
  /** 403: the identity may not read the subscription's policy. */
  | 'access-denied'
  /** 404: the subscription does not exist, or the identity cannot see it. */
  | 'not-found'
  /** 401: Resource Manager refused the token (a subscription of another tenant). */
  | 'wrong-tenant'
  /** Throttling, 5xx answers, time-outs, resets, malformed answers, the run's deadline. */
  | 'transient'
  /** An initiative the assignments name could not be read. */
  | 'unreadable-initiative'
  /** A notScope names a management group whose members could not be read. */
  | 'unknown-ancestry'
  /** The policy data holds something the rule cannot decide (an expression it cannot evaluate,
   * overrides whose order Azure does not document, a selector of an unknown kind): the reason
   * says what to check. */
  | 'undecidable'
  /** The check failed on this subscription's data: a defect to report. */
  | 'internal'

/** An initiative an assignment names that could not be read, and how Resource Manager answered. */
export interface UnreadableInitiative {
  /** The set definition's id, as the assignment names it. */
  policySetDefinitionId: string
  /** The assignment that names it: id, display name (else name) and scope. */
  assignmentId: string
  assignmentDisplayName: string
  assignmentScope: string
  /** Resource Manager's HTTP status: 404, the initiative is missing (deleted or moved); 403, the
   * identity may not read where it is defined; null when there was no answer or it is unknown. */
  status: number | null
}

/** A planned change a result names (src/plan): the resource as the plan names it. */
export interface PlannedResource {
  /** Terraform's resource address, what-if's resource id, EPAC's assignment or exemption key. */
  address: string
  /** The plan file, relative to the workspace. */
  file: string
  /** `terraform`, `what-if` or `epac`. */
  format: string
  /** `create`, `update`, `replace` or `delete`. */
  action: string
  /** Where the resource is declared in the repository (a Terraform `resource` block or module
   * call, an EPAC definition file): the file relative to the workspace and its 1-based line. */
  declaredAt?: { file: string; line: number }
}

export interface SubscriptionResult {
  subscriptionId: string
  /** The subscription's display name, when the run learnt it (a value from Azure: escape it). */
  displayName?: string
  /** The verdict after the planned changes, when `planned-changes` names plans; else the verdict
   * of the estate as it is. */
  verdict: Verdict
  /** With `planned-changes`: the verdict of the estate as it is now, before the change. */
  currentVerdict?: Verdict
  /** With `planned-changes`, when the verdict changes: the planned changes that touch the
   * subscription (the cause of the change). */
  plannedChanges?: PlannedResource[]
  /** One sentence a person can act on. */
  reason: string
  /** The effect in force over the subscription, or null when nothing runs the JIT definition. */
  effectiveEffect: string | null
  assignments: AssignmentEvidence[]
  /** Present on `error` verdicts only. */
  errorCause?: ErrorCause
  /** Present when errorCause is `unreadable-initiative`: the initiatives that could not be read. */
  unreadableInitiatives?: UnreadableInitiative[]
  /** The subscription's Defender for Servers plan as the verdict weighed it; absent when the check
   * was turned off. */
  defenderForServers?: DefenderForServersOutcome
  /** On `error` verdicts only, when the run wrote SARIF and looked at code scanning's open alerts
   * (src/notify/alerts.ts): the finding an open alert still holds for the subscription, or that
   * the alerts could not be read. Absent: no open alert names it (or nothing was looked at). */
  lastFinding?: LastFinding
  /** Exemptions of category Mitigated the run accepts whose part no other assignment audits: the
   * verdict rests on them. Present when there are any. */
  acceptedExemptions?: ExemptionSummary[]
  /** Exemptions that affect JIT and end within `exemption-expiry-days` of the check, soonest
   * first. Present when there are any. */
  expiringExemptions?: ExpiringExemption[]
  /** Azure's own record of the JIT audit on the subscription's virtual machines, and whether it
   * agrees with the verdict (src/evaluate/cross-check.ts); absent when the run did not look. */
  virtualMachines?: VirtualMachineCounts | null
  /** The machines the JIT policy flags (results file only). */
  flaggedVirtualMachines?: FlaggedVirtualMachine[]
  crossCheck?: CrossCheck
  /** Why the cross-check says what it says, for people. */
  crossCheckReason?: string
}

/** What Azure Policy recorded of the JIT definition on a subscription's virtual machines. */
export interface VirtualMachineCounts {
  /** Machines with a policy state of the JIT definition under some assignment. */
  evaluated: number
  /** Of those, the machines some assignment records as NonCompliant. */
  flagged: number
  /** Machines with no such state; null when the machines could not be listed. */
  notAudited: number | null
}

/** A machine the JIT policy flags, and one assignment that flagged it (values from Azure). */
export interface FlaggedVirtualMachine {
  id: string
  resourceGroup: string
  location: string
  policyAssignmentId: string
}

/** Whether Azure's record of the machines agrees with the verdict decided from the assignments. */
export type CrossCheck = 'agrees' | 'disagrees' | 'unavailable'

/** The cross-check's reason when the run was told not to read the machines. */
export const MACHINES_NOT_ASKED = 'Not read: `virtual-machines` is false.'

/** A subscription's machines as the collector read them (src/collect/virtual-machines/), or why
 * they could not be. */
export type VirtualMachineRecord =
  | {
      /** Machines with a Compliant or NonCompliant JIT policy state (evaluated), and those
       * flagged (every one, by id). */
      evaluated: number
      flagged: FlaggedVirtualMachine[]
      /** Machines in the subscription, those never evaluated (no Compliant or NonCompliant JIT
       * policy state: none, or only Exempt, Unknown, Conflict or Error ones), and those whose
       * Defender assessment is NotApplicable because the policy is off for them (OffByPolicy);
       * null when Resource Graph could not be read (Policy Insights gave the states alone).
       * `exempt`: those never evaluated that have an Exempt JIT policy state (counted in
       * `notAudited` too). */
      machines: { total: number; notAudited: number; exempt: number; offByPolicy: number } | null
      /** Why `machines` is null. */
      machinesUnread?: string
    }
  | { unavailable: string }

/** An exemption as a result names it. */
export interface ExemptionSummary {
  id: string
  /** Its display name, else its name (a value from Azure: escape it). */
  displayName: string
  /** `Waiver` or `Mitigated`, as Azure gives it. */
  exemptionCategory: string
  /** ISO 8601 as Azure gives it; null when it never expires. */
  expiresOn: string | null
}

/** How reasons and reports name an exemption the run accepts: "accepted: exemption 'Bastion'
 * (Mitigated, expires 2026-09-30T00:00:00Z)", or "(Mitigated, never expires)"; `text` writes
 * each value from Azure for where it goes (as it is, by default). */
export function acceptedExemptionLabel(
  exemption: Omit<ExemptionSummary, 'id'>,
  text: (value: string) => string = (value) => value
): string {
  const expiry =
    exemption.expiresOn === null ? 'never expires' : `expires ${text(exemption.expiresOn)}`
  return `accepted: exemption '${text(exemption.displayName)}' (${text(exemption.exemptionCategory)}, ${expiry})`
}

/** An exemption that affects JIT and ends soon, and what its end does to the verdict. */
export interface ExpiringExemption extends ExemptionSummary {
  /** Whether the run accepts it as covering its part (`accept-mitigated-exemptions`). */
  accepted: boolean
  /** The verdict once it has ended, everything else as it is now (other exemptions that end
   * before it ended too). */
  verdictWhenEnded: Verdict
}

/** What code scanning last held for a subscription the run could not check. The SARIF carries it
 * forward as a result, so that code scanning does not close the alert as fixed. */
export type LastFinding =
  /** An open alert of this action's rule in the run's category names the subscription. */
  | {
      /** `partial` for an alert at level `warning`, else `noncompliant`. */
      verdict: 'noncompliant' | 'partial'
      /** The alert's level (its rule severity): the carried result keeps it. */
      level: 'error' | 'warning' | 'note'
      /** The alert's number in the repository. */
      alert: number
      /** The alert's message, the last result as code scanning shows it (a value written from
       * Azure text: escape it). */
      message: string
    }
  /** The open alerts could not be read: whether one is open is unknown (why, for people). */
  | { verdict: 'unknown'; why: string }

/** The Defender for Servers plan in a result: the plan read, or why it is unknown. */
export type DefenderForServersOutcome =
  | {
      pricingTier: string
      subPlan: string | null
      plan2: boolean
      resourcesCoverageStatus?: string
    }
  | { unknown: string }

/** A subscription in scope that was not checked because of its state (`Disabled`, `Deleted`). */
export interface SkippedSubscription {
  subscriptionId: string
  /** A value from Azure: escape it. */
  displayName?: string
  state: string
}
