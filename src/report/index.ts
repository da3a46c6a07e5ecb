// The report builders, for src/main.ts: pure functions from verdicts to the text and data the
// action writes (job summary, SARIF, annotations, outputs, the failure message).
export { buildAnnotations, inertLogText, type Annotation } from './annotations.ts'
export { DEFAULT_FAIL_ON, type ReportContext } from './context.ts'
export { workflowLocation, type WorkflowFile } from './locate.ts'
export { failureMessage } from './outcome.ts'
export { buildOutputs } from './outputs.ts'
export { buildSarif } from './sarif.ts'
export { buildJobSummary } from './summary.ts'
