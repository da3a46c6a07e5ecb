// A stand-in for the Azure CLI, for the remediation tests: the commands the fixes print are run in
// the shells a pasted command may meet, with a fake `az` first on PATH that records its arguments
// and answers the reads as a real one would.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { SubscriptionResult } from '../../src/model.ts'
import { remediationFor } from '../../src/report/remediation/index.ts'
import type { RemediationStep } from '../../src/report/remediation/step.ts'
import { CLIENT_ID, commandExists } from './helpers.ts'

let dir = ''
/** A file that a command breaking out of its quoting would create. */
export const canary = () => path.join(dir, 'pwned')
/** The folder the fake `az` runs in. */
export const fakeAzFolder = () => dir

/** Registers the hooks that create and remove the fake `az`; call it at the top of a test file. */
export function useFakeAz(): void {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'jit-remediation-'))
    // A stand-in for the Azure CLI: records its arguments (unit separator between them, record
    // separator after each call) and prints the JSON a real `az` would for the reads.
    writeFileSync(
      path.join(dir, 'az'),
      [
        '#!/bin/sh',
        'for arg in "$@"; do printf "%s\\037" "$arg" >> "$FAKE_AZ_LOG"; done',
        'printf "\\036" >> "$FAKE_AZ_LOG"',
        'case "$*" in',
        '  "policy assignment show "*"--query parameters"*) cat "$FAKE_DIR/parameters.json" ;;',
        '  "policy assignment show "*"--query notScopes"*) cat "$FAKE_DIR/notScopes.json" ;;',
        '  "rest --method get "*) cat "$FAKE_DIR/assignment.json" ;;',
        'esac'
      ].join('\n')
    )
    chmodSync(path.join(dir, 'az'), 0o755)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
}

/** Shells a pasted command may meet: POSIX sh (dash on Debian) and bash, where present. */
const SHELLS = ['sh', ...(commandExists('bash') ? ['bash'] : [])]

/**
 * Runs `command` with the fake `az` first on PATH, in each of SHELLS; expects every shell to make
 * the same calls and returns each az call's arguments.
 */
export function runWithFakeAz(command: string, files: Record<string, unknown>): string[][] {
  const log = path.join(dir, 'az.log')
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), JSON.stringify(value))
  }
  const runs = SHELLS.map((shell) => {
    rmSync(log, { force: true })
    const run = spawnSync(shell, ['-c', command], {
      cwd: dir,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_AZ_LOG: log, FAKE_DIR: dir },
      encoding: 'utf8'
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    return readFileSync(log, 'utf8')
      .split('\u001e')
      .filter((call) => call !== '')
      .map((call) => call.split('\u001f').slice(0, -1))
  })
  for (const calls of runs.slice(1)) expect(calls).toEqual(runs[0])
  return runs[0] as string[][]
}

export function argAfter(args: string[], flag: string): string {
  const at = args.indexOf(flag)
  expect(at).toBeGreaterThanOrEqual(0)
  return args[at + 1] as string
}

export function onlyStep(subscription: SubscriptionResult): RemediationStep {
  const remediation = remediationFor(subscription, { clientId: CLIENT_ID })
  expect(remediation.steps).toHaveLength(1)
  return remediation.steps[0] as RemediationStep
}

export const withJq = commandExists('jq') ? test : test.skip
