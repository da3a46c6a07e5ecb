// The job summary's section on the subscriptions in scope that were not checked because of their
// state (src/collect/discover.ts, SKIPPED_STATES). Every string from Azure goes through
// markdown.ts; the section is bounded whatever the number of subscriptions.
import type { SkippedSubscription } from '../model.ts'
import { codeSpan, escapeInline } from './markdown.ts'
import { MAX_DISPLAY_NAME, plural } from './summary-labels.ts'

/** Most skipped subscriptions listed by name; the others are counted. */
export const MAX_SKIPPED_ROWS = 50

/**
 * Markdown for `skipped`: a heading, a sentence and a table (subscription, display name, state)
 * of at most MAX_SKIPPED_ROWS rows, then how many more there are. '' when nothing was skipped.
 */
export function skippedSection(skipped: readonly SkippedSubscription[]): string {
  if (skipped.length === 0) return ''
  const rows = skipped
    .slice(0, MAX_SKIPPED_ROWS)
    .map(
      (subscription) =>
        `| ${codeSpan(subscription.subscriptionId, { table: true })} | ${escapeInline(subscription.displayName ?? '', MAX_DISPLAY_NAME)} | ${escapeInline(subscription.state, 40)} |`
    )
  const more = skipped.length - rows.length
  return [
    '',
    '### Skipped subscriptions',
    '',
    `${plural(skipped.length, 'subscription in scope was', 'subscriptions in scope were')} not checked because ${skipped.length === 1 ? 'it is' : 'they are'} disabled or deleted; ${skipped.length === 1 ? 'it does' : 'they do'} not affect the outcome. The \`skipped-subscriptions\` output lists ${skipped.length === 1 ? 'it' : 'them all'}.`,
    '',
    '| subscription | name | state |',
    '| --- | --- | --- |',
    ...rows,
    ...(more > 0 ? ['', `…and ${plural(more, 'more', 'more')}.`] : []),
    ''
  ].join('\n')
}
