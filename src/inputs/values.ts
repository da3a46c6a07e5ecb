// Readers of single input values that more than one input shares or that stand on their own; each
// pushes a problem (naming the value and the fix) for InputError rather than throwing.
import {
  DEFAULT_FAIL_ON,
  INPUT_DEFAULTS,
  ISSUE_MODES,
  MAX_DEADLINE_MINUTES,
  type IssueMode
} from '../defaults.ts'
import { VERDICTS, type Verdict } from '../model.ts'

// GitHub refuses a label name longer than this ("name is too long (maximum is 50 characters)").
const MAX_LABEL_LENGTH = 50

/** Shows a value from the workflow in a message without letting it run over several lines. */
export function quote(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ')
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine)
}

/** `true` or `false`, any case; empty: the input's default. */
export function readBoolean(
  name:
    'job-summary' | 'pr-comment' | 'defender-plan-check' | 'virtual-machines' | 'fail-on-existing',
  value: string,
  problems: string[]
): boolean {
  const given = value || INPUT_DEFAULTS[name]
  if (/^true$/i.test(given)) return true
  if (!/^false$/i.test(given))
    problems.push(`\`${name}\` ${quote(given)} is not \`true\` or \`false\`.`)
  return false
}

/** `deadline-minutes` (empty: its default) in milliseconds: a number of minutes above 0 and at
 * most MAX_DEADLINE_MINUTES, fractions allowed (`0.5` is 30 s). */
export function readDeadline(value: string, problems: string[]): number {
  const given = value || INPUT_DEFAULTS['deadline-minutes']
  const minutes = Number(given)
  if (!/^\d+(\.\d+)?$/.test(given) || minutes <= 0 || minutes > MAX_DEADLINE_MINUTES) {
    problems.push(
      `\`deadline-minutes\` ${quote(given)} is not a number of minutes above 0 and at most ${MAX_DEADLINE_MINUTES}; keep it a few minutes under the job's \`timeout-minutes\`.`
    )
  }
  return Math.round(minutes * 60_000)
}

/** Labels split on newlines and commas (a label may hold spaces and `#`; GitHub's API separates
 * the labels it filters by with commas, so none can hold one). */
export function readLabels(value: string, problems: string[]): string[] {
  const labels = new Map<string, string>()
  for (const item of (value || INPUT_DEFAULTS['issue-labels']).split(/[\r\n,]+/)) {
    const label = item.trim()
    if (label === '') continue
    if (label.length > MAX_LABEL_LENGTH) {
      problems.push(
        `\`issue-labels\` holds ${quote(label)}, longer than GitHub's ${MAX_LABEL_LENGTH} characters for a label.`
      )
    } else if (!labels.has(label.toLowerCase())) {
      labels.set(label.toLowerCase(), label)
    }
  }
  if (labels.size === 0 && problems.every((problem) => !problem.startsWith('`issue-labels`'))) {
    problems.push(
      '`issue-labels` names no label; give at least one: the issue is found again by its labels.'
    )
  }
  return [...labels.values()]
}

/** `auto`, `always` or `never`, any case; empty: `auto`. Undefined (and a problem) otherwise. */
export function readIssueMode(value: string, problems: string[]): IssueMode | undefined {
  const given = (value || INPUT_DEFAULTS.issue).toLowerCase()
  const mode = ISSUE_MODES.find((candidate) => candidate === given)
  if (!mode) problems.push(`\`issue\` ${quote(given)} is not one of ${ISSUE_MODES.join(', ')}.`)
  return mode
}

const FAILING_VERDICTS: readonly Verdict[] = VERDICTS.filter((verdict) => verdict !== 'compliant')

/**
 * `fail-on`'s items (split, defaults applied, any case) as the verdicts that fail the step; `none`
 * alone: no verdict. A list that leaves out noncompliant pushes a notice: noncompliant
 * subscriptions would then pass the step without a word.
 */
export function readFailOn(
  items: readonly string[],
  problems: string[],
  notices: string[]
): ReadonlySet<Verdict> {
  const given = items.map((item) => item.toLowerCase())
  if (given.length === 0) {
    problems.push('`fail-on` is empty; list verdicts (noncompliant, partial, error) or `none`.')
    return new Set()
  }
  if (given.includes('none')) {
    if (given.length > 1) {
      problems.push('`fail-on` combines `none` with verdicts; give `none` alone, or verdicts.')
    }
    return new Set()
  }
  const failOn = new Set<Verdict>()
  const unknown: string[] = []
  for (const item of given) {
    const verdict = FAILING_VERDICTS.find((candidate) => candidate === item)
    if (verdict) failOn.add(verdict)
    else unknown.push(item)
  }
  for (const item of unknown) {
    problems.push(
      `\`fail-on\` holds ${quote(item)}, which is not a verdict that can fail the step${warningHint(item, failOn)}; use ${FAILING_VERDICTS.join(', ')} or none.`
    )
  }
  if (unknown.length === 0 && !failOn.has('noncompliant')) {
    notices.push(
      `\`fail-on\` is \`${[...failOn].join(', ')}\`, without noncompliant: noncompliant subscriptions will not fail the step. Add noncompliant to \`fail-on\` (its default is \`${INPUT_DEFAULTS['fail-on']}\`) to fail on them.`
    )
  }
  return failOn
}

/** A warning annotation is what a partial verdict writes when it does not fail the step, so
 * `warning` most likely means partial; `partial` alone, though, would stop failing on the verdicts
 * failing by default: the hint names the whole list. */
function warningHint(item: string, verdicts: ReadonlySet<Verdict>): string {
  if (!/^warn(ing)?s?$/.test(item)) return ''
  const base = verdicts.size > 0 ? verdicts : DEFAULT_FAIL_ON
  const list = [...new Set<Verdict>([...base, 'partial'])].join(', ')
  return ` (did you mean \`partial\`? To fail on partial verdicts as well, give \`${list}\`)`
}
