// The scope inputs: which subscriptions a run checks (`subscriptions`, `management-groups`,
// `exclude-subscriptions`). Parsed and checked before any request (docs/design.md,
// "Architecture"); discovery (src/collect/discover.ts) resolves the scope into subscriptions once
// signed in. An item that should be a subscription id but is not (a name, a quoted or bracketed
// id, a resource id inside a subscription) is named with what it looks like and the fix.
import { GUID, GUID_SOURCE } from '../azure-ids.ts'
import { quote } from './values.ts'

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

/** What one item of `subscriptions` holds: a subscription id (lower-cased), or why it is none. */
export type ParsedSubscriptionId = { id: string } | { problem: string }

// `az account show --query id` and the portal print the bare GUID; ARM resource ids and
// `az account subscription list` print /subscriptions/<id>; .NET's Guid.ToString("B") and some
// exports print {<id>}.
const RESOURCE_ID = new RegExp(`^/subscriptions/(${GUID_SOURCE})/?$`, 'i')
const BRACED = new RegExp(`^\\{(${GUID_SOURCE})\\}$`, 'i')
const INSIDE_SUBSCRIPTION = new RegExp(`^/subscriptions/(${GUID_SOURCE})/.+`, 'i')
const CONTAINS_GUID = new RegExp(GUID_SOURCE, 'i')
const HEX_AND_DASHES = /^[0-9a-f-]+$/i

const LIST_NAMES = '`az account list --query "[].{name:name,id:id}" -o table`'
const SEPARATORS = 'newlines, commas or spaces'

/**
 * Reads one item of a subscription list input, `input` (`subscriptions` unless given), already
 * split on newlines, commas and spaces.
 * Accepts a subscription id (a GUID, any case), `/subscriptions/<id>` and `{<id>}`, and returns
 * the id lower-cased; for anything else returns a problem sentence that quotes the item (through
 * `quote`), says what it looks like (a name, quoted, a JSON array, `;`-separated, a resource id
 * inside a subscription, an incomplete id) and the fix. Never throws.
 */
export function parseSubscriptionId(
  item: string,
  quote: (value: string) => string = JSON.stringify,
  input = 'subscriptions'
): ParsedSubscriptionId {
  if (GUID.test(item)) return { id: item.toLowerCase() }
  const wrapped = (RESOURCE_ID.exec(item) ?? BRACED.exec(item))?.[1]
  if (wrapped !== undefined) return { id: wrapped.toLowerCase() }

  const holds = `\`${input}\` holds ${quote(item)}`
  if (item.includes(';')) {
    return {
      problem: `${holds}: \`;\` does not separate subscription ids; separate them with ${SEPARATORS}.`
    }
  }
  if (/^\[|\]$/.test(item)) {
    return {
      problem: `${holds}, part of a JSON array; list the ids without brackets or quotes, separated by ${SEPARATORS} (a YAML block \`|\` with one id a line reads best).`
    }
  }
  if (/^["'`]|["'`]$/.test(item)) {
    return {
      problem: `${holds} with quotes around it; write the id without quotes (a quoted YAML value is already a string, and the quotes inside it are kept).`
    }
  }
  const inside = INSIDE_SUBSCRIPTION.exec(item)?.[1]
  if (inside !== undefined) {
    return {
      problem: `${holds}, the id of a resource inside a subscription; give the subscription id ${inside.toLowerCase()} instead.`
    }
  }
  if (CONTAINS_GUID.test(item)) {
    return {
      problem: `${holds}, which holds a subscription id among other text; give the id alone (a GUID such as 00000000-0000-0000-0000-000000000000).`
    }
  }
  if (HEX_AND_DASHES.test(item)) {
    return {
      problem: `${holds}, which is not a complete subscription id (a GUID: 8-4-4-4-12 hexadecimal digits); check for a missing or extra character.`
    }
  }
  return {
    problem: `${holds}, which looks like a subscription name, not its id; give the id (a GUID), which ${LIST_NAMES} lists next to each name.`
  }
}

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
 * `management-groups` names anything (unless `fromPlans`: the planned changes give the scope); the
 * returned scope is only meaningful when none was pushed.
 * `subscriptions` holds GUIDs, or `*` alone; `management-groups` holds names or ids
 * (`/providers/Microsoft.Management/managementGroups/NAME`).
 */
export function readScope(inputs: ScopeInputs, problems: string[], fromPlans = false): Scope {
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

  if (!fromPlans && inputs.subscriptions.length === 0 && inputs.managementGroups.length === 0) {
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
