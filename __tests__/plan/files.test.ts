// `planned-changes` names files by path or glob, relative to the workspace; nothing outside the
// workspace is read, whatever a pattern or a symbolic link says.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readPlannedChanges } from '../../src/plan/index.ts'
import { expandPlanPaths, MAX_PLAN_FILES, readPlanBytes } from '../../src/plan/files.ts'
import { FIXTURES, REPOSITORY } from './helpers.ts'

let root: string
let workspace: string
let outside: string

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'plan-files-'))
  workspace = path.join(root, 'workspace')
  outside = path.join(root, 'outside')
  await mkdir(path.join(workspace, 'plans', 'nested'), { recursive: true })
  await mkdir(outside)
  const plan = await readFile(new URL('terraform/unrelated.json', FIXTURES))
  await writeFile(path.join(workspace, 'plans', 'a.json'), plan)
  await writeFile(path.join(workspace, 'plans', 'b.json'), plan)
  await writeFile(path.join(workspace, 'plans', 'nested', 'c.json'), plan)
  await writeFile(path.join(outside, 'secret.json'), plan)
  await symlink(path.join(outside, 'secret.json'), path.join(workspace, 'plans', 'link.json'))
  await mkdir(path.join(workspace, 'linked'))
  await symlink(outside, path.join(workspace, 'linked', 'out'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const relatives = async (patterns: string[]) =>
  (await expandPlanPaths(patterns, workspace)).map((file) => file.relative)

async function refusal(patterns: string[]): Promise<string> {
  try {
    await expandPlanPaths(patterns, workspace)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('expandPlanPaths', () => {
  test('paths and globs, in the order given, each file once; empty lines skipped', async () => {
    expect(
      await relatives([
        'plans/b.json',
        '',
        '  plans/nested/*.json  ',
        'plans/{a,b}.json',
        'plans/b.json'
      ])
    ).toEqual(['plans/b.json', 'plans/nested/c.json', 'plans/a.json'])
    expect(await relatives(['plans/**/c.json'])).toEqual(['plans/nested/c.json'])
  })

  test('an absolute path inside the workspace is read', async () => {
    expect(await relatives([path.join(workspace, 'plans', 'a.json')])).toEqual(['plans/a.json'])
  })

  test('a missing path, a directory, a glob that matches nothing', async () => {
    expect(await refusal(['plans/missing.json'])).toBe(
      'planned-changes: plans/missing.json: does not exist. Write the plan there in an earlier step, or correct the path. Paths and globs in `planned-changes` are relative to the workspace (GITHUB_WORKSPACE).'
    )
    expect(await refusal(['plans'])).toBe(
      'planned-changes: plans: is not a file. Name the plan file, or a glob such as `plans/*.json`.'
    )
    expect(await refusal(['plans/*.tfplan'])).toMatch(
      /^planned-changes: plans\/\*\.tfplan: matches no file\./
    )
    expect(await refusal(['plans/nest*'])).toMatch(/matches no file/)
  })

  test('nothing outside the workspace: a relative path, an absolute path, a symbolic link, a glob through a link', async () => {
    const outsideMessage =
      'lies outside the workspace (its real path, after symbolic links). Paths and globs in `planned-changes` are relative to the workspace (GITHUB_WORKSPACE); write the plan inside it.'
    expect(await refusal(['../outside/secret.json'])).toBe(
      `planned-changes: ../outside/secret.json: ${outsideMessage}`
    )
    expect(await refusal([path.join(outside, 'secret.json')])).toMatch(/lies outside the workspace/)
    expect(await refusal(['plans/link.json'])).toBe(
      `planned-changes: plans/link.json: ${outsideMessage}`
    )
    expect(await refusal(['plans/*.json'])).toBe(
      `planned-changes: plans/link.json: ${outsideMessage}`
    )
    expect(await refusal(['linked/out/*.json'])).toMatch(
      /^planned-changes: linked\/out\/secret\.json: lies outside the workspace/
    )
    expect(await refusal(['../outside/*.json'])).toMatch(
      /lies outside the workspace|matches no file/
    )
  })

  test(`a glob matching more than ${MAX_PLAN_FILES} files is too wide`, async () => {
    const many = path.join(workspace, 'many')
    await mkdir(many)
    await Promise.all(
      Array.from({ length: MAX_PLAN_FILES + 1 }, (_, index) =>
        writeFile(path.join(many, `${index}.json`), '{}')
      )
    )
    expect(await refusal(['many/*.json'])).toBe(
      `planned-changes: many/*.json: matches more than ${MAX_PLAN_FILES} files. Narrow the glob to the plan files.`
    )
    await rm(many, { recursive: true })
  })
})

describe('readPlanBytes', () => {
  const text = '{"status":"Succeeded","changes":[]}'
  test.each([
    ['UTF-8', Buffer.from(text)],
    [
      'UTF-8 with a byte order mark',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
    ],
    [
      'UTF-16LE with a byte order mark (Windows PowerShell 5.1)',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    ],
    [
      'UTF-16BE with a byte order mark',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])
    ]
  ])('reads %s as UTF-8', async (_encoding, bytes) => {
    const file = path.join(workspace, 'encoded.json')
    await writeFile(file, bytes)
    expect(
      Buffer.from(await readPlanBytes({ absolute: file, relative: 'encoded.json' })).toString(
        'utf8'
      )
    ).toBe(text)
  })
})

test('readPlannedChanges reads each file named, in order, with its format', async () => {
  const reads = await readPlannedChanges(
    [
      'fixtures/plans/epac/Output/*/policy-plan.json',
      'fixtures/plans/terraform/unrelated.json',
      'fixtures/plans/what-if/subscription-rest.json'
    ],
    REPOSITORY
  )
  expect(reads.map((read) => [read.file, read.format, read.changes.length])).toEqual([
    ['fixtures/plans/epac/Output/plans-tenant/policy-plan.json', 'epac', 7],
    ['fixtures/plans/terraform/unrelated.json', 'terraform', 0],
    ['fixtures/plans/what-if/subscription-rest.json', 'what-if', 3]
  ])
  await expect(readPlannedChanges(['fixtures/plans/bad/empty.json'], REPOSITORY)).rejects.toThrow(
    'planned-changes: fixtures/plans/bad/empty.json: is empty.'
  )
})
