// Builds the action into dist/ (or the folder given): `node scripts/bundle.ts [folder]`.
// ncc bundles src/index.ts; what main.ts loads with import() (check.ts and the Azure SDK) comes out
// as chunks beside index.js. `open` (and the xdg-open script it ships) is left out: tsconfig.json's
// `paths` point it at src/signin/no-browser.ts, since only @azure/identity's
// InteractiveBrowserCredential loads it, which the check never uses (docs/design.md, "The
// bundle"). Three things ncc leaves undone are done here:
// - it minifies only index.js, so the chunks are minified the same way (terser, no compression,
//   names kept so that stack traces in the debug log stay readable);
// - its --license file lists only the packages of one chunk, so licenses.txt is written from the
//   build's module list: every bundled package, its licence and its licence text;
// - the command line (package.json's `bin`): cli.js, which imports index.js and runs its
//   runCommandLine (src/index.ts).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { minify } from 'terser'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NCC = path.join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
const ENTRY_FILE = 'index.js'
const CLI_FILE = 'cli.js'

interface StatsModule {
  nameForCondition?: string
  modules?: StatsModule[]
}

/** The folder of the package each bundled file belongs to (the one under its last node_modules). */
function packageFolders(modules: StatsModule[], found = new Set<string>()): Set<string> {
  for (const module of modules) {
    if (module.modules) packageFolders(module.modules, found)
    const file = module.nameForCondition
    if (!file) continue
    const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file)
    if (match) found.add(match[1]!)
  }
  return found
}

function licenceNotice(folder: string): string {
  const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    name: string
    license?: unknown
  }
  // Every licence file (LICENSE, LICENSE-MIT and LICENSE-APACHE, COPYING...), LICENSE* first.
  const files = readdirSync(folder)
    .filter((name) => /^(licen[cs]e|copying)/i.test(name))
    .sort((a, b) => Number(/^copying/i.test(a)) - Number(/^copying/i.test(b)) || (a < b ? -1 : 1))
  if (files.length === 0) {
    throw new Error(`${manifest.name} (${folder}) has no licence file to ship with the bundle`)
  }
  const texts = files.map((file) => readFileSync(path.join(folder, file), 'utf8').trim())
  const licence = typeof manifest.license === 'string' ? manifest.license : 'see the text'
  return `${manifest.name}\n${licence}\n${texts.join('\n\n')}\n`
}

/** cli.js: the command line, named as package.json's `bin` names it. */
function commandLine(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>
  }
  const command = Object.keys(manifest.bin).find(
    (name) => manifest.bin[name] === `dist/${CLI_FILE}`
  )
  if (command === undefined) throw new Error(`package.json's bin does not name dist/${CLI_FILE}`)
  return [
    '#!/usr/bin/env node',
    `// The command line \`${command}\` (package.json's bin), written by scripts/bundle.ts: the check`,
    '// is the bundle, index.js (src/index.ts, runCommandLine).',
    "import { runCommandLine } from './index.js'",
    '',
    `await runCommandLine(process.argv.slice(2), '${command}')`,
    ''
  ].join('\n')
}

async function bundle(folder: string): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bundle-'))
  try {
    const statsFile = path.join(scratch, 'stats.json')
    // ncc writes into the folder without removing what an earlier build left there: its files go
    // first (ncc writes files only, no folders). A folder holding the project is refused.
    const fromFolder = path.relative(folder, ROOT)
    if (fromFolder === '' || !(fromFolder.startsWith('..') || path.isAbsolute(fromFolder))) {
      throw new Error(`refusing to build into ${folder}: it holds the project`)
    }
    if (existsSync(folder)) {
      for (const name of readdirSync(folder)) rmSync(path.join(folder, name))
    }
    execFileSync(
      process.execPath,
      [NCC, 'build', 'src/index.ts', '-o', folder, '--minify', '--stats-out', statsFile],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }
    )
    for (const name of readdirSync(folder)) {
      if (!name.endsWith('.js') || name === ENTRY_FILE) continue
      const file = path.join(folder, name)
      const minified = await minify(readFileSync(file, 'utf8'), {
        module: true,
        compress: false,
        mangle: { keep_classnames: true, keep_fnames: true }
      })
      if (minified.code === undefined) throw new Error(`terser returned nothing for ${name}`)
      writeFileSync(file, minified.code)
    }
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { modules: StatsModule[] }
    const notices = [...packageFolders(stats.modules)]
      .map(licenceNotice)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    writeFileSync(path.join(folder, 'licenses.txt'), notices.join('\n'))
    writeFileSync(path.join(folder, CLI_FILE), commandLine(), { mode: 0o755 })
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

try {
  await bundle(path.resolve(process.argv[2] ?? path.join(ROOT, 'dist')))
} catch (error) {
  console.error(`bundle: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
