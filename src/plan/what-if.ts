// The result of an ARM deployment's what-if ("ARM template deployment what-if operation",
// learn.microsoft.com/azure/azure-resource-manager/templates/deploy-what-if; REST "Deployments -
// What If" and its At Subscription / Management Group / Tenant Scope forms,
// learn.microsoft.com/rest/api/resources/deployments/what-if): `status`, `error`, and the changes,
// under `properties` in the REST result and at the top in the Azure CLI's `--no-pretty-print`
// output. Each change has `resourceId`, `changeType` (Create, Delete, Modify, Deploy, NoChange,
// Ignore, Unsupported), `before`, `after` (the resources in ARM's shape), `delta` and
// `unsupportedReason`.
import {
  jsonPath,
  kindOfType,
  isWeighed,
  objectOrUndefined,
  parseResourceId,
  type PathSegment
} from './arm.ts'
import { PlanFileError } from './errors.ts'
import { whatIfPlacement } from './placement.ts'
import {
  KIND_TYPES,
  type ArmResource,
  type PlannedAction,
  type PlannedChange,
  type PolicyKind
} from './types.ts'

/** True for a string ARM evaluates as a template expression (`[reference(…)]`); `[[` escapes a
 * literal `[` ("Template syntax and expressions": escape characters). */
export function isArmExpression(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.startsWith('[') &&
    !value.startsWith('[[') &&
    value.endsWith(']')
  )
}

/** Whether `path` in a resource holds Azure Policy's own language, whose expressions look like a
 * template's (`[parameters('effect')]`) and are stored as written: a definition's `policyRule`,
 * and the values an initiative passes to its definitions. A template writes them escaped (`[[`);
 * ARM removes the escape, so what-if shows the resource with them as Azure will store it. */
function inPolicyLanguage(path: readonly PathSegment[]): boolean {
  const [properties, member, , parameters] = path
  if (properties !== 'properties') return false
  return member === 'policyRule' || (member === 'policyDefinitions' && parameters === 'parameters')
}

/** Adds the paths of the template expressions what-if left unresolved in `value`. */
function expressionPaths(value: unknown, prefix: readonly PathSegment[], out: string[]): void {
  if (inPolicyLanguage(prefix)) return
  if (isArmExpression(value)) out.push(jsonPath(prefix))
  else if (Array.isArray(value))
    value.forEach((item, index) => expressionPaths(item, [...prefix, index], out))
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) expressionPaths(item, [...prefix, key], out)
  }
}

/** The action of a change type; null for the types that leave the resource as it is (NoChange,
 * and Ignore: "will not be deployed or modified"); undefined for an undocumented type. */
function actionOf(changeType: string): PlannedAction | null | undefined {
  switch (changeType.toLowerCase()) {
    case 'create':
      return 'create'
    case 'delete':
      return 'delete'
    case 'modify':
    case 'deploy':
    case 'unsupported':
      return 'update'
    case 'nochange':
    case 'ignore':
      return null
    default:
      return undefined
  }
}

/** What-if's snapshot of a resource in the shape the check's mapping reads. */
function armResource(
  snapshot: unknown,
  kind: PolicyKind,
  id: string | null,
  name: string,
  scope: string
): ArmResource | null {
  const resource = objectOrUndefined(snapshot)
  if (!resource) return null
  const properties = { ...objectOrUndefined(resource.properties) }
  if (kind === 'assignment' && properties.scope === undefined) properties.scope = scope
  return {
    id: typeof resource.id === 'string' ? resource.id : id,
    name: typeof resource.name === 'string' ? resource.name : name,
    type: KIND_TYPES[kind],
    properties
  }
}

const NO_PAYLOAD =
  'The what-if result has no resource payloads (it was run with `--result-format ResourceIdOnly`), so ' +
  'the resource after the deployment is not known; run it with the default FullResourcePayloads.'

const POTENTIAL =
  'What-if lists this among the potential changes: the deployment may or may not make it.'

