// Checks, in the step after the action ran against the local stand-in (ci.yml, job `action`), that
// what it left is what a user reads: the step's outcome, every output, and the SARIF file, each
// result located in the workflow file at the line that lists its subscription.
//
//   node .github/self-test/check-run.ts
//
// Reads from the environment: EXPECTED_VERDICTS (JSON object, subscription id -> verdict),
// EXPECTED_OUTCOME (`success` or `failure`), OUTCOME (the step's outcome before continue-on-error),
// COMPLIANT, NONCOMPLIANT_SUBSCRIPTIONS, RESULTS, SARIF_FILE (the action's outputs),
// GITHUB_WORKFLOW_REF and GITHUB_WORKSPACE (set by the runner). Exits 1 with every problem listed.
/* eslint-disable no-console -- a command-line script: it reports on stdout and stderr */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseWorkflowRef } from '../../src/workflow-ref.ts'

export interface RunToCheck {
  expectedVerdicts: Record<string, string>
  expectedOutcome: string
  outcome: string
  compliant: string
  noncompliantSubscriptions: string
  results: string
  sarifFile: string
  /** owner/repo/PATH@REF, as GITHUB_WORKFLOW_REF. */
  workflowRef: string
  workspace: string
}

interface SarifResult {
  ruleId?: string
  level?: string
  message?: { text?: string }
  locations?: {
    physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } }
  }[]
  partialFingerprints?: Record<string, string>
  /** `verdict: error` on a result carried forward for a subscription that could not be checked. */
  properties?: { verdict?: string }
}

function parseJson(name: string, text: string, problems: string[]): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    problems.push(`${name} is not JSON (${(error as Error).message}): ${text.slice(0, 200)}`)
    return undefined
  }
}

/** The path of the workflow file inside the repository, from GITHUB_WORKFLOW_REF (read as the
 * action reads it, src/workflow-ref.ts); throws when it is not owner/repo/path@ref. */
export function workflowPath(workflowRef: string): string {
  const parsed = parseWorkflowRef(workflowRef)
  if (!parsed) throw new Error(`GITHUB_WORKFLOW_REF '${workflowRef}' is not owner/repo/path@ref`)
  return parsed.path
}

