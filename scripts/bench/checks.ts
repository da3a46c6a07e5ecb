// Whether the action did its job on the bench's estate: every subscription got the verdict it was
// built for, the step failed only for those verdicts, and it only read Resource Manager.
import { VERDICTS, type SubscriptionResult, type Verdict } from '../../src/model.ts'
import { RESOURCE_GRAPH_PATH } from '../../standin/resource-graph/index.ts'
import type { RequestRecord } from '../../standin/server.ts'
import type { ActionRun } from '../run-action.ts'
import type { BenchEstate } from './scenarios/index.ts'

type ResultOutput = Pick<SubscriptionResult, 'subscriptionId' | 'verdict' | 'reason'>

/** The count of each verdict in the action's results file (`resultsText`: the `results` output
 * is trimmed to fit at scale), and what was wrong with it. */
export function checkVerdicts(
  resultsText: string | undefined,
  bench: BenchEstate
): { verdicts: Record<Verdict, number>; problems: string[] } {
  const problems: string[] = []
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>
  let results: ResultOutput[] = []
  try {
    results = JSON.parse(resultsText ?? '') as ResultOutput[]
  } catch {
    problems.push('the results file is missing or not JSON')
  }
  const wrong: string[] = []
  for (const result of results) {
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1
    const want = bench.expected.get(result.subscriptionId)
    if (want !== result.verdict)
      wrong.push(`${result.subscriptionId}: ${result.verdict}, expected ${want}: ${result.reason}`)
  }
  if (results.length !== bench.subscriptionIds.length)
    problems.push(`${results.length} results for ${bench.subscriptionIds.length} subscriptions`)
  if (wrong.length > 0)
    problems.push(
      `${wrong.length} unexpected verdict(s), e.g.\n    ${wrong.slice(0, 5).join('\n    ')}`
    )
  return { verdicts, problems }
}

/** What was wrong with how the step ended, given the verdicts it gave. */
export function checkOutcome(run: ActionRun, verdicts: Record<Verdict, number>): string[] {
  const problems: string[] = []
  const expectedExit = verdicts.noncompliant + verdicts.error > 0 ? 1 : 0
  if (run.exitCode !== expectedExit)
    problems.push(`exit code ${run.exitCode}, expected ${expectedExit}`)
  // The step fails once, with the count of failing verdicts ("134 of 1000 subscriptions ..."):
  // any other failure line is an error of the action, not a verdict.
  for (const line of run.stdout.split('\n').filter((l) => l.startsWith('::error::'))) {
    if (!/^::error::\d+ of \d+ subscriptions? /.test(line))
      problems.push(`the action failed with: ${line.slice('::error::'.length, 500)}`)
  }
  if (run.stderr.trim() !== '') problems.push(`stderr: ${run.stderr.trim().slice(0, 2000)}`)
  return problems
}

/** What was wrong with the action's Resource Manager requests: each must be a GET (or a Resource
 * Graph query, a POST) answered 200. */
export function checkArmRequests(arm: RequestRecord[]): string[] {
  const problems: string[] = []
  const failedStatus = arm.filter((r) => r.status !== 200)
  if (failedStatus.length > 0)
    problems.push(
      `${failedStatus.length} ARM request(s) not answered 200, e.g. ${failedStatus[0]!.status} ${failedStatus[0]!.path}`
    )
  const notRead = arm.filter(
    (r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === RESOURCE_GRAPH_PATH)
  )
  if (notRead.length > 0)
    problems.push(`${notRead.length} ARM request(s) were neither GET nor a Resource Graph query`)
  return problems
}
