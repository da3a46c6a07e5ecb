// The fixes for an effect other than the audit effect, made on the assignment that runs the JIT
// policy: set the assignment parameter the effect is bound to (keeping the assignment's other
// parameters), take the JIT policy out of an override that disables it, or add an override that
// sets the audit effect when the initiative fixes the effect.
//
// Overrides have no dedicated Azure CLI flag worth using (`--overrides` takes the CLI's own key
// spelling, `not-in`, not ARM's `notIn`), so they are changed with `az rest --method patch` on the
// assignment: the Policy Assignments - Update (PATCH) operation accepts `properties.overrides`
// (it does not accept parameters, which is why parameters go through `update --params`).
import { AUDIT_EFFECT, type AssignmentEvidence } from '../../model.ts'
import { ASSIGNMENT_PATCH_API_VERSION } from '../../api-versions.ts'
import { assignmentStep, cliUpdate } from './assignment.ts'
import { jqProgram, jqScript, restUrl, shellQuote } from './azure-cli.ts'
import type { CommandPlan, RemediationStep } from './step.ts'

// Every program below reads the assignment's overrides (`properties.overrides`, `[]` when it has
// none) and writes the whole new list, since PATCH replaces it: one field changed, the rest kept.

// Selects an override that sets the effect to Disabled (any case).
const DISABLED_OVERRIDE =
  '.kind == "policyEffect" and ((.value // "") | ascii_downcase) == "disabled"'
// Selects an override selector that picks policy definition reference ids.
const REFERENCE_SELECTOR = '.kind == "policyDefinitionReferenceId"'

// Each Disabled override leaves the JIT reference $ref out: removed from an `in` selector, added
// to a `notIn` one, or a `notIn` selector added when there is none; then an override whose `in`
// became empty (it only selected JIT) is dropped. Other overrides stay as they are.
const JQ_NARROW_OVERRIDES = jqScript(
  '[ .[]',
  `  | if ${DISABLED_OVERRIDE} then`,
  `      if ([(.selectors // [])[] | select(${REFERENCE_SELECTOR})] | length) == 0`,
  '      then .selectors = ((.selectors // []) + [{kind: "policyDefinitionReferenceId", notIn: [$ref]}])',
  '      else .selectors |= map(',
  '        if .kind != "policyDefinitionReferenceId" then .',
  '        elif .in != null then .in |= map(select(ascii_downcase != ($ref | ascii_downcase)))',
  '        else .notIn = (((.notIn // []) + [$ref]) | unique) end)',
  '      end',
  '    else . end',
  `  | select([(.selectors // [])[] | select(${REFERENCE_SELECTOR} and .in != null and (.in | length) == 0)] | length == 0)`,
  ']'
)

// Every override but the Disabled ones (the JIT policy is assigned alone: no reference to narrow).
const JQ_DROP_DISABLED_OVERRIDES = jqScript(`[ .[] | select((${DISABLED_OVERRIDE}) | not) ]`)

// The existing overrides and one more: the audit effect for the JIT reference $ref.
const JQ_ADD_OVERRIDE = jqScript(
  `. + [{kind: "policyEffect", value: "${AUDIT_EFFECT}",`,
  '      selectors: [{kind: "policyDefinitionReferenceId", in: [$ref]}]}]'
)

/**
 * The step for an effect an override sets to Disabled: narrow (or, without a reference id,
 * remove) the Disabled overrides so that they no longer select the JIT policy, through a short
 * read, change, review, write script that keeps every other override.
 */
export function removeOverrideStep(evidence: AssignmentEvidence): RemediationStep {
  const ref = evidence.policyDefinitionReferenceId
  return assignmentStep(evidence, {
    kind: 'remove-override',
    title: 'Take the JIT policy out of the assignment override that sets its effect to Disabled',
    tabs: ['Advanced', 'Overrides'],
    detail:
      ref === null
        ? 'Remove the override of kind policyEffect whose value is Disabled.'
        : 'Edit the override of kind policyEffect whose value is Disabled so that its policy definition reference selector leaves out the JIT reference id named in the evidence (or remove the override if it only targets JIT).',
    command:
      ref === null
        ? patchOverrides(
            evidence,
            JQ_DROP_DISABLED_OVERRIDES,
            null,
            'Removes the Disabled effect overrides and keeps the others: the script reads the overrides, shows the change, then writes them (needs jq).'
          )
        : patchOverrides(
            evidence,
            JQ_NARROW_OVERRIDES,
            ref,
            'Narrows every Disabled effect override so that it no longer selects the JIT reference, keeping the rest of each override: the script reads the overrides, shows the change, then writes them (needs jq).'
          )
  })
}

