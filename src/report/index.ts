// Writes the reports of a run: the SARIF file, the job summary, the annotations and the step
// outputs (docs/design.md, "The action's contract"). Each is written on its own: one that cannot
// be written is listed, and the others still are. Deciding the step's outcome is src/outcome.ts.
import * as core from '../runner.ts'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Settings } from '../inputs/index.ts'
import { redact } from '../redact.ts'
import type { SkippedSubscription, SubscriptionResult } from '../model.ts'
import { readWorkflowFile, type RunContext } from '../run-context.ts'
import { buildAnnotations } from './annotations.ts'
import { reportContext, runUrl } from './context.ts'
import { workflowLocation } from './locate.ts'
import { buildOutputs, resultOutput, resultsFilePieces, trimmedWarning } from './outputs.ts'
import { buildSarif } from './sarif.ts'
import { buildJobSummary, skippedSection } from './summary/index.ts'
import { inertErrorMessage } from './text.ts'

export interface ReportsWritten {
  /** The SARIF file written (absolute path); null when none was asked for or it failed. */
  sarifFile: string | null
  /** The results file written (absolute path); null when it failed. */
  resultsFile: string | null
  /** Whether the job summary was written. */
  jobSummary: boolean
  /** How many annotations were written. */
  annotations: number
  /** What could not be written, each as "the SARIF file F (why)" or "the job summary (why)". */
  unwritten: string[]
  /** The category of the checked scope (src/category.ts, scanCategory), computed once in the
   * report context: the SARIF file (`category/`) and the notifications (one issue and one
   * pull-request comment per category) use this value. */
  category: string
  /** Link to this workflow run (context.ts, runUrl), null when the run context lacks what it
   * takes: the notifications link to it. */
  runUrl: string | null
}

/**
 * Writes every report of `results` (in the order of the subscriptions checked) and of `skipped`
 * (the subscriptions not checked because of their state) through @actions/core and the file
 * system, pointing findings at the workflow file of `runContext`; returns what it wrote and what it
 * could not. Never throws for a report that cannot be written.
 */
export async function writeReports(
  results: readonly SubscriptionResult[],
  skipped: readonly SkippedSubscription[],
  settings: Pick<
    Settings,
    'sarifFile' | 'resultsFile' | 'jobSummary' | 'clientId' | 'failOn' | 'category' | 'scope'
  >,
  runContext: RunContext,
  actionVersion: string
): Promise<ReportsWritten> {
  const context = reportContext(runContext, settings, actionVersion)
  const workflowFile = workflowLocation(runContext.workflowRef, await readWorkflowFile(runContext))
  const written: ReportsWritten = {
    sarifFile: null,
    resultsFile: null,
    jobSummary: false,
    annotations: 0,
    unwritten: [],
    category: context.category,
    runUrl: runUrl(context)
  }

  if (settings.sarifFile !== null) {
    try {
      const log = buildSarif(results, workflowFile, context)
      await writeAtomically(settings.sarifFile, `${redact(JSON.stringify(log, null, 2))}\n`)
      written.sarifFile = settings.sarifFile
      core.info(`SARIF written to ${settings.sarifFile}.`)
    } catch (error) {
      written.unwritten.push(`the SARIF file ${settings.sarifFile} (${inertErrorMessage(error)})`)
    }
  }
  // The results file and the `results` output from one set of entries, serialized once.
  const entries = results.map(resultOutput)
  const lengths: number[] = []
  try {
    await writeAtomically(settings.resultsFile, resultsFilePieces(entries, lengths))
    written.resultsFile = settings.resultsFile
    core.info(`Results written to ${settings.resultsFile}.`)
  } catch (error) {
    written.unwritten.push(`the results file ${settings.resultsFile} (${inertErrorMessage(error)})`)
  }
  // Before the summary, which points at the results file when the `results` output is trimmed.
  const complete = lengths.length === entries.length
  const outputs = buildOutputs(
    results,
    skipped,
    written,
    complete ? { entries, lengths } : undefined
  )
  if (settings.jobSummary) {
    if (runContext.jobSummaryAvailable) {
      try {
        await core.summary
          .addRaw(
            buildJobSummary(results, context, outputs.values['results-trimmed'] === 'true') +
              skippedSection(skipped)
          )
          .write()
        written.jobSummary = true
      } catch (error) {
        written.unwritten.push(`the job summary (${inertErrorMessage(error)})`)
      }
    } else {
      core.info('No job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    }
  }
  for (const annotation of buildAnnotations(results, workflowFile, settings.failOn)) {
    const properties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.startLine
    }
    if (annotation.level === 'error') core.error(annotation.message, properties)
    else core.warning(annotation.message, properties)
    written.annotations += 1
  }
  const trimmed = trimmedWarning(outputs.fitted, written.resultsFile)
  if (trimmed !== null) core.warning(trimmed)
  for (const [name, value] of Object.entries(outputs.values)) core.setOutput(name, value)
  return written
}

/** Writes `content` (text, or pieces of it written one after another) through a temporary file,
 * so a reader never sees half a report. */
async function writeAtomically(file: string, content: string | Iterable<string>): Promise<void> {
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
