// The step log of a run over 50 subscriptions, through the bundle as a runner runs it: one group per
// phase (`::group::` ... `::endgroup::`), in the order the run goes, one verdict line per
// subscription inside the verdicts' group, and the headline (counts and the step's result) last,
// outside every group.
import { describe, expect, test } from '@jest/globals'
import { subscriptionId } from '../../standin/estate/index.ts'
import { oneGroupEstate } from './one-group-estate.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const COUNT = 50
const ids = Array.from({ length: COUNT }, (_, n) => subscriptionId(20_000 + n))
// Every 5th subscription sits under a group without the JIT audit.
const unaudited = (n: number) => n % 5 === 0

interface Line {
  text: string
  /** The group the line is in; undefined outside every group. */
  group?: string
}

/** The step log as the runner folds it: each line with the group it is in. Throws on a group
 * opened inside another or closed when none is open (GitHub does not nest groups). */
function foldedLog(stdout: string): { groups: string[]; lines: Line[] } {
  const groups: string[] = []
  const lines: Line[] = []
  let open: string | undefined
  for (const text of stdout.split('\n')) {
    if (text === '' || text.startsWith('::debug::') || text.startsWith('::add-mask::')) continue
    if (text.startsWith('::group::')) {
      if (open !== undefined) throw new Error(`group ${text} opened inside ${open}`)
      open = text.slice('::group::'.length)
      groups.push(open)
    } else if (text === '::endgroup::') {
      if (open === undefined) throw new Error('::endgroup:: outside a group')
      open = undefined
    } else {
      lines.push({ text, ...(open !== undefined ? { group: open } : {}) })
    }
  }
  if (open !== undefined) throw new Error(`group ${open} never closed`)
  return { groups, lines }
}

describe.each(['resource-manager', 'resource-graph'])('the step log, %s engine', (engine) => {
  test('one group per phase, a verdict line per subscription, the headline last', async () => {
    const inputs = { 'management-groups': 'landing-zones', engine }
    await runOnFreshStandIn(
      oneGroupEstate('log-groups', ids, { unaudited, plan2: true }),
      inputs,
      ({ stdout, exitCode }) => {
        expect(exitCode).toBe(1)
        const { groups, lines } = foldedLog(stdout)
        expect(groups).toEqual([
          'Sign-in',
          'Scope',
          `Reads: ${COUNT} subscription(s), ${engine} engine`,
          'Verdicts',
          'Reports',
          'Notifications'
        ])
        const verdictLines = lines.filter((line) => /^(✅|⚠️|❌|❓) /u.test(line.text))
        expect(verdictLines).toHaveLength(COUNT)
        expect(new Set(verdictLines.map((line) => line.group))).toEqual(new Set(['Verdicts']))
        for (const [n, id] of ids.entries()) {
          const expected = unaudited(n) ? 'noncompliant' : 'compliant'
          expect(verdictLines).toContainEqual({
            text: expect.stringContaining(`${id} (workload-${n}): ${expected}.`),
            group: 'Verdicts'
          })
        }
        // The headline, then only the step's failure (::error::), outside every group.
        const outside = lines.slice(lines.findLastIndex((line) => line.group !== undefined) + 1)
        expect(outside.map((line) => line.text)).toEqual([
          'Checked 50 subscriptions: 40 compliant, 10 noncompliant. The step fails.',
          '::error::10 of 50 subscriptions noncompliant'
        ])
      }
    )
  })
})
