// Results and views for the notification tests.
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import type { NotificationView } from '../../src/notify/body.ts'

export const FAIL_ON: ReadonlySet<Verdict> = new Set<Verdict>(['noncompliant', 'error'])
export const CATEGORY = 'azure-jit-network-access-check/abc123'
export const RUN_URL = 'https://github.com/octo-org/estate/actions/runs/42'

/** A subscription id from a small number: `00000000-0000-0000-0000-00000000000N`. */
export function sub(n: number): string {
  return `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`
}

export function result(n: number, verdict: Verdict, reason = `reason ${n}`): SubscriptionResult {
  return {
    subscriptionId: sub(n),
    verdict,
    reason,
    effectiveEffect: verdict === 'compliant' ? 'AuditIfNotExists' : null,
    assignments: [],
    ...(verdict === 'error' ? { errorCause: 'access-denied' as const } : {})
  }
}

export function view(
  results: SubscriptionResult[],
  extra: Partial<NotificationView> = {}
): NotificationView {
  return {
    results,
    failOn: FAIL_ON,
    names: new Map(results.map((item, index) => [item.subscriptionId, `name-${index + 1}`])),
    category: CATEGORY,
    runUrl: RUN_URL,
    ...extra
  }
}
