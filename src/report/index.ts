// Writes the reports of a run: the job summary, the step outputs, the annotations, the SARIF file
// and the results file (docs/design.md, "The action's contract"). What the runner keeps whatever
// happens to the files comes first (the summary, the outputs), the files last, the results file
// the very last; each is written on its own, whole or not at all, within a bound of time
// (files.ts, runner-files.ts): one that cannot be written is listed, and the others still are.
// Deciding the step's outcome is src/outcome.ts.
import type { Settings } from '../inputs/index.ts'
import { redact } from '../redact.ts'
import type { SkippedSubscription, SubscriptionResult } from '../model.ts'
import { readWorkflowFile, type RunContext } from '../run-context.ts'
import type { Runner } from '../runner-interface.ts'
import { buildAnnotations } from './annotations.ts'
import { reportContext, runUrl } from './context.ts'
import type { FileInput } from '../file-places.ts'
import { writeReportFile } from './files.ts'
import { workflowLocation } from './locate.ts'
import {
  buildOutputs,
  resultOutput,
  resultsFileEntry,
  resultsFilePieces,
  trimmedWarning,
  type OutputName
} from './outputs.ts'
import { appendWhole, outputsText } from './runner-files.ts'
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
 * (the subscriptions not checked because of their state) to the runner's files (GITHUB_STEP_SUMMARY,
 * GITHUB_OUTPUT; without GITHUB_STEP_SUMMARY, the summary goes to `runner.showSummary`, a terminal),
 * `runner` (annotations, log lines) and the report files, pointing findings at the
 * workflow file of `runContext`; returns what it wrote and what it could not. The outputs naming the files
 * (`sarif-file`, `results-file`) are set once the files are written. Never throws for a report
 * that cannot be written.
 */
export async function writeReports(
  results: readonly SubscriptionResult[],
  skipped: readonly SkippedSubscription[],
  settings: Pick<
    Settings,
    'sarifFile' | 'resultsFile' | 'jobSummary' | 'clientId' | 'failOn' | 'category' | 'scope'
  > &
    Partial<Pick<Settings, 'tenantId' | 'cloud'>>,
  runContext: RunContext,
  actionVersion: string,
  runner: Pick<Runner, 'log' | 'annotate' | 'setOutput' | 'showSummary'>
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
  const failed = (what: string, error: unknown) => {
    written.unwritten.push(`${what} (${inertErrorMessage(error)})`)
  }
  const roots = { workspace: runContext.workspace, runnerTemp: runContext.runnerTemp }

  // The `results` output from these entries; the results file from them and the flagged machines.
  const entries = results.map(resultOutput)
  const lengths = entries.map((entry) => JSON.stringify(entry).length)
  const outputs = buildOutputs(results, skipped, written, { entries, lengths })
  if (settings.jobSummary) {
    const summary = () =>
      buildJobSummary(results, context, outputs.values['results-trimmed'] === 'true') +
      skippedSection(skipped)
    if (runContext.jobSummaryFile !== undefined) {
      try {
        await appendWhole(runContext.jobSummaryFile, redact(summary()), 'GITHUB_STEP_SUMMARY')
        written.jobSummary = true
      } catch (error) {
        failed('the job summary', error)
      }
    } else if (runner.showSummary) {
      runner.showSummary(redact(summary()))
      written.jobSummary = true
    } else {
      runner.log.info(
        'No job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).'
      )
    }
  }
  const values = Object.entries(outputs.values).filter(([name]) => !FILE_OUTPUTS.includes(name))
  let outputsSet = true
  try {
    await setOutputs(Object.fromEntries(values), runContext, runner)
  } catch (error) {
    outputsSet = false
    failed('the step outputs', error)
  }
  for (const annotation of buildAnnotations(results, workflowFile, settings.failOn)) {
    const properties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.startLine
    }
    runner.annotate(annotation.level, annotation.message, properties)
    written.annotations += 1
  }

  /** Writes the report file `file` (`input` names it) with what `content` gives; its path when
   * written, else null, and why in `unwritten`. */
  const reportFile = async (
    input: FileInput,
    file: string,
    content: () => string | Iterable<string>,
    [name, logged]: [string, string]
  ): Promise<string | null> => {
    try {
      await writeReportFile(file, content(), input, roots)
      runner.log.info(`${logged} written to ${file}.`)
      return file
    } catch (error) {
      failed(`${name} ${file}`, error)
      return null
    }
  }
  if (settings.sarifFile !== null) {
    const sarif = () =>
      `${redact(JSON.stringify(buildSarif(results, workflowFile, context), null, 2))}\n`
    written.sarifFile = await reportFile('sarif-file', settings.sarifFile, sarif, [
      'the SARIF file',
      'SARIF'
    ])
  }
  const resultsText = () => resultsFilePieces(results.map(resultsFileEntry), [])
  written.resultsFile = await reportFile('results-file', settings.resultsFile, resultsText, [
    'the results file',
    'Results'
  ])
  const trimmed = trimmedWarning(outputs.fitted, written.resultsFile)
  if (trimmed !== null) runner.log.warning(trimmed)
  // The outputs that name the files, now that they are written (when the others could be set).
  if (outputsSet) {
    const files = {
      'sarif-file': written.sarifFile ?? '',
      'results-file': written.resultsFile ?? ''
    }
    await setOutputs(files, runContext, runner).catch((error: unknown) =>
      failed('the outputs `sarif-file` and `results-file`', error)
    )
  }
  return written
}

/** The outputs that name the files written, set once the files are. */
const FILE_OUTPUTS: readonly string[] = ['sarif-file', 'results-file'] satisfies OutputName[]

/** Sets the step outputs `values` in one append to GITHUB_OUTPUT, all or none of them
 * (runner-files.ts); without GITHUB_OUTPUT, through `runner` (@actions/core's `set-output`
 * command on a GitHub runner). */
async function setOutputs(
  values: Partial<Record<OutputName, string>>,
  runContext: Pick<RunContext, 'outputFile'>,
  runner: Pick<Runner, 'setOutput'>
): Promise<void> {
  if (runContext.outputFile === undefined) {
    for (const [name, value] of Object.entries(values)) runner.setOutput(name, value)
    return
  }
  const redacted = Object.entries(values).map(([name, value]) => [name, redact(value ?? '')])
  await appendWhole(
    runContext.outputFile,
    outputsText(Object.fromEntries(redacted)),
    'GITHUB_OUTPUT'
  )
}
