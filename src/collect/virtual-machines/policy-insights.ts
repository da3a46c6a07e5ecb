// A subscription's JIT policy states through Policy Insights, where Resource Graph cannot be read:
// "Policy States - List Query Results For Subscription" (POST .../providers/
// Microsoft.PolicyInsights/policyStates/latest/queryResults), filtered by the JIT definition's
// name, one request a page, the pages followed by @odata.nextLink (with its $skiptoken) on the
// same endpoint. It gives the states alone: the machines without one and Defender's assessments
// are Resource Graph's to tell.
import { POLICY_STATES_API_VERSION } from '../../api-versions.ts'
import { JIT_POLICY_DEFINITION_ID, JIT_POLICY_DEFINITION_NAME } from '../../model.ts'
import { ArmRequestError, PagingLoopError } from '../errors.ts'
import { MAX_PAGES, nextPageUrl, type ResourceManager } from '../resource-manager.ts'
import { Field } from '../shape.ts'
import { EVALUATION_STATES } from './queries.ts'
import { distinctMachines, flaggedMachine } from './rows.ts'
import type { FlaggedVirtualMachine } from '../../model.ts'

/** EVALUATION_STATES, lower case: Policy Insights' states are compared without case. */
const EVALUATED = new Set<string>(EVALUATION_STATES.map((state) => state.toLowerCase()))

/** The fields of a policy state the read needs. */
const SELECTED = [
  'resourceId',
  'policyAssignmentId',
  'policyDefinitionId',
  'complianceState',
  'resourceLocation'
]

/**
 * The JIT definition's latest policy states of `subscriptionId`, one per machine and assignment:
 * the machines evaluated under any assignment, and those some assignment records as
 * NonCompliant (with one such assignment). Throws ArmRequestError (a refusal, a malformed
 * answer), PagingLoopError, ShapeError, or the retry policy's RequestGaveUpError.
 */
export async function readStatesThroughPolicyInsights(
  resourceManager: ResourceManager,
  subscriptionId: string
): Promise<{ evaluated: number; flagged: FlaggedVirtualMachine[] }> {
  const query = new URLSearchParams({
    'api-version': POLICY_STATES_API_VERSION,
    $filter: `policyDefinitionName eq '${JIT_POLICY_DEFINITION_NAME}'`,
    $select: SELECTED.join(',')
  })
  let url: string | undefined =
    `${resourceManager.endpoint}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults?${query}`
  const evaluated = new Set<string>()
  const flagged: FlaggedVirtualMachine[] = []
  const followed = new Set<string>()
  while (url !== undefined) {
    if (followed.has(url) || followed.size >= MAX_PAGES) throw new PagingLoopError(followed.size)
    followed.add(url)
    const page = Field.of(await resourceManager.postJson(url), 'Policy Insights answer')
    const value = page.at('value')
    if (!Array.isArray(value.value))
      throw new ArmRequestError(200, 'MalformedResponse', 'the answer had no `value` list')
    for (const item of value.list()) {
      const definition = item.at('policyDefinitionId').string()
      // The filter is by name: a custom definition of the same name is not the built-in one.
      if (definition.toLowerCase() !== JIT_POLICY_DEFINITION_ID.toLowerCase()) continue
      const resourceId = item.at('resourceId').string()
      // Only a Compliant or NonCompliant state is an evaluation of the machine, as in Resource Graph.
      const state = item.at('complianceState').optionalString()?.toLowerCase()
      if (state === undefined || !EVALUATED.has(state)) continue
      evaluated.add(resourceId.toLowerCase())
      if (state === 'noncompliant') {
        flagged.push(
          flaggedMachine(
            {
              id: resourceId,
              location: item.at('resourceLocation').optionalString() ?? '',
              policyAssignmentId: item.at('policyAssignmentId').string()
            },
            'policy state'
          )
        )
      }
    }
    url = nextPageUrl(page.at('@odata.nextLink').value, url, resourceManager.endpoint)
  }
  return { evaluated: evaluated.size, flagged: distinctMachines(flagged) }
}
