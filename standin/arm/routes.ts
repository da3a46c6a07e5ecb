// The routes of the stand-in's ARM, one row each (docs/design.md, "The stand-in"). A new route is
// a new row here and its handler (a function of an ArmRequest that returns a Reply) in the file
// named for its resource provider; request.ts says what each field means. Rows are tried in
// order; the first whose method and path match answers.

import { GUID_PATTERN } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { RouteTable } from '../router.ts'
import {
  entityName,
  getEntities,
  getGroupSubscription,
  getManagementGroup,
  listDescendants
} from './management-groups.ts'
import {
  AUTHORIZATION,
  definitionNotFound,
  getDefinition,
  getDefinitionVersion,
  getPolicyItem,
  listDefinitionVersions,
  listAssignments,
  listExemptions,
  listGroupExemptions,
  policyType
} from './policy.ts'
import { queryPolicyStates } from './policy-insights.ts'
import type { ArmRequest, ArmRoute } from './request.ts'
import { getPricing } from './security.ts'
import { getSubscription, listSubscriptions } from './subscriptions.ts'
import { RESOURCE_GRAPH_PATH, answerResourceGraph } from '../resource-graph/index.ts'

const SUBSCRIPTION = '/subscriptions/{subscriptionId}'
const GROUP = '/providers/Microsoft.Management/managementGroups/{managementGroup}'
const DEFINITION = `{scope...}${AUTHORIZATION}/{type:policyDefinitions|policySetDefinitions}/{name}`
/** A built-in definition is its own scope (the tenant has no scope id). */
const definitionScope = (r: ArmRequest) =>
  r.params.scope || `${AUTHORIZATION}/${r.params.type}/${r.params.name}`
const readOf = (request: ArmRequest) =>
  `Microsoft.Authorization/${policyType(request.params.type!)}/read`

// A policy (set) definition, one of its versions, or their list: the same scopes, faults and 404.
const DEFINITION_ROW = {
  method: 'GET',
  scopes: ['tenant', 'managementGroup', 'subscription'],
  kind: 'definitions',
  action: readOf,
  scope: definitionScope,
  requires: 'subscription',
  notFound: definitionNotFound
} as const satisfies Omit<ArmRoute, 'path' | 'answer'>

export const ARM_ROUTES = new RouteTable<ArmRoute>([
  {
    method: 'GET',
    path: '/subscriptions',
    kind: 'subscription',
    action: 'Microsoft.Resources/subscriptions/read',
    scope: '/',
    paged: true,
    answer: listSubscriptions
  },
  {
    method: 'GET',
    path: SUBSCRIPTION,
    kind: 'subscription',
    action: 'Microsoft.Resources/subscriptions/read',
    scope: SUBSCRIPTION,
    requires: 'subscription',
    answer: getSubscription
  },
  {
    method: 'GET',
    path: `${SUBSCRIPTION}${AUTHORIZATION}/policyAssignments`,
    kind: 'assignments',
    action: 'Microsoft.Authorization/policyAssignments/read',
    scope: SUBSCRIPTION,
    paged: true,
    requires: 'subscription',
    answer: listAssignments
  },
  {
    method: 'GET',
    path: `${SUBSCRIPTION}${AUTHORIZATION}/policyExemptions`,
    kind: 'exemptions',
    action: 'Microsoft.Authorization/policyExemptions/read',
    scope: SUBSCRIPTION,
    paged: true,
    requires: 'subscription',
    answer: listExemptions
  },
  {
    method: 'GET',
    path: `${GROUP}${AUTHORIZATION}/policyExemptions`,
    kind: 'exemptions',
    action: 'Microsoft.Authorization/policyExemptions/read',
    scope: GROUP,
    paged: true,
    requires: 'managementGroup',
    answer: listGroupExemptions
  },
  {
    method: 'GET',
    path: `{scope...}${AUTHORIZATION}/{type:policyAssignments|policyExemptions}/{name}`,
    scopes: ['managementGroup', 'subscription', 'inside'],
    kind: (r) =>
      policyType(r.params.type!) === 'policyAssignments' ? 'assignments' : 'exemptions',
    action: readOf,
    scope: '{scope}',
    requires: 'subscription',
    answer: getPolicyItem
  },
  { ...DEFINITION_ROW, path: DEFINITION, answer: getDefinition },
  {
    ...DEFINITION_ROW,
    path: `${DEFINITION}/versions`,
    paged: true,
    answer: listDefinitionVersions
  },
  { ...DEFINITION_ROW, path: `${DEFINITION}/versions/{version}`, answer: getDefinitionVersion },
  {
    method: 'GET',
    path: `${SUBSCRIPTION}/providers/Microsoft.Security/pricings/{name}`,
    kind: 'pricings',
    action: 'Microsoft.Security/pricings/read',
    scope: SUBSCRIPTION,
    requires: 'subscription',
    answer: getPricing
  },
  {
    method: 'POST',
    path: `${SUBSCRIPTION}/providers/Microsoft.PolicyInsights/policyStates/{policyStatesResource}/queryResults`,
    kind: 'policy-states',
    action: 'Microsoft.PolicyInsights/policyStates/queryResults/read',
    scope: SUBSCRIPTION,
    paged: true,
    requires: 'subscription',
    answer: queryPolicyStates
  },
  {
    method: 'GET',
    path: GROUP,
    kind: 'ancestry',
    action: 'Microsoft.Management/managementGroups/read',
    scope: GROUP,
    requires: 'managementGroup',
    answer: getManagementGroup
  },
  {
    method: 'GET',
    path: `${GROUP}/descendants`,
    kind: 'ancestry',
    action: 'Microsoft.Management/managementGroups/descendants/read',
    scope: GROUP,
    paged: true,
    requires: 'managementGroup',
    answer: listDescendants
  },
  {
    method: 'GET',
    path: `${GROUP}/subscriptions/{subscriptionId}`,
    kind: 'ancestry',
    action: 'Microsoft.Management/managementGroups/subscriptions/read',
    scope: `${GROUP}/subscriptions/{subscriptionId}`,
    requires: 'managementGroup',
    answer: getGroupSubscription
  },
  {
    method: 'POST',
    path: '/providers/Microsoft.Management/getEntities',
    kind: 'ancestry',
    action: 'Microsoft.Management/getEntities/action',
    scope: '/',
    paged: true,
    check: (r) => refusal(entityName(r.url)),
    subscriptionId: (r) => {
      const { name } = entityName(r.url) as { name?: string }
      return name && GUID_PATTERN.test(name) ? name : undefined
    },
    answer: getEntities
  },
  {
    method: 'POST',
    path: RESOURCE_GRAPH_PATH,
    kind: 'assignments',
    action: 'Microsoft.ResourceGraph/resources/read',
    scope: '/',
    answer: answerResourceGraph
  }
])

function refusal(result: object): Reply | undefined {
  return 'status' in result ? (result as Reply) : undefined
}
