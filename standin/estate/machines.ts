// The estate's virtual machines (types.ts, VirtualMachine): their check, and what Azure derives
// from them: Azure Policy's policy states in Policy Insights' shape ("Policy States - List Query
// Results For Subscription", PolicyState), which Resource Graph's `policyresources` holds as
// properties of `microsoft.policyinsights/policystates` rows, and Defender for Cloud's JIT
// assessment in ARM's shape ("Assessments - Get"), which `securityresources` holds.
import { createHash } from 'node:crypto'
import {
  JIT_POLICY_DEFINITION_ID,
  type ArmResource,
  type Estate,
  type VirtualMachine,
  type VirtualMachinePolicyState
} from './types.ts'

/** Defender for Cloud's assessment the JIT definition's existence condition reads. */
export const JIT_ASSESSMENT_NAME = '805651bc-6ecd-4c73-9b55-97a19d0582d0'

const VM_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i

/** The subscription, resource group and name of a machine's id; undefined for another id. */
export function machineParts(
  id: string
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = VM_ID.exec(id)
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined
}

/** The problems of `value` (an estate's `virtualMachines`), each by `problem(path, message)`;
 * `subscriptions` holds the estate's subscription ids, lower case. */
export function machineProblems(
  value: unknown,
  subscriptions: ReadonlySet<string>,
  problem: (path: string, message: string) => void
): void {
  if (value === undefined) return
  if (!Array.isArray(value)) return problem('virtualMachines', 'must be an array')
  const seen = new Set<string>()
  value.forEach((machine: unknown, i) => {
    const p = `virtualMachines[${i}]`
    const vm = machine as Partial<VirtualMachine> | null
    if (typeof vm !== 'object' || vm === null || typeof vm.id !== 'string')
      return problem(p, 'must be {id, location, policyStates?, jitAssessment?}')
    const parts = machineParts(vm.id)
    if (!parts)
      return problem(
        `${p}.id`,
        `'${vm.id}' is not a /subscriptions/S/resourceGroups/R/providers/Microsoft.Compute/virtualMachines/NAME id`
      )
    if (!subscriptions.has(parts.subscriptionId.toLowerCase()))
      problem(`${p}.id`, `subscription '${parts.subscriptionId}' is not in subscriptions`)
    if (seen.has(vm.id.toLowerCase())) problem(`${p}.id`, 'repeats a machine')
    seen.add(vm.id.toLowerCase())
    if (typeof vm.location !== 'string' || vm.location === '')
      problem(`${p}.location`, 'is required (a region name)')
    if (vm.policyStates !== undefined && !Array.isArray(vm.policyStates))
      problem(`${p}.policyStates`, 'must be an array')
    for (const [n, state] of (Array.isArray(vm.policyStates) ? vm.policyStates : []).entries()) {
      const s = state as Partial<VirtualMachinePolicyState> | null
      if (typeof s?.policyAssignmentId !== 'string' || typeof s.complianceState !== 'string')
        problem(`${p}.policyStates[${n}]`, 'must be {policyAssignmentId, complianceState}')
    }
    const assessment = vm.jitAssessment
    if (assessment !== undefined && typeof assessment?.code !== 'string')
      problem(`${p}.jitAssessment`, 'must be {code, cause?}')
  })
}

/** A policy state of `machine` under one assignment, in Policy Insights' shape. */
export interface PolicyStateRecord {
  /** A stable id for Resource Graph's row. */
  rowId: string
  subscriptionId: string
  state: Record<string, unknown>
}

/** The latest policy states of the JIT definition for every machine of `estate`. */
export function policyStatesOf(estate: Estate): PolicyStateRecord[] {
  const timestamp = '2026-01-01T00:00:00Z'
  return (estate.virtualMachines ?? []).flatMap((machine) => {
    const parts = machineParts(machine.id)
    if (!parts) return []
    return (machine.policyStates ?? []).map((state) => {
      const assignment = state.policyAssignmentId
      const at = assignment.toLowerCase().indexOf('/providers/microsoft.authorization/')
      const digest = createHash('sha256')
        .update(`${machine.id}|${assignment}`.toLowerCase())
        .digest('hex')
        .slice(0, 32)
      return {
        rowId: `${machine.id}/providers/Microsoft.PolicyInsights/policyStates/${digest}`,
        subscriptionId: parts.subscriptionId,
        state: {
          timestamp,
          resourceId: machine.id,
          policyAssignmentId: assignment,
          policyDefinitionId: JIT_POLICY_DEFINITION_ID,
          isCompliant: state.complianceState === 'Compliant',
          subscriptionId: parts.subscriptionId,
          resourceType: 'Microsoft.Compute/virtualMachines',
          resourceLocation: machine.location,
          resourceGroup: parts.resourceGroup,
          policyAssignmentName: assignment.split('/').pop() ?? '',
          policyAssignmentScope: at < 0 ? '' : assignment.slice(0, at),
          policyDefinitionName: JIT_POLICY_DEFINITION_ID.split('/').pop(),
          policyDefinitionAction: 'auditifnotexists',
          policySetDefinitionId: state.policySetDefinitionId ?? '',
          policyDefinitionReferenceId: state.policyDefinitionReferenceId ?? '',
          complianceState: state.complianceState
        }
      }
    })
  })
}

/** Defender for Cloud's JIT assessment of every machine of `estate` that has one, in ARM's
 * shape. */
export function jitAssessmentsOf(estate: Estate): ArmResource[] {
  return (estate.virtualMachines ?? []).flatMap((machine) =>
    machine.jitAssessment === undefined
      ? []
      : [
          {
            id: `${machine.id}/providers/Microsoft.Security/assessments/${JIT_ASSESSMENT_NAME}`,
            name: JIT_ASSESSMENT_NAME,
            type: 'Microsoft.Security/assessments',
            properties: {
              displayName:
                'Management ports of virtual machines should be protected with just-in-time network access control',
              resourceDetails: { Source: 'Azure', Id: machine.id },
              status: {
                code: machine.jitAssessment.code,
                ...(machine.jitAssessment.cause !== undefined
                  ? { cause: machine.jitAssessment.cause }
                  : {})
              }
            }
          }
        ]
  )
}
