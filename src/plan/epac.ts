// Enterprise Policy as Code's policy plan (policy-plan.json, written by Build-DeploymentPlans;
// Azure/enterprise-azure-policy-as-code, Scripts/Deploy/Build-DeploymentPlans.ps1 and the
// Build-*Plan helpers): `assignments`, `exemptions`, `policySetDefinitions` and `policyDefinitions`,
// each with `new`, `update`, `replace` and `delete` maps keyed by resource id. Deploy-PolicyPlan
// PUTs each new, updated or replaced entry whole (a replace is deleted first), so an entry is the
// resource after the change; parameter values are bare (Set-AzPolicyAssignmentRestMethod wraps
// them in `{ value }`), and a parameter left out takes the definition's default. Delete entries
// carry the id, name and scope only.
import { objectOrUndefined, parseResourceId, wrapParameterValues } from './arm.ts'
import { PlanFileError } from './errors.ts'
import {
  KIND_TYPES,
  type ArmResource,
  type PlannedAction,
  type PlannedChange,
  type PolicyKind
} from './types.ts'

/** EPAC deploys policy resources; Defender for Cloud's plans are not among them. */
type EpacKind = Exclude<PolicyKind, 'pricing'>

const SECTIONS: readonly [string, EpacKind][] = [
  ['assignments', 'assignment'],
  ['exemptions', 'exemption'],
  ['policySetDefinitions', 'setDefinition'],
  ['policyDefinitions', 'definition']
]

const OPERATIONS: readonly [string, PlannedAction][] = [
  ['new', 'create'],
  ['update', 'update'],
  ['replace', 'replace'],
  ['delete', 'delete']
]

/** The properties of each kind that the plan's entries carry as ARM does. */
const PROPERTIES: Readonly<Record<EpacKind, readonly string[]>> = {
  assignment: [
    'policyDefinitionId',
    'definitionVersion',
    'displayName',
    'description',
    'metadata',
    'enforcementMode',
    'notScopes',
    'overrides',
    'resourceSelectors',
    'nonComplianceMessages'
  ],
  exemption: [
    'policyAssignmentId',
    'policyDefinitionReferenceIds',
    'exemptionCategory',
    'expiresOn',
    'displayName',
    'description',
    'metadata',
    'resourceSelectors',
    'assignmentScopeValidation'
  ],
  setDefinition: [
    'displayName',
    'description',
    'metadata',
    'version',
    'parameters',
    'policyDefinitions',
    'policyDefinitionGroups'
  ],
  definition: [
    'displayName',
    'description',
    'metadata',
    'version',
    'mode',
    'parameters',
    'policyRule'
  ]
}

/** True when `document` has the shape of an EPAC policy plan: one of its sections holds one of
 * the operation maps. */
export function isEpacPlan(document: Record<string, unknown>): boolean {
  return SECTIONS.some(([section]) => {
    const entries = objectOrUndefined(document[section])
    return entries !== undefined && OPERATIONS.some(([operation]) => operation in entries)
  })
}

function armResource(kind: EpacKind, id: string, entry: Record<string, unknown>): ArmResource {
  const properties: Record<string, unknown> = {}
  for (const name of PROPERTIES[kind]) {
    if (entry[name] !== undefined && entry[name] !== null) properties[name] = entry[name]
  }
  const parsed = parseResourceId(id)
  if (kind === 'assignment') {
    const parameters = objectOrUndefined(entry.parameters)
    if (parameters) properties.parameters = wrapParameterValues(parameters)
    properties.scope = typeof entry.scope === 'string' ? entry.scope : (parsed?.scope ?? '')
  }
  if (kind === 'setDefinition' || kind === 'definition') properties.policyType = 'Custom'
  const name = typeof entry.name === 'string' ? entry.name : (parsed?.name ?? null)
  return { id, name, type: KIND_TYPES[kind], properties }
}

/**
 * The policy changes of an EPAC policy plan (`document`, recognised by isEpacPlan). `file` names it
 * in messages. Before is null throughout: the plan does not carry the deployed resources. Throws
 * PlanFileError for an entry that is not an object.
 */
export function readEpacPlan(document: Record<string, unknown>, file: string): PlannedChange[] {
  const changes: PlannedChange[] = []
  for (const [section, kind] of SECTIONS) {
    const operations = objectOrUndefined(document[section])
    for (const [operation, action] of OPERATIONS) {
      for (const [key, value] of Object.entries(objectOrUndefined(operations?.[operation]) ?? {})) {
        const entry = objectOrUndefined(value)
        if (!entry) {
          throw new PlanFileError(
            file,
            `has ${section}.${operation}[${JSON.stringify(key)}] that is not an object.`,
            'Give the policy-plan.json Build-DeploymentPlans wrote, unchanged.'
          )
        }
        const id = typeof entry.id === 'string' ? entry.id : key
        changes.push({
          action,
          kind,
          id,
          before: null,
          after: action === 'delete' ? null : armResource(kind, id, entry),
          unknown: [],
          sensitive: [],
          notes: [],
          source: { format: 'epac', file, address: key }
        })
      }
    }
  }
  return changes
}
