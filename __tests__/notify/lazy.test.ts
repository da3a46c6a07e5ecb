// @actions/github is loaded only when an issue or a comment is to be written, and a client that
// cannot be made is a warning, not an exception.
import { describe, expect, it, jest } from '@jest/globals'

let loads = 0
jest.unstable_mockModule('@actions/github', () => {
  loads++
  return {
    getOctokit: () => {
      throw new Error('no client in this test')
    }
  }
})

const { notify } = await import('../../src/notify/index.ts')

const input = {
  results: [
    {
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      verdict: 'noncompliant' as const,
      reason: 'r',
      effectiveEffect: null,
      assignments: []
    }
  ],
  category: 'c',
  runUrl: null
}
const base = {
  token: 'ghs_x',
  repository: 'octo-org/estate',
  labels: ['jit-network-access'],
  setSecret: () => undefined
}

describe('loading @actions/github', () => {
  it('does not load it when neither an issue nor a comment is wanted', async () => {
    await notify(input, {
      ...base,
      issue: 'auto',
      eventName: 'push',
      pullRequestComment: false,
      pullRequest: null
    })
    await notify(input, {
      ...base,
      issue: 'never',
      eventName: 'schedule',
      pullRequestComment: true,
      pullRequest: null
    })
    expect(loads).toBe(0)
  })

  it('loads it when an issue is wanted, and turns a failure to make the client into a warning', async () => {
    const outcome = await notify(input, {
      ...base,
      issue: 'auto',
      eventName: 'schedule',
      pullRequestComment: false,
      pullRequest: null
    })
    expect(loads).toBe(1)
    expect(outcome.warnings).toEqual([
      'Could not load the GitHub client: Error: no client in this test.'
    ])
  })
})
