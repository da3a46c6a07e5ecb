// Annotations for the subscriptions that are not compliant, at the same place as their SARIF
// result or notification. Their level follows `fail-on`: a verdict that fails the step is an
// error, one that does not is a warning, so `fail-on: none` writes no `::error`. GitHub shows at
// most 10 annotations of each level per step; past that, 9 are shown and the 10th counts the rest.
//
// They are written as workflow commands by @actions/core (`::error title=T,file=F,line=N::M`).
// Verified in node_modules/@actions/core/lib/command.js: the message is escaped for `%`, `\r`,
// `\n`; properties (title, file) also for `:` and `,`. So a display name with a newline or `::`
// cannot end the command or start another through core.error/core.warning. Independently of
// that, every text here is made one line and `::` and `##[` (the runner's older command syntax,
// recognised anywhere in a line) are broken with a zero-width space, so the text stays inert even
// if it is also logged with core.info or printed by other code.
import type { SubscriptionResult, Verdict } from '../model.ts'
import { locateResult, type WorkflowFile } from './locate.ts'
import { VERDICT_PHRASES, VERDICT_STATES, byAttention } from './counts.ts'
import { MAX_LOG_TEXT_LENGTH, fitReason, inertLogText, subscriptionLabel } from './text.ts'

export interface Annotation {
  level: 'error' | 'warning'
  title: string
  message: string
  /** Repository-relative path of the workflow file. */
  file: string
  startLine: number
}

/** GitHub's limit of annotations of one level per step. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10
/** Longest annotation message and title, in code points. */
export const MAX_ANNOTATION_MESSAGE = MAX_LOG_TEXT_LENGTH
export const MAX_ANNOTATION_TITLE = 200

const TITLES: Readonly<Record<Exclude<Verdict, 'compliant'>, string>> = {
  noncompliant: 'JIT network access not audited',
  partial: 'JIT network access audited on part of the subscription',
  error: 'JIT network access audit could not be checked'
}

function failingVerdict(verdict: Verdict): Exclude<Verdict, 'compliant'> {
  return verdict === 'compliant' || !(verdict in TITLES) ? 'error' : verdict
}

function levelOf(verdict: Verdict, failOn: ReadonlySet<Verdict>): Annotation['level'] {
  return failOn.has(failingVerdict(verdict)) ? 'error' : 'warning'
}

function individual(
  result: SubscriptionResult,
  file: WorkflowFile,
  level: Annotation['level']
): Annotation {
  const verdict = failingVerdict(result.verdict)
  const location = locateResult(file, result)
  const label = subscriptionLabel(result)
  const subject = `Subscription ${label} ${VERDICT_STATES[verdict]}: `
  const reason = fitReason(result.reason, MAX_ANNOTATION_MESSAGE - Array.from(subject).length)
  return {
    level,
    title: inertLogText(`${TITLES[verdict]}: ${label}`, MAX_ANNOTATION_TITLE),
    message: inertLogText(`${subject}${reason || 'no reason given'}`),
    file: location.file,
    startLine: location.startLine
  }
}

function aggregate(
  level: Annotation['level'],
  rest: readonly SubscriptionResult[],
  file: WorkflowFile
): Annotation {
  const counts = new Map<string, number>()
  for (const result of rest) {
    const verdict = failingVerdict(result.verdict)
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1)
  }
  const kinds = (['noncompliant', 'partial', 'error'] as const).filter((verdict) =>
    counts.has(verdict)
  )
  const noun = rest.length === 1 ? 'subscription' : 'subscriptions'
  const n = rest.length
  const single: Readonly<Record<string, string>> = {
    noncompliant: `${n} more noncompliant ${noun}`,
    partial: `${n} more ${noun} only partly audited`,
    error: `${n} more ${noun} that could not be checked`
  }
  const what =
    kinds.length === 1
      ? (single[kinds[0] as string] as string)
      : `${n} more ${level === 'error' ? 'failing' : 'not compliant'} ${noun} (${kinds.map((verdict) => `${counts.get(verdict)} ${VERDICT_PHRASES[verdict]}`).join(', ')})`
  const first = rest[0] as SubscriptionResult
  const location = locateResult(file, first)
  // The title names what the message counts: "2 more subscriptions that could not be checked".
  return {
    level,
    title: inertLogText(what, MAX_ANNOTATION_TITLE),
    message: inertLogText(`…and ${what}; see the job summary.`),
    file: location.file,
    startLine: location.startLine
  }
}

/**
 * One annotation per subscription that is not compliant, at its SARIF location: `error` when its
 * verdict is in `failOn` (the `fail-on` input: it fails the step), else `warning`. When a level has
 * more than MAX_ANNOTATIONS_PER_LEVEL subscriptions, the first MAX_ANNOTATIONS_PER_LEVEL - 1 are
 * annotated and one more annotation counts the rest.
 */
export function buildAnnotations(
  results: readonly SubscriptionResult[],
  file: WorkflowFile,
  failOn: ReadonlySet<Verdict>
): Annotation[] {
  // Within a level: noncompliant, could not be checked, partial, then the order given.
  const failing = byAttention(results).filter((result) => result.verdict !== 'compliant')
  const annotations: Annotation[] = []
  for (const level of ['error', 'warning'] as const) {
    const ofLevel = failing.filter((result) => levelOf(result.verdict, failOn) === level)
    const shown =
      ofLevel.length <= MAX_ANNOTATIONS_PER_LEVEL
        ? ofLevel
        : ofLevel.slice(0, MAX_ANNOTATIONS_PER_LEVEL - 1)
    annotations.push(...shown.map((result) => individual(result, file, level)))
    if (shown.length < ofLevel.length) {
      annotations.push(aggregate(level, ofLevel.slice(shown.length), file))
    }
  }
  return annotations
}