function plannedChange(raw: unknown, file: string, potential: boolean): PlannedChange | null {
  const change = objectOrUndefined(raw)
  const resourceId = change?.resourceId
  const changeType = change?.changeType
  if (typeof changeType !== 'string') {
    throw new PlanFileError(
      file,
      'holds a what-if change without `changeType`.',
      'Give the what-if result as Azure wrote it.'
    )
  }
  // Changes to Bicep extensible resources have `identifiers` and no resource id: not ARM resources.
  if (typeof resourceId !== 'string') return null
  const moveAction = actionOf(changeType)
  const move = moveAction
    ? whatIfPlacement(resourceId, moveAction, change?.before, change?.after, file)
    : null
  if (move) return potential ? { ...move, notes: [...move.notes, POTENTIAL] } : move
  const parsed = parseResourceId(resourceId)
  const kind = parsed ? kindOfType(parsed.type) : undefined
  if (!parsed || !kind || !isWeighed(kind, parsed.name)) return null
  const action = actionOf(changeType)
  if (action === undefined) {
    throw new PlanFileError(
      file,
      `${resourceId} has changeType ${JSON.stringify(changeType)}, which the what-if API does not document.`,
      'Give the what-if result as Azure wrote it, or report the change type to the action.'
    )
  }
  if (action === null) return null
  const idKnown = !resourceId.split('/').some(isArmExpression)
  const id = idKnown ? resourceId : null
  const before = armResource(change?.before, kind, id, parsed.name, parsed.scope)
  const after =
    action === 'delete' ? null : armResource(change?.after, kind, id, parsed.name, parsed.scope)
  const unknown: string[] = idKnown ? [] : ['$.id']
  const notes: string[] = []
  if (changeType.toLowerCase() === 'unsupported') {
    unknown.unshift('$')
    const reason =
      typeof change?.unsupportedReason === 'string' ? change.unsupportedReason : 'no reason given'
    notes.push(
      `What-if cannot analyse this resource (${reason}), so what the deployment does to it is not known.`
    )
  } else if (action !== 'delete' && after === null) {
    unknown.unshift('$')
    notes.push(NO_PAYLOAD)
  }
  if (after)
    expressionPaths({ id: after.id, name: after.name, properties: after.properties }, [], unknown)
  if (potential) {
    unknown.unshift('$')
    notes.push(POTENTIAL)
  }
  return {
    action,
    kind,
    id,
    before,
    after,
    unknown: [...new Set(unknown)],
    sensitive: [],
    notes,
    source: { format: 'what-if', file, address: resourceId }
  }
}

/** The changes of a what-if result: `properties` of the REST result, or the CLI's whole output. */
export function whatIfResult(
  document: Record<string, unknown>
): Record<string, unknown> | undefined {
  const properties = objectOrUndefined(document.properties)
  if (properties && Array.isArray(properties.changes)) return properties
  if (Array.isArray(document.changes)) return document
  return typeof document.status === 'string' && objectOrUndefined(document.error)
    ? document
    : undefined
}

/**
 * The policy and pricing changes of a what-if result (`document`, recognised by whatIfResult).
 * `file` names it in messages. Throws PlanFileError when the what-if did not succeed (`status`
 * other than Succeeded, or an `error`), or a change has an undocumented change type.
 */
export function readWhatIf(document: Record<string, unknown>, file: string): PlannedChange[] {
  const status = typeof document.status === 'string' ? document.status : undefined
  const error =
    objectOrUndefined(document.error) ??
    objectOrUndefined(objectOrUndefined(document.properties)?.error)
  if ((status !== undefined && status.toLowerCase() !== 'succeeded') || error) {
    const message = typeof error?.message === 'string' ? `: ${error.message}` : ''
    throw new PlanFileError(
      file,
      `is a what-if that did not succeed (status ${JSON.stringify(status ?? 'unknown')}${message}).`,
      'Fix the deployment so that what-if succeeds, then give its result.'
    )
  }
  const result = whatIfResult(document) ?? {}
  const changes: PlannedChange[] = []
  const collect = (list: unknown, potential: boolean) => {
    for (const raw of Array.isArray(list) ? list : []) {
      const change = plannedChange(raw, file, potential)
      if (change) changes.push(change)
    }
  }
  collect(result.changes, false)
  collect(result.potentialChanges, true)
  return changes
}
