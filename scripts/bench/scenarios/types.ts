// What a bench scenario is: an estate for the stand-in with the verdicts a correct run must give.
import type { Verdict } from '../../../src/model.ts'
import type { ResourceGraphEstate } from '../../../standin/resource-graph/tables.ts'

/** An estate for the stand-in, with what a correct run of the action must give on it. */
export interface BenchEstate {
  /** With the Defender for Cloud pricings Resource Graph serves, where the scenario has them. */
  estate: ResourceGraphEstate
  /** The subscriptions the action is asked to check, in the order it is given them. */
  subscriptionIds: string[]
  /** When set, the action is given these in `management-groups` (and no `subscriptions`), and
   * discovery finds `subscriptionIds` beneath them; absent: the ids are listed. */
  managementGroups?: string[]
  /** The verdict each subscription is built to get, by id. */
  expected: Map<string, Verdict>
  /** Reads shared by every subscription (set definitions, the JIT definition, descendants a
   * notScope asks for): the resource-manager engine's request budget is REQUESTS_PER_SUBSCRIPTION
   * per subscription plus these, discovery apart. */
  sharedReads: number
}

export interface Scenario {
  /** What --scenario names it by. */
  name: string
  /** One line for --help. */
  summary: string
  /** The estate for `count` subscriptions (count >= 1). */
  build(count: number): BenchEstate
}
