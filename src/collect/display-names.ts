// The display names of a subscription's policy data as they enter the run (issue 20): whoever can
// edit policy writes them, so each is redacted and cut at MAX_DISPLAY_NAME (azure-text.ts) before
// the evaluator quotes it in a reason and the reports show it. They decide nothing, so cutting one
// cannot change a verdict. Subscriptions' own names are cut where discovery lists them
// (discover.ts, resolveScope).
import { MAX_DISPLAY_NAME, azureText } from '../azure-text.ts'
import type { SubscriptionSnapshot } from '../model.ts'

/** `resource` with its display name, when it has one, redacted and cut at MAX_DISPLAY_NAME. */
function named<T extends { displayName?: string }>(resource: T): T {
  const { displayName } = resource
  if (displayName === undefined) return resource
  const bounded = azureText(displayName, MAX_DISPLAY_NAME)
  return bounded === displayName ? resource : { ...resource, displayName: bounded }
}

/**
 * `snapshot` with the display names of its assignments, exemptions, set definitions and JIT policy
 * definition redacted and cut at MAX_DISPLAY_NAME (azureText); everything else as it is.
 */
export function withDisplayNamesBounded(snapshot: SubscriptionSnapshot): SubscriptionSnapshot {
  return {
    ...snapshot,
    assignments: snapshot.assignments.map(named),
    exemptions: snapshot.exemptions.map(named),
    setDefinitions: Object.fromEntries(
      Object.entries(snapshot.setDefinitions).map(([key, set]) => [
        key,
        set === undefined ? set : named(set)
      ])
    ),
    jitPolicyDefinition: named(snapshot.jitPolicyDefinition)
  }
}
