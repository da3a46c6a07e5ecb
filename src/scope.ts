// The scope inputs: which subscriptions a run checks (`subscriptions`, `management-groups`,
// `exclude-subscriptions`). Parsed and checked before any request; discovery
// (src/collect/discover.ts) resolves the scope into subscriptions once signed in.
import { quote } from './input-values.ts'
import { parseSubscriptionId } from './subscription-ids.ts'

export interface Scope {
  /** Ids listed in `subscriptions`, lower-cased, duplicates dropped, in the order given. */
  subscriptionIds: string[]
  /** `subscriptions: '*'`: every subscription the identity can read. */
  allSubscriptions: boolean
  /** Names of the management groups in `management-groups`, duplicates dropped (ARM compares
   * names case-insensitively), in the order given. */
  managementGroups: string[]
  /** Ids in `exclude-subscriptions`, lower-cased, duplicates dropped. */
  excludeSubscriptionIds: string[]
}

/** The three scope inputs as the workflow gives them, already split into items. */
export interface ScopeInputs {
  subscriptions: readonly string[]
  managementGroups: readonly string[]
  excludeSubscriptions: readonly string[]
}

export const ALL_SUBSCRIPTIONS = '*'

const MANAGEMENT_GROUP_ID = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/?$/i
// A management group's name (its id's last segment): up to 90 letters, digits, hyphens,
// underscores, periods and parentheses (docs/setup.md, "Management groups").
const MANAGEMENT_GROUP_NAME = /^[A-Za-z0-9_().-]{1,90}$/

function subscriptionIds(items: readonly string[], input: string, problems: string[]): string[] {
  // A Set, not a scan of the list so far, which made reading the input quadratic in its length.
  const ids = new Set<string>()
  for (const item of items) {
    const parsed = parseSubscriptionId(item, quote, input)
    if ('id' in parsed) ids.add(parsed.id)
    else problems.push(parsed.problem)
  }
  return [...ids]
}

/** The name of a management group given by name or by id; null when it is neither. */
function managementGroupName(item: string): string | null {
  const name = MANAGEMENT_GROUP_ID.exec(item)?.[1] ?? item
  return MANAGEMENT_GROUP_NAME.test(name) ? name : null
}

/**
 * The scope of a run from its inputs (each already split into items, comments removed). Pushes
 * onto `problems` a sentence for each bad item, and one when neither `subscriptions` nor
 * `management-groups` names anything; the returned scope is only meaningful when none was pushed.
 * `subscriptions` holds GUIDs, or `*` alone; `management-groups` holds names or ids
 * (`/providers/Microsoft.Management/managementGroups/NAME`).
 */
export function readScope(inputs: ScopeInputs, problems: string[]): Scope {
  const allSubscriptions = inputs.subscriptions.includes(ALL_SUBSCRIPTIONS)
  if (allSubscriptions && inputs.subscriptions.length > 1) {
    problems.push(
      '`subscriptions` combines `*` with other items; `*` already means every subscription the identity can read: give it alone, and leave subscriptions out with `exclude-subscriptions`.'
    )
  }
  const explicit = allSubscriptions
    ? []
    : subscriptionIds(inputs.subscriptions, 'subscriptions', problems)

  const managementGroups = new Map<string, string>()
  for (const item of inputs.managementGroups) {
    const name = managementGroupName(item)
    if (name === null) {
      problems.push(
        `\`management-groups\` holds ${quote(item)}, which is neither a management group name (up to 90 letters, digits, -, _, ., ( and )) nor an id such as /providers/Microsoft.Management/managementGroups/NAME.`
      )
    } else if (!managementGroups.has(name.toLowerCase())) {
      managementGroups.set(name.toLowerCase(), name)
    }
  }

  if (inputs.subscriptions.length === 0 && inputs.managementGroups.length === 0) {
    problems.push(
      '`subscriptions` and `management-groups` are both empty; give subscription ids (or `*` for every subscription the identity can read), management groups, or both.'
    )
  }

  return {
    subscriptionIds: explicit,
    allSubscriptions,
    managementGroups: [...managementGroups.values()],
    excludeSubscriptionIds: subscriptionIds(
      inputs.excludeSubscriptions,
      'exclude-subscriptions',
      problems
    )
  }
}
