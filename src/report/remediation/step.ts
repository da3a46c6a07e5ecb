// The shape of a remediation step and the one preamble every step builder goes through: a step
// gets a command only when every value from Azure that the command holds is safe to paste.
import { unsafeCommandValue } from './azure-cli.ts'

export type RemediationKind =
  | 'assign-policy'
  | 'set-parameter'
  | 'remove-override'
  | 'add-override'
  | 'remove-exemption'
  | 'restore-coverage'
  | 'grant-reader'
  | 'grant-management-group-reader'
  | 'grant-initiative-reader'
  | 'restore-initiative'
  | 'check-subscription'
  | 'check-tenant'
  | 'retry'
  | 'investigate'
  | 'enable-defender-plan-2'

export interface RemediationTarget {
  /** What the id names, e.g. "Assignment" (written by this action). */
  label: string
  /** From Azure: escape before showing. */
  displayName: string | null
  /** From Azure: escape before showing. */
  id: string
}

/** Between the segments of a portal path, in every report (summary, SARIF help, fix details):
 * `Azure portal > Policy > Assignments`. */
export const PORTAL_PATH_SEPARATOR = ' > '

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

/** Longest id kept in a step's target (ids in commands are never cut: a value too long for a
 * command gets no command). */
export const MAX_TARGET_ID_LENGTH = 1024

/** The command a step offers, before the checks that decide whether it may be shown. */
export interface CommandPlan {
  /** Why no command can be given whatever the values (e.g. an id of unusual form); none when
   * absent or null. */
  blocker?: string | null
  /** Every value from Azure the command holds, by what it is ("assignment id": value). */
  values: Record<string, string>
  /** Writes the command; called only when there is no blocker and every value is safe. */
  write: () => string
  /** What to know before running the command, or null. */
  note: string | null
}

/** A step as its builder describes it: what `step` turns into a `RemediationStep`. */
export type StepPlan = Omit<RemediationStep, 'command' | 'commandNote'> & {
  /** The command, or null for a step done by hand only. */
  command: CommandPlan | null
}

/**
 * The shared preamble of every step builder: takes the step's plan and returns the step, with the
 * command written when it has no blocker and every value passes `unsafeCommandValue`, and
 * otherwise no command and a note that says why.
 */
export function step(plan: StepPlan): RemediationStep {
  const { kind, title, target, portalPath, details, command } = plan
  if (command === null)
    return { kind, title, target, portalPath, details, command: null, commandNote: null }
  const problem = command.blocker ?? unsafeValues(command.values)
  return {
    kind,
    title,
    target,
    portalPath,
    details,
    command: problem ? null : command.write(),
    commandNote: problem ?? command.note
  }
}

/** The first reason any of `values` must stay out of a command, or null. */
function unsafeValues(values: Record<string, string>): string | null {
  for (const [what, value] of Object.entries(values)) {
    const problem = unsafeCommandValue(value)
    if (problem)
      return `No command is given because the ${what} from Azure cannot go into a command safely: ${problem}.`
  }
  return null
}
