// Waits for the local stand-in, started in the background by ci.yml's job `action`, to print the
// JSON line it prints once it listens (standin/cli.ts), and writes what the action's step needs as
// step outputs (name=value lines for GITHUB_OUTPUT).
//
//   node .github/self-test/standin-outputs.ts FILE >> "$GITHUB_OUTPUT"
//
// FILE is where the stand-in's stdout goes. Exits 1 when no line came within 60 seconds.
/* eslint-disable no-console -- a command-line script: it reports on stdout and stderr */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

interface StandInInfo {
  authorityHost: string
  resourceManagerEndpoint: string
  oidcRequestUrl: string
  oidcRequestToken: string
  caCertificatePath: string
  tenantId: string
  clientId: string
}

/** The step outputs, from the stand-in's first line; null while that line is not complete. */
export function standInOutputs(stdout: string): Record<string, string> | null {
  const newline = stdout.indexOf('\n')
  if (newline < 0) return null
  const info = JSON.parse(stdout.slice(0, newline)) as StandInInfo
  return {
    'authority-host': info.authorityHost,
    'resource-manager-endpoint': info.resourceManagerEndpoint,
    'oidc-request-url': info.oidcRequestUrl,
    'oidc-request-token': info.oidcRequestToken,
    'ca-certificates': info.caCertificatePath,
    'tenant-id': info.tenantId,
    'client-id': info.clientId
  }
}

async function main(file: string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      // not created yet
    }
    const outputs = standInOutputs(text)
    if (outputs) {
      for (const [name, value] of Object.entries(outputs)) console.log(`${name}=${value}`)
      return
    }
    if (Date.now() > deadline)
      throw new Error(`the stand-in printed nothing to ${file} within 60 s`)
    await sleep(200)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: node .github/self-test/standin-outputs.ts FILE')
    process.exit(2)
  }
  main(file).catch((error: unknown) => {
    console.error((error as Error).message)
    process.exit(1)
  })
}
