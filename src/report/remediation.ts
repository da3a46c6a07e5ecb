// What to do about a subscription that is not compliant: for each cause the evidence shows, the
// portal path and, where one exists, an `az` command that fixes it. Pure: the commands are text
// for a person to read and run, never run here.
//
// The Azure CLI facts the commands rely on (checked against the CLI's source and reference):
// - `az policy assignment update` reads the assignment, applies the arguments and writes the whole
//   assignment back (GET then PUT). A full `--params` value REPLACES `properties.parameters`: the
//   content builder resets the dictionary before filling it from the argument. So the command
//   reads the current parameters (`az policy assignment show --query parameters`), adds the one
//   to change with jq, and passes the merged object. `--not-scopes` replaces the list the same way.
// - `--name` of `az policy assignment show/update` must match ^[^<>*%&:\?.+/]*[^<>*%&:\?.+/ ]+$
//   (Azure CLI 2.77+ rejects names with a dot, Azure/azure-cli#32159): other names get no command.
// - `az policy assignment create --policy` takes a definition name (the built-in's GUID) and looks
//   it up; a tenant-level definition id there would be misread as a management group.
// - `az policy exemption delete --name --scope`; the name must match ^[^<>%&:\?/]*[^<>%&:\?/ ]+$.
// - Overrides have no dedicated flag worth using (`--overrides` takes the CLI's own key spelling,
//   `not-in`, not ARM's `notIn`), so they are changed with `az rest --method patch` on the
//   assignment: the Policy Assignments - Update (PATCH) operation accepts `properties.overrides`
//   (it does not accept parameters, which is why parameters go through `update --params`).
//   `az rest --url` takes a resource id and prefixes the current cloud's ARM endpoint.
// - `az role assignment create --assignee` takes an object id, a sign-in name or a service
//   principal name (the application's client id is one).
import {
  JIT_POLICY_DEFINITION_NAME,
  type AssignmentEvidence,
  type ErrorCause,
  type SubscriptionResult
} from '../model.ts'
import { ASSIGNMENT_PATCH_API_VERSION, POLICY_EXEMPTIONS_API_VERSION } from '../api-versions.ts'
import { shellQuote, unsafeCommandValue } from './shell.ts'
import { MAX_NAME_LENGTH, oneLine } from './text.ts'

/** The effect that makes Defender for Cloud audit JIT network access. */
export const AUDIT_EFFECT = 'AuditIfNotExists'
export const JIT_POLICY_DISPLAY_NAME =
  'Management ports of virtual machines should be protected with just-in-time network access control'
/** Name the remediation gives a new assignment of the JIT policy at a subscription. */
export const NEW_ASSIGNMENT_NAME = 'jit-network-access-audit'
/** Longest id kept in a step's target (ids in commands are never cut: a value too long for a
 * command gets no command). */
export const MAX_TARGET_ID_LENGTH = 1024
/** At most this many steps per subscription; the rest are counted. */
export const MAX_STEPS_PER_SUBSCRIPTION = 4

export type RemediationKind =
  | 'assign-policy'
  | 'set-parameter'
  | 'remove-override'
  | 'add-override'
  | 'remove-exemption'
  | 'restore-coverage'
  | 'grant-reader'
  | 'grant-management-group-reader'
  | 'check-subscription'
  | 'check-tenant'
  | 'retry'
  | 'investigate'

export interface RemediationTarget {
  /** What the id names, e.g. "Assignment" (written by this action). */
  label: string
  /** From Azure: escape before showing. */
  displayName: string | null
  /** From Azure: escape before showing. */
  id: string
}

export interface RemediationStep {
  kind: RemediationKind
  /** What to do, written by this action (holds no Azure text). */
  title: string
  /** The Azure object the step changes, when there is one. */
  target: RemediationTarget | null
  /** Portal navigation, one segment each; segments may be Azure display names: escape them. */
  portalPath: string[]
  /** How to do it, written by this action (holds no Azure text). */
  details: string[]
  /** POSIX shell commands that make the fix (values single-quoted), or null when there is none. */
  command: string | null
  /** Why there is no command, or what to do before running it (written by this action). */
  commandNote: string | null
}

