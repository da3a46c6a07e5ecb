// The report files (src/report/files.ts): written whole through a temporary file, only where the
// one rule allows on the real path, missing folders made, and what goes wrong as a sentence with
// the fix.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { writeReportFile } from '../../src/report/files.ts'

let base: string
let roots: { workspace: string; runnerTemp: string }
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'jit-report-files-'))
  roots = { workspace: path.join(base, 'ws'), runnerTemp: path.join(base, 'temp') }
  await mkdir(roots.workspace)
  await mkdir(roots.runnerTemp)
  await mkdir(path.join(base, 'outside'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('writeReportFile', () => {
  test('makes the folders it lacks and leaves no temporary file', async () => {
    const file = path.join(roots.workspace, 'a', 'b', 'r.json')
    await writeReportFile(file, ['[', '1', ']\n'], 'results-file', roots)
    expect(await readFile(file, 'utf8')).toBe('[1]\n')
    expect(await readdir(path.dirname(file))).toEqual(['r.json'])
  })

  test('a link in the file\u2019s place is replaced, not written through', async () => {
    const elsewhere = path.join(base, 'outside', 'kept.json')
    await writeFile(elsewhere, 'kept')
    const file = path.join(roots.runnerTemp, 'linked.json')
    await symlink(elsewhere, file)
    await writeReportFile(file, 'new', 'results-file', roots)
    expect(await readFile(elsewhere, 'utf8')).toBe('kept')
    expect((await lstat(file)).isFile()).toBe(true)
  })

  test('roots reached through a link are their real folders', async () => {
    const alias = path.join(base, 'ws-alias')
    await symlink(roots.workspace, alias)
    const file = path.join(alias, 'through-alias.sarif')
    await writeReportFile(file, '{}', 'sarif-file', { ...roots, workspace: alias })
    expect(await readFile(path.join(roots.workspace, 'through-alias.sarif'), 'utf8')).toBe('{}')
  })

  test('a folder linked out of the workspace is refused, and nothing is made outside', async () => {
    await symlink(path.join(base, 'outside'), path.join(roots.workspace, 'out'))
    const file = path.join(roots.workspace, 'out', 'deep', 'r.sarif')
    await expect(writeReportFile(file, '{}', 'sarif-file', roots)).rejects.toThrow(
      `its folder is ${path.join(base, 'outside')} on its real path (symbolic links followed), outside the workspace (${roots.workspace}) or the runner's temporary folder (RUNNER_TEMP, ${roots.runnerTemp}): give \`sarif-file\` a path inside one of them that no symbolic link leads out of`
    )
    expect(await readdir(path.join(base, 'outside'))).not.toContain('deep')
  })

  test('a folder in the file\u2019s place, a file in a folder\u2019s place: sentences with the fix', async () => {
    const folder = path.join(roots.workspace, 'taken')
    await mkdir(folder)
    await expect(writeReportFile(folder, 'x', 'results-file', roots)).rejects.toThrow(
      `${folder} is a folder, not a file (EISDIR): give \`results-file\` a file name, such as ${path.join(folder, 'jit-network-access-results.json')}`
    )
    const blocker = path.join(roots.workspace, 'plain')
    await writeFile(blocker, '')
    const file = path.join(blocker, 'r.sarif')
    await expect(writeReportFile(file, 'x', 'sarif-file', roots)).rejects.toThrow(
      `a part of the path ${file} is a file, not a folder (ENOTDIR): give \`sarif-file\` another path inside the workspace`
    )
  })
})
