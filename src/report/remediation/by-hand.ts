// The steps a person takes with no command to run: check the subscription or the tenant, re-run,
// or read the reason. They answer `error` verdicts whose cause no role assignment fixes.
import { step, type RemediationStep } from './step.ts'

export type ByHandKind = 'check-subscription' | 'check-tenant' | 'retry' | 'investigate'

// [title, detail] of each step.
const TEXTS: Readonly<Record<ByHandKind, readonly [string, string]>> = {
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
}

/** The step of kind `kind` for subscription `subscriptionId`: what to do and the portal path to the
 * subscription; never a command. */
export function byHandStep(kind: ByHandKind, subscriptionId: string): RemediationStep {
  const [title, detail] = TEXTS[kind]
  return step({
    kind,
    title,
    target: null,
    portalPath: ['Azure portal', 'Subscriptions', subscriptionId],
    details: [detail],
    command: null
  })
}