export interface Remediation {
  subscriptionId: string
  /** Written by this action: how the steps relate ("any one of them"). */
  intro: string | null
  steps: RemediationStep[]
  /** Steps left out past MAX_STEPS_PER_SUBSCRIPTION. */
  omittedSteps: number
}

export interface RemediationOptions {
  /** The application (client) id the action signs in with, for role assignment commands. */
  clientId?: string | undefined
}

// Name patterns the Azure CLI enforces on --name (see the notes at the top).
const AZ_ASSIGNMENT_NAME = /^[^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ]+$/
const AZ_EXEMPTION_NAME = /^[^<>%&:\\?/]*[^<>%&:\\?/ ]+$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface SplitId {
  scope: string
  name: string
}

/** Splits `{scope}/providers/Microsoft.Authorization/{type}/{name}` (case-insensitive). */
export function splitPolicyResourceId(
  id: string,
  type: 'policyAssignments' | 'policyExemptions'
): SplitId | null {
  const marker = `/providers/microsoft.authorization/${type.toLowerCase()}/`
  const at = id.toLowerCase().lastIndexOf(marker)
  if (at <= 0) return null
  const scope = id.slice(0, at)
  const name = id.slice(at + marker.length)
  if (name === '' || name.includes('/') || !scope.startsWith('/')) return null
  return { scope, name }
}

// jq programs are constants written here; the shell sees them in single quotes, so they must not
// hold one.
function jqProgram(program: string): string {
  if (program.includes("'")) throw new Error('jq program must not contain a single quote')
  return program
}

const JQ_SET_PARAMETER = jqProgram(`(. // {}) + {($name): {value: "${AUDIT_EFFECT}"}}`)
const JQ_DROP_NOT_SCOPES = jqProgram(
  '[(. // [])[] | select(ascii_downcase as $s | ($sub | ascii_downcase) as $t' +
    ' | ($s != $t) and ($s | startswith($t + "/") | not))]'
)
const DISABLED_OVERRIDE =
  '.kind == "policyEffect" and ((.value // "") | ascii_downcase) == "disabled"'
// An override that disables the JIT reference: narrow its policyDefinitionReferenceId selector so
// that it leaves the JIT reference out (remove it from `in`, add it to `notIn`, or add a `notIn`
// selector), then drop overrides whose `in` became empty.
const JQ_NARROW_OVERRIDES = jqProgram(
  '{properties: {overrides: [(.properties.overrides // [])[]' +
    ` | if ${DISABLED_OVERRIDE} then` +
    ' (if ([(.selectors // [])[] | select(.kind == "policyDefinitionReferenceId")] | length) == 0' +
    ' then .selectors = ((.selectors // []) + [{kind: "policyDefinitionReferenceId", notIn: [$ref]}])' +
    ' else .selectors |= map(if .kind != "policyDefinitionReferenceId" then .' +
    ' elif .in != null then .in |= map(select(ascii_downcase != ($ref | ascii_downcase)))' +
    ' else .notIn = (((.notIn // []) + [$ref]) | unique) end) end)' +
    ' else . end' +
    ' | select([(.selectors // [])[] | select(.kind == "policyDefinitionReferenceId"' +
    ' and .in != null and (.in | length) == 0)] | length == 0)]}}'
)
const JQ_DROP_DISABLED_OVERRIDES = jqProgram(
  `{properties: {overrides: [(.properties.overrides // [])[] | select((${DISABLED_OVERRIDE}) | not)]}}`
)
const JQ_ADD_OVERRIDE = jqProgram(
  '{properties: {overrides: ((.properties.overrides // []) + [{kind: "policyEffect", value: "' +
    AUDIT_EFFECT +
    '", selectors: [{kind: "policyDefinitionReferenceId", in: [$ref]}]}])}}'
)

