// What the fixes to an assignment share: how the step names and finds the assignment, and the
// read-change-write of one of its properties through `az policy assignment show/update`.
//
// The Azure CLI facts these rely on (checked against the CLI's source and reference):
// - `az policy assignment update` reads the assignment, applies the arguments and writes the whole
//   assignment back (GET then PUT). A full `--params` value REPLACES `properties.parameters`: the
//   content builder resets the dictionary before filling it from the argument. So the command
//   reads the current parameters (`az policy assignment show --query parameters`), adds the one
//   to change with jq, and passes the merged object. `--not-scopes` replaces the list the same way.
// - `--name` of `az policy assignment show/update` must match ^[^<>*%&:\?.+/]*[^<>*%&:\?.+/ ]+$
//   (Azure CLI 2.77+ rejects names with a dot, Azure/azure-cli#32159): other names get no command.
import type { AssignmentEvidence } from '../../model.ts'
import { MAX_NAME_LENGTH, oneLine } from '../text.ts'
import { shellQuote, splitPolicyResourceId } from './azure-cli.ts'
import {
  MAX_TARGET_ID_LENGTH,
  step,
  type CommandPlan,
  type RemediationKind,
  type RemediationStep,
  type RemediationTarget
} from './step.ts'

const AZ_ASSIGNMENT_NAME = /^[^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ]+$/

/** A fix to one assignment, as its builder describes it for `assignmentStep`. */
export interface AssignmentFix {
  kind: RemediationKind
  title: string
  /** Where the fix is made on the assignment's Edit assignment page, e.g. ['Parameters']. */
  tabs: string[]
  /** How to do it there (written by this action). */
  detail: string
  command: CommandPlan
}

/**
 * The preamble of every fix to an assignment: takes the evidence of the assignment and the fix,
 * and returns the step with the assignment as its target, the portal path to its Edit assignment
 * page, and, for an assignment made at a management group, how to find it and what the change
 * reaches.
 */
export function assignmentStep(evidence: AssignmentEvidence, fix: AssignmentFix): RemediationStep {
  return step({
    kind: fix.kind,
    title: fix.title,
    target: assignmentTarget(evidence),
    portalPath: assignmentPortal(evidence, ...fix.tabs),
    details: [fix.detail, ...scopeDetail(evidence)],
    command: fix.command
  })
}

/** A change to one property of an assignment through `az policy assignment show/update`. */
export interface CliUpdate {
  /** The property `show --query` reads and the `update` option that replaces it. */
  query: 'parameters' | 'notScopes'
  option: '--params' | '--not-scopes'
  /** The shell variable that carries the changed value from jq to `update`. */
  variable: string
  /** The jq program that changes the value, and its one `--arg` (name, value). */
  program: string
  arg: [name: string, value: string]
  /** Values from Azure in the command besides the assignment's name and scope, by what they are. */
  values: Record<string, string>
  note: string
}

/**
 * The command plan that reads the property, changes it with jq and writes it back: `update`
 * replaces the whole property, so the others it holds are kept. Takes the assignment's evidence
 * and the change; the plan is blocked when the assignment's name is one the CLI rejects.
 */
export function cliUpdate(evidence: AssignmentEvidence, change: CliUpdate): CommandPlan {
  const name = assignmentName(evidence)
  const where = `--name ${shellQuote(name ?? '')} --scope ${shellQuote(evidence.scope)}`
  const [argName, argValue] = change.arg
  return {
    blocker: nameProblem(name),
    values: { 'assignment name': name ?? '', 'assignment scope': evidence.scope, ...change.values },
    write: () =>
      [
        `${change.variable}=$(az policy assignment show ${where} --query ${change.query} --output json \\`,
        `  | jq --compact-output --arg ${argName} ${shellQuote(argValue)} '${change.program}')`,
        `az policy assignment update ${where} ${change.option} "$${change.variable}"`
      ].join('\n'),
    note: change.note
  }
}

function assignmentName(evidence: AssignmentEvidence): string | null {
  return splitPolicyResourceId(evidence.id, 'policyAssignments')?.name ?? null
}

// Names and ids shown in a step are bounded one-line text: a step is data for the summary, and a
// 10,000-character display name must not make every step that large.
function assignmentLabel(evidence: AssignmentEvidence): string {
  return oneLine(evidence.displayName || assignmentName(evidence) || evidence.id, MAX_NAME_LENGTH)
}

function assignmentTarget(evidence: AssignmentEvidence): RemediationTarget {
  return {
    label: 'Assignment',
    displayName: oneLine(evidence.displayName, MAX_NAME_LENGTH) || null,
    id: oneLine(evidence.id, MAX_TARGET_ID_LENGTH)
  }
}

function assignmentPortal(evidence: AssignmentEvidence, ...tabs: string[]): string[] {
  return [
    'Azure portal',
    'Policy',
    'Assignments',
    assignmentLabel(evidence),
    'Edit assignment',
    ...tabs
  ]
}

function scopeDetail(evidence: AssignmentEvidence): string[] {
  return evidence.scope
    .toLowerCase()
    .startsWith('/providers/microsoft.management/managementgroups/')
    ? [
        'The assignment is made at a management group: set the scope of the Assignments list to that management group to find it, and note that the change applies to every subscription below it.'
      ]
    : []
}

/** `update` commands need a name the CLI accepts; `az rest` does not. */
function nameProblem(name: string | null): string | null {
  if (name === null)
    return 'No command is given because the assignment id does not have the usual form.'
  if (!AZ_ASSIGNMENT_NAME.test(name)) {
    return "No command is given because the Azure CLI (2.77 and later) rejects this assignment's name in --name (it holds a character such as '.' or '+'); use the portal."
  }
  return null
}
