// The estate after a change: the planned changes laid over one subscription's live snapshot, as
// Azure would hold it once the plan is applied. Pure: it builds snapshots, and the caller decides
// each (the evaluator), so that data still flows one way. A value the plan knows only after apply
// is not guessed: each is tried with the values it could plausibly take, and the caller weighs
// whether the verdict depends on it.
import { normalizeId } from '../azure-ids.ts'
import type { SubscriptionSnapshot } from '../model.ts'
import { NAME_KNOWN_AFTER_APPLY, pathSegments, scopeOfPlannedId } from './arm.ts'
import { applyChange } from './apply.ts'
import { placementReaches, placementReason } from './placement.ts'
import {
  EXEMPTION_TYPE,
  SERVERS_PRICING_NAME,
  type ArmResource,
  type PlannedChange
} from './types.ts'

/** One value known only after apply, and the estates after for the values it could take. */
export interface UnknownValue {
  change: PlannedChange
  /** The JSON path into the change's `after` (`$.properties.parameters.effect.value`), or `$.id`
   * when the plan does not say where the resource is. */
  path: string
  /** The snapshot after for each value tried. */
  variants: SubscriptionSnapshot[]
}

/** One subscription's estate after the planned changes. */
export interface Overlaid {
  /** The estate after, each unknown value as the plan writes it (absent). */
  after: SubscriptionSnapshot
  /** The changes that touch the subscription, in plan order. */
  changes: PlannedChange[]
  unknowns: UnknownValue[]
  /** Why the estate after cannot be decided, each a sentence naming the resource and what to do:
   * a resource ARM would refuse as the plan writes it, or one that two plan files both change. */
  unreadable: string[]
}

/** Values tried for a value known only after apply: absent, the effects that decide JIT, an empty
 * list; and the value before the change, when there was one. A `parameters` object and one
 * parameter get their own (triedValues). */
const TRIED_VALUES: readonly unknown[] = [undefined, 'AuditIfNotExists', 'Disabled', []]

/** How a message names a planned resource: its address in the plan, and the file. */
export function plannedResourceLabel(change: PlannedChange): string {
  return `${change.source.address} (${change.source.file})`
}

/** Whether a resource at `scope` (a management group, subscription, resource group or resource
 * id) applies to the subscription `subscriptionId`, whose management groups above are `above`
 * (normalized ids). */
export function scopeReaches(
  scope: string,
  subscriptionId: string,
  above: ReadonlySet<string>
): boolean {
  const normalized = normalizeId(scope)
  const subscription = `/subscriptions/${subscriptionId.toLowerCase()}`
  return (
    normalized === subscription ||
    normalized.startsWith(`${subscription}/`) ||
    above.has(normalized) ||
    normalized === '/'
  )
}

/**
 * The estate of `snapshot`'s subscription after `changes` (in plan order; later ones win), the
 * subscription lying under the management groups `above` (normalized ids). Changes whose scope
 * does not reach the subscription are left out; one whose place the plan does not say (`id` null)
 * is an unknown value at `$.id`, tried as reaching it and not. Unknown values in `after` are tried
 * one at a time with TRIED_VALUES and the value before.
 */
