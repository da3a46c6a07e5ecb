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

/** A `where` line that keeps the rows whose subscription id starts with one of `prefixes` (hex
 * digits; `startswith` ignores case), or none at all without prefixes: a part of a query split by
 * subscription id (paging.ts, queryRows). */
function subscriptionIdPart(prefixes: readonly string[] | undefined): string[] {
  if (prefixes === undefined) return []
  if (prefixes.length === 0) throw new Error('a part of a query needs a prefix')
  return [
    `| where ${prefixes.map((p) => `subscriptionId startswith ${kqlString(p)}`).join(' or ')}`
  ]
}

/** Subscriptions in scope, from `resourcecontainers`: `name` is the display name; `properties`
 * holds `state` and `managementGroupAncestorsChain` (nearest parent first). Each carries its
 * own Defender for Servers pricing from `securityresources` (a leftouter join: null columns
 * without one; a plan set on a resource inside it, whose row has a resource group, is left out) in `serversPricingId`, `serversPricingName` and `serversPricing` (its properties): one row
 * per subscription, so the plans cost no query of their own under the per-user quota. With
 * `prefixes`, only the subscriptions whose id starts with one of them. */
export function subscriptionsQuery(prefixes?: readonly string[]): string {
  return [
    'resourcecontainers',
    `| where type =~ ${kqlString(SUBSCRIPTION_TYPE)}`,
    ...subscriptionIdPart(prefixes),
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
 * managementGroupPolicyQuery, since a subscription scope does not return them. With `prefixes`,
 * only those in subscriptions whose id starts with one of them. */
export function subscriptionPolicyQuery(prefixes?: readonly string[]): string {
  return [
    'policyresources',
    `| where type in~ ${kqlList([POLICY_ASSIGNMENT_TYPE, POLICY_EXEMPTION_TYPE])}`,
    `| where id startswith '/subscriptions/'`,
    ...subscriptionIdPart(prefixes),
    '| project id, name, type, subscriptionId, properties',
    '| order by id asc'
  ].join('\n')
}

/** Policy assignments and exemptions made at management groups, every group's the scope shows
 * (at the tenant's scope, every group the identity may read): they do not depend on which
 * subscriptions are asked for, so they are read at once, and each subscription keeps those of the
 * groups above it (group.ts). */
export function managementGroupPolicyQuery(): string {
  return [
    'policyresources',
    `| where type in~ ${kqlList([POLICY_ASSIGNMENT_TYPE, POLICY_EXEMPTION_TYPE])}`,
    // Every management group's id starts so: managementGroupId of the empty name.
    `| where id startswith ${kqlString(managementGroupId(''))}`,
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
