// Rebuilds the bundle into a scratch folder and compares it with the committed dist/, so a
// change to src/ that was not bundled fails the tests instead of shipping stale code.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const scratch = mkdtempSync(join(tmpdir(), 'check-dist-'))
try {
  execFileSync(process.execPath, ['scripts/bundle.ts', scratch], {
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const built = readdirSync(scratch).sort()
  const committed = readdirSync('dist').sort()
  const differing = [...new Set([...built, ...committed])].filter((name) => {
    try {
      return !readFileSync(join(scratch, name)).equals(readFileSync(join('dist', name)))
    } catch {
      return true
    }
  })
  if (differing.length > 0) {
    console.error(
      `dist/ does not match the source (${differing.join(', ')}). Run \`npm run bundle\` and commit dist/.`
    )
    process.exit(1)
  }
  console.log('dist/ matches the source.')
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
