// Whether Resource Graph showed every exemption of a subscription it found compliant. Resource
// Graph returns only the rows the identity may read and says nothing of the others: an identity
// that may not read policy exemptions (at the subscription, or at a management group above it)
// sees none there, and an exemption would go unseen while the verdict says compliant. Resource
// Manager refuses such a read loudly. So before a compliant verdict from Resource Graph stands,
// Resource Manager lists the exemptions that bear on the subscription: once per run at a
// management group above it, else once for the subscription itself; a Resource Graph that missed
// one of them, or a list that cannot be read, sends the subscription to Resource Manager to be
// read again (docs/design.md, "Architecture").
import { POLICY_EXEMPTIONS_API_VERSION } from '../../api-versions.ts'
import { managementGroupId, managementGroupName, normalizeId } from '../../azure-ids.ts'
import type { SubscriptionSnapshot } from '../../model.ts'
import { SharedFetches } from '../concurrency.ts'
import type { ResourceManager } from '../resource-manager.ts'
import { Field } from '../shape.ts'

export interface ExemptionCheck {
  /**
   * Resolves true when Resource Manager lists no exemption bearing on the subscription of
   * `snapshot` (read from Resource Graph) that the snapshot lacks; false when it lists one, or
   * when no list could be read. Never rejects. Takes what it needs from the snapshot at once.
   */
  confirm(snapshot: SubscriptionSnapshot): Promise<boolean>
}

/**
 * The check for one run over `resourceManager`. For a subscription, it tries, in order, the
 * management groups of `managementGroups` (the run's scope) above it and the topmost group above
 * it (the tenant root group, in Resource Graph's chain): "Policy Exemptions - List For Management
 * Group" with `$filter=atScope()` lists the exemptions at the group and at its ancestors, each
 * group's list read once per run. The first list that can be read decides: read access there
 * reaches every scope below it, so Resource Graph shows what lies below; what lies at the group and
 * above must all be in the snapshot. When no group's list can be read (the identity has its roles
 * on subscriptions), the subscription's own unfiltered list ("Policy Exemptions - List": those at
 * it, above it and inside it) must all be in the snapshot. Requests: one per group tried in the
 * run, plus one per subscription when none could be read.
 */
export function exemptionCheck(
  resourceManager: ResourceManager,
  managementGroups: readonly string[]
): ExemptionCheck {
  const scopeGroups = managementGroups.map((group) => group.toLowerCase())
  const atGroups = new SharedFetches<ReadonlySet<string>>()

  async function listIds(pathAndQuery: string): Promise<ReadonlySet<string>> {
    const items = await resourceManager.listAll(pathAndQuery)
    return new Set(
      items.map((item) => normalizeId(Field.of(item, 'policy exemption').at('id').string()))
    )
  }

  const atGroup = (group: string) =>
    atGroups.get(group, () =>
      listIds(
        `${managementGroupId(encodeURIComponent(group))}/providers/Microsoft.Authorization/policyExemptions?$filter=${encodeURIComponent('atScope()')}&api-version=${POLICY_EXEMPTIONS_API_VERSION}`
      )
    )

  async function confirm(snapshot: SubscriptionSnapshot): Promise<boolean> {
    const seen = new Set(snapshot.exemptions.map((exemption) => normalizeId(exemption.id)))
    const above = (snapshot.managementGroupAncestry ?? [])
      .map(managementGroupName)
      .filter((name) => name !== null)
    const topmost = above.at(-1)
    const groups = [
      ...new Set([
        ...scopeGroups.filter((group) => above.includes(group)),
        ...(topmost === undefined ? [] : [topmost])
      ])
    ]
    const allSeen = (listed: ReadonlySet<string>) => [...listed].every((id) => seen.has(id))
    for (const group of groups) {
      try {
        return allSeen(await atGroup(group))
      } catch {
        // Refused, or not read: the next group, else the subscription's own list.
      }
    }
    try {
      return allSeen(
        await listIds(
          `/subscriptions/${encodeURIComponent(snapshot.subscriptionId)}/providers/Microsoft.Authorization/policyExemptions?api-version=${POLICY_EXEMPTIONS_API_VERSION}`
        )
      )
    } catch {
      return false
    }
  }

  return { confirm }
}
