// The runner's files (src/report/runner-files.ts): the job summary and the outputs are appended in
// one write each, whole or not at all, within a bound of time, and GITHUB_OUTPUT gets the format
// GitHub documents for multiline values.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { constants } from 'node:fs'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileCallsStillRunning } from '../../src/deadline.ts'
import { ReportWriteError } from '../../src/report/files.ts'
import { appendWhole, outputsText } from '../../src/report/runner-files.ts'
import { parseOutputFile } from '../../scripts/run-action.ts'

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'jit-runner-files-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('outputsText', () => {
  test('values with newlines, delimiters of their own and any text read back as they were', () => {
    const values = {
      compliant: 'false',
      results: JSON.stringify([{ reason: 'two\nlines', name: 'EOF <<EOF 🚀' }]),
      empty: ''
    }
    expect(parseOutputFile(outputsText(values))).toEqual(values)
    expect(outputsText({ a: 'x' })).toMatch(/^a<<ghadelimiter_[0-9a-f-]{36}\nx\nghadelimiter_/)
  })
})

describe('appendWhole', () => {
  test('appends after what earlier steps wrote', async () => {
    const file = path.join(folder, 'summary.md')
    await writeFile(file, '# Earlier\n')
    await appendWhole(file, '| a | b |\n', 'GITHUB_STEP_SUMMARY')
    expect(await readFile(file, 'utf8')).toBe('# Earlier\n| a | b |\n')
  })

  test('a full disk: nothing written, and the error says which file and why', async () => {
    await expect(appendWhole('/dev/full', 'x'.repeat(10_000), 'GITHUB_OUTPUT')).rejects.toThrow(
      new ReportWriteError(
        'GITHUB_OUTPUT /dev/full: no space is left on the disk that holds /dev (ENOSPC); none of it was written'
      )
    )
  })

  test('a file in a folder that does not exist', async () => {
    const file = path.join(folder, 'gone', 'output')
    await expect(appendWhole(file, 'x', 'GITHUB_OUTPUT')).rejects.toThrow(
      `GITHUB_OUTPUT ${file}: a folder of ${file} does not exist (ENOENT); none of it was written`
    )
  })

  test('a file that never opens is given up after the bound, and nothing is written later', async () => {
    const fifo = path.join(folder, 'fifo')
    execFileSync('mkfifo', [fifo])
    const started = Date.now()
    await expect(appendWhole(fifo, 'late', 'GITHUB_STEP_SUMMARY', 100)).rejects.toThrow(
      `GITHUB_STEP_SUMMARY ${fifo}: writing did not finish within 0.1 s, the runner's file system does not answer; none of it was written`
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(fileCallsStillRunning()).toBe(1)
    // A reader comes: the open returns, and the write given up writes nothing.
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fileCallsStillRunning()).toBe(0)
    expect((await reader.read(Buffer.alloc(16))).bytesRead).toBe(0)
    await reader.close()
  })
})
