// The release check (.github/release/check-version.ts) and a dry run of release.yml's tagging step
// against a local bare repository standing in for GitHub (docs/releasing.md).
import { afterAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import {
  changelogSection,
  planRelease,
  type ReleaseFacts
} from '../../.github/release/check-version.ts'
import { ROOT } from './workflows.ts'

const SCRIPT = path.join(ROOT, '.github/release/check-version.ts')
const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- Something new.

## [1.2.3] - 2027-01-15

### Fixed

- A bug.

## [1.2.2] - 2027-01-01

- Older.

[1.2.3]: https://example.invalid/compare/v1.2.2...v1.2.3
`

const facts = (change: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  requested: '1.2.3',
  packageVersion: '1.2.3',
  changelog: CHANGELOG,
  existingTags: ['v1.2.2', 'v1'],
  ...change
})

describe('planRelease', () => {
  test('tags vX.Y.Z and moves vX, with the section as notes', () => {
    expect(planRelease(facts())).toEqual({
      plan: { version: '1.2.3', tag: 'v1.2.3', majorTag: 'v1', notes: '### Fixed\n\n- A bug.' }
    })
    expect(planRelease(facts({ requested: 'v1.2.3' }))).toMatchObject({ plan: { tag: 'v1.2.3' } })
  })

  test.each<[string, Partial<ReleaseFacts>, string]>([
    ['a version that is not X.Y.Z', { requested: '1.2' }, "'1.2' is not a version X.Y.Z"],
    ['a pre-release', { requested: '1.2.3-rc.1' }, 'is not a version X.Y.Z'],
    ['package.json behind', { packageVersion: '1.2.2' }, "package.json's version is 1.2.2"],
    [
      'no CHANGELOG section',
      { requested: '1.3.0', packageVersion: '1.3.0' },
      "CHANGELOG.md has no section '## [1.3.0] - YYYY-MM-DD'"
    ],
    [
      'a section without a date',
      { changelog: CHANGELOG.replace('[1.2.3] - 2027-01-15', '[1.2.3]') },
      'has no date'
    ],
    [
      'an empty section',
      { changelog: CHANGELOG.replace('### Fixed\n\n- A bug.\n', '') },
      'section for 1.2.3 is empty'
    ],
    ['a tag that exists', { existingTags: ['v1.2.3'] }, 'v1.2.3 is already tagged'],
    [
      'a 0.x version',
      {
        requested: '0.2.0',
        packageVersion: '0.2.0',
        changelog: '## [0.2.0] - 2027-01-01\n\n- x\n'
      },
      'below 1.0.0'
    ]
  ])('refuses %s', (_, change, problem) => {
    const result = planRelease(facts(change))
    expect('problems' in result && result.problems.join('\n')).toContain(problem)
  })

  test('changelogSection ends at the next version', () => {
    expect(changelogSection(CHANGELOG, '1.2.2')).toEqual({ date: '2027-01-01', body: '- Older.' })
    expect(changelogSection(CHANGELOG, '9.9.9')).toBeNull()
  })
})

describe("this repository's CHANGELOG.md", () => {
  const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
  const version = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
  ).version

  test("has a dated, non-empty section for package.json's version", () => {
    const section = changelogSection(changelog, version)
    expect(section?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(section?.body).not.toBe('')
  })

  test('has an Unreleased section above it', () => {
    expect(changelog.indexOf('## [Unreleased]')).toBeGreaterThan(-1)
    expect(changelog.indexOf('## [Unreleased]')).toBeLessThan(changelog.indexOf(`## [${version}]`))
  })
})

describe('release.yml, dry run against a local repository', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'release-dry-run-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))
  const work = path.join(scratch, 'work')
  const origin = path.join(scratch, 'origin.git')
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args],
      { cwd, encoding: 'utf8' }
    ).trim()

  const workflow = parse(
    readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8')
  ) as {
    jobs: { release: { steps: { name?: string; run?: string }[] } }
  }
  const tagStep = workflow.jobs.release.steps.find((step) => step.run?.includes('git tag'))!.run!

  function release(version: string) {
    writeFileSync(path.join(work, 'package.json'), JSON.stringify({ version }))
    writeFileSync(
      path.join(work, 'CHANGELOG.md'),
      `# Changelog\n\n## [Unreleased]\n\n## [${version}] - 2027-02-01\n\n- Release ${version}.\n`
    )
    git(work, 'add', '.')
    git(work, 'commit', '-q', '-m', `Release ${version}`)
    const sha = git(work, 'rev-parse', 'HEAD')
    const check = spawnSync(
      process.execPath,
      [SCRIPT, version, '--notes', path.join(scratch, 'notes.md')],
      {
        cwd: work,
        encoding: 'utf8'
      }
    )
    if (check.status !== 0) return { check, sha }
    const outputs = Object.fromEntries(
      check.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('='))
    )
    // git push reports on stderr: kept off the test run's output unless the step fails (then
    // execFileSync's error carries it).
    execFileSync('bash', ['-e', '-c', tagStep], {
      cwd: work,
      stdio: 'pipe',
      env: { ...process.env, TAG: outputs.tag, MAJOR_TAG: outputs['major-tag'], GITHUB_SHA: sha }
    })
    return { check, sha }
  }

  const remoteTag = (tag: string) => git(origin, 'rev-parse', `${tag}^{commit}`)

  test('tags v1.0.0 and v1, then moves v1 to v1.1.0, and refuses to tag v1.1.0 again', () => {
    git(scratch, 'init', '-q', '--bare', origin)
    git(scratch, 'init', '-q', work)
    git(work, 'remote', 'add', 'origin', origin)

    const first = release('1.0.0')
    expect(first.check.stdout).toBe('tag=v1.0.0\nmajor-tag=v1\n')
    expect(readFileSync(path.join(scratch, 'notes.md'), 'utf8')).toBe('- Release 1.0.0.\n')
    expect(remoteTag('v1.0.0')).toBe(first.sha)
    expect(remoteTag('v1')).toBe(first.sha)

    const second = release('1.1.0')
    expect(second.check.status).toBe(0)
    expect(remoteTag('v1.1.0')).toBe(second.sha)
    expect(remoteTag('v1')).toBe(second.sha)
    expect(remoteTag('v1.0.0')).toBe(first.sha)

    git(work, 'fetch', '-q', '--tags', 'origin')
    const again = spawnSync(process.execPath, [SCRIPT, '1.1.0'], { cwd: work, encoding: 'utf8' })
    expect(again.status).toBe(1)
    expect(again.stderr).toContain('v1.1.0 is already tagged')
  })
})
