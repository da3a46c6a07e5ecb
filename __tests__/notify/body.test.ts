// Bodies: escaped as the job summary is, within GitHub's limit, failing subscriptions first; the
// marker survives anything a category or id holds; rate-limit waits follow GitHub's headers.
import { describe, expect, it } from '@jest/globals'
import {
  changeComment,
  fitLines,
  issueBody,
  issueTitle,
  MAX_BODY_LENGTH,
  pullRequestBody
} from '../../src/notify/body.ts'
import { compareStates } from '../../src/notify/change.ts'
import { readMarker, writeMarker } from '../../src/notify/marker.ts'
import { rateLimitWait } from '../../src/notify/rate-limit.ts'
import { result, sub, view } from './helpers.ts'

describe('issue body', () => {
  it('lists the failing subscriptions with names, verdicts, reasons and fixes, then the counts', () => {
    const body = issueBody(
      view([result(2, 'compliant'), result(3, 'error'), result(1, 'noncompliant')]),
      '<!-- m -->'
    )
    const rows = body.split('\n').filter((line) => line.startsWith('| `'))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain(sub(1))
    expect(rows[0]).toContain('| name-3 | noncompliant | reason 1 |')
    expect(rows[0]).toContain('Assign the')
    expect(rows[1]).toContain('could not be checked')
    expect(body).toContain(
      '[this workflow run](https://github.com/octo-org/estate/actions/runs/42)'
    )
    expect(body).toContain(
      'Checked: 1 of 3 subscriptions noncompliant, 1 could not be checked; 1 compliant.'
    )
    expect(body.indexOf('| Subscription |')).toBeLessThan(body.indexOf('Checked:'))
  })

  it('escapes names and reasons from Azure as the job summary does', () => {
    const hostile = result(
      1,
      'noncompliant',
      '<img src=x onerror=alert(1)> | @octocat [x](javascript:alert(1)) #1'
    )
    const body = issueBody(
      view([hostile], { names: new Map([[sub(1), '</td><script>x</script> **bold**']]) }),
      ''
    )
    expect(body).not.toMatch(/<img|<script|<\/td>/)
    expect(body).toContain('&lt;img src=x onerror=alert\\(1\\)&gt; &#124; `@octocat`')
    expect(body).toContain('\\[`x](javascript:alert(1`\\)\\) `#1`')
    expect(body).toContain('\\*\\*bold\\*\\*')
    // One row: nothing from Azure broke the table.
    expect(body.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(1)
  })

  it('stays under 65,536 characters, cut at a whole row, saying how many more', () => {
    const results = Array.from({ length: 3000 }, (_, index) =>
      result(index + 1, 'noncompliant', 'r'.repeat(280))
    )
    const body = issueBody(
      view(results),
      writeMarker({ kind: 'issue', category: 'c', failing: {} })
    )
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    const rows = body.split('\n').filter((line) => line.startsWith('| `'))
    expect(rows.length).toBeGreaterThan(50)
    for (const row of rows) expect(row).toMatch(/ \|$/)
    expect(body).toContain(
      `_and ${3000 - rows.length} more failing subscriptions: see the run's job summary._`
    )
    expect(body.endsWith('closed when every subscription passes.')).toBe(true)
  })

  it('keeps the change comment and pull-request body under the limit too', () => {
    const results = Array.from({ length: 3000 }, (_, index) =>
      result(index + 1, 'noncompliant', 'r'.repeat(280))
    )
    const names = new Map(results.map((item) => [item.subscriptionId, 'n'.repeat(128)]))
    const state = Object.fromEntries(
      results.map((item) => [item.subscriptionId, 'noncompliant' as const])
    )
    const comment = changeComment(
      view(results, { names }),
      compareStates({}, state, results),
      'Verdicts changed.'
    )
    expect(comment.length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    expect(comment).toContain('**Newly failing (3000)**')
    expect(comment).toContain('- _and 2950 more_')
    expect(pullRequestBody(view(results), '').length).toBeLessThanOrEqual(MAX_BODY_LENGTH)
  })

  it('gives a short title that says which: not audited, could not be checked, or both', () => {
    const failing = [result(1, 'noncompliant'), result(2, 'partial'), result(3, 'compliant')]
    expect(issueTitle(view(failing, { failOn: new Set(['noncompliant', 'partial']) }))).toBe(
      'JIT network access not audited on 2 subscriptions'
    )
    // Partial does not fail under the default fail-on, so it is not counted as failing.
    expect(issueTitle(view([...failing, result(4, 'error')]))).toBe(
      'JIT network access not audited on 1 subscription, 1 could not be checked'
    )
    expect(issueTitle(view([result(4, 'error'), result(5, 'error'), result(3, 'compliant')]))).toBe(
      'JIT network access: 2 subscriptions could not be checked'
    )
    // The category is in the body, not the title.
    const long = view(failing)
    expect(issueTitle(long)).not.toContain(long.category)
    expect(issueBody(long, '<!-- m -->')).toContain(long.category)
  })

  it('pull-request body says all pass when nothing fails', () => {
    const body = pullRequestBody(view([result(1, 'compliant')]), '<!-- m -->')
    expect(body).toContain('All 1 checked subscriptions are compliant.')
    expect(body).not.toContain('| Subscription |')
  })
})

describe('fitLines', () => {
  it('keeps whole items and counts the rest, keeping room for the count', () => {
    const more = (count: number): string => `+${count}`
    expect(fitLines(['aaa', 'bbb', 'ccc'], 100, more).lines).toEqual(['aaa', 'bbb', 'ccc'])
    expect(fitLines(['aaa', 'bbb', 'ccc'], 9, more).lines).toEqual(['aaa', '+2'])
    expect(fitLines(['aaa', 'bbb', 'ccc'], 100, more, 1).lines).toEqual(['aaa', '+2'])
    expect(fitLines([], 0, more).lines).toEqual([])
  })
})

describe('marker', () => {
  it('reads back what it wrote, and nothing in it can end the HTML comment', () => {
    const category = 'a --> <b> -- "quoted"'
    const failing = { [sub(1)]: 'noncompliant' as const, 'x-->y': 'error' as const }
    const written = writeMarker({ kind: 'issue', category, failing })
    expect(written.indexOf('-->')).toBe(written.length - 3)
    expect(written).not.toMatch(/<(?!!--)/)
    expect(readMarker(`text before\n${written}\ntext after`)).toEqual({
      kind: 'issue',
      category,
      failing
    })
  })

  it('drops verdicts it does not know and rejects markers of another shape', () => {
    const written =
      '<!-- azure-jit-network-access-check {"kind":"issue","category":"c","failing":{"a":"bad","b":"error"}} -->'
    expect(readMarker(written)).toEqual({ kind: 'issue', category: 'c', failing: { b: 'error' } })
    expect(
      readMarker('<!-- azure-jit-network-access-check {"kind":"other","category":"c"} -->')
    ).toBeNull()
    expect(
      readMarker('<!-- azure-jit-network-access-check {"kind":"issue","category":1} -->')
    ).toBeNull()
    expect(
      readMarker(
        '<!-- azure-jit-network-access-check {"kind":"issue","category":"c","failing":[]} -->'
      )
    ).toBeNull()
    expect(readMarker('<!-- azure-jit-network-access-check {"kind":"issue"')).toBeNull()
  })
})

describe('rateLimitWait', () => {
  const now = Date.UTC(2025, 0, 1)
  it('follows retry-after in seconds or as a date', () => {
    expect(
      rateLimitWait(403, { 'retry-after': '30' }, 'You have exceeded a secondary rate limit.', now)
    ).toBe(30_000)
    expect(rateLimitWait(429, { 'retry-after': new Date(now + 5000).toUTCString() }, '', now)).toBe(
      5000
    )
  })
  it('waits until x-ratelimit-reset when x-ratelimit-remaining is 0', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 20) }
    expect(rateLimitWait(403, headers, 'API rate limit exceeded', now)).toBe(21_000)
  })
  it('waits a minute, growing, for a secondary limit without headers', () => {
    expect(rateLimitWait(403, {}, 'You have exceeded a secondary rate limit.', now)).toBe(60_000)
    expect(rateLimitWait(429, {}, '', now, 2)).toBe(240_000)
  })
  it('takes a 403 without any signal for a refusal, and other statuses for no rate limit', () => {
    expect(
      rateLimitWait(
        403,
        { 'x-ratelimit-remaining': '4999' },
        'Resource not accessible by integration',
        now
      )
    ).toBeNull()
    expect(rateLimitWait(500, { 'retry-after': '1' }, '', now)).toBeNull()
  })
})
