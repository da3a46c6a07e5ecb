// What the collector reads for one subscription: the assignments that apply, the exemptions that
// touch it, and (shared by all subscriptions of the run) the definitions they name and the
// management-group ancestry the notScopes ask about.
import {
  JIT_POLICY_DEFINITION_NAME,
  type DefenderForServersPlan,
  type ErrorCause,
  type PolicyAssignment,
  type SubscriptionSnapshot
} from '../model.ts'
import { describeFailure, failureCause, type FailureContext } from './errors.ts'
import { withDisplayNamesBounded } from './display-names.ts'
import { POLICY_ASSIGNMENTS_API_VERSION, POLICY_EXEMPTIONS_API_VERSION } from '../api-versions.ts'
import { managementGroupId, managementGroupName } from '../azure-ids.ts'
import { listDescendants } from './discover.ts'
import { readDefenderForServers } from './defender-plan.ts'
import { mapAssignment, mapExemption, mapPolicyDefinition } from './map.ts'
import type { ResourceManager } from './resource-manager.ts'
import { setDefinitionReader } from './set-definitions.ts'
import { SharedFetches } from './concurrency.ts'

/** What was read for one subscription: its snapshot, or why it could not be read. */
export type Collected =
  | { subscriptionId: string; snapshot: SubscriptionSnapshot }
  | { subscriptionId: string; failure: string; cause: ErrorCause }

export interface SubscriptionReader {
  /** Reads one subscription; never rejects (a failure is a Collected with its cause). */
  read(subscriptionId: string): Promise<Collected>
  /** Completes a snapshot whose lists were read elsewhere (Resource Graph) with the reads every
   * subscription shares: the set definitions it does not hold yet, at the versions its
   * assignments run, the JIT definition, and the ancestry when a notScope asks for it and the
   * snapshot has none; `planRead`, when given, becomes its Defender for Servers plan. Its display
   * names are bounded (display-names.ts). Never rejects. */
  complete(
    snapshot: PartialSnapshot,
    planRead?: Promise<DefenderForServersPlan>
  ): Promise<Collected>
  /** Settles once the reads shared by every subscription are done (none is left running). */
  settled(): Promise<void>
}

export interface ReaderOptions {
  /** The identity the run signed in as, named in failure messages. */
  clientId: string
  /** Read each subscription's Defender for Servers plan (`defender-plan-check`); default true. */
  defenderPlanCheck?: boolean
}

/** The read of a subscription that failed on `error` while reading `context.what`: the sentence
 * for its `error` verdict (describeFailure) and its cause. */
export function failedRead(error: unknown, context: FailureContext): Collected {
  return {
    subscriptionId: context.subscriptionId,
    failure: describeFailure(error, context),
    cause: failureCause(error)
  }
}

/** A snapshot being filled in, before the JIT definition joins it. */
export type PartialSnapshot = Omit<SubscriptionSnapshot, 'jitPolicyDefinition'>

// Every assignment associated with the subscription: no $filter ("Policy Assignments - List":
// without it the list also holds those at resource groups and resources inside the scope), with
// the version each runs.
const ASSIGNMENTS_QUERY = `$expand=${encodeURIComponent('LatestDefinitionVersion, EffectiveDefinitionVersion')}&api-version=${POLICY_ASSIGNMENTS_API_VERSION}`

/**
 * A reader of subscriptions for one run: per subscription its assignments, its exemptions and
 * (unless turned off) its Defender for Servers plan, read at once; reads of definitions, their
 * versions and management-group descendants are shared by every subscription it reads.
 */
