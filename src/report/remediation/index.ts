// What to do about a subscription that is not compliant: for each cause the evidence shows, the
// portal path and, where one exists, an `az` command that fixes it. Pure: the commands are text
// for a person to read and run, never run here. This module, the folder's entry, chooses the kinds
// of fix; the files beside it build them, by what they answer (an assignment's effect in
// effect.ts, its coverage in coverage.ts, what the subscription lacks in subscription.ts, what kept
// it from being checked in not-checked.ts), through the shared preamble in step.ts.
import {
  AUDIT_EFFECT,
  type AssignmentEvidence,
  type ErrorCause,
  type SubscriptionResult,
  type UnreadableInitiative
} from '../../model.ts'
import { removeExemptionStep, restoreCoverageStep } from './coverage.ts'
import { addOverrideStep, removeOverrideStep, setParameterStep } from './effect.ts'
import {
  byHandStep,
  grantRoleStep,
  initiativeReaderStep,
  missingInitiativeStep,
  type AccessKind,
  type ByHandKind
} from './not-checked.ts'
import type { RemediationStep } from './step.ts'
import { assignPolicyStep, enablePlan2Step } from './subscription.ts'

/** At most this many steps per subscription; the rest are counted. */
export const MAX_STEPS_PER_SUBSCRIPTION = 4

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

const KIND_OF_CAUSE: Readonly<Record<ErrorCause, AccessKind | ByHandKind>> = {
  'access-denied': 'grant-reader',
  'unreadable-initiative': 'grant-reader',
  'unknown-ancestry': 'grant-management-group-reader',
  'not-found': 'check-subscription',
  'wrong-tenant': 'check-tenant',
  transient: 'retry',
  // The reason names what to check in the policy data.
  undecidable: 'investigate',
  internal: 'investigate'
}

/** What an `error` verdict asks for, from the cause the collector or the evaluator gave;
 * `investigate` when there is no cause. */
export function errorRemediationKind(cause: ErrorCause | undefined): AccessKind | ByHandKind {
  return cause === undefined ? 'investigate' : KIND_OF_CAUSE[cause]
}

function errorStep(
  kind: AccessKind | ByHandKind,
  subscriptionId: string,
  options: RemediationOptions
): RemediationStep {
  return kind === 'grant-reader' || kind === 'grant-management-group-reader'
    ? grantRoleStep(kind, subscriptionId, options.clientId)
    : byHandStep(kind, subscriptionId)
}

/** What an initiative that could not be read asks for, by Resource Manager's status: 404 (missing)
 * points at the assignment; 403, or no status known, Reader where it is defined; any other
 * status (throttling, failures) a re-run. */
function initiativeStep(
  initiative: UnreadableInitiative,
  subscriptionId: string,
  options: RemediationOptions
): RemediationStep {
  if (initiative.status === 404) return missingInitiativeStep(initiative)
  if (initiative.status === null || initiative.status === 403 || initiative.status === 401) {
    return initiativeReaderStep(initiative, subscriptionId, options.clientId)
  }
  return byHandStep('retry', subscriptionId)
}

/** `steps` without repeats (two assignments of one initiative need one role assignment). */
function unique(steps: RemediationStep[]): RemediationStep[] {
  const seen = new Set<string>()
  return steps.filter((item) => {
    const key = JSON.stringify(item)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A step for each cause in one assignment's evidence: first its effect, then its coverage. */
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
    } else steps.push(byHandStep('investigate', subscriptionId))
  }
  if (evidence.coverage !== 'full') {
    for (const exemptionId of evidence.exemptionIds) steps.push(removeExemptionStep(exemptionId))
    if (evidence.coverage === 'unknown') {
      steps.push(grantRoleStep('grant-management-group-reader', subscriptionId, undefined))
    } else if (evidence.exemptionIds.length === 0) {
      steps.push(restoreCoverageStep(subscriptionId, evidence))
    }
  }
  return steps
}

/**
 * The remediation for one subscription: nothing for `compliant`; for `error`, what access or
 * setting the cause points at (for initiatives that could not be read, one step per initiative by
 * Resource Manager's answer); otherwise a step for each cause in the evidence of each
 * assignment that runs the JIT policy, or assigning the policy when none does. Takes the
 * subscription's result and the options (the client id for role assignment commands); returns at
 * most MAX_STEPS_PER_SUBSCRIPTION steps and how many were left out.
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
    const initiatives = result.unreadableInitiatives ?? []
    steps =
      result.errorCause === 'unreadable-initiative' && initiatives.length > 0
        ? unique(initiatives.map((item) => initiativeStep(item, subscriptionId, options)))
        : [errorStep(errorRemediationKind(result.errorCause), subscriptionId, options)]
  } else {
    const groups = result.assignments
      .map((evidence) => stepsForAssignment(subscriptionId, evidence))
      .filter((group) => group.length > 0)
    if (groups.length > 1) {
      intro =
        'Several assignments run the JIT policy here; fixing any one of them so that it audits the whole subscription is enough.'
    }
    steps = groups.flat()
    const plan = result.defenderForServers
    if (result.verdict === 'partial' && plan !== undefined && 'plan2' in plan && !plan.plan2) {
      steps.unshift(enablePlan2Step(subscriptionId))
      if (groups.length > 1) {
        intro = `Turn on Plan 2 first. Then: ${intro}`
      }
    }
    if (
      result.assignments.length === 0 ||
      (result.verdict === 'noncompliant' && steps.length === 0)
    ) {
      steps = [assignPolicyStep(subscriptionId)]
    } else if (steps.length === 0) {
      steps = [byHandStep('investigate', subscriptionId)]
    }
  }
  const kept = steps.slice(0, MAX_STEPS_PER_SUBSCRIPTION)
  return { subscriptionId, intro, steps: kept, omittedSteps: steps.length - kept.length }
}
