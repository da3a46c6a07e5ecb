// The pure decisions: which writes bring the category's issue and pull-request comment up to date.
import { describe, expect, it } from '@jest/globals'
import type { LastFinding, Verdict } from '../../src/model.ts'
import { readMarker, writeMarker } from '../../src/notify/marker.ts'
import {
  issueWanted,
  planIssue,
  planPullRequestComment,
  type ExistingIssue,
  type Write
} from '../../src/notify/plan.ts'
import { CATEGORY, result, sub, view } from './helpers.ts'

const LABELS = ['jit-network-access']

function issueWith(
  number: number,
  state: 'open' | 'closed',
  failing: Record<string, Verdict>,
  category = CATEGORY
): ExistingIssue {
  return { number, state, body: `${writeMarker({ kind: 'issue', category, failing })}\n\nbody` }
}

function openAlert(verdict: 'noncompliant' | 'partial'): LastFinding {
  const level = verdict === 'partial' ? 'warning' : 'error'
  return { verdict, level, alert: 7, message: `Subscription x is ${verdict}: why` }
}

function ops(writes: Write[]): string[] {
  return writes.map((write) =>
    write.op === 'create-issue'
      ? 'create-issue'
      : write.op === 'update-comment'
        ? `update-comment ${write.commentId}`
        : write.op === 'update-issue'
          ? `update-issue #${write.number}${write.body !== undefined ? ' body' : ''}${write.state ? ` ${write.state}/${write.stateReason}` : ''}`
          : `comment #${write.number}`
  )
}

describe('issueWanted', () => {
  it.each([
    ['auto', 'schedule', true],
    ['auto', 'workflow_dispatch', true],
    ['auto', 'push', false],
    ['auto', 'pull_request', false],
    ['auto', undefined, false],
    ['always', 'push', true],
    ['never', 'schedule', false]
  ] as const)('%s on %s: %s', (mode, event, wanted) => {
    expect(issueWanted(mode, event)).toBe(wanted)
  })
})

