// Microsoft.Resources subscriptions as ARM serves them (docs/design.md, "The stand-in").

import type { Reply } from '../http.ts'
import { json } from '../http.ts'
import type { ArmModel, SubNode } from './model.ts'
import type { ArmRequest } from './request.ts'

function subscriptionBody(model: ArmModel, s: SubNode): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: model.estate.tenantId,
    displayName: s.subscription.displayName ?? s.id,
    state: s.subscription.state ?? 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off'
    }
  }
}

/** GET /subscriptions: every subscription of the estate, paged. */
export function listSubscriptions(request: ArmRequest): Reply {
  const { model } = request
  return request.page([...model.subs.values()].map((s) => subscriptionBody(model, s)))
}

/** GET /subscriptions/{subscriptionId} (the row requires the subscription). */
export function getSubscription(request: ArmRequest): Reply {
  return json(200, subscriptionBody(request.model, request.subscription!))
}
