import { afterEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import type { SubscriptionResult } from '../../src/model.ts'
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
    const annotations = buildAnnotations(mixedResults(), file)
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
    const annotations = buildAnnotations(results, file)
    const sarif = buildSarif(results, file, context())
    const sarifPlaces = (sarif.runs[0]?.results ?? []).map((item) => {
      const physical = item.locations?.[0]?.physicalLocation
      return `${String(item.properties?.subscriptionId)}@${physical?.artifactLocation?.uri}:${physical?.region?.startLine}`
    })
    for (const annotation of annotations) {
      const id = /Subscription (\S+)/.exec(annotation.message)?.[1]
      expect(sarifPlaces).toContain(`${id}@${annotation.file}:${annotation.startLine}`)
    }
    expect(annotations[0]).toMatchObject({ file: WORKFLOW_PATH, startLine: LINES.sub2 })
  })

  test('at most 10 per level: 9 individual ones and one that counts the rest', () => {
    const results = [
      ...many(30, 'noncompliant'),
      ...many(17, 'error', 100),
      ...many(12, 'partial', 200)
    ]
    const annotations = buildAnnotations(results, file)
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
  })

  test('exactly 10 of a level: no aggregate; 11: 9 and one counting 2', () => {
    expect(buildAnnotations(many(10, 'noncompliant'), file)).toHaveLength(10)
    const eleven = buildAnnotations(many(11, 'noncompliant'), file)
    expect(eleven).toHaveLength(10)
    expect(eleven[9]?.message).toBe('…and 2 more noncompliant subscriptions; see the job summary.')
  })

  test('hostile text is one line and cannot form a workflow command', () => {
    const [annotation] = buildAnnotations(
      [result(SUB2, 'noncompliant', { reason: `The assignment "${HOSTILE_ALL}" sets Disabled` })],
      file
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
      workflowFile('o/r/.github/workflows/a,b::c.yml@refs/heads/main', null)
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
