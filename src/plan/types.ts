// The planned changes as the readers hand them on: one shape for every plan format, so that what
// lays them over the live estate need not know where they came from. Resources are in ARM's REST
// shape so that the collector's mapping (src/collect/map.ts) reads them as it reads Azure's answers.

/** The formats read, recognised from the content: `terraform show -json PLAN`, the result of an ARM
 * deployment's what-if (Azure CLI `--no-pretty-print`, or the REST result), EPAC's policy-plan.json. */
export type PlanFormat = 'terraform' | 'what-if' | 'epac'

/** The formats as people know them, for messages. */
export const PLAN_FORMAT_NAMES: Readonly<Record<PlanFormat, string>> = {
  terraform: 'Terraform plan',
  'what-if': 'ARM/Bicep what-if result',
  epac: 'EPAC policy plan'
}

/** What happens to the resource on deploy. `replace`: deleted, then created again (or the other way
 * round); the resource after is `after`. No-op and read changes are left out. */
export type PlannedAction = 'create' | 'update' | 'replace' | 'delete'

/** The policy and Defender for Cloud resources the check weighs. */
export type PolicyKind = 'assignment' | 'exemption' | 'setDefinition' | 'definition' | 'pricing'

/** `placement`: a subscription or a management group moved in the management-group hierarchy,
 * which changes the assignments and exemptions the subscriptions below inherit. Its id is the
 * membership's (`/providers/Microsoft.Management/managementGroups/G/subscriptions/S`) or the
 * moved group's (`/providers/Microsoft.Management/managementGroups/G`); null when the plan does
 * not say which. It has no resource before or after (placement.ts). */
export type PlannedKind = PolicyKind | 'placement'

/** A resource as ARM's REST API returns it (`GET` of the resource). `id` and `name` are null when
 * the plan knows them only after apply (and the change's `unknown` says so). */
export interface ArmResource {
  id: string | null
  name: string | null
  /** The resource type, `Microsoft.Authorization/policyAssignments`. */
  type: string
  /** As ARM writes them: `parameters` as `{ NAME: { value } }`, `enforcementMode`, `notScopes`… */
  properties: Record<string, unknown>
}

/** Where a planned change was read: the plan file and the change's address in it. */
export interface PlanSource {
  format: PlanFormat
  /** The plan file, relative to the workspace, with `/` separators. */
  file: string
  /** Terraform: the resource instance address (`module.alz.azapi_resource.policy_assignments["x"]`).
   * What-if: the change's `resourceId`. EPAC: the key of the entry in the plan (the resource id). */
  address: string
}

export interface PlannedChange {
  action: PlannedAction
  kind: PlannedKind
  /** The resource's ARM id, built as Azure builds it from scope and name, in the case the plan
   * writes it (comparing case-insensitively is the caller's business). For a delete, the id of the
   * resource deleted. Null when the scope or name is known only after apply. */
  id: string | null
  /** The resource before the change, or null: created, or the plan does not carry it (what-if
   * does; EPAC does not: take it from the estate by id). */
  before: ArmResource | null
  /** The resource after the change; null for a delete, and when the plan does not say (a what-if
   * without resource payloads, a resource what-if cannot analyse): `unknown` then holds `$`. */
  after: ArmResource | null
  /** JSON paths into `after` (`$.properties.parameters.effect.value`, `$.properties.notScopes[1]`,
   * `$.id`, `$` for all of it) of the values known only after apply: Terraform's `after_unknown`,
   * what-if's unresolved template expressions. */
  unknown: string[]
  /** JSON paths into `before` and `after` of values the plan marks sensitive (Terraform's
   * `before_sensitive`/`after_sensitive`): never print them. */
  sensitive: string[]
  /** Sentences for people on how the change was read where the plan leaves room (a subscription
   * the plan does not name, a resource what-if could not analyse). */
  notes: string[]
  source: PlanSource
}

/** One plan file as read: its format and the policy and pricing changes in it (none: the plan
 * changes nothing the check weighs). */
export interface PlanFileRead {
  file: string
  format: PlanFormat
  changes: PlannedChange[]
}

export const ASSIGNMENT_TYPE = 'Microsoft.Authorization/policyAssignments'
export const EXEMPTION_TYPE = 'Microsoft.Authorization/policyExemptions'
export const SET_DEFINITION_TYPE = 'Microsoft.Authorization/policySetDefinitions'
export const DEFINITION_TYPE = 'Microsoft.Authorization/policyDefinitions'
export const PRICING_TYPE = 'Microsoft.Security/pricings'

/** The ARM resource type of each kind of policy resource. */
export const KIND_TYPES: Readonly<Record<PolicyKind, string>> = {
  assignment: ASSIGNMENT_TYPE,
  exemption: EXEMPTION_TYPE,
  setDefinition: SET_DEFINITION_TYPE,
  definition: DEFINITION_TYPE,
  pricing: PRICING_TYPE
}

/** The only Defender for Cloud plan the check weighs: Defender for Servers
 * (`Microsoft.Security/pricings/VirtualMachines`); other pricings change nothing it decides. */
export const SERVERS_PRICING_NAME = 'VirtualMachines'
