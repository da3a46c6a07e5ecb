// The Resource Graph queries of the virtual-machine read (docs/reading-results.md, "Virtual
// machines"), three per batch of subscriptions, each one row per subscription so that a batch of
// 1,000 subscriptions is one page whatever its machines:
// - policyStatesQuery: `policyresources` rows of type microsoft.policyinsights/policystates for the
//   JIT definition (columns as Microsoft Learn's "Azure Resource Graph sample queries for Azure
//   Policy" reads them: properties.complianceState, policyAssignmentId, policyDefinitionId,
//   resourceId), one per machine (any assignment; only a Compliant or NonCompliant state is an
//   evaluation, EVALUATION_STATES), then per subscription: machines evaluated,
//   flagged (NonCompliant under some assignment), and the flagged ones' details (make_list_if,
//   at most MAX_LISTED_PER_SUBSCRIPTION; flaggedMachinesQuery pages through the rest);
// - machinesQuery: `resources` of type microsoft.compute/virtualmachines joined (leftouter, one of
//   Resource Graph's join flavours) to the machines evaluated (the same states): machines, and
//   those never evaluated (no state, or only Exempt, Unknown, Conflict or Error ones);
// - offByPolicyQuery: `securityresources` Defender for Cloud assessments 805651bc… whose status is
//   NotApplicable with cause OffByPolicy.
// Each ends in `| order by id asc` on a string `id` (paging needs it; queries.ts of the engine).
import { JIT_POLICY_DEFINITION_ID } from '../../model.ts'
import { kqlString } from '../resource-graph/queries.ts'

/** Defender for Cloud's assessment the JIT definition's existence condition reads. */
export const JIT_ASSESSMENT_NAME = '805651bc-6ecd-4c73-9b55-97a19d0582d0'
/** Flagged machines one subscription's row lists; past it, flaggedMachinesQuery reads them all.
 * Keeps a row (and a page of 1,000 rows) small whatever one subscription holds. */
export const MAX_LISTED_PER_SUBSCRIPTION = 200

const POLICY_STATE_TYPE = 'microsoft.policyinsights/policystates'
const VIRTUAL_MACHINE_TYPE = 'microsoft.compute/virtualmachines'

/** The JIT definition's states, with `resourceKey` (the machine's id, lower case). */
const JIT_STATES = [
  'policyresources',
  `| where type =~ ${kqlString(POLICY_STATE_TYPE)}`,
  `| where tolower(tostring(properties.policyDefinitionId)) == ${kqlString(JIT_POLICY_DEFINITION_ID.toLowerCase())}`,
  '| extend resourceKey = tolower(tostring(properties.resourceId))'
]

/** The compliance states that are an evaluation of a machine against the JIT definition
 * (docs/reading-results.md, "Virtual machines"): Exempt is an exemption, and Unknown, Conflict
 * and Error say Azure Policy could not evaluate it. */
export const EVALUATION_STATES = ['Compliant', 'NonCompliant'] as const

/** Whether a JIT state is an evaluation of the machine (EVALUATION_STATES). */
const IS_EVALUATION = `tostring(properties.complianceState) in~ (${EVALUATION_STATES.map(kqlString).join(', ')})`

/** The JIT definition's states that are an evaluation of the machine. */
const JIT_EVALUATIONS = [...JIT_STATES, `| where ${IS_EVALUATION}`]

const PER_SUBSCRIPTION = [
  "| extend id = strcat('/subscriptions/', subscriptionId)",
  '| order by id asc'
]

/** Per subscription: `evaluated`, `flagged`, `flaggedVirtualMachines` ([{id, location,
 * policyAssignmentId}], at most MAX_LISTED_PER_SUBSCRIPTION). */
export function policyStatesQuery(): string {
  return [
    ...JIT_EVALUATIONS,
    "| extend flaggedBy = iff(tostring(properties.complianceState) =~ 'NonCompliant', tostring(properties.policyAssignmentId), '')",
    "| summarize resourceId = take_any(tostring(properties.resourceId)), location = take_any(tostring(properties.resourceLocation)), flaggedBy = take_anyif(flaggedBy, flaggedBy != '') by subscriptionId, resourceKey",
    "| summarize evaluated = count(), flagged = countif(flaggedBy != ''), flaggedVirtualMachines = make_list_if(bag_pack('id', resourceId, 'location', location, 'policyAssignmentId', flaggedBy), flaggedBy != '', " +
      `${MAX_LISTED_PER_SUBSCRIPTION}) by subscriptionId`,
    ...PER_SUBSCRIPTION
  ].join('\n')
}

/** One row per flagged machine (`id`, `location`, `policyAssignmentId`, `subscriptionId`), for
 * the subscriptions whose row could not list them all. */
export function flaggedMachinesQuery(): string {
  return [
    ...JIT_STATES,
    "| where tostring(properties.complianceState) =~ 'NonCompliant'",
    '| summarize id = take_any(tostring(properties.resourceId)), location = take_any(tostring(properties.resourceLocation)), policyAssignmentId = take_any(tostring(properties.policyAssignmentId)) by subscriptionId, resourceKey',
    '| order by resourceKey asc'
  ].join('\n')
}

/** Per subscription: `virtualMachines`, `notAudited` (those without a Compliant or NonCompliant
 * JIT policy state: never evaluated) and `exempt` (those of them with an Exempt JIT policy state:
 * an exemption, which the run may accept). */
export function machinesQuery(): string {
  return [
    'resources',
    `| where type =~ ${kqlString(VIRTUAL_MACHINE_TYPE)}`,
    '| extend resourceKey = tolower(id)',
    '| join kind=leftouter (',
    ...JIT_STATES.map((line) => `    ${line}`),
    `    | summarize evaluatedKey = take_anyif(resourceKey, ${IS_EVALUATION}), exemptKey = take_anyif(resourceKey, tostring(properties.complianceState) =~ 'Exempt') by resourceKey`,
    '  ) on resourceKey',
    '| summarize virtualMachines = count(), notAudited = countif(isempty(evaluatedKey)), exempt = countif(isempty(evaluatedKey) and isnotempty(exemptKey)) by subscriptionId',
    ...PER_SUBSCRIPTION
  ].join('\n')
}

/** Per subscription: `offByPolicy`, the machines whose JIT assessment is NotApplicable with
 * cause OffByPolicy. */
export function offByPolicyQuery(): string {
  return [
    'securityresources',
    "| where type =~ 'microsoft.security/assessments'",
    `| where name =~ ${kqlString(JIT_ASSESSMENT_NAME)}`,
    "| where tostring(properties.status.code) =~ 'NotApplicable' and tostring(properties.status.cause) =~ 'OffByPolicy'",
    '| summarize offByPolicy = count() by subscriptionId',
    ...PER_SUBSCRIPTION
  ].join('\n')
}
