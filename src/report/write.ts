// Writes the reports of a run: the SARIF file, the job summary, the annotations and the step
// outputs (docs/design.md, "The action's contract"). Each is written on its own: one that cannot
// be written is listed, and the others still are. Deciding the step's outcome is src/outcome.ts.
import * as core from '@actions/core'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Settings } from '../inputs.ts'
import type { SubscriptionResult } from '../model.ts'
import { readWorkflowFile, type RunContext } from '../run-context.ts'
import { buildAnnotations } from './annotations.ts'
import { reportContext } from './context.ts'
import { workflowLocation } from './locate.ts'
import { buildOutputs } from './outputs.ts'
import { automationId, buildSarif } from './sarif.ts'
import { buildJobSummary } from './summary.ts'
import { inertErrorMessage } from './text.ts'

export interface ReportsWritten {
  /** The SARIF file written (absolute path); null when none was asked for or it failed. */
  sarifFile: string | null
  /** Whether the job summary was written. */
  jobSummary: boolean
  /** How many annotations were written. */
  annotations: number
  /** What could not be written, each as "the SARIF file F (why)" or "the job summary (why)". */
  unwritten: string[]
  /** The run's SARIF category (automationDetails.id), computed here once: the SARIF file and the
   * notifications (one issue and one pull-request comment per category) use this value. */
  category: string
}

/**
 * Writes every report of `results` (in the order of the subscriptions given) through
 * @actions/core and the file system, pointing findings at the workflow file of `run`; returns
 * what it wrote and what it could not. Never throws for a report that cannot be written.
 */
export async function writeReports(
  results: readonly SubscriptionResult[],
  settings: Pick<Settings, 'sarifFile' | 'jobSummary' | 'clientId' | 'failOn'>,
  run: RunContext,
  actionVersion: string
): Promise<ReportsWritten> {
  const context = reportContext(run, settings, actionVersion)
  const workflowFile = workflowLocation(run.workflowRef, await readWorkflowFile(run))
  const written: ReportsWritten = {
    sarifFile: null,
    jobSummary: false,
    annotations: 0,
    unwritten: [],
    category: automationId(workflowFile, context)
  }

  if (settings.sarifFile !== null) {
    try {
      const log = buildSarif(results, workflowFile, context, written.category)
      await writeAtomically(settings.sarifFile, `${JSON.stringify(log, null, 2)}\n`)
      written.sarifFile = settings.sarifFile
      core.info(`SARIF written to ${settings.sarifFile}.`)
    } catch (error) {
      written.unwritten.push(`the SARIF file ${settings.sarifFile} (${inertErrorMessage(error)})`)
    }
  }
  if (settings.jobSummary) {
    if (run.jobSummaryAvailable) {
      try {
        await core.summary.addRaw(buildJobSummary(results, context)).write()
        written.jobSummary = true
      } catch (error) {
        written.unwritten.push(`the job summary (${inertErrorMessage(error)})`)
      }
    } else {
      core.info('No job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    }
  }
  for (const annotation of buildAnnotations(results, workflowFile)) {
    const properties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.startLine
    }
    if (annotation.level === 'error') core.error(annotation.message, properties)
    else core.warning(annotation.message, properties)
    written.annotations += 1
  }
  for (const [name, value] of Object.entries(buildOutputs(results, written.sarifFile))) {
    core.setOutput(name, value)
  }
  return written
}

/** Writes through a temporary file, so a reader never sees half a report. */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  try {
    await writeFile(temporary, content)
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
