// Benchmarks reading a large Terraform plan (src/plan):
//   npm run bench:plan -- [--changes 20000] [--weighed 200] [--runs 3] [--strict]
// It writes a plan of --changes resource changes (compact, as `terraform show -json` writes it;
// about 50 MB at 20,000), --weighed of them to policy assignments and Defender for Servers
// pricings (scripts/bench/large-plan.ts), then reads it --runs times, each in a fresh Node process
// as the action would, and prints the file's size, the time to read it (from the file's path to
// the planned changes) and the process's peak memory (maximum resident set size). Targets: under
// 2 s and under 300 MB; with --strict it exits 1 when a run misses one, and always when the
// reader does not return the weighed changes.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeLargePlan } from './bench/large-plan.ts'

const TARGET_MS = 2000
const TARGET_MB = 300
const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface RunFigures {
  ms: number
  /** CPU time the read used (user and system), which other load on the machine does not inflate. */
  cpuMs: number
  maxRssMb: number
  changes: number
}

/** In the child: reads the plan named on the command line and prints its figures as JSON. */
async function readOnce(file: string): Promise<void> {
  const { readPlannedChanges } = await import('../src/plan/index.ts')
  const started = performance.now()
  const cpu = process.cpuUsage()
  const reads = await readPlannedChanges([path.basename(file)], path.dirname(file))
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  const figures: RunFigures = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    changes: reads.reduce((sum, read) => sum + read.changes.length, 0)
  }
  console.log(JSON.stringify(figures))
}

function runChild(file: string): RunFigures {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--read', file], {
    cwd: REPOSITORY,
    encoding: 'utf8'
  })
  if (child.status !== 0) throw new Error(`the reader failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as RunFigures
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      read: { type: 'string' },
      changes: { type: 'string', default: '20000' },
      weighed: { type: 'string', default: '200' },
      runs: { type: 'string', default: '3' },
      strict: { type: 'boolean', default: false }
    }
  })
  if (values.read) {
    await readOnce(values.read)
    return 0
  }
  const changes = Number(values.changes)
  const weighed = Number(values.weighed)
  const runs = Number(values.runs)
  if (
    ![changes, weighed, runs].every((value) => Number.isInteger(value) && value > 0) ||
    weighed > changes
  ) {
    console.error(
      '--changes, --weighed and --runs take positive whole numbers, --weighed at most --changes'
    )
    return 2
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'bench-plan-'))
  try {
    const file = path.join(folder, 'plan.json')
    const bytes = await writeLargePlan(file, changes, weighed)
    console.log(
      `Plan: ${changes} resource changes, ${weighed} of them weighed, ${(bytes / 1e6).toFixed(1)} MB.`
    )
    const all: RunFigures[] = []
    for (let run = 1; run <= runs; run++) {
      const figures = runChild(file)
      all.push(figures)
      console.log(
        `Run ${run}: read in ${Math.round(figures.ms)} ms (${Math.round(figures.cpuMs)} ms of CPU), peak memory ${Math.round(figures.maxRssMb)} MB, ${figures.changes} planned changes.`
      )
    }
    const worst = {
      ms: Math.max(...all.map((run) => run.ms)),
      maxRssMb: Math.max(...all.map((run) => run.maxRssMb))
    }
    const met = worst.ms < TARGET_MS && worst.maxRssMb < TARGET_MB
    console.log(
      `Worst: ${Math.round(worst.ms)} ms (target < ${TARGET_MS} ms), ${Math.round(worst.maxRssMb)} MB (target < ${TARGET_MB} MB): ${met ? 'targets met' : 'target missed'}.`
    )
    if (all.some((run) => run.changes !== weighed)) {
      console.error(
        `The reader returned ${all.map((run) => run.changes).join(', ')} changes, not ${weighed}.`
      )
      return 1
    }
    return values.strict && !met ? 1 : 0
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

process.exitCode = await main()