describe('planIssue', () => {
  const failing = [result(1, 'noncompliant'), result(2, 'compliant')]

  it('opens an issue with the labels when something fails and none exists', () => {
    const plan = planIssue(view(failing), [], LABELS)
    expect(ops(plan.writes)).toEqual(['create-issue'])
    const write = plan.writes[0] as Extract<Write, { op: 'create-issue' }>
    expect(write.labels).toEqual(LABELS)
    expect(readMarker(write.body)).toEqual({
      kind: 'issue',
      category: CATEGORY,
      failing: { [sub(1)]: 'noncompliant' }
    })
    expect(plan.subject).toBeNull()
  })

  it('a new scope of the same workflow job: the new issue names the open issues of earlier scopes', () => {
    const stem = 'azure-jit-network-access/.github/workflows/jit.yml:audit'
    const category = `${stem}/0123456789ab`
    const existing = [
      issueWith(3, 'open', { [sub(5)]: 'noncompliant' }, `${stem}/aaaaaaaaaaaa`),
      issueWith(5, 'closed', {}, `${stem}/bbbbbbbbbbbb`),
      issueWith(
        6,
        'open',
        {},
        'azure-jit-network-access/.github/workflows/jit.yml:other/aaaaaaaaaaaa'
      ),
      issueWith(8, 'open', {}, 'jit/production'),
      issueWith(9, 'open', { [sub(5)]: 'error' }, `${stem}/cccccccccccc`)
    ]
    const plan = planIssue(view(failing, { category }), existing, LABELS)
    expect(ops(plan.writes)).toEqual(['create-issue'])
    const write = plan.writes[0] as Extract<Write, { op: 'create-issue' }>
    expect(write.body).toContain(
      'The scope changed: earlier issues #9, #3 track the previous scope of this workflow job. Close them by hand'
    )
    expect(write.body).toContain('set the `category` input to keep one category')
    expect(plan.notes).toEqual([
      'Something fails in a new scope: opening an issue (earlier scopes: #9, #3).'
    ])
    // An explicit category has no scope digest: nothing to point at.
    const explicit = planIssue(view(failing, { category: 'jit/staging' }), existing, LABELS)
    const body = (explicit.writes[0] as Extract<Write, { op: 'create-issue' }>).body
    expect(body).not.toContain('The scope changed')
  })

  it('reopens the last closed issue of the category rather than opening another', () => {
    const existing = [
      issueWith(3, 'closed', {}),
      issueWith(7, 'closed', {}),
      issueWith(9, 'closed', {}, 'other-category')
    ]
    const plan = planIssue(view(failing), existing, LABELS)
    expect(ops(plan.writes)).toEqual(['update-issue #7 body open/reopened', 'comment #7'])
    expect(plan.subject).toBe(7)
    const comment = plan.writes[1] as Extract<Write, { op: 'create-comment' }>
    expect(comment.body).toMatch(/^❌ Failing again\./)
    expect(comment.body).toContain('**Newly failing (1)**')
  })

  it('touches nothing when the failing verdicts are the same', () => {
    const plan = planIssue(
      view(failing),
      [issueWith(4, 'open', { [sub(1)]: 'noncompliant' })],
      LABELS
    )
    expect(plan.writes).toEqual([])
    expect(plan.subject).toBe(4)
    expect(plan.notes).toEqual(['Nothing changed since issue #4 was last written.'])
  })

  it('updates the body and comments once when verdicts change, saying what changed', () => {
    const results = [
      result(1, 'error'),
      result(2, 'noncompliant'),
      result(3, 'compliant'),
      result(5, 'noncompliant')
    ]
    const previous = {
      [sub(1)]: 'noncompliant',
      [sub(3)]: 'noncompliant',
      [sub(4)]: 'error',
      [sub(5)]: 'noncompliant'
    } as const
    const plan = planIssue(view(results), [issueWith(4, 'open', previous)], LABELS)
    expect(ops(plan.writes)).toEqual(['update-issue #4 body', 'comment #4'])
    const body = (plan.writes[0] as { body: string }).body
    expect(readMarker(body)?.failing).toEqual({
      [sub(1)]: 'error',
      [sub(2)]: 'noncompliant',
      [sub(5)]: 'noncompliant'
    })
    const comment = (plan.writes[1] as { body: string }).body
    expect(comment).toContain('**Newly failing (1)**')
    expect(comment).toContain('**Verdict changed (1)**')
    expect(comment).toContain('was noncompliant, now could not be checked')
    expect(comment).toContain('**Fixed (1)**')
    expect(comment).toContain('**No longer checked (1)**')
    expect(comment).toContain('**Still failing (1)**')
  })

  it('comments and closes as completed when everything passes', () => {
    const plan = planIssue(
      view([result(1, 'compliant')]),
      [issueWith(4, 'open', { [sub(1)]: 'noncompliant' })],
      LABELS
    )
    expect(ops(plan.writes)).toEqual(['comment #4', 'update-issue #4 closed/completed'])
    expect((plan.writes[0] as { body: string }).body).toMatch(
      /^✅ Every checked subscription passes now/
    )
  })

  it('does nothing when everything passes and no issue is open', () => {
    expect(
      planIssue(view([result(1, 'compliant')]), [issueWith(2, 'closed', {})], LABELS).writes
    ).toEqual([])
  })

  it('counts only the verdicts in fail-on as failing', () => {
    const partialOnly = [result(1, 'partial')]
    expect(planIssue(view(partialOnly), [], LABELS).writes).toEqual([])
    const withPartial = view(partialOnly, { failOn: new Set<Verdict>(['partial']) })
    expect(ops(planIssue(withPartial, [], LABELS).writes)).toEqual(['create-issue'])
  })

  it('decides nothing when no subscription was checked', () => {
    const plan = planIssue(view([]), [issueWith(4, 'open', { [sub(1)]: 'noncompliant' })], LABELS)
    expect(plan.writes).toEqual([])
  })

  it('keeps the newest of two open issues, closes the other pointing at it, and warns', () => {
    const existing = [
      issueWith(5, 'open', { [sub(1)]: 'noncompliant' }),
      issueWith(8, 'open', { [sub(1)]: 'noncompliant' })
    ]
    const plan = planIssue(view(failing), existing, LABELS)
    expect(ops(plan.writes)).toEqual(['comment #5', 'update-issue #5 closed/not_planned'])
    expect((plan.writes[0] as { body: string }).body).toContain('#8')
    expect(plan.subject).toBe(8)
    expect(plan.warnings).toEqual([
      `2 open issues tracked category ${CATEGORY}: kept #8, closing #5.`
    ])
  })

  it('ignores issues without the marker, of another category, or with a marker a person broke', () => {
    const existing: ExistingIssue[] = [
      { number: 1, state: 'open', body: 'no marker' },
      { number: 2, state: 'open', body: null },
      issueWith(3, 'open', { [sub(1)]: 'noncompliant' }, 'other'),
      { number: 4, state: 'open', body: '<!-- azure-jit-network-access-check {broken -->' }
    ]
    expect(ops(planIssue(view(failing), existing, LABELS).writes)).toEqual(['create-issue'])
  })
})

describe('the marker', () => {
  it('keeps the last decided verdicts, and drops what is not one', () => {
    const body = writeMarker({
      kind: 'issue',
      category: CATEGORY,
      failing: { a: 'error', b: 'error' },
      last: { a: 'partial' }
    })
    expect(readMarker(body)).toEqual({
      kind: 'issue',
      category: CATEGORY,
      failing: { a: 'error', b: 'error' },
      last: { a: 'partial' }
    })
    const edited = body.replace('"partial"', '"compliant"')
    expect(readMarker(edited)).toEqual({
      kind: 'issue',
      category: CATEGORY,
      failing: { a: 'error', b: 'error' }
    })
  })
})

