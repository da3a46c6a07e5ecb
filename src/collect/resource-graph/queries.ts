// The Kusto (KQL) queries the resource-graph engine sends to Azure Resource Graph, one builder per
// table. Each query ends in `| order by id asc`: Resource Graph pages with $skipToken, and only an
// order on a unique column keeps a row from being skipped or repeated between pages (Microsoft
// Learn, "Paging guidance"). Each projects `id`, a string column: a result whose columns are all
// dynamic cannot be paged. docs/design.md, "Architecture", says where the rows go.

import { managementGroupId } from '../../azure-ids.ts'
import { SERVERS_PRICING_NAME } from '../defender-plan.ts'

export const POLICY_ASSIGNMENT_TYPE = 'microsoft.authorization/policyassignments'
export const POLICY_EXEMPTION_TYPE = 'microsoft.authorization/policyexemptions'
export const POLICY_SET_DEFINITION_TYPE = 'microsoft.authorization/policysetdefinitions'
export const SUBSCRIPTION_TYPE = 'microsoft.resources/subscriptions'
export const PRICING_TYPE = 'microsoft.security/pricings'

/** A KQL string literal: single quotes, with backslash and quote escaped (KQL's string rules). */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function kqlList(values: readonly string[]): string {
  return `(${values.map(kqlString).join(', ')})`
}

/** Subscriptions in scope, from `resourcecontainers`: `name` is the display name; `properties`
 * holds `state` and `managementGroupAncestorsChain` (nearest parent first). Each carries its
 * own Defender for Servers pricing from `securityresources` (a leftouter join: null columns
 * without one; a plan set on a resource inside it, whose row has a resource group, is left out) in `serversPricingId`, `serversPricingName` and `serversPricing` (its properties): one row
 * per subscription, so the plans cost no query of their own under the per-user quota. */
export function subscriptionsQuery(): string {
  return [
    'resourcecontainers',
    `| where type =~ ${kqlString(SUBSCRIPTION_TYPE)}`,
    '| project id, name, type, subscriptionId, properties',
    '| join kind=leftouter (',
    '    securityresources',
    `    | where type =~ ${kqlString(PRICING_TYPE)}`,
    `    | where name =~ ${kqlString(SERVERS_PRICING_NAME)}`,
    // The subscription's own plan, not one set on a resource inside it (a virtual machine's).
    "    | where resourceGroup == ''",
    '    | project subscriptionId, serversPricingId = id, serversPricingName = name, serversPricing = properties',
    '  ) on subscriptionId',
    '| project id, name, type, subscriptionId, properties, serversPricingId, serversPricingName, serversPricing',
    '| order by id asc'
  ].join('\n')
}

/** Policy assignments and exemptions made at a subscription or inside it (resource groups and
 * resources), from `policyresources`. Rows at management groups are read by
 * managementGroupPolicyQuery, since a subscription scope does not return them. */
export function subscriptionPolicyQuery(): string {
  return [
    'policyresources',
    `| where type in~ ${kqlList([POLICY_ASSIGNMENT_TYPE, POLICY_EXEMPTION_TYPE])}`,
    `| where id startswith '/subscriptions/'`,
    '| project id, name, type, subscriptionId, properties',
    '| order by id asc'
  ].join('\n')
}

/** Policy assignments and exemptions made at the named management groups (names, not ids). */
export function managementGroupPolicyQuery(managementGroups: readonly string[]): string {
  if (managementGroups.length === 0) throw new Error('managementGroupPolicyQuery needs a group')
  const at = managementGroups
    .map(
      (group) =>
        `id startswith ${kqlString(`${managementGroupId(group)}/providers/Microsoft.Authorization/`)}`
    )
    .join(' or ')
  return [
    'policyresources',
    `| where type in~ ${kqlList([POLICY_ASSIGNMENT_TYPE, POLICY_EXEMPTION_TYPE])}`,
    `| where ${at}`,
    '| project id, name, type, properties',
    '| order by id asc'
  ].join('\n')
}

/** Custom policy set definitions by id (at management groups or subscriptions). */
export function setDefinitionsQuery(ids: readonly string[]): string {
  if (ids.length === 0) throw new Error('setDefinitionsQuery needs an id')
  return [
    'policyresources',
    `| where type =~ ${kqlString(POLICY_SET_DEFINITION_TYPE)}`,
    `| where id in~ ${kqlList(ids)}`,
    '| project id, name, type, properties',
    '| order by id asc'
  ].join('\n')
}
