import { describe, expect, test } from '@jest/globals'
import {
  FALLBACK_WORKFLOW_PATH,
  findSubscriptionLine,
  locateResult,
  locateSubscription,
  workflowLocation
} from '../../src/report/locate.ts'
import { parseWorkflowRef } from '../../src/workflow-ref.ts'
import {
  LINES,
  SUB1,
  SUB2,
  SUB3,
  SUB4,
  SUBA,
  SUB_UNLISTED,
  WORKFLOW_CONTENT,
  WORKFLOW_PATH,
  WORKFLOW_REF
} from './helpers.ts'

describe('parseWorkflowRef', () => {
  test.each([
    [
      'octo/infra/.github/workflows/ci.yml@refs/heads/main',
      { owner: 'octo', repo: 'infra', path: '.github/workflows/ci.yml', ref: 'refs/heads/main' }
    ],
    [
      'octo/infra/.github/workflows/jit.yaml@refs/pull/17/merge',
      {
        owner: 'octo',
        repo: 'infra',
        path: '.github/workflows/jit.yaml',
        ref: 'refs/pull/17/merge'
      }
    ],
    [
      'octo/infra/.github/workflows/nightly.yml@refs/tags/v1.2.0',
      {
        owner: 'octo',
        repo: 'infra',
        path: '.github/workflows/nightly.yml',
        ref: 'refs/tags/v1.2.0'
      }
    ],
    [
      'octo/infra/.github/workflows/ci.yml@refs/heads/feature@2',
      {
        owner: 'octo',
        repo: 'infra',
        path: '.github/workflows/ci.yml',
        ref: 'refs/heads/feature@2'
      }
    ],
    [
      'octo/infra/.github/workflows/sub dir/ci.yml@refs/heads/main',
      {
        owner: 'octo',
        repo: 'infra',
        path: '.github/workflows/sub dir/ci.yml',
        ref: 'refs/heads/main'
      }
    ]
  ])('%s', (value, expected) => {
    expect(parseWorkflowRef(value)).toEqual(expected)
  })

  test.each([
    undefined,
    '',
    'no-slashes@refs/heads/main',
    'octo/infra@refs/heads/main',
    'octo/infra/../../etc/passwd.yml@refs/heads/main',
    'octo/infra//abs.yml@refs/heads/main',
    'octo/infra/.github/workflows/a\\b.yml@refs/heads/main',
    'octo/infra/.github/workflows/ci.yml'
  ])('rejects %j', (value) => {
    expect(parseWorkflowRef(value)).toBeNull()
  })
})

describe('findSubscriptionLine', () => {
  test('finds the line that lists each id, case-insensitively', () => {
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUB1)).toBe(LINES.sub1)
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUB2)).toBe(LINES.sub2)
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUB3)).toBe(LINES.sub3)
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUBA)).toBe(LINES.subA)
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUBA.toUpperCase())).toBe(LINES.subA)
  })

  test('prefers a line where the id is not commented out', () => {
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUB4)).toBe(LINES.sub4)
    expect(findSubscriptionLine(`# ${SUB4}\nx`, SUB4)).toBe(1)
    expect(findSubscriptionLine(`x\n# ${SUB4}`, SUB4)).toBe(2)
  })

  test('line 1 when the id is not written there or the file is unknown', () => {
    expect(findSubscriptionLine(WORKFLOW_CONTENT, SUB_UNLISTED)).toBe(1)
    expect(findSubscriptionLine(null, SUB1)).toBe(1)
  })

  test('handles CRLF and CR line endings', () => {
    expect(findSubscriptionLine(`a\r\nb\r\n${SUB1}`, SUB1)).toBe(3)
    expect(findSubscriptionLine(`a\r${SUB1}`, SUB1)).toBe(2)
  })

  test('finds ids that are not GUIDs by substring', () => {
    expect(findSubscriptionLine('a\n  sub-x # c\n', 'SUB-X')).toBe(2)
  })
})

describe('workflowLocation and locateSubscription', () => {
  test('the workflow path from GITHUB_WORKFLOW_REF, and the line of each id', () => {
    const file = workflowLocation(parseWorkflowRef(WORKFLOW_REF), WORKFLOW_CONTENT)
    expect(file.path).toBe(WORKFLOW_PATH)
    expect(file.fromWorkflowRef).toBe(true)
    expect(locateSubscription(file, SUB2)).toEqual({ file: WORKFLOW_PATH, startLine: LINES.sub2 })
    expect(locateSubscription(file, SUB_UNLISTED)).toEqual({ file: WORKFLOW_PATH, startLine: 1 })
  })

  test('a result whose verdict a planned change changes: where the change is declared', () => {
    const file = workflowLocation(parseWorkflowRef(WORKFLOW_REF), WORKFLOW_CONTENT)
    const change = {
      address: 'azurerm_x.y',
      file: 'plan.json',
      format: 'terraform',
      action: 'update'
    }
    const declared = { ...change, declaredAt: { file: 'infra/policy.tf', line: 12 } }
    expect(
      locateResult(file, { subscriptionId: SUB2, plannedChanges: [change, declared] })
    ).toEqual({ file: 'infra/policy.tf', startLine: 12 })
    // A change that is not found in the repository (a what-if result): the workflow line.
    expect(locateResult(file, { subscriptionId: SUB2, plannedChanges: [change] })).toEqual({
      file: WORKFLOW_PATH,
      startLine: LINES.sub2
    })
  })

  test('unreadable workflow file: its path at line 1', () => {
    const file = workflowLocation(parseWorkflowRef(WORKFLOW_REF), null)
    expect(locateSubscription(file, SUB2)).toEqual({ file: WORKFLOW_PATH, startLine: 1 })
  })

  test('no GITHUB_WORKFLOW_REF: the workflows folder at line 1, whatever content is given', () => {
    const file = workflowLocation(null, WORKFLOW_CONTENT)
    expect(file.fromWorkflowRef).toBe(false)
    expect(locateSubscription(file, SUB2)).toEqual({ file: FALLBACK_WORKFLOW_PATH, startLine: 1 })
  })

  test('indexes thousands of ids in one pass', () => {
    const ids = Array.from(
      { length: 5000 },
      (_, index) => `00000000-0000-0000-0000-${index.toString().padStart(12, '0')}`
    )
    const file = workflowLocation(parseWorkflowRef(WORKFLOW_REF), ids.join('\n'))
    const started = Date.now()
    for (const [index, id] of ids.entries()) {
      expect(locateSubscription(file, id).startLine).toBe(index + 1)
    }
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