/**
 * The step for an effect the initiative writes as Disabled with no parameter: add an override
 * with the audit effect for the JIT reference `ref`, through a get | jq | patch command that keeps
 * the existing overrides.
 */
export function addOverrideStep(evidence: AssignmentEvidence, ref: string): RemediationStep {
  return assignmentStep(evidence, {
    kind: 'add-override',
    title: `Override the effect the initiative fixes for the JIT policy with ${AUDIT_EFFECT}`,
    tabs: ['Advanced', 'Overrides'],
    detail: `The initiative writes the JIT policy's effect as Disabled and no parameter controls it. Either add an override of kind policyEffect with value ${AUDIT_EFFECT} selecting the JIT reference id, or edit the initiative (Policy > Definitions) to use ${AUDIT_EFFECT}.`,
    command: patchOverrides(
      evidence,
      JQ_ADD_OVERRIDE,
      ref,
      'Adds one override and keeps the existing ones: the script reads the overrides, shows the change, then writes them (needs jq).'
    )
  })
}

/**
 * A short script a person can review before it writes: read the assignment's overrides into
 * overrides.json, write the list `program` makes of it (given `$ref` when there is one) to
 * overrides.new.json, show the difference, then PATCH the new list (Policy Assignments - Update).
 */
function patchOverrides(
  evidence: AssignmentEvidence,
  program: string,
  ref: string | null,
  note: string
): CommandPlan {
  const refArg = ref === null ? '' : ` --arg ref ${shellQuote(ref)}`
  return {
    values: {
      'assignment id': evidence.id,
      ...(ref === null ? {} : { 'policy definition reference id': ref })
    },
    write: () =>
      [
        `url=${restUrl(evidence.id, ASSIGNMENT_PATCH_API_VERSION)}`,
        '# 1. Read the overrides.',
        `az rest --method get --url "$url" | jq '.properties.overrides // []' > overrides.json`,
        '# 2. Change them.',
        `jq${refArg} '${program}' overrides.json > overrides.new.json`,
        '# 3. Review the change.',
        'diff -u overrides.json overrides.new.json',
        '# 4. Write them (PATCH replaces the whole list).',
        `az rest --method patch --url "$url" --body "{\\"properties\\": {\\"overrides\\": $(jq --compact-output . overrides.new.json)}}"`
      ].join('\n'),
    note
  }
}

// Input: the assignment's `parameters` object (null when it has none). Output: the same object
// with the parameter named $name set to the audit effect, every other parameter as it was.
const JQ_SET_PARAMETER = jqProgram(`(. // {}) + {($name): {value: "${AUDIT_EFFECT}"}}`)

/**
 * The step that sets the effect parameter `parameter` of the assignment in `evidence` to the
 * audit effect: portal path to its Parameters tab, and a show | jq | update command (no command
 * when the name, scope or parameter cannot go into one; the note says why).
 */
export function setParameterStep(evidence: AssignmentEvidence, parameter: string): RemediationStep {
  return assignmentStep(evidence, {
    kind: 'set-parameter',
    title: `Set the effect parameter of the assignment to ${AUDIT_EFFECT}`,
    tabs: ['Parameters'],
    detail: `Clear "Only show parameters that need input or review", set the parameter named below to ${AUDIT_EFFECT}, then Review + save.`,
    command: cliUpdate(evidence, {
      query: 'parameters',
      option: '--params',
      variable: 'params',
      program: JQ_SET_PARAMETER,
      arg: ['name', parameter],
      values: { 'parameter name': parameter },
      note: "A full --params value replaces all of the assignment's parameters, so the command reads the current ones and changes only this one (needs jq)."
    })
  })
}
