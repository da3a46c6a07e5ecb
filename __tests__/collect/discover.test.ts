// Discovery over a Resource Manager whose lists are pages in memory: which subscriptions are
// checked, skipped and excluded, their names and states, and what discovery cost.
import { describe, expect, test } from '@jest/globals'
import { DiscoveryError, discoverSubscriptions } from '../../src/collect/discover.ts'
import { ArmRequestError } from '../../src/collect/errors.ts'
import { MAX_DISPLAY_NAME } from '../../src/azure-text.ts'
import type { ResourceManager } from '../../src/collect/resource-manager.ts'
import { scope } from '../support/scope.ts'

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const S = [0, 1, 2, 3, 4, 5, 6, 7].map(id)

type Pages = unknown[][] | Error

/** A Resource Manager whose lists answer from `lists`, keyed by path without the query. */
function fakeResourceManager(lists: Record<string, Pages>) {
  const asked: string[] = []
  const resourceManager = {
    listAll: async (pathAndQuery: string, onPage?: () => void) => {
      const path = pathAndQuery.split('?')[0]!
      asked.push(pathAndQuery)
      const pages = lists[path.toLowerCase()]
      if (pages === undefined) throw new ArmRequestError(404, 'NotFound', `${path} not found`)
      if (pages instanceof Error) throw pages
      pages.forEach(() => onPage?.())
      return pages.flat()
    }
  } as unknown as ResourceManager
  return { resourceManager, asked }
}

const listed = (n: number, displayName: string, state = 'Enabled') => ({
  id: `/subscriptions/${id(n)}`,
  subscriptionId: id(n),
  displayName,
  state
})
const descendant = (n: number, displayName: string) => ({
  id: `/subscriptions/${id(n)}`,
  type: '/subscriptions',
  name: id(n),
  properties: { displayName, parent: { id: '/providers/Microsoft.Management/managementGroups/x' } }
})
const group = (name: string) => ({
  id: `/providers/Microsoft.Management/managementGroups/${name}`,
  type: 'Microsoft.Management/managementGroups',
  name,
  properties: { displayName: name }
})
const descendantsOf = (name: string) =>
  `/providers/microsoft.management/managementgroups/${name}/descendants`

const SUBSCRIPTION_LIST: unknown[][] = [
  [listed(0, 'prod-0'), listed(1, 'prod-1', 'Warned'), listed(2, 'old', 'Disabled')],
  [listed(3, 'gone', 'Deleted'), listed(4, 'late', 'PastDue'), listed(5, 'sandbox')]
]

