// The azapi provider's `azapi_resource` (registry.terraform.io/providers/Azure/azapi/latest/docs/
// resources/resource), which Azure Verified Modules' landing-zone pattern
// (Azure/terraform-azurerm-avm-ptn-alz) deploys policy with: `type` is `<resource-type>@<api-version>`,
// `parent_id` the scope and `name` the name, so the id is `{parent_id}/providers/{type}/{name}`;
// `body` is the request body in ARM's shape (`{ properties: … }`), an object, or a JSON string up to
// azapi 1.12.
import { jsonPath, kindOfType, nonEmptyString, objectOrUndefined, resourceId } from './arm.ts'
import { markedPaths, markOf, type ObjectReader, type ReadObject } from './terraform-object.ts'
import { KIND_TYPES } from './types.ts'

/** The body as an object: azapi 2 gives it as one, azapi up to 1.12 as a JSON string. */
function bodyOf(body: unknown): { body: Record<string, unknown>; readable: boolean } {
  if (typeof body !== 'string') return { body: objectOrUndefined(body) ?? {}, readable: true }
  try {
    return { body: objectOrUndefined(JSON.parse(body)) ?? {}, readable: true }
  } catch {
    return { body: {}, readable: false }
  }
}

/** Reads `azapi_resource` objects of the types the check weighs. */
export const azapiReader: ObjectReader = {
  read(values, unknownMarks): ReadObject | undefined {
    const typeWithVersion = nonEmptyString(values.type)
    const kind = typeWithVersion ? kindOfType(typeWithVersion.split('@')[0] as string) : undefined
    if (kind === undefined) return undefined
    const type = KIND_TYPES[kind]
    const name =
      markOf(unknownMarks, 'name') === true ? null : (nonEmptyString(values.name) ?? null)
    const parent =
      markOf(unknownMarks, 'parent_id') === true ? undefined : nonEmptyString(values.parent_id)
    const unknown: string[] = []
    const notes: string[] = []
    const { body, readable } = bodyOf(values.body)
    if (!readable) {
      unknown.push('$.properties')
      notes.push(
        'The body is not valid JSON in the plan, so the properties after apply are not known.'
      )
    }
    const properties = { ...objectOrUndefined(body.properties) }
    if (kind === 'assignment' && parent !== undefined && properties.scope === undefined) {
      properties.scope = parent
    }
    const id = parent !== undefined && name !== null ? resourceId(parent, type, name) : null
    return { kind, resource: { id, name, type, properties }, unknown, notes }
  },
  paths(marks): string[] {
    const out: string[] = []
    if (markOf(marks, 'name') === true) out.push('$.name', '$.id')
    if (markOf(marks, 'parent_id') === true) out.push('$.id')
    const body = markOf(marks, 'body')
    // A body that is unknown as a whole (or a JSON string, azapi up to 1.12) hides every property.
    if (body === true) out.push(jsonPath(['properties']))
    else markedPaths(body, [], out)
    return [...new Set(out)]
  }
}
