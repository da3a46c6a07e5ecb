// The release check of release.yml (docs/releasing.md): before anything is tagged, the version to
// release must be a semantic version X.Y.Z, equal package.json's version (what the reports print),
// have its own dated section in CHANGELOG.md, and not be tagged yet. It prints the tags to make:
// vX.Y.Z, and the major tag vX that moves to the same commit.
//
//   node .github/release/check-version.ts VERSION [--notes FILE]
//
// Reads package.json and CHANGELOG.md in the current folder and the tags of its git repository.
// Prints `tag=vX.Y.Z` and `major-tag=vX` (for GITHUB_OUTPUT); with --notes, writes the version's
// CHANGELOG section to FILE for the GitHub release. Exits 1 with every problem listed.
/* eslint-disable no-console -- a command-line script: it reports on stdout and stderr */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

// Semantic Versioning 2.0.0 without pre-release or build metadata: releases of this action are
// plain X.Y.Z, and the major tag vX is what most users pin by name.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

export interface ReleaseFacts {
  /** The version asked for (the workflow's input), with or without a leading v. */
  requested: string
  packageVersion: string
  changelog: string
  existingTags: readonly string[]
}

export interface ReleasePlan {
  version: string
  tag: string
  majorTag: string
  /** The version's CHANGELOG.md section, without its heading. */
  notes: string
}

/** The body of CHANGELOG.md's `## [VERSION] - YYYY-MM-DD` section, or null when there is none. */
export function changelogSection(
  changelog: string,
  version: string
): { date: string | null; body: string } | null {
  const lines = changelog.split(/\r?\n/)
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](.*)$`)
  const start = lines.findIndex((line) => heading.test(line))
  if (start < 0) return null
  const rest = heading.exec(lines[start] ?? '')?.[1] ?? ''
  const date = /^ - (\d{4}-\d{2}-\d{2})\s*$/.exec(rest)?.[1] ?? null
  let end = lines.findIndex((line, index) => index > start && line.startsWith('## '))
  if (end < 0) end = lines.length
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .replace(/^\[[^\]]+\]: .*$/gm, '') // link reference definitions at the end of the file
    .trim()
  return { date, body }
}

/** The tags to make for a release, or every reason not to make it. */
export function planRelease(facts: ReleaseFacts): { plan: ReleasePlan } | { problems: string[] } {
  const problems: string[] = []
  const version = facts.requested.trim().replace(/^v/, '')
  if (!SEMVER.test(version)) {
    return { problems: [`'${facts.requested}' is not a version X.Y.Z (e.g. 1.0.0).`] }
  }
  if (facts.packageVersion !== version) {
    problems.push(
      `package.json's version is ${facts.packageVersion}, not ${version}: set it to ${version} (npm version ${version} --no-git-tag-version) and merge that first.`
    )
  }
  const section = changelogSection(facts.changelog, version)
  if (!section) {
    problems.push(
      `CHANGELOG.md has no section '## [${version}] - YYYY-MM-DD': rename '## [Unreleased]' to it and start a new Unreleased section.`
    )
  } else {
    if (!section.date) {
      problems.push(
        `CHANGELOG.md's section for ${version} has no date ('## [${version}] - YYYY-MM-DD').`
      )
    }
    if (section.body === '') problems.push(`CHANGELOG.md's section for ${version} is empty.`)
  }
  const tag = `v${version}`
  if (facts.existingTags.includes(tag))
    problems.push(`${tag} is already tagged; a release is never re-tagged.`)
  const major = version.split('.')[0] ?? ''
  if (major === '0') {
    problems.push(
      `${version} is below 1.0.0: there is no major tag v0 to move; release 1.0.0 or later.`
    )
  }
  if (problems.length > 0) return { problems }
  return { plan: { version, tag, majorTag: `v${major}`, notes: section?.body ?? '' } }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { notes: { type: 'string' } }
  })
  const requested = positionals[0]
  if (!requested) {
    console.error('usage: node .github/release/check-version.ts VERSION [--notes FILE]')
    process.exit(2)
  }
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string }
  const result = planRelease({
    requested,
    packageVersion: manifest.version ?? '',
    changelog: readFileSync('CHANGELOG.md', 'utf8'),
    existingTags: execFileSync('git', ['tag', '--list'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
  })
  if ('problems' in result) {
    console.error(
      `Cannot release ${requested}:\n${result.problems.map((p) => `- ${p}`).join('\n')}`
    )
    process.exit(1)
  }
  if (values.notes) writeFileSync(values.notes, `${result.plan.notes}\n`)
  console.log(`tag=${result.plan.tag}`)
  console.log(`major-tag=${result.plan.majorTag}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