/** Every problem with the run, empty when it did what the expectations say. */
export function checkRun(run: RunToCheck): string[] {
  const problems: string[] = []
  const expected = new Map(
    Object.entries(run.expectedVerdicts).map(([id, verdict]) => [id.toLowerCase(), verdict])
  )
  if (run.outcome !== run.expectedOutcome) {
    problems.push(`the action's step ended in '${run.outcome}', expected '${run.expectedOutcome}'`)
  }
  const allCompliant = [...expected.values()].every((verdict) => verdict === 'compliant')
  if (run.compliant !== String(allCompliant)) {
    problems.push(`output compliant is '${run.compliant}', expected '${allCompliant}'`)
  }

  const wantNoncompliant = [...expected].filter(([, v]) => v === 'noncompliant').map(([id]) => id)
  const noncompliant = parseJson(
    'output noncompliant-subscriptions',
    run.noncompliantSubscriptions,
    problems
  )
  if (
    noncompliant !== undefined &&
    JSON.stringify(noncompliant) !== JSON.stringify(wantNoncompliant)
  ) {
    problems.push(
      `output noncompliant-subscriptions is ${JSON.stringify(noncompliant)}, expected ${JSON.stringify(wantNoncompliant)}`
    )
  }

  const results = parseJson('output results', run.results, problems) as
    { subscriptionId?: string; verdict?: string; reason?: string }[] | undefined
  if (results !== undefined) {
    const got = results.map((result) => [result.subscriptionId, result.verdict])
    if (JSON.stringify(got) !== JSON.stringify([...expected])) {
      problems.push(
        `output results gives ${JSON.stringify(got)}, expected ${JSON.stringify([...expected])}`
      )
    }
    for (const result of results) {
      if (!result.reason) problems.push(`output results: ${result.subscriptionId} has no reason`)
    }
  }

  if (!run.sarifFile || !path.isAbsolute(run.sarifFile)) {
    problems.push(`output sarif-file is '${run.sarifFile}', expected an absolute path`)
    return problems
  }
  const sarif = parseJson('the SARIF file', readFileSync(run.sarifFile, 'utf8'), problems) as
    | {
        version?: string
        runs?: {
          results?: SarifResult[]
          invocations?: { toolExecutionNotifications?: SarifResult[] }[]
        }[]
      }
    | undefined
  if (sarif === undefined) return problems
  if (sarif.version !== '2.1.0') problems.push(`SARIF version is '${sarif.version}', not 2.1.0`)

  const workflow = workflowPath(run.workflowRef)
  const lines = readFileSync(path.join(run.workspace, workflow), 'utf8').split(/\r?\n/)
  const allResults = sarif.runs?.[0]?.results ?? []
  // A subscription that could not be checked is a notification of the run, not a finding; it is
  // also a result carried forward when code scanning's open alerts say so or cannot be read (here
  // the job's token may not read them: every one is).
  const sarifResults = allResults.filter((result) => result.properties?.verdict !== 'error')
  const notifications = sarif.runs?.[0]?.invocations?.[0]?.toolExecutionNotifications ?? []
  for (const [id] of [...expected].filter(([, verdict]) => verdict === 'error')) {
    if (!notifications.some((candidate) => candidate.message?.text?.includes(id)))
      problems.push(`the SARIF file has no notification for ${id}`)
  }
  for (const carried of allResults.filter((result) => result.properties?.verdict === 'error')) {
    const id = [...expected.keys()].find((key) => carried.message?.text?.includes(key))
    if (id === undefined || expected.get(id) !== 'error') {
      problems.push(
        `the SARIF file carries a result forward for ${id ?? 'no expected subscription'}, expected only for those that could not be checked`
      )
    }
  }
  const failing = [...expected].filter(
    ([, verdict]) => verdict === 'noncompliant' || verdict === 'partial'
  )
  if (sarifResults.length !== failing.length) {
    problems.push(`the SARIF file has ${sarifResults.length} results, expected ${failing.length}`)
  }
  for (const [id, verdict] of failing) {
    const result = sarifResults.find((candidate) => candidate.message?.text?.includes(id))
    if (!result) {
      problems.push(`the SARIF file has no result for ${id}`)
      continue
    }
    const level = verdict === 'partial' ? 'warning' : 'error'
    if (result.level !== level)
      problems.push(`SARIF result for ${id}: level '${result.level}', expected '${level}'`)
    if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0) {
      problems.push(`SARIF result for ${id} has no partialFingerprints`)
    }
    const location = result.locations?.[0]?.physicalLocation
    const line = lines.findIndex((text) => text.toLowerCase().includes(id)) + 1
    if (location?.artifactLocation?.uri !== workflow || location.region?.startLine !== line) {
      problems.push(
        `SARIF result for ${id} points at ${location?.artifactLocation?.uri}:${location?.region?.startLine}, expected ${workflow}:${line}`
      )
    }
  }
  return problems
}

function main(): void {
  const env = process.env
  const problems = checkRun({
    expectedVerdicts: JSON.parse(env.EXPECTED_VERDICTS ?? '{}') as Record<string, string>,
    expectedOutcome: env.EXPECTED_OUTCOME ?? '',
    outcome: env.OUTCOME ?? '',
    compliant: env.COMPLIANT ?? '',
    noncompliantSubscriptions: env.NONCOMPLIANT_SUBSCRIPTIONS ?? '',
    results: env.RESULTS ?? '',
    sarifFile: env.SARIF_FILE ?? '',
    workflowRef: env.GITHUB_WORKFLOW_REF ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd()
  })
  if (problems.length > 0) {
    console.error(
      `The action's run is not what was expected:\n${problems.map((p) => `- ${p}`).join('\n')}`
    )
    process.exit(1)
  }
  console.log('The outcome, the outputs and the SARIF file are as expected.')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