describe('planIssue and subscriptions that could not be checked (issue 20, item 3)', () => {
  const nonOnly = new Set<Verdict>(['noncompliant'])
  const rowOf = (body: string, n: number) =>
    body.split('\n').find((line) => line.startsWith(`| \`${sub(n)}\``))

  it('keeps the issue open whatever fail-on says, listing a failing one with its last verdict', () => {
    const open = [issueWith(4, 'open', { [sub(1)]: 'noncompliant' })]
    const plan = planIssue(view([result(1, 'error')], { failOn: nonOnly }), open, LABELS)
    expect(ops(plan.writes)).toEqual(['update-issue #4 body', 'comment #4'])
    const body = (plan.writes[0] as { body: string }).body
    expect(rowOf(body, 1)).toContain('| could not be checked now (last: noncompliant) |')
    expect(readMarker(body)).toMatchObject({
      failing: { [sub(1)]: 'error' },
      last: { [sub(1)]: 'noncompliant' }
    })
    expect(plan.notes).toEqual([
      'Verdicts changed: updating issue #4.',
      'Issue #4 stays open: 1 subscription(s) could not be checked, whatever fail-on says.'
    ])
    // The next run that still cannot check it changes nothing, and remembers the last verdict.
    const again = planIssue(
      view([result(1, 'error')], { failOn: nonOnly }),
      [{ number: 4, state: 'open', body }],
      LABELS
    )
    expect(again.writes).toEqual([])
    expect(again.notes).toContain(
      'Issue #4 stays open: 1 subscription(s) could not be checked, whatever fail-on says.'
    )
  })

  it('is not closed while any subscription could not be checked, even one that never failed', () => {
    const open = [issueWith(4, 'open', { [sub(1)]: 'noncompliant' })]
    const results = [result(1, 'compliant'), result(2, 'error')]
    const plan = planIssue(view(results, { failOn: nonOnly }), open, LABELS)
    expect(ops(plan.writes)).toEqual(['update-issue #4 body', 'comment #4'])
    const body = (plan.writes[0] as { body: string }).body
    expect(rowOf(body, 2)).toContain('| could not be checked |')
    expect(readMarker(body)?.failing).toEqual({ [sub(2)]: 'error' })
    // Once it is checked and passes, the issue closes.
    const closing = planIssue(
      view([result(1, 'compliant'), result(2, 'compliant')], { failOn: nonOnly }),
      [{ number: 4, state: 'open', body }],
      LABELS
    )
    expect(ops(closing.writes)).toEqual(['comment #4', 'update-issue #4 closed/completed'])
  })

  it('opens no issue for a subscription that could not be checked when fail-on leaves error out', () => {
    expect(planIssue(view([result(1, 'error')], { failOn: nonOnly }), [], LABELS).writes).toEqual(
      []
    )
  })

  it("takes the last verdict from code scanning's open alert, and learns it without a comment", () => {
    const unchecked = { ...result(1, 'error'), lastFinding: openAlert('partial') }
    const created = planIssue(view([unchecked]), [], LABELS)
    const body = (created.writes[0] as { body: string }).body
    expect(rowOf(body, 1)).toContain('| could not be checked now (last: partial) |')
    // An issue that listed it without a last verdict gets the body, and no change comment.
    const learnt = planIssue(
      view([unchecked]),
      [issueWith(4, 'open', { [sub(1)]: 'error' })],
      LABELS
    )
    expect(ops(learnt.writes)).toEqual(['update-issue #4 body'])
    expect(learnt.notes).toEqual(['Last verdicts learnt: updating the body of issue #4.'])
  })
})

describe('planPullRequestComment', () => {
  const failing = [result(1, 'noncompliant')]
  const marker = (category = CATEGORY): string =>
    writeMarker({ kind: 'pull-request-comment', category })

  it('creates the comment when something fails and none exists', () => {
    const plan = planPullRequestComment(view(failing), 12, [{ id: 1, body: 'a person' }])
    expect(ops(plan.writes)).toEqual(['comment #12'])
  })

  it('updates the newest comment of the category in place, and warns about the other', () => {
    const comments = [
      { id: 10, body: `${marker()}\nold` },
      { id: 30, body: `${marker()}\nolder run` },
      { id: 40, body: `${marker('other')}\nx` }
    ]
    const plan = planPullRequestComment(view(failing), 12, comments)
    expect(ops(plan.writes)).toEqual(['update-comment 30'])
    expect(plan.subject).toBe(30)
    expect(plan.warnings).toHaveLength(1)
  })

  it('says it passes now in the comment that exists, and creates none when all pass', () => {
    const passing = view([result(1, 'compliant')])
    const updated = planPullRequestComment(passing, 12, [{ id: 10, body: `${marker()}\nold` }])
    expect((updated.writes[0] as { body: string }).body).toContain('✅')
    expect(planPullRequestComment(passing, 12, []).writes).toEqual([])
  })

  it('shows the last verdict an open alert holds for one that could not be checked', () => {
    const unchecked = { ...result(1, 'error'), lastFinding: openAlert('noncompliant') }
    const plan = planPullRequestComment(view([unchecked]), 12, [])
    expect((plan.writes[0] as { body: string }).body).toContain(
      '| could not be checked now (last: noncompliant) |'
    )
  })

  it('writes nothing when the body would not change', () => {
    const first = planPullRequestComment(view(failing), 12, [])
    const body = (first.writes[0] as { body: string }).body
    expect(planPullRequestComment(view(failing), 12, [{ id: 5, body }]).writes).toEqual([])
  })
})
