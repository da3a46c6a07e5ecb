// `npm run demo`: the committed bundle, run as a GitHub runner runs it (every input with its
// action.yml default, the runner's files and variables, the OIDC endpoint), against the local
// Azure stand-in serving a sample estate of a dozen subscriptions that shows every verdict.
// `npm run demo -- --engine resource-graph --fail-on none`: the flags are the command line's
// (src/cli/flags.ts: every input of action.yml), passed to the action as its inputs; a flag that
// is no input is refused, as the command line refuses it. Then, unless `--planned-changes` is
// given, the same estate with a pull request's Terraform plan (sample-plan.ts) that turns JIT off.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startStandIn } from '../standin/server.ts'
import { runAction, WORKFLOW_PATH } from './run-action.ts'
import { SAMPLE_SUBSCRIPTIONS, sampleEstate, sampleWorkflow } from './sample-estate.ts'
import { samplePullRequestPlan } from './sample-plan.ts'
import { readActionInputs } from '../src/cli/action-inputs.ts'
import { helpText, readCommandLine, UsageError } from '../src/cli/flags.ts'
import { renderForTerminal } from '../src/cli/terminal-markdown.ts'

const COMMAND = 'npm run demo --'
const actionInputs = readActionInputs(
  await readFile(new URL('../action.yml', import.meta.url), 'utf8')
)
let flags: Map<string, string>
try {
  const commandLine = readCommandLine(process.argv.slice(2), actionInputs)
  if (commandLine.help) {
    console.log(
      helpText(
        COMMAND,
        actionInputs,
        `Runs the committed bundle (dist/index.js) as a GitHub runner would, against a local Azure stand-in serving a sample estate of ${SAMPLE_SUBSCRIPTIONS.length} subscriptions, with each flag given to the action as its input (the sample's subscriptions and the stand-in's endpoints unless given); prints the step log, the job summary and the outcome.`
      )
    )
    process.exit(0)
  }
  flags = commandLine.inputs
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  console.error(`${COMMAND}: ${error.message}`)
  process.exit(2)
}

const workspace = fileURLToPath(new URL('../.demo/', import.meta.url))
await rm(workspace, { recursive: true, force: true })
await mkdir(workspace, { recursive: true })

const standIn = await startStandIn({ estate: sampleEstate() })
try {
  console.log(
    `Local Azure stand-in on ${standIn.resourceManagerEndpoint}: ${SAMPLE_SUBSCRIPTIONS.length} subscriptions.`
  )
  const given = [...flags].map(([name, value]) => `${name}: ${value}`).join(', ')
  console.log(
    `Running dist/index.js as a runner would, with ${WORKFLOW_PATH} listing them${given ? `; inputs given: ${given}` : ''}.\n`
  )
  const inputs = {
    subscriptions: SAMPLE_SUBSCRIPTIONS.map((entry) => entry.subscriptionId).join('\n'),
    'authority-host': standIn.authorityHost,
    'resource-manager-endpoint': standIn.resourceManagerEndpoint,
    ...Object.fromEntries(flags)
  }
  const run = await runAction({
    standIn,
    inputs,
    workflowContent: sampleWorkflow(SAMPLE_SUBSCRIPTIONS),
    workspace
  })
  const log = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
  console.log('--- the step log (workflow commands as the runner receives them) ---')
  console.log(log.join('\n'))
  if (run.stderr.trim() !== '') console.log(run.stderr)
  console.log('--- the job summary ---\n')
  console.log(renderForTerminal(run.summary))
  console.log('--- outcome ---')
  const sarif = run.outputs['sarif-file']
  console.log(`SARIF: ${sarif ? path.relative(process.cwd(), sarif) : 'not written'}`)
  console.log(
    `Job summary (Markdown): ${path.relative(process.cwd(), path.join(workspace, '_temp/step_summary.md'))}`
  )
  console.log(
    `Outputs: compliant=${run.outputs.compliant}, noncompliant-subscriptions=${run.outputs['noncompliant-subscriptions']}`
  )
  console.log(outcomeLine(run))
  if (!flags.has('planned-changes')) {
    const plan = 'plans/pull-request.json'
    await mkdir(path.join(workspace, 'plans'), { recursive: true })
    await writeFile(path.join(workspace, plan), JSON.stringify(samplePullRequestPlan(), null, 2))
    console.log(
      `\n--- a pull request that turns JIT off: the same estate with planned-changes: ${plan} (a Terraform plan) ---\n`
    )
    const planned = await runAction({
      standIn,
      inputs: { ...inputs, 'planned-changes': plan },
      workflowContent: sampleWorkflow(SAMPLE_SUBSCRIPTIONS),
      workspace
    })
    console.log(renderForTerminal(planned.summary.split('\n### After the change')[0] ?? ''))
    console.log(`Outputs: changed-subscriptions=${planned.outputs['changed-subscriptions']}`)
    console.log(outcomeLine(planned))
  }
} finally {
  await standIn.close()
}

/** Whether the step would pass, and the line it fails with. */
function outcomeLine(run: { exitCode: number | null; stdout: string }): string {
  const failure = /^::error::(.*)$/m.exec(run.stdout)?.[1]
  return run.exitCode === 0
    ? 'The step would pass (exit code 0).'
    : `The step would fail (exit code ${run.exitCode}): ${failure ?? 'see the log above'}.`
}
