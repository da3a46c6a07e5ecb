// A discovery scope for tests: nothing asked for but what `partial` gives.
import type { Scope } from '../../src/inputs/scope.ts'

export function scope(partial: Partial<Scope>): Scope {
  return {
    subscriptionIds: [],
    allSubscriptions: false,
    managementGroups: [],
    excludeSubscriptionIds: [],
    ...partial
  }
}
