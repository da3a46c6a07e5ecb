// Readers of single input values that more than one input shares or that stand on their own; each
// pushes a problem (naming the value and the fix) for InputError rather than throwing.
import { INPUT_DEFAULTS, ISSUE_MODES } from './defaults.ts'
import type { IssueMode } from './notify/plan.ts'

// GitHub refuses a label name longer than this ("name is too long (maximum is 50 characters)").
const MAX_LABEL_LENGTH = 50

/** Shows a value from the workflow in a message without letting it run over several lines. */
export function quote(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ')
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine)
}

/** `true` or `false`, any case; empty: the input's default. */
export function readBoolean(
  name: 'job-summary' | 'pr-comment' | 'defender-plan-check',
  value: string,
  problems: string[]
): boolean {
  const given = value || INPUT_DEFAULTS[name]
  if (/^true$/i.test(given)) return true
  if (!/^false$/i.test(given))
    problems.push(`\`${name}\` ${quote(given)} is not \`true\` or \`false\`.`)
  return false
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
