// What one bench run measured, and the targets it is held to.
import type { Verdict } from '../../src/model.ts'
import type { UseBeforeFirstArm } from './probe-report.ts'

export interface RunFigures {
  subscriptions: number
  latencyMs: number
  concurrency: number
  /** From spawning the action's process to its exit, on the bench's clock. */
  wallMs: number
  /** From the process's start (its performance.timeOrigin) to its exit. */
  processWallMs: number
  armRequests: number
  /** The request budget: 2 per subscription plus the shared reads. */
  allowedRequests: number
  /** ceil(armRequests / concurrency) * latencyMs. */
  idealMs: number
  /** wallMs / idealMs. */
  ratio: number
  /** From the action process's start (its performance.timeOrigin) to the first ARM request. */
  firstArmMs: number
  /** The same from the bench, just before runAction spawns the process. */
  spawnToFirstArmMs: number
  /** What the action process had used when it started its first ARM request. */
  beforeFirstArm: UseBeforeFirstArm | null
  /** The kernel's maxRSS of the action's process, in MiB. */
  peakMemoryMb: number
  /** The entry point, and it with the chunks beside it (what main.ts loads with import()). */
  entryBytes: number
  bundleBytes: number
  exitCode: number | null
  verdicts: Record<Verdict, number>
  /** Why the action did not do its job; empty when it did. */
  problems: string[]
  /** ms spent in each phase, by what the phase is. */
  breakdown: Record<string, number>
  details: string[]
}

/** Epoch ms of the moments a run is measured between. */
export interface Timeline {
  /** Just before the bench spawned the process. */
  harnessStart: number
  /** The process's performance.timeOrigin (the harness's clock when the probe wrote nothing). */
  processStart: number
  /** When the probe ran, before the bundle loaded. */
  preloadAt: number
  processEnd: number
  firstIdentity: number
  /** The last answer of the runner's OIDC endpoint or Entra ID before the first ARM request. */
  signInEnd: number
  armStart: number
  armEnd: number
}

export const TARGETS = { ratio: 1.3, firstArmMs: 400, peakMemoryBytes: 200e6 }

/** Each target, and whether the run met it. */
export function targetsOf(f: RunFigures) {
  return {
    requests: f.armRequests <= f.allowedRequests,
    ratio: f.ratio <= TARGETS.ratio,
    firstArm: f.firstArmMs < TARGETS.firstArmMs,
    memory: f.peakMemoryMb * 2 ** 20 < TARGETS.peakMemoryBytes
  }
}

export function targetsMet(f: RunFigures): boolean {
  return Object.values(targetsOf(f)).every(Boolean)
}
