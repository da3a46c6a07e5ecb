// Microsoft.PolicyInsights as ARM serves it (docs/design.md, "The stand-in"): Azure Policy's latest
// policy states of a subscription ("Policy States - List Query Results For Subscription",
// POST .../providers/Microsoft.PolicyInsights/policyStates/latest/queryResults), from the
// estate's virtual machines (estate/machines.ts). `$filter` takes what the action sends: `eq`
// terms joined by `and` on the state's string fields, compared case-insensitively as Policy
// Insights does; `$top` (at most 1,000) and `$skiptoken` page it, with `@odata.nextLink`.
import { policyStatesOf } from '../estate/index.ts'
import type { Reply } from '../http.ts'
import { armError, json } from '../http.ts'
import type { ArmModel } from './model.ts'
import type { ArmRequest } from './request.ts'

export const POLICY_INSIGHTS_API_VERSIONS = ['2019-10-01', '2024-10-01']

const statesBySubscription = new WeakMap<ArmModel, Map<string, Record<string, unknown>[]>>()

/** The estate's policy states, by lower-case subscription id (computed once per model). */
function statesOf(model: ArmModel): Map<string, Record<string, unknown>[]> {
  let states = statesBySubscription.get(model)
  if (!states) {
    states = new Map()
    for (const { subscriptionId, state } of policyStatesOf(model.estate)) {
      const key = subscriptionId.toLowerCase()
      states.set(key, [...(states.get(key) ?? []), state])
    }
    statesBySubscription.set(model, states)
  }
  return states
}

const TERM = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i

/** The `$filter` as field -> value (lower case), or a 400 for what the stand-in does not serve. */
function parseFilter(filter: string | null): Map<string, string> | Reply {
  const terms = new Map<string, string>()
  if (filter === null || filter.trim() === '') return terms
  for (const term of filter.split(/\s+and\s+/i)) {
    const m = TERM.exec(term)
    if (!m)
      return armError(
        400,
        'InvalidFilterInQueryString',
        `The local Azure stand-in serves $filter terms 'field eq 'value'' joined by 'and' only; got '${term}'.`
      )
    terms.set(m[1]!.toLowerCase(), m[2]!.replace(/''/g, "'").toLowerCase())
  }
  return terms
}

/** POST /subscriptions/{s}/providers/Microsoft.PolicyInsights/policyStates/{resource}/queryResults. */
export function queryPolicyStates(request: ArmRequest): Reply {
  const { policyStatesResource, subscriptionId } = request.params as Record<string, string>
  if (policyStatesResource !== 'latest' && policyStatesResource !== 'default')
    return armError(
      400,
      'InvalidPolicyStatesResource',
      `'${policyStatesResource}' is not latest or default.`
    )
  const version = request.url.searchParams.get('api-version') ?? ''
  if (!POLICY_INSIGHTS_API_VERSIONS.includes(version))
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${POLICY_INSIGHTS_API_VERSIONS.join(',')}'.`
    )
  const filter = parseFilter(request.url.searchParams.get('$filter'))
  if (!(filter instanceof Map)) return filter
  const states = (statesOf(request.model).get(subscriptionId!.toLowerCase()) ?? []).filter(
    (state) =>
      [...filter].every(([field, value]) => {
        const key = Object.keys(state).find((name) => name.toLowerCase() === field)
        return key !== undefined && String(state[key]).toLowerCase() === value
      })
  )
  const page = request.page(states)
  if (page.status !== 200) return page
  const { value, nextLink } = page.body as { value: unknown[]; nextLink?: string }
  return json(200, {
    '@odata.context': `https://management.azure.com/subscriptions/${subscriptionId}/providers/Microsoft.PolicyInsights/policyStates/$metadata#latest`,
    '@odata.count': value.length,
    ...(nextLink !== undefined ? { '@odata.nextLink': nextLink } : {}),
    value
  })
}
