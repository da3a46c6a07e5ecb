// actionlint over the repository's workflows and over every workflow example in README.md and
// docs/ (CONTRIBUTING.md, "Workflows and examples"), and the pinning rule of the workflows.
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import {
  FRAGMENT_MARKER,
  ROOT,
  documentedExamples,
  lintWorkflow,
  yamlBlocks,
  type LintProblem
} from './workflows.ts'

const WORKFLOWS = '.github/workflows'
const workflowFiles = readdirSync(path.join(ROOT, WORKFLOWS))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `${WORKFLOWS}/${name}`)
  .sort()

function show(problems: LintProblem[], where: string): string[] {
  return problems.map((p) => `${where}+${p.line}:${p.column} ${p.message} [${p.kind}]`)
}

describe('actionlint', () => {
  test('finds a broken workflow', async () => {
    const problems = await lintWorkflow(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n        uses: actions/checkout@v5\n',
      'broken.yml'
    )
    expect(problems.length).toBeGreaterThan(0)
  })

  test.each(workflowFiles)('%s passes', async (file) => {
    const content = readFileSync(path.join(ROOT, file), 'utf8')
    expect(show(await lintWorkflow(content, file), file)).toEqual([])
  })

  const examples = documentedExamples()
  test('the documentation has workflow examples to lint', () => {
    expect(examples.filter((example) => !example.fragment).length).toBeGreaterThanOrEqual(2)
  })

  test.each(examples.map((example) => [example.where, example] as const))(
    'the example at %s passes',
    async (where, example) => {
      if (example.fragment) {
        // A fragment must still be YAML.
        expect(() => parse(example.content)).not.toThrow()
        return
      }
      expect(show(await lintWorkflow(example.content, where), where)).toEqual([])
    }
  )
})

describe('extracting examples', () => {
  test('takes yaml and yml blocks, indented ones too, and marks fragments', () => {
    const markdown = [
      '```yaml',
      'on: push',
      '```',
      FRAGMENT_MARKER,
      '```yml',
      'with:',
      '  a: 1',
      '```',
      '- item',
      '',
      '  ```yaml',
      '  on: push',
      '  ```',
      '```sh',
      'echo not yaml',
      '```'
    ].join('\n')
    expect(yamlBlocks(markdown, 'x.md')).toEqual([
      { where: 'x.md:1', content: 'on: push\n', fragment: false },
      { where: 'x.md:5', content: 'with:\n  a: 1\n', fragment: true },
      { where: 'x.md:11', content: 'on: push\n', fragment: false }
    ])
  })
})

describe('pinning', () => {
  // A tag can be moved to other code; a full commit SHA cannot. The comment says which release.
  const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/

  test.each(workflowFiles)('%s pins every action by full SHA with its version', (file) => {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    const unpinned = lines
      .map((line, index) => [index + 1, /^\s*(?:-\s+)?uses:\s*(.+?)\s*$/.exec(line)?.[1]] as const)
      .filter(([, uses]) => uses !== undefined && uses !== './' && !PINNED.test(uses))
    expect(unpinned).toEqual([])
  })

  test('the rule rejects a tag and a short SHA', () => {
    expect(PINNED.test('actions/checkout@v5')).toBe(false)
    expect(PINNED.test('actions/checkout@3d3c42e # v7.0.1')).toBe(false)
    expect(PINNED.test('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')).toBe(false)
    expect(PINNED.test('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1')).toBe(
      true
    )
  })

  test.each(workflowFiles)('%s sets top-level permissions to contents: read', (file) => {
    const workflow = parse(readFileSync(path.join(ROOT, file), 'utf8')) as {
      permissions?: unknown
    }
    expect(workflow.permissions).toEqual({ contents: 'read' })
  })
})
