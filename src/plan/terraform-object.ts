// What every provider's reader of a Terraform resource object (a change's `before` or `after`)
// gives: the ARM resource it becomes, and where Terraform's marks (`after_unknown`,
// `before_sensitive`, `after_sensitive`) fall in it.
import { jsonPath, type PathSegment } from './arm.ts'
import type { ArmResource, PolicyKind } from './types.ts'

/** What a reader may need from the plan around the object. */
export interface ObjectContext {
  /** The subscription the resource's provider configuration names, when the plan says it (the
   * azurerm provider's `subscription_id` as a constant); undefined otherwise. */
  providerSubscription(): string | undefined
}

export interface ReadObject {
  kind: PolicyKind
  resource: ArmResource
  /** Paths known only after apply that the marks do not show: an id whose subscription the plan
   * does not name. */
  unknown: string[]
  notes: string[]
}

/** Reads one Terraform resource type into ARM's shape. */
export interface ObjectReader {
  /** True for a type that changes part of a resource another tool manages (azapi's
   * `azapi_update_resource`): creating or replacing it updates the resource, and destroying it
   * changes nothing in Azure. */
  merges?: boolean
  /**
   * The ARM resource `values` (a change's `before` or `after`) becomes, with `unknownMarks` (the
   * change's `after_unknown`, or undefined for `before`) telling which values are not known yet;
   * undefined when it is not a resource the check weighs (another azapi type, another pricing).
   */
  read(
    values: Record<string, unknown>,
    unknownMarks: unknown,
    context: ObjectContext
  ): ReadObject | undefined
  /** The JSON paths in the ARM resource of the values `marks` mark (`true` leaves). */
  paths(marks: unknown): string[]
}

/** Adds to `out` the path (below `prefix`) of every `true` leaf of Terraform's marks object, which
 * has the shape of the value it marks ("JSON Output Format", change representation). */
export function markedPaths(marks: unknown, prefix: readonly PathSegment[], out: string[]): void {
  if (marks === true) {
    out.push(jsonPath(prefix))
  } else if (Array.isArray(marks)) {
    marks.forEach((mark, index) => markedPaths(mark, [...prefix, index], out))
  } else if (typeof marks === 'object' && marks !== null) {
    for (const [key, mark] of Object.entries(marks)) markedPaths(mark, [...prefix, key], out)
  }
}

/** The mark of attribute `name` in a marks object (undefined when nothing is marked). */
export function markOf(marks: unknown, name: string): unknown {
  return typeof marks === 'object' && marks !== null && !Array.isArray(marks)
    ? (marks as Record<string, unknown>)[name]
    : undefined
}