describe('discoverSubscriptions', () => {
  test('`*`: every listed subscription; Disabled and Deleted skipped; Warned and PastDue checked', async () => {
    const { resourceManager, asked } = fakeResourceManager({ '/subscriptions': SUBSCRIPTION_LIST })
    const discovery = await discoverSubscriptions(
      resourceManager,
      scope({ allSubscriptions: true })
    )
    expect(discovery.subscriptions).toEqual([
      { subscriptionId: S[0], displayName: 'prod-0', state: 'Enabled' },
      { subscriptionId: S[1], displayName: 'prod-1', state: 'Warned' },
      { subscriptionId: S[4], displayName: 'late', state: 'PastDue' },
      { subscriptionId: S[5], displayName: 'sandbox', state: 'Enabled' }
    ])
    expect(discovery.skipped).toEqual([
      { subscriptionId: S[2], displayName: 'old', state: 'Disabled' },
      { subscriptionId: S[3], displayName: 'gone', state: 'Deleted' }
    ])
    expect(discovery.cost).toMatchObject({ requests: 2, lists: 1 })
    expect(asked).toEqual(['/subscriptions?api-version=2022-12-01'])
  })

  test('listed ids keep their order and take names from the list; one the list lacks is still checked', async () => {
    const { resourceManager } = fakeResourceManager({ '/subscriptions': SUBSCRIPTION_LIST })
    const discovery = await discoverSubscriptions(
      resourceManager,
      scope({ subscriptionIds: [S[5]!, S[7]!, S[0]!, S[2]!] })
    )
    expect(discovery.subscriptions).toEqual([
      { subscriptionId: S[5], displayName: 'sandbox', state: 'Enabled' },
      { subscriptionId: S[7] },
      { subscriptionId: S[0], displayName: 'prod-0', state: 'Enabled' }
    ])
    expect(discovery.skipped.map((s) => s.subscriptionId)).toEqual([S[2]])
  })

  test('management groups: subscriptions at any depth, each once, union with listed ids, exclusions', async () => {
    const { resourceManager, asked } = fakeResourceManager({
      '/subscriptions': SUBSCRIPTION_LIST,
      [descendantsOf('corp')]: [
        [group('prod'), descendant(0, 'from-descendants'), descendant(6, 'hidden-from-list')],
        [descendant(1, 'x'), descendant(2, 'y')]
      ],
      [descendantsOf('online')]: [[descendant(1, 'x'), descendant(5, 'z')]]
    })
    const discovery = await discoverSubscriptions(
      resourceManager,
      scope({
        subscriptionIds: [S[4]!, S[0]!],
        managementGroups: ['corp', 'online'],
        excludeSubscriptionIds: [S[5]!, S[7]!]
      })
    )
    expect(discovery.subscriptions).toEqual([
      { subscriptionId: S[4], displayName: 'late', state: 'PastDue' },
      { subscriptionId: S[0], displayName: 'prod-0', state: 'Enabled' },
      // Not in the subscription list: the descendants' name, no state, still checked.
      { subscriptionId: S[6], displayName: 'hidden-from-list' },
      { subscriptionId: S[1], displayName: 'prod-1', state: 'Warned' }
    ])
    expect(discovery.skipped.map((s) => s.subscriptionId)).toEqual([S[2]])
    expect(discovery.excluded).toEqual([S[5]])
    expect(discovery.cost).toMatchObject({ requests: 2 + 2 + 1, lists: 3 })
    expect(asked).toContain(
      '/providers/Microsoft.Management/managementGroups/corp/descendants?api-version=2023-04-01'
    )
  })

  test('a management group that cannot be read fails discovery, naming the group and the role', async () => {
    const { resourceManager } = fakeResourceManager({
      '/subscriptions': SUBSCRIPTION_LIST,
      [descendantsOf('corp')]: new ArmRequestError(403, 'AuthorizationFailed', 'no access')
    })
    const discovery = discoverSubscriptions(resourceManager, scope({ managementGroups: ['corp'] }))
    await expect(discovery).rejects.toThrow(DiscoveryError)
    await expect(discovery).rejects.toThrow(
      /management group corp \(403 AuthorizationFailed: no access\).*Reader on the management group/
    )
  })

  test('a 404 among several groups says display names are not accepted and spaces split items', async () => {
    const { resourceManager } = fakeResourceManager({ '/subscriptions': SUBSCRIPTION_LIST })
    // `management-groups: Landing Zones` reads as the two items Landing and Zones.
    const split = discoverSubscriptions(
      resourceManager,
      scope({ managementGroups: ['Landing', 'Zones'] })
    )
    await expect(split).rejects.toThrow(
      /management group Landing \(404 NotFound: .*\)\..* `management-groups` takes names or ids, not display names, and spaces separate items: a display name such as `Landing Zones` is read as two groups\./
    )
    // One group that is not found gets no such hint; a 403 among several neither.
    const single = discoverSubscriptions(resourceManager, scope({ managementGroups: ['nowhere'] }))
    await expect(single).rejects.toThrow(/\(404 NotFound: .*Reader on the management group/)
    await expect(single).rejects.not.toThrow(/display names/)
    const refused = fakeResourceManager({
      '/subscriptions': SUBSCRIPTION_LIST,
      [descendantsOf('corp')]: [[group('prod')]],
      [descendantsOf('online')]: new ArmRequestError(403, 'AuthorizationFailed', 'no access')
    })
    await expect(
      discoverSubscriptions(
        refused.resourceManager,
        scope({ managementGroups: ['corp', 'online'] })
      )
    ).rejects.not.toThrow(/display names/)
  })

  test('a failed subscription list costs names only for listed ids, but fails `*`', async () => {
    const failing = () =>
      fakeResourceManager({ '/subscriptions': new ArmRequestError(500, 'InternalError', 'boom') })
    const listedOnly = await discoverSubscriptions(
      failing().resourceManager,
      scope({ subscriptionIds: [S[0]!] })
    )
    expect(listedOnly.subscriptions).toEqual([{ subscriptionId: S[0] }])
    expect(listedOnly.subscriptionListError).toBe('500 InternalError: boom')
    await expect(
      discoverSubscriptions(failing().resourceManager, scope({ allSubscriptions: true }))
    ).rejects.toThrow(/Could not list the subscriptions the identity can read.*500 InternalError/)
  })

  test('ignores list items that are not subscriptions', async () => {
    const { resourceManager } = fakeResourceManager({
      '/subscriptions': [[{ subscriptionId: 'not-a-guid' }, null, listed(0, 'ok')]]
    })
    const discovery = await discoverSubscriptions(
      resourceManager,
      scope({ allSubscriptions: true })
    )
    expect(discovery.subscriptions.map((s) => s.subscriptionId)).toEqual([S[0]])
  })

  test('a display name enters redacted and cut at MAX_DISPLAY_NAME, from either list', async () => {
    const huge = 'n'.repeat(1024 * 1024)
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln'
    const { resourceManager } = fakeResourceManager({
      '/subscriptions': [[listed(0, huge), listed(1, `prod ${jwt}`, 'Disabled')]],
      [descendantsOf('corp')]: [[descendant(2, huge)]]
    })
    const discovery = await discoverSubscriptions(
      resourceManager,
      scope({ subscriptionIds: [S[0]!, S[1]!], managementGroups: ['corp'] })
    )
    const names = [...discovery.subscriptions, ...discovery.skipped].map((s) => s.displayName)
    expect(names).toEqual([
      expect.stringMatching(/^n+…\[cut from 1048576 characters\]$/),
      expect.stringMatching(/^n+…\[cut from 1048576 characters\]$/),
      'prod [redacted]'
    ])
    for (const name of names) expect(name!.length).toBeLessThanOrEqual(MAX_DISPLAY_NAME)
  })
})
