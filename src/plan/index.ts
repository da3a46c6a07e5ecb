// The readers of planned changes: Terraform plans, ARM/Bicep what-if results and EPAC policy plans,
// each change to a policy assignment, exemption, initiative, definition or Defender for Servers
// plan in one shape (types.ts) that can be laid over the live estate. Also where each change is
// declared in the repository, for annotations on a pull request's diff (locate.ts).
import { expandPlanPaths, readPlanBytes } from './files.ts'
import { readPlanContent } from './recognize.ts'
import { PLAN_FORMAT_NAMES, type PlanFileRead } from './types.ts'

export {
  indexDeclarations,
  type Declaration,
  type DeclarationIndex,
  type ScanLimits
} from './locate.ts'
export { PlanFileError } from './errors.ts'
export { expandPlanPaths, type PlanPath } from './files.ts'
export { readPlanContent } from './recognize.ts'
export * from './types.ts'

/**
 * Reads the plan files `patterns` names (`planned-changes`: one path or glob a line, relative to
 * `workspace`), in order. Returns, for each file, its format and the policy and pricing changes in
 * it (an empty list: the plan changes nothing the check weighs). Throws PlanFileError (a UserError)
 * naming the file for a path refused or missing, an empty or malformed file, or one in none of the
 * formats.
 */
export async function readPlannedChanges(
  patterns: readonly string[],
  workspace: string
): Promise<PlanFileRead[]> {
  const reads: PlanFileRead[] = []
  for (const file of await expandPlanPaths(patterns, workspace)) {
    reads.push(readPlanContent(await readPlanBytes(file), file.relative))
  }
  return reads
}

/**
 * One line for the log about a plan file as read: its format and how many policy and pricing
 * changes it holds, or that it holds none and so changes nothing the check weighs.
 */
export function describePlanRead(read: PlanFileRead): string {
  const format = PLAN_FORMAT_NAMES[read.format]
  if (read.changes.length === 0) {
    return `planned-changes: ${read.file} (${format}) changes no policy assignment, exemption, initiative, definition, Defender for Servers plan or management-group placement, so it changes no verdict.`
  }
  return `planned-changes: ${read.file} (${format}): ${read.changes.length} change(s) to policy or Defender for Servers resources or management-group placement.`
}
