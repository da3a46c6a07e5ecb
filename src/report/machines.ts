// How the reports name what Azure records of a subscription's virtual machines (src/evaluate/
// cross-check.ts): one sentence of counts for the SARIF message and the issue, and the link to a
// machine in the Azure portal. Plain text; each report escapes it for its format.
import type { SubscriptionResult } from '../model.ts'

/** `Azure Policy flags 3 of the 5 virtual machines it evaluated against the JIT policy, 2 have no
 * Compliant or NonCompliant JIT policy state`, and that Azure's record disagrees with the verdict when it does; null when
 * the machines were not read. */
export function machineCounts(
  result: Pick<SubscriptionResult, 'virtualMachines' | 'crossCheck'>
): string | null {
  const counts = result.virtualMachines
  if (!counts) return null
  const noState =
    counts.notAudited === null
      ? ''
      : `, ${counts.notAudited} have no Compliant or NonCompliant JIT policy state`
  const disagrees =
    result.crossCheck === 'disagrees' ? "; Azure's own record disagrees with the verdict" : ''
  return `Azure Policy flags ${counts.flagged} of the ${counts.evaluated} virtual machine(s) it evaluated against the JIT policy${noState}${disagrees}`
}

/** The Azure portal's page of the resource `id` under `portalTenantUrl` (report/context.ts,
 * `https://portal.azure.com/#@TENANT`): `…/resource` and the id. */
export function portalResourceUrl(portalTenantUrl: string, id: string): string {
  return `${portalTenantUrl}/resource${id.startsWith('/') ? '' : '/'}${id}`
}
