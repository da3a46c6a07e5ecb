import { afterEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import { DEFAULT_FAIL_ON } from '../../src/defaults.ts'
import type { SubscriptionResult, Verdict } from '../../src/model.ts'
import {
  MAX_ANNOTATIONS_PER_LEVEL,
  buildAnnotations,
  type Annotation
} from '../../src/report/annotations.ts'
import { inertLogText } from '../../src/report/text.ts'
import { buildSarif } from '../../src/report/sarif.ts'
import {
  HOSTILE,
  HOSTILE_ALL,
  LINES,
  SUB2,
  SUB3,
  WORKFLOW_CONTENT,
  WORKFLOW_PATH,
  WORKFLOW_REF,
  context,
  mixedResults,
  result,
  workflowFile
} from './helpers.ts'

const file = workflowFile(WORKFLOW_REF, WORKFLOW_CONTENT)

function many(
  count: number,
  verdict: SubscriptionResult['verdict'],
  offset = 0
): SubscriptionResult[] {
  return Array.from({ length: count }, (_, index) =>
    result(`00000000-0000-0000-0000-${(index + offset).toString().padStart(12, '0')}`, verdict)
  )
}

/** Parses a workflow command line the way the runner does: `::name key=value,...::message`. */
function parseCommand(line: string): {
  name: string
  properties: Record<string, string>
  message: string
} {
  expect(line.startsWith('::')).toBe(true)
  const end = line.indexOf('::', 2)
  const head = line.slice(2, end)
  const space = head.indexOf(' ')
  const name = space === -1 ? head : head.slice(0, space)
  const properties: Record<string, string> = {}
  if (space !== -1) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=')
      properties[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1))
    }
  }
  const message = line
    .slice(end + 2)
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%')
  return { name, properties, message }
}

afterEach(() => {
  jest.restoreAllMocks()
})