/** The first reason any of `values` must stay out of a command, or null. */
function unsafeValues(values: Record<string, string>): string | null {
  for (const [what, value] of Object.entries(values)) {
    const problem = unsafeCommandValue(value)
    if (problem)
      return `No command is given because the ${what} from Azure cannot go into a command safely: ${problem}.`
  }
  return null
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

function assignmentPortal(evidence: AssignmentEvidence, ...rest: string[]): string[] {
  return [
    'Azure portal',
    'Policy',
    'Assignments',
    assignmentLabel(evidence),
    'Edit assignment',
    ...rest
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

function setParameterStep(evidence: AssignmentEvidence, parameter: string): RemediationStep {
  const name = assignmentName(evidence)
  const problem =
    nameProblem(name) ??
    unsafeValues({
      'assignment name': name ?? '',
      'assignment scope': evidence.scope,
      'parameter name': parameter
    })
  const where = `--name ${shellQuote(name ?? '')} --scope ${shellQuote(evidence.scope)}`
  return {
    kind: 'set-parameter',
    title: `Set the effect parameter of the assignment to ${AUDIT_EFFECT}`,
    target: assignmentTarget(evidence),
    portalPath: assignmentPortal(evidence, 'Parameters'),
    details: [
      `Clear "Only show parameters that need input or review", set the parameter named below to ${AUDIT_EFFECT}, then Review + save.`,
      ...scopeDetail(evidence)
    ],
    command: problem
      ? null
      : [
          `params=$(az policy assignment show ${where} --query parameters --output json \\`,
          `  | jq --compact-output --arg name ${shellQuote(parameter)} '${JQ_SET_PARAMETER}')`,
          `az policy assignment update ${where} --params "$params"`
        ].join('\n'),
    commandNote:
      problem ??
      "A full --params value replaces all of the assignment's parameters, so the command reads the current ones and changes only this one (needs jq)."
  }
}

/** The resource URL for `az rest`, quoted: each path segment percent-encoded, so that a `?`, `#`
 * or `{subscriptionId}` inside a name cannot move the query, cut the path or be substituted. */
function restUrl(id: string, apiVersion: string): string {
  const path = id.split('/').map(encodeURIComponent).join('/')
  return shellQuote(`${path}?api-version=${apiVersion}`)
}

function patchOverridesCommand(
  evidence: AssignmentEvidence,
  program: string,
  ref: string | null
): string {
  const refArg = ref === null ? '' : ` --arg ref ${shellQuote(ref)}`
  return [
    `url=${restUrl(evidence.id, ASSIGNMENT_PATCH_API_VERSION)}`,
    `body=$(az rest --method get --url "$url" \\`,
    `  | jq --compact-output${refArg} '${program}')`,
    `az rest --method patch --url "$url" --body "$body"`
  ].join('\n')
}

function removeOverrideStep(evidence: AssignmentEvidence): RemediationStep {
  const ref = evidence.policyDefinitionReferenceId
  const problem = unsafeValues({
    'assignment id': evidence.id,
    ...(ref === null ? {} : { 'policy definition reference id': ref })
  })
  return {
    kind: 'remove-override',
    title: 'Take the JIT policy out of the assignment override that sets its effect to Disabled',
    target: assignmentTarget(evidence),
    portalPath: assignmentPortal(evidence, 'Advanced', 'Overrides'),
    details: [
      ref === null
        ? 'Remove the override of kind policyEffect whose value is Disabled.'
        : 'Edit the override of kind policyEffect whose value is Disabled so that its policy definition reference selector leaves out the JIT reference id named in the evidence (or remove the override if it only targets JIT).',
      ...scopeDetail(evidence)
    ],
    command: problem
      ? null
      : patchOverridesCommand(
          evidence,
          ref === null ? JQ_DROP_DISABLED_OVERRIDES : JQ_NARROW_OVERRIDES,
          ref
        ),
    commandNote:
      problem ??
      (ref === null
        ? 'Removes the Disabled effect overrides and keeps the others (PATCH of properties.overrides; needs jq).'
        : 'Narrows every Disabled effect override so that it no longer selects the JIT reference, keeping the rest of each override (PATCH of properties.overrides; needs jq).')
  }
}

function addOverrideStep(evidence: AssignmentEvidence, ref: string): RemediationStep {
  const problem = unsafeValues({
    'assignment id': evidence.id,
    'policy definition reference id': ref
  })
  return {
    kind: 'add-override',
    title: `Override the effect the initiative fixes for the JIT policy with ${AUDIT_EFFECT}`,
    target: assignmentTarget(evidence),
    portalPath: assignmentPortal(evidence, 'Advanced', 'Overrides'),
    details: [
      `The initiative writes the JIT policy's effect as Disabled and no parameter controls it. Either add an override of kind policyEffect with value ${AUDIT_EFFECT} selecting the JIT reference id, or edit the initiative (Policy > Definitions) to use ${AUDIT_EFFECT}.`,
      ...scopeDetail(evidence)
    ],
    command: problem ? null : patchOverridesCommand(evidence, JQ_ADD_OVERRIDE, ref),
    commandNote:
      problem ??
      'Adds one override and keeps the existing ones (PATCH of properties.overrides; needs jq).'
  }
}

function removeExemptionStep(exemptionId: string): RemediationStep {
  const split = splitPolicyResourceId(exemptionId, 'policyExemptions')
  const problem =
    (split === null
      ? 'No command is given because the exemption id does not have the usual form.'
      : null) ?? unsafeValues({ 'exemption id': exemptionId })
  let command: string | null = null
  if (!problem && split) {
    command = AZ_EXEMPTION_NAME.test(split.name)
      ? `az policy exemption delete --name ${shellQuote(split.name)} --scope ${shellQuote(split.scope)}`
      : `az rest --method delete --url ${restUrl(exemptionId, POLICY_EXEMPTIONS_API_VERSION)}`
  }
  return {
    kind: 'remove-exemption',
    title: 'Remove the exemption that takes the JIT policy off the subscription',
    target: {
      label: 'Exemption',
      displayName: null,
      id: oneLine(exemptionId, MAX_TARGET_ID_LENGTH)
    },
    portalPath: [
      'Azure portal',
      'Policy',
      'Exemptions',
      oneLine(split?.name ?? exemptionId, MAX_NAME_LENGTH),
      'Delete exemption'
    ],
    details: [
      'It exempts an assignment that runs the JIT policy. Deleting it also ends it for every other policy and resource it covers; to keep it for those, edit it instead (Edit exemption) and take the JIT policy out of the policies it exempts.'
    ],
    command,
    commandNote: problem ?? 'Deletes the whole exemption.'
  }
}

function restoreCoverageStep(
  subscriptionId: string,
  evidence: AssignmentEvidence
): RemediationStep {
  const name = assignmentName(evidence)
  const subscriptionScope = `/subscriptions/${subscriptionId}`
  const problem =
    nameProblem(name) ??
    unsafeValues({
      'assignment name': name ?? '',
      'assignment scope': evidence.scope,
      'subscription id': subscriptionId
    })
  const where = `--name ${shellQuote(name ?? '')} --scope ${shellQuote(evidence.scope)}`
  return {
    kind: 'restore-coverage',
    title: 'Make the assignment cover the whole subscription again',
    target: assignmentTarget(evidence),
    portalPath: assignmentPortal(evidence, 'Basics', 'Exclusions'),
    details: [
      'Remove the subscription, its resource groups, or the management group above it from Exclusions; on the Advanced tab, check that no resource selector or override location selector leaves virtual machines out.',
      ...scopeDetail(evidence)
    ],
    command: problem
      ? null
      : [
          `not_scopes=$(az policy assignment show ${where} --query notScopes --output json \\`,
          `  | jq --compact-output --arg sub ${shellQuote(subscriptionScope)} '${JQ_DROP_NOT_SCOPES}')`,
          `az policy assignment update ${where} --not-scopes "$not_scopes"`
        ].join('\n'),
    commandNote:
      problem ??
      'Removes this subscription and its resource groups from the excluded scopes and keeps the other exclusions (--not-scopes replaces the list; needs jq). An excluded management group, a resource selector or an override location selector has to be changed in the portal.'
  }
}

function assignPolicyStep(subscriptionId: string): RemediationStep {
  const scope = `/subscriptions/${subscriptionId}`
  const problem = unsafeValues({ 'subscription id': subscriptionId })
  return {
    kind: 'assign-policy',
    title: 'Assign the JIT policy (or an initiative that contains it) to the subscription',
    target: null,
    portalPath: [
      'Microsoft Defender for Cloud',
      'Environment settings',
      subscriptionId,
      'Security policies'
    ],
    details: [
      'In Defender for Cloud, turn on the Microsoft cloud security benchmark for the subscription: its assignment audits JIT network access.',
      `Or assign the built-in policy alone: Azure portal > Policy > Definitions > "${JIT_POLICY_DISPLAY_NAME}" > Assign policy, with the subscription as scope and the effect ${AUDIT_EFFECT}.`
    ],
    command: problem
      ? null
      : `az policy assignment create --name '${NEW_ASSIGNMENT_NAME}' --display-name ${shellQuote(JIT_POLICY_DISPLAY_NAME)} --policy '${JIT_POLICY_DEFINITION_NAME}' --scope ${shellQuote(scope)}`,
    commandNote:
      problem ??
      `Assigns the built-in definition ${JIT_POLICY_DEFINITION_NAME}; its effect defaults to ${AUDIT_EFFECT}.`
  }
}

function grantRoleStep(
  kind: 'grant-reader' | 'grant-management-group-reader',
  subscriptionId: string,
  options: RemediationOptions
): RemediationStep {
  const clientId = options.clientId && GUID.test(options.clientId) ? options.clientId : null
  const assignee = clientId ?? '<client-id>'
  const forSubscription = kind === 'grant-reader'
  // Reading which subscriptions sit below a management group takes managementGroups/descendants/
  // read there: Reader has it, Management Group Reader does not.
  const role = 'Reader'
  const scope = forSubscription
    ? `/subscriptions/${subscriptionId}`
    : '/providers/Microsoft.Management/managementGroups/<management-group-id>'
  const problem = unsafeValues({ 'subscription id': subscriptionId })
  const placeholders = [
    clientId ? null : '<client-id> with the application (client) id of the action',
    forSubscription
      ? null
      : '<management-group-id> with the management group that the assignment excludes in its notScopes'
  ].filter((text): text is string => text !== null)
  return {
    kind,
    title: forSubscription
      ? "Give the action's identity the Reader role on the subscription"
      : "Give the action's identity read access to the excluded management group",
    target: null,
    portalPath: forSubscription
      ? [
          'Azure portal',
          'Subscriptions',
          subscriptionId,
          'Access control (IAM)',
          'Add role assignment'
        ]
      : [
          'Azure portal',
          'Management groups',
          'the management group',
          'Access control (IAM)',
          'Add role assignment'
        ],
    details: [
      forSubscription
        ? 'Reader lets it read the policy assignments, exemptions and initiatives that apply. If an initiative is defined at a management group, give the same role there too.'
        : 'An assignment excludes a management group, and the check must read which subscriptions sit below that group (Microsoft.Management/managementGroups/descendants/read, part of Reader) to know whether the exclusion covers this one.'
    ],
    command: problem
      ? null
      : `az role assignment create --assignee ${shellQuote(assignee)} --role ${shellQuote(role)} --scope ${shellQuote(scope)}`,
    commandNote: problem ?? (placeholders.length ? `Replace ${placeholders.join(', and ')}.` : null)
  }
}

function plainStep(
  kind: 'check-subscription' | 'check-tenant' | 'retry' | 'investigate',
  subscriptionId: string
): RemediationStep {
  const texts = {
    'check-subscription': [
      "Check the subscription id, and that the action's identity has a role on it",
      'The subscription was not found or is not visible to the identity: it may be mistyped, cancelled, or in another tenant than tenant-id.'
    ],
    'check-tenant': [
      'Check that tenant-id is the tenant of the subscription',
      'Resource Manager refused the token: the subscription belongs to another tenant than the one the action signed in to.'
    ],
    retry: [
      'Re-run the check',
      'Resource Manager failed, throttled or answered badly for this subscription; the next run usually succeeds. If it keeps happening, lower max-concurrency.'
    ],
    investigate: [
      'Read the reason and fix what it names',
      'The check could not decide this subscription; the reason says what failed.'
    ]
  } as const
  const [title, detail] = texts[kind]
  return {
    kind,
    title,
    target: null,
    portalPath: ['Azure portal', 'Subscriptions', subscriptionId],
    details: [detail],
    command: null,
    commandNote: null
  }
}

const KIND_OF_CAUSE: Readonly<Record<ErrorCause, RemediationKind>> = {
  'access-denied': 'grant-reader',
  'unreadable-initiative': 'grant-reader',
  'unknown-ancestry': 'grant-management-group-reader',
  'not-found': 'check-subscription',
  'wrong-tenant': 'check-tenant',
  transient: 'retry',
  internal: 'investigate'
}

/** What an `error` verdict asks for, from the cause the collector or the evaluator gave. */
export function errorRemediationKind(cause: ErrorCause | undefined): RemediationKind {
  return cause === undefined ? 'investigate' : KIND_OF_CAUSE[cause]
}

function stepsForAssignment(
  subscriptionId: string,
  evidence: AssignmentEvidence
): RemediationStep[] {
  const steps: RemediationStep[] = []
  if (evidence.effect.toLowerCase() !== AUDIT_EFFECT.toLowerCase()) {
    if (evidence.effectSource === 'override') steps.push(removeOverrideStep(evidence))
    else if (evidence.effectParameter)
      steps.push(setParameterStep(evidence, evidence.effectParameter))
    else if (evidence.policyDefinitionReferenceId) {
      steps.push(addOverrideStep(evidence, evidence.policyDefinitionReferenceId))
    } else steps.push(plainStep('investigate', subscriptionId))
  }
  if (evidence.coverage !== 'full') {
    for (const exemptionId of evidence.exemptionIds) steps.push(removeExemptionStep(exemptionId))
    if (evidence.coverage === 'unknown') {
      steps.push(grantRoleStep('grant-management-group-reader', subscriptionId, {}))
    } else if (evidence.exemptionIds.length === 0) {
      steps.push(restoreCoverageStep(subscriptionId, evidence))
    }
  }
  return steps
}

/**
 * The remediation for one subscription: nothing for `compliant`; for `error`, what access or
 * setting the reason points at; otherwise a step for each cause in the evidence of each
 * assignment that runs the JIT policy, or assigning the policy when none does.
 */
export function remediationFor(
  result: SubscriptionResult,
  options: RemediationOptions = {}
): Remediation {
  const subscriptionId = result.subscriptionId
  let steps: RemediationStep[] = []
  let intro: string | null = null
  if (result.verdict === 'compliant') {
    return { subscriptionId, intro: null, steps: [], omittedSteps: 0 }
  }
  if (result.verdict === 'error') {
    const kind = errorRemediationKind(result.errorCause)
    steps =
      kind === 'grant-reader' || kind === 'grant-management-group-reader'
        ? [grantRoleStep(kind, subscriptionId, options)]
        : [
            plainStep(
              kind as 'check-subscription' | 'check-tenant' | 'retry' | 'investigate',
              subscriptionId
            )
          ]
  } else {
    const groups = result.assignments
      .map((evidence) => stepsForAssignment(subscriptionId, evidence))
      .filter((group) => group.length > 0)
    if (groups.length > 1) {
      intro =
        'Several assignments run the JIT policy here; fixing any one of them so that it audits the whole subscription is enough.'
    }
    steps = groups.flat()
    if (
      result.assignments.length === 0 ||
      (result.verdict === 'noncompliant' && steps.length === 0)
    ) {
      steps = [assignPolicyStep(subscriptionId)]
    } else if (steps.length === 0) {
      steps = [plainStep('investigate', subscriptionId)]
    }
  }
  const kept = steps.slice(0, MAX_STEPS_PER_SUBSCRIPTION)
  return { subscriptionId, intro, steps: kept, omittedSteps: steps.length - kept.length }
}
