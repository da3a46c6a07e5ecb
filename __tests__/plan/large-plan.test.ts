// The benchmark's plan (scripts/bench/large-plan.ts) is a plan the reader reads: its weighed
// changes, and none of the rest, so that the figures in docs/performance.md measure real work.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@jest/globals'
import { readPlannedChanges } from '../../src/plan/index.ts'
import { writeLargePlan } from '../../scripts/bench/large-plan.ts'

test('a generated plan yields exactly its weighed changes', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'large-plan-'))
  try {
    const bytes = await writeLargePlan(path.join(folder, 'plan.json'), 500, 20)
    expect(bytes).toBeGreaterThan(500 * 1000)
    const [read] = await readPlannedChanges(['plan.json'], folder)
    expect(read?.changes).toHaveLength(20)
    const kinds = new Set(read?.changes.map((change) => `${change.kind} ${change.action}`))
    expect(kinds).toEqual(new Set(['assignment update', 'pricing replace']))
    for (const change of read?.changes ?? [])
      expect(change.id).toMatch(/^\/subscriptions\/00000000-0000-4000-8000-/)
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
})