export function subscriptionReader(
  resourceManager: ResourceManager,
  { clientId, defenderPlanCheck = true }: ReaderOptions
): SubscriptionReader {
  const tenantClient = resourceManager.policyClient()
  const setDefinitions = setDefinitionReader(resourceManager)
  const descendants = new SharedFetches<Map<string, string>>()
  const jitDefinition = tenantClient.policyDefinitions
    .getBuiltIn(JIT_POLICY_DEFINITION_NAME)
    .then(mapPolicyDefinition)
  jitDefinition.catch(() => undefined)

  const failed = (subscriptionId: string, error: unknown, what: string) =>
    failedRead(error, { subscriptionId, clientId, what })

  async function read(subscriptionId: string): Promise<Collected> {
    let assignments: PolicyAssignment[]
    let exemptions: SubscriptionSnapshot['exemptions']
    let snapshot: PartialSnapshot
    let planRead: Promise<DefenderForServersPlan> | undefined
    let what = 'the policy assignments'
    try {
      const exemptionsRead = resourceManager.listAll(
        `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyExemptions?api-version=${POLICY_EXEMPTIONS_API_VERSION}`
      )
      exemptionsRead.catch(() => undefined)
      planRead = defenderPlanCheck
        ? readDefenderForServers(resourceManager, subscriptionId, clientId)
        : undefined
      assignments = (
        await resourceManager.listAll(
          `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyAssignments?${ASSIGNMENTS_QUERY}`
        )
      ).map(mapAssignment)
      what = 'the policy exemptions'
      exemptions = (await exemptionsRead).map(mapExemption)
      snapshot = {
        subscriptionId,
        assignments,
        exemptions,
        setDefinitions: {},
        collectedAt: new Date().toISOString()
      }
    } catch (error) {
      return failed(subscriptionId, error, what)
    }
    return complete(snapshot, planRead)
  }

  /** The snapshot with the shared reads; `planRead`, when given, is the plan read alongside. */
  async function complete(
    snapshot: PartialSnapshot,
    planRead?: Promise<DefenderForServersPlan>
  ): Promise<Collected> {
    try {
      const [jitPolicyDefinition, defenderForServers] = await Promise.all([
        jitDefinition,
        planRead,
        setDefinitions.add(snapshot),
        addAncestry(snapshot)
      ])
      return {
        subscriptionId: snapshot.subscriptionId,
        snapshot: withDisplayNamesBounded({
          ...snapshot,
          jitPolicyDefinition,
          ...(defenderForServers ? { defenderForServers } : {})
        })
      }
    } catch (error) {
      return failed(snapshot.subscriptionId, error, 'the JIT policy definition')
    }
  }

  // Only a notScope that names a management group needs the ancestry; the descendants of that
  // group (one shared request per group) say whether the subscription is below it.
  async function addAncestry(snapshot: PartialSnapshot) {
    const groups = new Set(
      snapshot.assignments
        .flatMap((assignment) => assignment.notScopes)
        .map(managementGroupName)
        .filter((name) => name !== null)
    )
    if (groups.size === 0 || snapshot.managementGroupAncestry !== undefined) return
    let longest: string[] = []
    for (const group of groups) {
      let parents: Map<string, string>
      try {
        parents = await descendants.get(group, () => readParents(group))
      } catch (error) {
        snapshot.managementGroupAncestryError = `${describeFailure(error, {
          subscriptionId: snapshot.subscriptionId,
          clientId,
          what: 'the descendants',
          scope: managementGroupId(group)
        })} Reading them needs Microsoft.Management/managementGroups/descendants/read on that group (the Reader role there includes it; Management Group Reader does not).`
        return
      }
      const chain = chainUp(parents, `/subscriptions/${snapshot.subscriptionId}`)
      if (chain.length > longest.length) longest = chain
    }
    snapshot.managementGroupAncestry = longest
  }

  /** Each descendant of a management group, by lower-cased id, to its parent's id. */
  async function readParents(group: string): Promise<Map<string, string>> {
    const entries = await listDescendants(resourceManager, group)
    const parents = new Map<string, string>()
    for (const entry of entries) {
      const { id, type, name, properties } = entry as {
        id?: unknown
        type?: unknown
        name?: unknown
        properties?: { parent?: { id?: unknown } }
      }
      const parent = properties?.parent?.id
      if (typeof id !== 'string' || typeof parent !== 'string') continue
      // Subscriptions come as managementGroups/subscriptions resources; key them as /subscriptions/ID.
      const key =
        typeof type === 'string' && /subscriptions$/i.test(type) && typeof name === 'string'
          ? `/subscriptions/${name}`
          : id
      parents.set(key.toLowerCase(), parent)
    }
    return parents
  }

  return {
    read,
    complete,
    settled: () =>
      jitDefinition.then(
        () => undefined,
        () => undefined
      )
  }
}

/** The management groups above an entity, nearest first, as far as the parents map reaches. */
function chainUp(parents: Map<string, string>, id: string): string[] {
  const chain: string[] = []
  let current = parents.get(id.toLowerCase())
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current)
    current = parents.get(current.toLowerCase())
  }
  return chain
}
