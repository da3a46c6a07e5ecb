// The committed bundle ships the licence notices of what it bundles (check-dist keeps it equal to
// a fresh build; this checks what that build writes).
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'

const root = new URL('../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

describe('dist/licenses.txt', () => {
  const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> }
  // The runtime dependencies, and packages that only @actions/core brings into dist/index.js.
  const bundled = [
    ...Object.keys(manifest.dependencies),
    '@actions/http-client',
    'undici',
    'tunnel'
  ]
  const notices = read('dist/licenses.txt').split('\n')

  test.each(bundled)('names %s with its licence and the licence text', (name) => {
    const { license } = JSON.parse(read(`node_modules/${name}/package.json`)) as {
      license: string
    }
    const at = notices.indexOf(name)
    expect(at).toBeGreaterThanOrEqual(0)
    expect(at === 0 || notices[at - 1] === '').toBe(true)
    expect(notices[at + 1]).toBe(license)
    expect(notices[at + 2]).toMatch(/\S/)
  })
})

describe('what dist/ holds', () => {
  const files = readdirSync(new URL('dist/', root))

  test('no browser launcher: neither `open` nor its xdg-open script (only InteractiveBrowserCredential loads them, which a run never uses)', () => {
    expect(files).not.toContain('xdg-open')
    expect(read('dist/licenses.txt').split('\n')).not.toContain('open')
    for (const file of files.filter((name) => name.endsWith('.js'))) {
      expect(read(`dist/${file}`)).not.toContain('xdg-open')
    }
  })

  test("the command line (package.json's bin) is dist/cli.js, executable, over the one bundle", () => {
    const { bin } = JSON.parse(read('package.json')) as { bin: Record<string, string> }
    expect(bin).toEqual({ 'azure-jit-network-access-check': 'dist/cli.js' })
    expect(statSync(new URL('dist/cli.js', root)).mode & 0o111).toBe(0o111)
    expect(read('dist/cli.js')).toMatch(/^#!\/usr\/bin\/env node\n[\s\S]*from '\.\/index\.js'/)
    expect(read('dist/action.yml')).toBe(read('action.yml'))
  })
})

describe('the bundle in place of `open`', () => {
  test('refuses to open a browser, saying how to sign in instead', async () => {
    const { default: open } = await import('../src/signin/no-browser.ts')
    expect(() => open('https://login.example/authorize')).toThrow(
      'This build of the check opens no browser (asked to open https://login.example/authorize); sign in with az login or a service principal.'
    )
  })
})
