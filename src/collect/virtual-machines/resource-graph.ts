// The virtual machines of the whole scope through Azure Resource Graph: three queries per batch of
// up to 1,000 subscriptions (queries.ts), each one row per subscription, so that 1,000
// subscriptions cost three query requests whatever their machines; plus, for a subscription with
// more flagged machines than its row lists, their rows, paged. The queries share the run's quota
// gate and paging (resource-graph/paging.ts) with the engine's own queries.
import type { VirtualMachineRecord } from '../../model.ts'
import type { SendGraphQuery } from '../resource-graph/client.ts'
import { queryAllPages, type GraphRow, type QuotaGate } from '../resource-graph/paging.ts'
import { MAX_SUBSCRIPTIONS_PER_REQUEST, chunks } from '../resource-graph/read.ts'
import { Field } from '../shape.ts'
import {
  flaggedMachinesQuery,
  machinesQuery,
  offByPolicyQuery,
  policyStatesQuery
} from './queries.ts'
import {
  countOf,
  distinctMachines,
  flaggedMachine,
  rowsBySubscription,
  subscriptionOf
} from './rows.ts'

const STATES_ROW = 'Resource Graph row of policy states'
const MACHINES_ROW = 'Resource Graph row of virtual machines'
const ASSESSMENTS_ROW = 'Resource Graph row of assessments'
const FLAGGED_ROW = 'flagged virtual machine'

export interface GraphMachines {
  /** Each subscription asked for (lower case) with its record. */
  records: Map<string, VirtualMachineRecord>
  /** Query requests sent (pages included). */
  requests: number
}

/**
 * The record of every subscription of `subscriptionIds` from Resource Graph (`send`), every query
 * under `gate`. A subscription Resource Graph returns no row of has no machine, state or
 * assessment there; a subscription whose flagged machines could not all be listed is
 * `unavailable`, saying so. Throws what queryAllPages throws (a query that failed past its
 * retries, a malformed answer) and ShapeError for a row without the shape the queries give (a
 * count absent or not a whole number, no `subscriptionId`, two rows of one subscription): the
 * caller reads the states through Policy Insights instead.
 */
export async function readMachinesThroughGraph(
  send: SendGraphQuery,
  subscriptionIds: readonly string[],
  gate: QuotaGate
): Promise<GraphMachines> {
  let requests = 0
  const run = async (query: string, subscriptions: string[]): Promise<GraphRow[]> => {
    const result = await queryAllPages(send, query, { subscriptions }, gate)
    requests += result.requests
    return result.rows
  }
  const batches = chunks(subscriptionIds, MAX_SUBSCRIPTIONS_PER_REQUEST)
  const [statesText, machinesText, offByPolicyText] = [
    policyStatesQuery(),
    machinesQuery(),
    offByPolicyQuery()
  ]
  const tasks = batches.flatMap((batch) =>
    [statesText, machinesText, offByPolicyText].map((query) => ({ query, batch }))
  )
  // All at once: the gate holds them to the quota, shared with the engine's queries.
  const answers = await Promise.all(tasks.map(({ query, batch }) => run(query, batch)))
  const rowsOf = (query: string, what: string) =>
    rowsBySubscription(answers.filter((_, index) => tasks[index]?.query === query).flat(), what)
  const states = rowsOf(statesText, STATES_ROW)
  const machines = rowsOf(machinesText, MACHINES_ROW)
  const offByPolicy = rowsOf(offByPolicyText, ASSESSMENTS_ROW)
  // A subscription without a row has nothing of that query; a row has every count.
  const countIn = (rows: Map<string, unknown>, key: string, column: string, what: string) => {
    const row = rows.get(key)
    return row === undefined ? 0 : countOf(row, column, what)
  }

  const records = new Map<string, VirtualMachineRecord>()
  /** Flagged machines each subscription's row counts, where it lists fewer. */
  const unlisted = new Map<string, number>()
  for (const id of subscriptionIds) {
    const key = id.toLowerCase()
    const row = states.get(key)
    const evaluated = countIn(states, key, 'evaluated', STATES_ROW)
    const flaggedCount = countIn(states, key, 'flagged', STATES_ROW)
    const flagged = distinctMachines(
      (row === undefined ? [] : Field.of(row, STATES_ROW).at('flaggedVirtualMachines').list()).map(
        (item) => flaggedMachine(item.value, FLAGGED_ROW)
      )
    )
    if (flaggedCount > flagged.length) unlisted.set(key, flaggedCount)
    const total = countIn(machines, key, 'virtualMachines', MACHINES_ROW)
    const counts = {
      total,
      notAudited: countIn(machines, key, 'notAudited', MACHINES_ROW),
      exempt: countIn(machines, key, 'exempt', MACHINES_ROW),
      offByPolicy: countIn(offByPolicy, key, 'offByPolicy', ASSESSMENTS_ROW)
    }
    // Policy states of more machines than Resource Graph lists: it leaves out the rows the
    // identity may not read, so the machines it shows are not all there are.
    records.set(
      key,
      evaluated > total
        ? {
            evaluated,
            flagged,
            machines: null,
            machinesUnread: `Azure Resource Graph lists ${total} virtual machine(s) in /subscriptions/${key} but policy states of ${evaluated} (it shows only what the identity may read: give it Microsoft.Compute/virtualMachines/read)`
          }
        : { evaluated, flagged, machines: counts }
    )
  }
  // A subscription with more flagged machines than its row lists (MAX_LISTED_PER_SUBSCRIPTION):
  // all of them, a row each.
  for (const batch of chunks([...unlisted.keys()], MAX_SUBSCRIPTIONS_PER_REQUEST)) {
    const rows = await run(flaggedMachinesQuery(), batch)
    for (const row of rows) {
      const record = records.get(subscriptionOf(row, FLAGGED_ROW))
      if (record && 'flagged' in record) {
        record.flagged = distinctMachines([...record.flagged, flaggedMachine(row, FLAGGED_ROW)])
      }
    }
  }
  // Fewer machines listed than counted (their states changed between the queries, or rows the
  // identity may not read): the flagged machines are not known, never reported as fewer.
  for (const [key, counted] of unlisted) {
    const record = records.get(key)
    if (record && 'flagged' in record && record.flagged.length < counted) {
      records.set(key, {
        unavailable: `Azure Resource Graph counted ${counted} flagged virtual machine(s) in /subscriptions/${key} but listed ${record.flagged.length} of them; re-run the check to compare again.`
      })
    }
  }
  return { records, requests }
}
