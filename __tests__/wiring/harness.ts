// The runner main.ts meets in the wiring tests: the Azure stand-in over the sample estate, trusted
// in-process, a workspace holding the sample workflow, and the environment restored after each test.
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import { REPOSITORY, WORKFLOW_PATH, actionDefaults } from '../../scripts/run-action.ts'
import { SAMPLE_SUBSCRIPTIONS, sampleEstate, sampleWorkflow } from '../../scripts/sample-estate.ts'
import { resetCore } from './fake-core.ts'

export interface Wiring {
  /** Set once beforeAll has run. */
  standIn: StandIn
  workspace: string
  /** Sets the runner's environment (`env` over the defaults) and the inputs (action.yml's
   * defaults, the stand-in's endpoints, then `inputs`). */
  runner(inputs: Record<string, string>, env?: Record<string, string>): Promise<void>
}

/** Registers the hooks that start and stop the harness; call it at the top of a test file. */
export function useWiring(): Wiring {
  const environment = { ...process.env }
  let untrust: () => void = () => undefined
  const wiring: Wiring = {
    standIn: undefined as unknown as StandIn,
    workspace: '',
    async runner(inputs, env = {}) {
      // The runner's files of this step, empty as the runner gives them.
      const runnerFiles = {
        GITHUB_STEP_SUMMARY: path.join(wiring.workspace, 'summary.md'),
        GITHUB_OUTPUT: path.join(wiring.workspace, 'output.txt')
      }
      for (const file of Object.values(runnerFiles)) await writeFile(file, '')
      Object.assign(process.env, wiring.standIn.runnerEnvironment(), {
        GITHUB_WORKSPACE: wiring.workspace,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_WORKFLOW_REF: `${REPOSITORY}/${WORKFLOW_PATH}@refs/heads/main`,
        ...runnerFiles,
        GITHUB_JOB: 'jit-audit',
        ...env
      })
      resetCore({
        ...(await actionDefaults()),
        'authority-host': wiring.standIn.authorityHost,
        'resource-manager-endpoint': wiring.standIn.resourceManagerEndpoint,
        ...inputs
      })
    }
  }
  beforeAll(async () => {
    wiring.standIn = await startStandIn({ estate: sampleEstate() })
    untrust = trustStandIn(wiring.standIn)
    wiring.workspace = await mkdtemp(path.join(tmpdir(), 'jit-main-'))
    await mkdir(path.join(wiring.workspace, path.dirname(WORKFLOW_PATH)), { recursive: true })
    await writeFile(
      path.join(wiring.workspace, WORKFLOW_PATH),
      sampleWorkflow(SAMPLE_SUBSCRIPTIONS)
    )
  })
  afterAll(async () => {
    untrust()
    await wiring.standIn.close()
    await rm(wiring.workspace, { recursive: true, force: true })
  })
  afterEach(() => {
    for (const key of Object.keys(process.env)) {
      if (!(key in environment)) Reflect.deleteProperty(process.env, key)
    }
    Object.assign(process.env, environment)
  })
  return wiring
}
