// The virtual machines of the whole scope through Azure Resource Graph: three queries per batch of
// up to 1,000 subscriptions (queries.ts), each one row per subscription, so that 1,000
// subscriptions cost three query requests whatever their machines; plus, for a subscription with
// more flagged machines than its row lists, their rows, paged. The queries share the run's quota
// gate and paging (resource-graph/paging.ts) with the engine's own queries.
import type { VirtualMachineRecord } from '../../model.ts'
import { mapLimit } from '../concurrency.ts'
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
import { countOf, distinctMachines, flaggedMachine } from './rows.ts'

/** Queries in flight at once (the engine's own default). */
const CONCURRENCY = 4

export interface GraphMachines {
  /** Each subscription asked for (lower case) with its record. */
  records: Map<string, VirtualMachineRecord>
  /** Query requests sent (pages included). */
  requests: number
}

/**
 * The record of every subscription of `subscriptionIds` from Resource Graph (`send`), every query
 * under `gate`. A subscription Resource Graph returns no row of has no machine, state or
 * assessment there. Throws what queryAllPages throws (a query that failed past its retries, a
 * malformed answer) and ShapeError for a row without the shape the queries give: the caller
 * reads the states through Policy Insights instead.
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
  const answers = await mapLimit(tasks, CONCURRENCY, ({ query, batch }) => run(query, batch))
  const bySubscription = (query: string) =>
    new Map(
      answers
        .filter((_, index) => tasks[index]?.query === query)
        .flat()
        .map((row) => [String(row.subscriptionId ?? '').toLowerCase(), row])
    )
  const states = bySubscription(statesText)
  const machines = bySubscription(machinesText)
  const offByPolicy = bySubscription(offByPolicyText)

  const records = new Map<string, VirtualMachineRecord>()
  const unlisted: string[] = []
  for (const id of subscriptionIds) {
    const key = id.toLowerCase()
    const row = states.get(key)
    const what = 'Resource Graph row of policy states'
    const flagged = (
      row ? Field.of(row, what).at('flaggedVirtualMachines').optionalList() : []
    ).map((item) => flaggedMachine(item.value, 'flagged virtual machine'))
    const flaggedCount = row ? countOf(row, 'flagged', what) : 0
    if (flaggedCount > flagged.length) unlisted.push(id)
    const machineRow = machines.get(key)
    records.set(key, {
      evaluated: row ? countOf(row, 'evaluated', what) : 0,
      flagged: distinctMachines(flagged),
      machines: {
        total: machineRow
          ? countOf(machineRow, 'virtualMachines', 'Resource Graph row of virtual machines')
          : 0,
        notAudited: machineRow
          ? countOf(machineRow, 'notAudited', 'Resource Graph row of virtual machines')
          : 0,
        offByPolicy: countOf(
          offByPolicy.get(key) ?? {},
          'offByPolicy',
          'Resource Graph row of assessments'
        )
      }
    })
  }
  // A subscription with more flagged machines than its row lists (MAX_LISTED_PER_SUBSCRIPTION):
  // all of them, a row each.
  for (const batch of chunks(unlisted, MAX_SUBSCRIPTIONS_PER_REQUEST)) {
    const rows = await run(flaggedMachinesQuery(), batch)
    for (const row of rows) {
      const record = records.get(String(row.subscriptionId ?? '').toLowerCase())
      if (record && 'flagged' in record) {
        record.flagged = distinctMachines([
          ...record.flagged,
          flaggedMachine(row, 'flagged virtual machine')
        ])
      }
    }
  }
  return { records, requests }
}
