// The azapi provider's `azapi_resource` (registry.terraform.io/providers/Azure/azapi/latest/docs/
// resources/resource), which Azure Verified Modules' landing-zone pattern
// (Azure/terraform-azurerm-avm-ptn-alz) deploys policy with: `type` is `<resource-type>@<api-version>`,
// `parent_id` the scope and `name` the name, so the id is `{parent_id}/providers/{type}/{name}`;
// `body` is the request body in ARM's shape (`{ properties: … }`), an object, or a JSON string up to
// azapi 1.12. And its `azapi_update_resource` (…/docs/resources/update_resource), which merges a
// body into an existing resource (`resource_id`, or `parent_id` and `name`): what the resource
// becomes depends on what it holds, so the plan does not describe it; destroying it leaves the
// resource as it is ("no operation will be performed").
import { jsonPath, kindOfType, nonEmptyString, objectOrUndefined, plannedId } from './arm.ts'
import {
  markedPaths,
  markOf,
  type ObjectContext,
  type ObjectReader,
  type ReadObject
} from './terraform-object.ts'
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
    const id = plannedId(parent, type, name)
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

/** What azapi_update_resource leaves unknown: the resource after, merged from what Azure holds. */
const MERGED =
  'azapi_update_resource merges its body into the resource as Azure holds it, so the plan does not describe the resource after.'

/** Reads `azapi_update_resource` objects of the types the check weighs: the resource it updates,
 * wholly unknown after (`$`); Terraform's actions on it are updates (readers' `merges`). */
export const azapiUpdateReader: ObjectReader = {
  merges: true,
  read(values, unknownMarks, context: ObjectContext): ReadObject | undefined {
    const read = azapiReader.read(values, unknownMarks, context)
    if (read === undefined) return undefined
    const given =
      markOf(unknownMarks, 'resource_id') === true ? undefined : nonEmptyString(values.resource_id)
    const id = given ?? read.resource.id
    const name = id === null ? read.resource.name : id.slice(id.lastIndexOf('/') + 1)
    return {
      ...read,
      resource: { ...read.resource, id, name },
      unknown: ['$', ...read.unknown],
      notes: [MERGED, ...read.notes]
    }
  },
  paths(marks): string[] {
    const paths = azapiReader.paths(marks)
    return markOf(marks, 'resource_id') === true ? [...new Set([...paths, '$.id'])] : paths
  }
}