describe('buildAnnotations', () => {
  test('one per failing subscription, error for noncompliant and error, warning for partial', () => {
    const annotations = buildAnnotations(mixedResults(), file, DEFAULT_FAIL_ON)
    expect(annotations.map((a) => a.level)).toEqual(['error', 'error', 'error', 'warning'])
    expect(annotations.map((a) => a.message)).toEqual([
      expect.stringContaining(`${SUB2} is noncompliant`),
      expect.stringContaining('is noncompliant: No policy assignment'),
      expect.stringContaining('could not be checked'),
      expect.stringContaining(`${SUB3} is only partly audited`)
    ])
  })

  test('at the same place as the SARIF result of the subscription', () => {
    const results = mixedResults()
    const annotations = buildAnnotations(results, file, DEFAULT_FAIL_ON)
    const sarif = buildSarif(results, file, context())
    const sarifPlaces = [
      ...(sarif.runs[0]?.results ?? []),
      ...(sarif.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [])
    ].map((item) => {
      const physical = item.locations?.[0]?.physicalLocation
      return `${String(item.properties?.subscriptionId)}@${physical?.artifactLocation?.uri}:${physical?.region?.startLine}`
    })
    for (const annotation of annotations) {
      const id = /Subscription (\S+)/.exec(annotation.message)?.[1]
      expect(sarifPlaces).toContain(`${id}@${annotation.file}:${annotation.startLine}`)
    }
    expect(annotations[0]).toMatchObject({ file: WORKFLOW_PATH, startLine: LINES.sub2 })
  })

  test('the level follows fail-on: a verdict that fails the step is an error, others warnings', () => {
    const levels = (failOn: Verdict[]) =>
      buildAnnotations(mixedResults(), file, new Set(failOn)).map(
        (a) =>
          `${a.level} ${/(is noncompliant|could not be checked|is only partly audited)/.exec(a.message)?.[1]}`
      )
    expect(levels(['noncompliant', 'error'])).toEqual([
      'error is noncompliant',
      'error is noncompliant',
      'error could not be checked',
      'warning is only partly audited'
    ])
    expect(levels(['partial'])).toEqual([
      'error is only partly audited',
      'warning is noncompliant',
      'warning is noncompliant',
      'warning could not be checked'
    ])
    expect(levels([]).every((line) => line.startsWith('warning '))).toBe(true)
    expect(levels([])).toHaveLength(4)
  })

  test('fail-on none writes no ::error through @actions/core', () => {
    const written: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    for (const annotation of buildAnnotations(mixedResults(), file, new Set())) {
      if (annotation.level === 'error') core.error(annotation.message)
      else core.warning(annotation.message)
    }
    expect(written.join('')).not.toMatch(/^::error/m)
    expect(written.join('')).toMatch(/^::warning/m)
  })

  test('names the subscription with its display name, and keeps the fix of a long reason', () => {
    const fix = 'set parameter jitNetworkAccessMonitoringEffect to AuditIfNotExists.'
    const [annotation] = buildAnnotations(
      [
        result(SUB2, 'noncompliant', {
          displayName: 'Payments prod',
          reason: `${'Assignment sets the JIT effect to Disabled '.repeat(40).trim()}; ${fix}`
        })
      ],
      file,
      DEFAULT_FAIL_ON
    ) as [Annotation]
    expect(annotation.title).toBe(`JIT network access not audited: ${SUB2} (Payments prod)`)
    expect(
      annotation.message.startsWith(`Subscription ${SUB2} (Payments prod) is noncompliant: `)
    ).toBe(true)
    // Cut between whole words of the cause; the fix is whole.
    expect(annotation.message).toMatch(
      / (Assignment|sets|the|JIT|effect|to|Disabled)…; set parameter \S+ to AuditIfNotExists\.$/
    )
  })

  test('at most 10 per level: 9 individual ones and one that counts the rest', () => {
    const results = [
      ...many(30, 'noncompliant'),
      ...many(17, 'error', 100),
      ...many(12, 'partial', 200)
    ]
    const annotations = buildAnnotations(results, file, DEFAULT_FAIL_ON)
    const errors = annotations.filter((a) => a.level === 'error')
    const warnings = annotations.filter((a) => a.level === 'warning')
    expect(errors).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL)
    expect(warnings).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL)
    expect(errors.slice(0, 9).every((a) => a.message.includes('is noncompliant'))).toBe(true)
    expect(errors[9]?.message).toBe(
      '…and 38 more failing subscriptions (21 noncompliant, 17 could not be checked); see the job summary.'
    )
    expect(warnings[9]?.message).toBe(
      '…and 3 more subscriptions only partly audited; see the job summary.'
    )
    // The title says what the message counts.
    expect(errors[9]?.title).toBe(
      '38 more failing subscriptions (21 noncompliant, 17 could not be checked)'
    )
    expect(warnings[9]?.title).toBe('3 more subscriptions only partly audited')
  })

  test('an overflow of subscriptions that could not be checked is titled so, not failing', () => {
    const annotations = buildAnnotations(many(12, 'error'), file, new Set(['noncompliant']))
    expect(annotations[9]).toMatchObject({
      level: 'warning',
      title: '3 more subscriptions that could not be checked',
      message: '…and 3 more subscriptions that could not be checked; see the job summary.'
    })
  })

  test('exactly 10 of a level: no aggregate; 11: 9 and one counting 2', () => {
    expect(buildAnnotations(many(10, 'noncompliant'), file, DEFAULT_FAIL_ON)).toHaveLength(10)
    const eleven = buildAnnotations(many(11, 'noncompliant'), file, DEFAULT_FAIL_ON)
    expect(eleven).toHaveLength(10)
    expect(eleven[9]?.message).toBe('…and 2 more noncompliant subscriptions; see the job summary.')
  })

  test('hostile text is one line and cannot form a workflow command', () => {
    const [annotation] = buildAnnotations(
      [result(SUB2, 'noncompliant', { reason: `The assignment "${HOSTILE_ALL}" sets Disabled` })],
      file,
      DEFAULT_FAIL_ON
    ) as [Annotation]
    expect(annotation.message).not.toMatch(/[\r\n]/)
    expect(annotation.message).not.toContain('::')
    expect(annotation.message).not.toContain('##[')
    expect(annotation.message.length).toBeLessThan(1100)
    expect(inertLogText(HOSTILE.workflowCommand)).toBe(
      ':\u200B:error:\u200B:pwned :\u200B:set-output name=compliant:\u200B:true'
    )
    expect(inertLogText(HOSTILE.oldCommand)).toBe('#\u200B#[set-output name=compliant;]true')
  })

  test('written with @actions/core, each annotation is exactly one command with its own fields', () => {
    const written: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    const hostileId = `${SUB2}\n::warning::x,file=evil.yml`
    const annotations = buildAnnotations(
      [
        result(hostileId, 'noncompliant', {
          reason: `${HOSTILE.workflowCommand} 100% ${HOSTILE.newline}`
        })
      ],
      workflowFile('o/r/.github/workflows/a,b::c.yml@refs/heads/main', null),
      DEFAULT_FAIL_ON
    )
    for (const annotation of annotations) {
      core.error(annotation.message, {
        title: annotation.title,
        file: annotation.file,
        startLine: annotation.startLine
      })
    }
    const output = written.join('')
    const lines = output.split('\n').filter((line) => line !== '')
    expect(lines).toHaveLength(1)
    const command = parseCommand(lines[0] as string)
    expect(command.name).toBe('error')
    expect(Object.keys(command.properties).sort()).toEqual(['file', 'line', 'title'])
    expect(command.properties.file).toBe('.github/workflows/a,b::c.yml')
    expect(command.properties.line).toBe('1')
    expect(command.properties.title).toBe(annotations[0]?.title)
    expect(command.message).toBe(annotations[0]?.message)
  })
})
