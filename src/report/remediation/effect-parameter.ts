// The fix for an effect set through an assignment parameter: set that parameter to the audit
// effect, keeping the assignment's other parameters.
import type { AssignmentEvidence } from '../../model.ts'
import { assignmentStep, cliUpdate } from './assignment.ts'
import { jqProgram } from './azure-cli.ts'
import { AUDIT_EFFECT } from '../../model.ts'
import type { RemediationStep } from './step.ts'

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
