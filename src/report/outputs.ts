// The step outputs, exactly as DESIGN.md ("The action's contract") and action.yml name them. Values
// are data for later steps: they keep Azure's strings as they are (JSON-encoded), not escaped for
// display. A workflow that interpolates them into a script with ${{ }} must treat them as
// untrusted text.
import type { AssignmentEvidence, SubscriptionResult } from '../model.ts'

export type OutputName = 'compliant' | 'noncompliant-subscriptions' | 'results' | 'sarif-file'

/** One assignment in the `results` output: exactly these fields, in this order. */
export interface AssignmentOutput {
  id: string
  displayName: string
  scope: string
  policyDefinitionId: string
  policyDefinitionReferenceId: string | null
  effect: string
  effectSource: string
  enforcementMode: string
  coverage: string
}

/** One subscription in the `results` output: exactly these fields, in this order. */
export interface ResultOutput {
  subscriptionId: string
  verdict: string
  reason: string
  effectiveEffect: string | null
  assignments: AssignmentOutput[]
}

function assignmentOutput(evidence: AssignmentEvidence): AssignmentOutput {
  return {
    id: evidence.id,
    displayName: evidence.displayName,
    scope: evidence.scope,
    policyDefinitionId: evidence.policyDefinitionId,
    policyDefinitionReferenceId: evidence.policyDefinitionReferenceId,
    effect: evidence.effect,
    effectSource: evidence.effectSource,
    enforcementMode: evidence.enforcementMode,
    coverage: evidence.coverage
  }
}

export function resultOutput(result: SubscriptionResult): ResultOutput {
  return {
    subscriptionId: result.subscriptionId,
    verdict: result.verdict,
    reason: result.reason,
    effectiveEffect: result.effectiveEffect,
    assignments: result.assignments.map(assignmentOutput)
  }
}

/**
 * The values of the action's outputs:
 * - `compliant`: 'true' when every subscription is compliant (and there is at least one), else
 *   'false';
 * - `noncompliant-subscriptions`: JSON array of the ids whose verdict is noncompliant;
 * - `results`: JSON array, one object per subscription with the DESIGN.md fields;
 * - `sarif-file`: the path of the SARIF file written, '' when none was.
 */
export function buildOutputs(
  results: readonly SubscriptionResult[],
  sarifPath: string | null
): Record<OutputName, string> {
  return {
    compliant: String(
      results.length > 0 && results.every((result) => result.verdict === 'compliant')
    ),
    'noncompliant-subscriptions': JSON.stringify(
      results
        .filter((result) => result.verdict === 'noncompliant')
        .map((result) => result.subscriptionId)
    ),
    results: JSON.stringify(results.map(resultOutput)),
    'sarif-file': sarifPath ?? ''
  }
}