export function overlayChanges(
  snapshot: SubscriptionSnapshot,
  changes: readonly PlannedChange[],
  above: ReadonlySet<string>
): Overlaid {
  const touching: PlannedChange[] = []
  const placeUnknown: PlannedChange[] = []
  const moves: PlannedChange[] = []
  for (const change of changes) {
    if (change.kind === 'definition') continue
    if (change.kind === 'placement') {
      if (placementReaches(change, snapshot.subscriptionId, above)) moves.push(change)
      continue
    }
    if (change.id === null) placeUnknown.push(change)
    else if (scopeReaches(scopeOfPlannedId(change.id), snapshot.subscriptionId, above))
      touching.push(change)
  }
  const unreadable = [
    ...conflicts(touching),
    ...moves.map((move) => placementReason(move, plannedResourceLabel(move)))
  ]
  // `replaced`: a change whose resource after is tried with another value; null when ARM would
  // refuse the resource so (a value the resource could not take). Only the estate as the plan
  // writes it (neither `replaced` nor `tried`) records what cannot be laid over.
  const apply = (
    list: readonly PlannedChange[],
    replaced?: { change: PlannedChange; after: ArmResource | null },
    tried = replaced !== undefined
  ): SubscriptionSnapshot | null => {
    let estate = snapshot
    for (const change of list) {
      try {
        estate = applyChange(
          estate,
          change,
          replaced?.change === change ? replaced.after : writtenAfter(change)
        )
      } catch (error) {
        if (replaced !== undefined) return null
        if (tried) continue
        // A resource the plan does not describe is tried below (wholeResourceVariants), not refused.
        if (isWhollyUnknown(change)) continue
        const message = error instanceof Error ? error.message : String(error)
        const later = change.unknown.filter((path) => !KNOWN_PLACE.has(path))
        unreadable.push(
          later.length > 0
            ? `${plannedResourceLabel(change)} cannot be read before apply: ${later.map((path) => `\`${path}\``).join(', ')} known only after apply (${message}); decide the verdict again after apply`
            : `${plannedResourceLabel(change)}: ${message}; correct the resource in the plan`
        )
      }
    }
    return estate
  }
  // Without `replaced`, apply never gives null: what cannot be laid over goes to `unreadable`.
  const after = apply(touching) ?? snapshot
  const unknowns: UnknownValue[] = []
  const tried = (variants: (SubscriptionSnapshot | null)[]) =>
    variants.filter((variant): variant is SubscriptionSnapshot => variant !== null)
  for (const change of touching) {
    if (isWhollyUnknown(change)) {
      const path = change.unknown.find((path) => WHOLE_RESOURCE.has(path)) as string
      const others = touching.filter((other) => other !== change)
      const variants = [
        apply(others, undefined, true),
        ...wholeResourceVariants(change, snapshot).map((after) =>
          apply(touching, { change, after })
        )
      ]
      unknowns.push({ change, path, variants: tried(variants) })
      continue
    }
    for (const path of change.unknown.filter((path) => !KNOWN_PLACE.has(path))) {
      const values = [
        ...triedValues(path, parameterNames(snapshot, change), snapshot.subscriptionId),
        valueAt(change.before, path)
      ]
      const variants = values.map((value) =>
        apply(touching, { change, after: withoutHoles(withValue(change.after, path, value)) })
      )
      unknowns.push({ change, path, variants: tried(variants) })
    }
  }
  for (const change of placeUnknown) {
    const placed = placeAt(change, snapshot.subscriptionId)
    if (placed === null) {
      unreadable.push(
        `${plannedResourceLabel(change)} says neither where it is nor what it is, so it may reach /subscriptions/${snapshot.subscriptionId}; decide the verdict again after apply`
      )
      continue
    }
    const variants = [after, apply([...touching, placed], { change: placed, after: placed.after })]
    unknowns.push({ change, path: '$.id', variants: tried(variants) })
  }
  return { after, changes: [...touching, ...placeUnknown, ...moves], unknowns, unreadable }
}

/** The resources that changes from more than one plan file change: which file's change Azure
 * would see last depends on the order the deployments run in, which no plan says. One sentence
 * each, naming them and what to do. */
function conflicts(changes: readonly PlannedChange[]): string[] {
  const byId = new Map<string, PlannedChange[]>()
  for (const change of changes) {
    if (change.id === null) continue
    const key = normalizeId(change.id)
    byId.set(key, [...(byId.get(key) ?? []), change])
  }
  return [...byId.values()]
    .filter((same) => new Set(same.map((change) => change.source.file)).size > 1)
    .map(
      (same) =>
        `${same[0]?.id} is changed by ${same.map(plannedResourceLabel).join(' and ')}, and which applies last depends on the order the deployments run in; give the plans of one deployment in one run, or plan them one after the other`
    )
}

/** The values tried for the value at `path`: a whole `parameters` object with every parameter
 * the assignment could set (`names`) at each effect that decides JIT, one parameter at each; for a
 * notScope or an exemption's or assignment's scope, the subscription `subscriptionId` itself and
 * a resource group in it (a scope known only after apply is often a resource group the same plan
 * creates: Terraform's `not_scopes = [azurerm_resource_group.x.id]`); else TRIED_VALUES. */
function triedValues(
  path: string,
  names: readonly string[],
  subscriptionId: string
): readonly unknown[] {
  const subscription = `/subscriptions/${subscriptionId}`
  const scopes = [subscription, `${subscription}/resourceGroups/known-after-apply`]
  if (/\.notScopes\[\d+\]$/.test(path)) return [undefined, ...scopes]
  if (/\.notScopes$/.test(path)) return [undefined, [], ...scopes.map((scope) => [scope])]
  if (/^\$\.properties\.scope$/.test(path)) return [undefined, ...scopes]
  const every = (effect: string) =>
    Object.fromEntries(names.map((name) => [name, { value: effect }]))
  if (path.endsWith('.parameters')) return [undefined, every(EFFECTS[0]), every(EFFECTS[1])]
  const steps = pathSegments(path)
  if (steps.length >= 2 && steps.at(-2) === 'parameters' && typeof steps.at(-1) === 'string') {
    return [undefined, ...EFFECTS.map((value) => ({ value }))]
  }
  return TRIED_VALUES
}

const EFFECTS = ['AuditIfNotExists', 'Disabled'] as const

/** The parameter names an assignment's `parameters` could hold that bear on JIT: the JIT
 * definition's, the initiatives' in the snapshot, and those the change names before and after. */
function parameterNames(snapshot: SubscriptionSnapshot, change: PlannedChange): string[] {
  const names = new Set(Object.keys(snapshot.jitPolicyDefinition.parameters))
  for (const set of Object.values(snapshot.setDefinitions)) {
    for (const name of Object.keys(set?.parameters ?? {})) names.add(name)
  }
  for (const resource of [change.before, change.after]) {
    const parameters = resource?.properties.parameters
    if (typeof parameters === 'object' && parameters !== null) {
      for (const name of Object.keys(parameters)) names.add(name)
    }
  }
  return [...names]
}

/** Paths that say the plan does not describe the resource after at all (what-if without resource
 * payloads, a resource what-if cannot analyse, a potential change, a deferred change, a change
 * azapi merges into the resource) or hides all its properties (an azapi body known only after
 * apply). */
const WHOLE_RESOURCE: ReadonlySet<string> = new Set(['$', '$.properties'])

/** Whether the plan leaves the whole of `change`'s resource after unknown. */
export function isWhollyUnknown(change: PlannedChange): boolean {
  return change.unknown.some((path) => WHOLE_RESOURCE.has(path))
}

/**
 * The resources after tried for a change whose resource after the plan does not describe, besides
 * the change not made at all (the caller's): the resource as the plan writes it, when it does
 * (a potential change); gone (an assignment or initiative that no longer audits, a pricing back
 * at Free); and, for an exemption, the widest it could be: a waiver of every policy of the
 * assignment it names (or, when the plan does not say which, of each assignment in the
 * subscription's estate), on every resource, never expiring. Together they reach the verdicts
 * the change could give where it matters to JIT: whether the audit stays, goes, or is waived.
 */
function wholeResourceVariants(
  change: PlannedChange,
  snapshot: SubscriptionSnapshot
): (ArmResource | null)[] {
  const variants: (ArmResource | null)[] = [null]
  if (change.after !== null && change.action !== 'delete') variants.push(change.after)
  if (change.kind !== 'exemption' || change.id === null) return variants
  const known =
    change.after?.properties.policyAssignmentId ?? change.before?.properties.policyAssignmentId
  const assignmentIds =
    typeof known === 'string' && known !== ''
      ? [known]
      : snapshot.assignments.map((assignment) => assignment.id)
  const name = change.id.slice(change.id.lastIndexOf('/') + 1)
  for (const policyAssignmentId of assignmentIds) {
    variants.push({
      id: change.id,
      name,
      type: EXEMPTION_TYPE,
      properties: { policyAssignmentId, exemptionCategory: 'Waiver' }
    })
  }
  return variants
}

// Terraform marks `id` unknown on every create and replace; the readers build it from the scope
// and name the plan does say (a null `id` when it does not), so these say nothing more.
const KNOWN_PLACE = new Set(['$.id', '$.name'])

/** `change` placed at the subscription: a pricing whose subscription the plan does not say, or
 * an assignment or exemption created at it. A name known only after apply is NAME_KNOWN_AFTER_APPLY; null when the plan has no resource after. */
function placeAt(change: PlannedChange, subscriptionId: string): PlannedChange | null {
  if (change.after === null) return null
  const name =
    change.after.name ?? (change.kind === 'pricing' ? SERVERS_PRICING_NAME : NAME_KNOWN_AFTER_APPLY)
  const type = change.after.type
  const id = `/subscriptions/${subscriptionId}/providers/${type}/${name}`
  return { ...change, id, after: { ...change.after, id, name } }
}

/** `change.after` as laid over before any value known only after apply is tried: such a value
 * the plan writes as null (Terraform writes an unknown element of a list so: `not_scopes =
 * [null]`) is left out, since null is no value Azure would take and the values it could take are
 * tried instead. */
function writtenAfter(change: PlannedChange): ArmResource | null {
  let after = change.after
  for (const path of change.unknown) {
    if (!KNOWN_PLACE.has(path) && valueAt(after, path) === null)
      after = withValue(after, path, undefined)
  }
  return after === change.after ? after : withoutHoles(after)
}

/** `value` with the elements withValue removed from its lists taken out (a list keeps no hole). */
function withoutHoles<T>(value: T): T {
  if (Array.isArray(value)) return value.filter(() => true).map(withoutHoles) as T
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, withoutHoles(entry)])
  ) as T
}

/** The value at a JSON path (`$.properties.notScopes[1]`) of `resource`; undefined when absent. */
function valueAt(resource: ArmResource | null, path: string): unknown {
  let value: unknown = resource
  for (const step of pathSegments(path)) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string | number, unknown>)[step]
  }
  return value
}

/** A copy of `resource` with `value` at `path`. Undefined removes it, and the objects it leaves
 * empty below a property (a parameter's `{ value }` without its value is no parameter ARM takes:
 * the parameter is left out instead, as if unset). */
function withValue(resource: ArmResource | null, path: string, value: unknown): ArmResource | null {
  if (resource === null) return null
  const steps = pathSegments(path)
  if (steps.length === 0) return resource
  const copy = structuredClone(resource) as unknown as Record<string | number, unknown>
  let at: Record<string | number, unknown> = copy
  const containers: Record<string | number, unknown>[] = []
  for (const [index, step] of steps.entries()) {
    containers.push(at)
    if (index === steps.length - 1) {
      if (value !== undefined) {
        at[step] = structuredClone(value)
        break
      }
      Reflect.deleteProperty(at, step)
      // containers[k] holds steps[k]; keep `properties` and the property itself.
      for (let k = steps.length - 1; k >= 3; k -= 1) {
        const emptied = containers[k]
        if (Array.isArray(emptied) || Object.keys(emptied ?? {}).length > 0) break
        Reflect.deleteProperty(containers[k - 1] ?? {}, steps[k - 1] as string | number)
      }
      break
    }
    const next = at[step]
    at[step] =
      typeof next === 'object' && next !== null
        ? next
        : typeof steps[index + 1] === 'number'
          ? []
          : {}
    at = at[step] as Record<string | number, unknown>
  }
  return copy as unknown as ArmResource
}
