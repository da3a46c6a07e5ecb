// What the collector reads for one subscription: the assignments that apply, the exemptions that
// touch it, and (shared by all subscriptions of the run) the definitions they name and the
// management-group ancestry the notScopes ask about.
import {
  JIT_POLICY_DEFINITION_ID,
  type DefenderForServersPlan,
  type ErrorCause,
  type PolicyAssignment,
  type SubscriptionSnapshot
} from '../model.ts'
import { describeFailure, failureCause, type FailureContext } from './errors.ts'
import { withDisplayNamesBounded } from './display-names.ts'
import {
  POLICY_ASSIGNMENTS_API_VERSION,
  POLICY_DEFINITIONS_API_VERSION,
  POLICY_EXEMPTIONS_API_VERSION
} from '../api-versions.ts'
import { managementGroupId, managementGroupName } from '../azure-ids.ts'
import { listDescendants, parseDescendants } from './discover.ts'
import { readDefenderForServers } from './defender-plan.ts'
import { mapAssignment, mapExemption, mapPolicyDefinition } from './map.ts'
import type { ResourceManager } from './resource-manager.ts'
import { setDefinitionReader } from './set-definitions.ts'
import { SharedFetches } from './concurrency.ts'
import { describeShapeFailure, ShapeError } from './shape.ts'

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
  /** Assignments that planned changes make (`planned-changes`): the initiatives they run are read
   * into every snapshot too, so that the verdict after the change can be decided (one that cannot
   * be read stays out, and the verdict after says so). Default none. */
  plannedAssignments?: readonly PolicyAssignment[]
}

/** The read of a subscription that failed on `error` while reading `context.what`: the sentence
 * for its `error` verdict (describeFailure) and its cause. An answer without Azure's documented
 * shape (ShapeError) names the field, with the cause `undecidable`: the data is what it is, and
 * reading it again would read it the same. */
export function failedRead(error: unknown, context: FailureContext): Collected {
  if (error instanceof ShapeError) {
    const scope = context.scope ?? `/subscriptions/${context.subscriptionId}`
    return {
      subscriptionId: context.subscriptionId,
      failure: describeShapeFailure(error, context.what, scope),
      cause: 'undecidable'
    }
  }
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
  { clientId, defenderPlanCheck = true, plannedAssignments = [] }: ReaderOptions
): SubscriptionReader {
  const setDefinitions = setDefinitionReader(resourceManager)
  const descendants = new SharedFetches<ReadonlySet<string>>()
  // Read as JSON, not through the SDK, whose models drop what has another shape than it expects.
  const jitDefinition = resourceManager
    .getJson(`${JIT_POLICY_DEFINITION_ID}?api-version=${POLICY_DEFINITIONS_API_VERSION}`)
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

  /** The initiatives the planned assignments run, into `snapshot.setDefinitions` (the same
   * object: add writes there); what cannot be read is left out, not marked unreadable, since no
   * assignment of the estate now runs it. */
  async function addPlannedSets(snapshot: PartialSnapshot): Promise<void> {
    if (plannedAssignments.length === 0) return
    await setDefinitions.add({ ...snapshot, assignments: [...plannedAssignments] })
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
        addPlannedSets(snapshot),
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

  // Only a notScope that names a management group needs the ancestry: the subscription is below
  // that group when the group's descendants (one shared request per group) list it, whatever
  // their parent fields say.
  async function addAncestry(snapshot: PartialSnapshot) {
    const groups = new Set(
      snapshot.assignments
        .flatMap((assignment) => assignment.notScopes)
        .map(managementGroupName)
        .filter((name) => name !== null)
    )
    if (groups.size === 0 || snapshot.managementGroupAncestry !== undefined) return
    const above: string[] = []
    for (const group of groups) {
      let below: ReadonlySet<string>
      try {
        below = await descendants.get(group, () => readSubscriptionsBelow(group))
      } catch (error) {
        snapshot.managementGroupAncestryError = `${describeFailure(error, {
          subscriptionId: snapshot.subscriptionId,
          clientId,
          what: 'the descendants',
          scope: managementGroupId(group)
        })} Reading them needs Microsoft.Management/managementGroups/descendants/read on that group (the Reader role there includes it; Management Group Reader does not).`
        return
      }
      if (below.has(snapshot.subscriptionId.toLowerCase())) above.push(managementGroupId(group))
    }
    snapshot.managementGroupAncestry = above
  }

  /** The subscriptions among a management group's descendants, lower case. */
  async function readSubscriptionsBelow(group: string): Promise<ReadonlySet<string>> {
    return new Set(parseDescendants(await listDescendants(resourceManager, group)).keys())
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
