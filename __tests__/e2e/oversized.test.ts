// One oversized string from Azure (a megabyte of display name, of parameter value) costs that
// string alone (issue 20): it is cut where it enters the run or, in the `results` output, before
// anything else is, and every other subscription keeps its result whole. The bundle as a runner
// runs it, against the stand-in.
import { expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  serversPricing,
  subscriptionScope,
  type Estate
} from '../../standin/estate/index.ts'
import { githubProblems, schemaProblems } from '../support/sarif-validation.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const MEGABYTE = 1024 * 1024
const subscription = (n: number) => guid(`oversized/subscription/${n}`)
const ids = [1, 2, 3, 4, 5, 6].map(subscription)
const [, S2, S3] = ids as [string, string, string]
const marked = (length: number) => new RegExp(`…\\[cut from ${length} characters\\]$`)

interface Entry {
  subscriptionId: string
  displayName?: string
  verdict: string
  reason: string
  effectiveEffect: string | null
  assignments: { displayName: string; effect: string }[] | null
}

/** S1 has a display name of a megabyte; S2 an assignment named with a megabyte; S3 an effect
 * parameter of a megabyte. The others are as usual: under a management group that audits. */
function estate(): Estate {
  const bigEffect = `Disabled${'x'.repeat(MEGABYTE)}`
  return {
    tenantId: guid('oversized/tenant'),
    clientId: guid('oversized/client'),
    managementGroups: [{ name: 'contoso' }, { name: 'other' }],
    subscriptions: ids.map((subscriptionId, index) => ({
      subscriptionId,
      managementGroup: index === 1 || index === 2 ? 'other' : 'contoso',
      displayName: index === 0 ? 'n'.repeat(MEGABYTE) : `oversized-${index + 1}`
    })),
    policyAssignments: [
      policyAssignment(managementGroupScope('contoso'), 'mcsb', {
        displayName: 'Microsoft cloud security benchmark',
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      }),
      policyAssignment(subscriptionScope(S2), 'named', {
        displayName: 'd'.repeat(MEGABYTE),
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: 'Disabled' } }
      }),
      policyAssignment(subscriptionScope(S3), 'valued', {
        displayName: 'A megabyte of effect',
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: bigEffect } }
      })
    ],
    pricings: ids.map((id) => serversPricing(id, 'Standard', 'P2'))
  }
}

test('a megabyte in one subscription: every subscription keeps its result, the offender cut and marked', async () => {
  await runOnFreshStandIn(estate(), { subscriptions: ids.join('\n') }, async (run) => {
    const output = run.outputs.results ?? ''
    expect(output.length * 2).toBeLessThanOrEqual(512 * 1024)
    const results = JSON.parse(output) as Entry[]
    // Every subscription, each with its evidence.
    expect(results.map((entry) => entry.subscriptionId)).toEqual(ids)
    expect(results.map((entry) => entry.verdict)).toEqual([
      'compliant',
      'noncompliant',
      'noncompliant',
      'compliant',
      'compliant',
      'compliant'
    ])
    for (const entry of results) expect(entry.assignments).not.toBeNull()
    const [first, second, third] = results as [Entry, Entry, Entry]
    // Cut where they entered the run: the display names, and the effect where a reason quotes it.
    expect(first.displayName).toMatch(marked(MEGABYTE))
    expect(first.displayName!.length).toBeLessThanOrEqual(256)
    expect(second.assignments![0]!.displayName).toMatch(marked(MEGABYTE))
    expect(second.reason.length).toBeLessThan(1000)
    expect(third.reason).toMatch(
      /sets parameter effect to 'Disabledxxx+…\[cut from 1048584 characters\]'/
    )
    expect(third.reason.length).toBeLessThan(1000)
    // Cut in the output only: the effect the evidence holds, the offender's alone.
    expect(third.effectiveEffect).toMatch(marked(MEGABYTE + 8))
    expect(third.assignments![0]!.effect).toMatch(marked(MEGABYTE + 8))
    expect(run.outputs['results-trimmed']).toBe('true')
    expect(run.stdout).toMatch(
      /^::warning::The `results` output leaves out the end of 2 value\(s\) longer than \d+ characters in 1 subscription\(s\) \(marked `…\[cut from N characters\]`\) to stay under 512 KiB; the results file .* has every result in full\.$/m
    )
    // The results file is complete: the effect whole.
    const file = JSON.parse(await readFile(run.outputs['results-file']!, 'utf8')) as Entry[]
    expect(file.map((entry) => entry.subscriptionId)).toEqual(ids)
    expect(file[2]!.effectiveEffect).toBe(`Disabled${'x'.repeat(MEGABYTE)}`)
    expect(file[2]!.assignments![0]!.effect).toBe(file[2]!.effectiveEffect)
    // The other reports stay small and valid.
    expect(Buffer.byteLength(run.summary)).toBeLessThan(100_000)
    const sarif = JSON.parse(await readFile(run.outputs['sarif-file']!, 'utf8'))
    expect(schemaProblems(sarif)).toEqual([])
    expect(githubProblems(sarif)).toEqual([])
    expect(run.stderr).toBe('')
  })
}, 60_000)
