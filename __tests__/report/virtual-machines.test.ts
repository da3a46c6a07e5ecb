// What the reports say of Azure's record of the virtual machines: the job summary's section
// (counts, disagreements and why, flagged machines linked to the portal, inert whatever Azure
// wrote), the SARIF result's message and properties, the issue's reason cell, the `results`
// output (counts, no list) and the results file (the list).
import { describe, expect, test } from '@jest/globals'
import type { FlaggedVirtualMachine, SubscriptionResult } from '../../src/model.ts'
import { MACHINES_NOT_ASKED } from '../../src/model.ts'
import { reportContext } from '../../src/report/context.ts'
import { resultOutput, resultsFileEntry } from '../../src/report/outputs.ts'
import { buildSarif } from '../../src/report/sarif.ts'
import { buildJobSummary } from '../../src/report/summary/index.ts'
import {
  MACHINES_NAMED,
  virtualMachinesSection
} from '../../src/report/summary/virtual-machines.ts'
import { issueBody } from '../../src/notify/body.ts'
import { view } from '../notify/helpers.ts'
import { HOSTILE, SUB1, SUB2, SUB3, context, result, workflowFile } from './helpers.ts'

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const PORTAL = `https://portal.azure.com/#@${TENANT}`

const machine = (subscriptionId: string, name: string): FlaggedVirtualMachine => ({
  id: `/subscriptions/${subscriptionId}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
  resourceGroup: 'rg-web',
  location: 'westeurope',
  policyAssignmentId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyAssignments/jit`
})

function checked(): SubscriptionResult[] {
  const flagged = Array.from({ length: MACHINES_NAMED + 2 }, (_, n) => machine(SUB2, `vm-${n}`))
  return [
    result(SUB1, 'compliant', {
      virtualMachines: { evaluated: 2, flagged: 0, notAudited: 1 },
      flaggedVirtualMachines: [],
      crossCheck: 'disagrees',
      crossCheckReason:
        'The assignments audit JIT on every virtual machine, but 1 has no JIT policy state.'
    }),
    result(SUB2, 'partial', {
      virtualMachines: { evaluated: 9, flagged: flagged.length, notAudited: 0 },
      flaggedVirtualMachines: flagged,
      crossCheck: 'agrees',
      crossCheckReason: "Azure's record: 9 evaluated."
    }),
    result(SUB3, 'noncompliant', {
      virtualMachines: null,
      flaggedVirtualMachines: [],
      crossCheck: 'unavailable',
      crossCheckReason:
        'The identity x may not read the JIT policy states; give it the Reader role.'
    })
  ]
}

describe('the job summary', () => {
  test('counts, the disagreement and why, the flagged machines linked to the portal, and what could not be compared', () => {
    const section = virtualMachinesSection(checked(), context({ portalTenantUrl: PORTAL }))
    expect(section).toContain('### Virtual machines')
    expect(section).toContain(
      'it agrees with 1 verdict(s), disagrees with 1, and could not be compared for 1.'
    )
    expect(section).toContain('1 has no JIT policy state')
    expect(section).toContain(
      `[vm-0](${PORTAL}/resource/subscriptions/${SUB2}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-0) (rg-web, westeurope)`
    )
    expect(section).not.toContain('vm-5](')
    expect(section).toContain('and 2 more in the results file')
    expect(section).toContain('give it the Reader role')
    expect(buildJobSummary(checked(), context({ portalTenantUrl: PORTAL }))).toContain(section)
  })

  test('no link without a portal, and Azure text stays inert', () => {
    const hostile = {
      ...machine(SUB2, `${HOSTILE.link}${HOSTILE.html}`),
      location: HOSTILE.mention
    }
    const results = [
      result(SUB2, 'noncompliant', {
        virtualMachines: { evaluated: 1, flagged: 1, notAudited: 0 },
        flaggedVirtualMachines: [hostile],
        crossCheck: 'disagrees',
        crossCheckReason: HOSTILE.closeCell
      })
    ]
    const section = virtualMachinesSection(results, context())
    // The name is a code span (shown literally), every other text escaped.
    expect(section).toContain(`Flagged: \`${HOSTILE.link}${HOSTILE.html}\` (rg-web,`)
    expect(section.replace(/`[^`]*`/g, '')).not.toMatch(/<img|<script|<\/td|\]\(javascript/)
    // A mention GitHub would notify is shown as code, never as bare text.
    expect(section.replace(/`[^`]*`/g, '')).not.toContain('@example-org')
    expect(section).not.toContain('https://portal')
  })

  test('nothing when the run did not read the machines', () => {
    const notAsked = result(SUB1, 'compliant', {
      virtualMachines: null,
      crossCheck: 'unavailable',
      crossCheckReason: MACHINES_NOT_ASKED
    })
    expect(virtualMachinesSection([notAsked], context())).toBe('')
    expect(virtualMachinesSection([result(SUB1, 'compliant')], context())).toBe('')
  })

  test('the portal of a cloud the run knows, with the tenant', () => {
    const settings = {
      clientId: 'c',
      failOn: new Set<'error'>(['error']),
      category: 'x',
      scope: {
        subscriptionIds: [SUB1],
        managementGroups: [],
        excludeSubscriptionIds: [],
        allSubscriptions: false
      },
      tenantId: TENANT
    }
    const named = (name: string) =>
      reportContext(
        {} as never,
        {
          ...settings,
          cloud: { name, authorityHost: '', resourceManagerEndpoint: '', tokenExchangeAudience: '' }
        },
        '1'
      ).portalTenantUrl
    expect(named('AzureCloud')).toBe(PORTAL)
    expect(named('AzureUSGovernment')).toBe(`https://portal.azure.us/#@${TENANT}`)
    expect(named('MyStack')).toBeUndefined()
  })
})

test('SARIF: the counts in the message and the properties', () => {
  const sarif = buildSarif(checked(), workflowFile(), context())
  const partial = sarif.runs[0]?.results?.find((r) => r.properties?.subscriptionId === SUB2)
  expect(partial?.message.text).toMatch(
    /Azure Policy flags 7 of the 9 virtual machine\(s\) it evaluated against the JIT policy, 0 have no Compliant or NonCompliant JIT policy state\.$/
  )
  expect(partial?.properties).toMatchObject({
    virtualMachines: { evaluated: 9, flagged: 7, notAudited: 0 },
    crossCheck: 'agrees'
  })
})

test('the issue: the counts before the reason', () => {
  const failing = result(SUB2, 'noncompliant', {
    virtualMachines: { evaluated: 9, flagged: 7, notAudited: 0 },
    crossCheck: 'disagrees'
  })
  const body = issueBody(view([failing]), '<!-- marker -->')
  expect(body).toContain('7 of 9 VMs flagged; Azure&#39;s record disagrees. ASC Default sets')
})

test('the results output has the counts and the cross-check; the results file also the machines', () => {
  const [, partial] = checked()
  const output = resultOutput(partial!)
  expect(output).toMatchObject({
    virtualMachines: { evaluated: 9, flagged: 7, notAudited: 0 },
    crossCheck: 'agrees',
    crossCheckReason: "Azure's record: 9 evaluated."
  })
  expect(output).not.toHaveProperty('flaggedVirtualMachines')
  expect(resultsFileEntry(partial!).flaggedVirtualMachines).toHaveLength(7)
  expect(Object.keys(resultsFileEntry(result(SUB1, 'compliant')))).not.toContain(
    'flaggedVirtualMachines'
  )
})
