// One item of the `subscriptions` input: a subscription id in the forms Azure prints it, or what
// the item looks like instead and the fix (docs/design.md, "Architecture": inputs stop the step
// before any request is made).
import { GUID, GUID_SOURCE } from './azure-ids.ts'

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
