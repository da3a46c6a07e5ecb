// Reading what Azure gives of a subscription's virtual machines into plain data: a flagged
// machine from a Resource Graph row or a Policy Insights policy state, strictly (shape.ts: a field
// of another type than Azure documents is a ShapeError naming it), its strings redacted and cut
// where they enter (azure-text.ts).
import { azureText } from '../../azure-text.ts'
import type { FlaggedVirtualMachine } from '../../model.ts'
import { Field, ShapeError } from '../shape.ts'

/** Longest resource id kept, in UTF-16 code units: ARM's ids are far shorter. */
export const MAX_RESOURCE_ID = 2048
/** Longest region name kept. */
const MAX_LOCATION = 128

/** The resource group an ARM id names (`/resourceGroups/NAME/`), '' when it names none. */
export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? ''
}

/** A flagged machine from `{id, location, policyAssignmentId}` (a Resource Graph row or list
 * item, `what` naming it in errors). Throws ShapeError. */
export function flaggedMachine(value: unknown, what: string): FlaggedVirtualMachine {
  const field = Field.of(value, what)
  field.object()
  const id = azureText(field.at('id').string(), MAX_RESOURCE_ID)
  return {
    id,
    resourceGroup: resourceGroupOf(id),
    location: azureText(field.at('location').optionalString() ?? '', MAX_LOCATION),
    policyAssignmentId: azureText(field.at('policyAssignmentId').string(), MAX_RESOURCE_ID)
  }
}

/** Sorted by id, one entry per machine (the first assignment given for it). */
export function distinctMachines(
  machines: Iterable<FlaggedVirtualMachine>
): FlaggedVirtualMachine[] {
  const byId = new Map<string, FlaggedVirtualMachine>()
  for (const machine of machines) {
    const key = machine.id.toLowerCase()
    if (!byId.has(key)) byId.set(key, machine)
  }
  return [...byId.values()].sort((a, b) =>
    a.id.toLowerCase() < b.id.toLowerCase() ? -1 : a.id.toLowerCase() > b.id.toLowerCase() ? 1 : 0
  )
}

/** A whole number of a row (`count()`), strictly: every row of the queries has each of its
 * counts, so an absent or null one is a ShapeError, never 0. */
export function countOf(row: unknown, key: string, what: string): number {
  const value = Field.of(row, what).at(key)
  const number = value.value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0)
    return value.fail('a whole number')
  return number
}

/** The `subscriptionId` of a row (`what` naming it in errors), lower case: a row is per
 * subscription, so one without a non-empty string there is a ShapeError, never dropped. */
export function subscriptionOf(row: unknown, what: string): string {
  const field = Field.of(row, what).at('subscriptionId')
  const id = field.string()
  if (id === '') return field.fail('a subscription id', 'empty')
  return id.toLowerCase()
}

/** The rows of one per-subscription query (`what` naming them in errors), keyed by
 * subscriptionOf. Throws ShapeError for a row without a subscription, or for a second row of
 * the same subscription: which one to believe cannot be told. */
export function rowsBySubscription(rows: readonly unknown[], what: string): Map<string, unknown> {
  const bySubscription = new Map<string, unknown>()
  for (const row of rows) {
    const key = subscriptionOf(row, what)
    if (bySubscription.has(key))
      throw new ShapeError(`there is more than one ${what} for subscription ${key}`)
    bySubscription.set(key, row)
  }
  return bySubscription
}
