// One run of the bundle against a stand-in of its own, for tests that change the estate or the
// stand-in's behaviour from run to run (faults, Entra's refusals, the OIDC endpoint).
import { rm } from 'node:fs/promises'
import type { Estate } from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { runAction, type ActionRun, type ActionRunOptions } from '../../scripts/run-action.ts'

/**
 * Starts a stand-in for `estate`, runs the bundle with `inputs` (the stand-in's `authority-host`
 * and `resource-manager-endpoint` added, `inputs` winning) and a workflow file run on push, and
 * hands the run and the stand-in to `check`; then removes the workspace and closes the stand-in,
 * whether `check` throws or not. `options` adds to how the action is run (its environment, a time
 * it is killed after, a file size limit).
 */
export async function runOnFreshStandIn(
  estate: Estate,
  inputs: Record<string, string>,
  check: (run: ActionRun, standIn: StandIn) => void | Promise<void>,
  options: Pick<
    ActionRunOptions,
    'environment' | 'timeoutMs' | 'fileSizeLimitBytes' | 'workspace'
  > = {}
): Promise<void> {
  const standIn = await startStandIn({ estate })
  try {
    const run = await runAction({
      standIn,
      inputs: {
        'authority-host': standIn.authorityHost,
        'resource-manager-endpoint': standIn.resourceManagerEndpoint,
        ...inputs
      },
      workflowContent: 'name: jit\non: push\n',
      keepWorkspace: true,
      ...options
    })
    try {
      await check(run, standIn)
    } finally {
      await rm(run.workspace, { recursive: true, force: true })
    }
  } finally {
    await standIn.close()
  }
}
