// Issue 21: coverage is what every assignment audits together. Estates that split the work on
// purpose, as Resource Manager returns them (fixtures/union-estates.json): safe-deployment rings,
// a resource group left out of a management group's assignment and given its own, an override
// that switches JIT off in a region another assignment audits, exemptions of one assignment.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import { armEstate, estateSnapshot, type ArmEstate, type ArmResource } from './arm-estates.ts'
import { groupId, SUBSCRIPTION_SCOPE } from './builders.ts'

const PLATFORM = groupId('contoso-landingzones')
const LAB = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-lab`

function evaluate(estate: ArmEstate) {
  return evaluateSubscription(estateSnapshot(estate))
}

const byName = (estate: ArmEstate, name: string): ArmResource =>
  estate.assignments.find((assignment) => assignment.name === name)!

describe('safe-deployment rings: notIn [eastus] at the group, in [eastus] at the subscription', () => {
  test('together they audit every virtual machine: compliant, both in the evidence', () => {
    const result = evaluate(armEstate('safe-deployment-rings'))
    expect(result.verdict).toBe('compliant')
    expect(result.effectiveEffect).toBe('AuditIfNotExists')
    expect(result.reason).toBe(
      `Assignments together audit JIT network access on all of ${SUBSCRIPTION_SCOPE}: 'Microsoft cloud security benchmark (rings 1-5)' at ${PLATFORM} in every resource group in every location but eastus, and 'JIT audit (ring 0)' at ${SUBSCRIPTION_SCOPE} in every resource group in eastus.`
    )
    expect(result.assignments.map((evidence) => [evidence.displayName, evidence.coverage])).toEqual(
      [
        ['Microsoft cloud security benchmark (rings 1-5)', 'partial'],
        ['JIT audit (ring 0)', 'partial']
      ]
    )
    expect(result.assignments[1]!.notes).toContain(
      'The assignment audits JIT in every resource group in eastus.'
    )
  })

  test('ring 0 not yet widened to westus while ring 1 leaves it out: partial, naming westus', () => {
    const estate = armEstate('safe-deployment-rings')
    const ring1 = byName(estate, 'mcsb-ring1').properties
    ring1.resourceSelectors = [
      { name: 'SDPRegions', selectors: [{ kind: 'resourceLocation', notIn: ['eastus', 'westus'] }] }
    ]
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toMatch(
      new RegExp(
        `^JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group in westus\\. Assignment 'Microsoft cloud security benchmark \\(rings 1-5\\)' at ${PLATFORM} evaluates only the virtual machines in the locations its resource selectors \\('SDPRegions'\\) choose; `
      )
    )
    expect(result.reason).not.toContain('eastus')
  })

  test('ring 0 alone: partial, naming what ring 0 leaves', () => {
    const estate = armEstate('safe-deployment-rings')
    estate.assignments = [byName(estate, 'jit-ring0')]
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in every resource group in every location but eastus.'
    )
  })
})

describe('a resource group left out by notScopes and given its own assignment', () => {
  test('the own assignment covers what the notScope leaves: compliant', () => {
    const result = evaluate(armEstate('excluded-group-with-own-assignment'))
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toBe(
      `Assignments together audit JIT network access on all of ${SUBSCRIPTION_SCOPE}: 'Microsoft cloud security benchmark' at ${PLATFORM} in every resource group but resource group rg-lab in every location, and 'JIT audit for the lab' at ${LAB} in resource group rg-lab in every location.`
    )
  })

  test('a second group left out with no assignment of its own: partial, naming it and not rg-lab', () => {
    const estate = armEstate('excluded-group-with-own-assignment')
    const dev = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-dev`
    byName(estate, 'mcsb').properties.notScopes = [LAB, dev]
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      `no assignment audits it in resource group rg-dev in every location. Assignment 'Microsoft cloud security benchmark' at ${PLATFORM} excludes ${dev} in its notScopes; remove ${dev} from its notScopes.`
    )
    expect(result.reason).not.toContain(`excludes ${LAB}`)
    // The deciding evidence is the assignment whose limit leaves rg-dev.
    expect(result.assignments[0]).toMatchObject({
      displayName: 'Microsoft cloud security benchmark'
    })
  })

  test('the lab assignment disables JIT: partial, rg-lab left, with both causes', () => {
    const estate = armEstate('excluded-group-with-own-assignment')
    byName(estate, 'jit-lab').properties.parameters = { effect: { value: 'Disabled' } }
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      `no assignment audits it in resource group rg-lab in every location. Assignment 'Microsoft cloud security benchmark' at ${PLATFORM} excludes ${LAB} in its notScopes; remove ${LAB} from its notScopes. Assignment 'JIT audit for the lab' at ${LAB} sets parameter effect to Disabled; set parameter effect to AuditIfNotExists.`
    )
  })
})

describe('an override that switches JIT off in a region another assignment audits', () => {
  test('westeurope off in MCSB, audited by the regional assignment: compliant', () => {
    const result = evaluate(armEstate('override-off-in-a-region-audited-elsewhere'))
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toContain(
      "'Microsoft cloud security benchmark' at /providers/Microsoft.Management/managementGroups/contoso-landingzones in every resource group in every location but westeurope, and 'JIT audit in West Europe'"
    )
  })

  test('without the regional assignment: partial, naming westeurope and the override', () => {
    const estate = armEstate('override-off-in-a-region-audited-elsewhere')
    estate.assignments = [byName(estate, 'mcsb')]
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toBe(
      `JIT is audited on only part of ${SUBSCRIPTION_SCOPE}: no assignment audits it in every resource group in westeurope. Assignment 'Microsoft cloud security benchmark' at ${PLATFORM} overrides the JIT effect to Disabled (override #1) for the resources that override selects; remove override #1 or set its value to AuditIfNotExists.`
    )
  })
})

describe('exemptions take their part out of the assignment they name only', () => {
  test('a waiver of MCSB at the subscription leaves the JIT assignment auditing: compliant', () => {
    const result = evaluate(armEstate('exemption-of-one-assignment'))
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toContain("Assignment 'JIT audit' at")
    const mcsb = result.assignments.find(
      (evidence) => evidence.displayName === 'Microsoft cloud security benchmark'
    )
    expect(mcsb).toMatchObject({
      coverage: 'none',
      exemptionIds: [expect.stringContaining('mcsb-waiver')]
    })
  })

  test('the JIT assignment exempted from rg-lab too: partial, naming rg-lab and both exemptions', () => {
    const estate = armEstate('exemption-of-one-assignment')
    const jit = byName(estate, 'jit')
    estate.exemptions.push({
      id: `${LAB}/providers/Microsoft.Authorization/policyExemptions/jit-lab`,
      name: 'jit-lab',
      properties: {
        displayName: 'Lab VMs',
        policyAssignmentId: jit.id,
        exemptionCategory: 'Waiver',
        expiresOn: null
      }
    })
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in resource group rg-lab in every location.'
    )
    expect(result.reason).toContain("by exemption 'MCSB waiver for this subscription' (Waiver)")
    expect(result.reason).toContain("by exemption 'Lab VMs' (Waiver)")
  })
})

describe('a part that cannot be decided', () => {
  const sandbox = groupId('sandbox')

  test('is no error when the other assignments already cover the subscription', () => {
    const estate = armEstate('exemption-of-one-assignment')
    estate.exemptions = []
    byName(estate, 'mcsb').properties.notScopes = [sandbox]
    const result = evaluate(estate)
    expect(result.verdict).toBe('compliant')
  })

  test('is covered where another assignment audits it: an exemption whose expiry cannot be read on rg-lab, and rg-lab audited by its own assignment', () => {
    const estate = armEstate('excluded-group-with-own-assignment')
    const mcsb = byName(estate, 'mcsb')
    mcsb.properties.notScopes = []
    estate.exemptions.push({
      id: `${LAB}/providers/Microsoft.Authorization/policyExemptions/unclear`,
      name: 'unclear',
      properties: { policyAssignmentId: mcsb.id, exemptionCategory: 'Waiver', expiresOn: 'soon' }
    })
    expect(evaluate(estate).verdict).toBe('compliant')
    estate.assignments = [mcsb]
    const alone = evaluate(estate)
    expect(alone.verdict).toBe('error')
    expect(alone.errorCause).toBe('undecidable')
    expect(alone.reason).toContain("whose expiresOn 'soon' this check cannot read")
  })

  test('is an error when the rest does not cover the subscription', () => {
    const estate = armEstate('excluded-group-with-own-assignment')
    byName(estate, 'mcsb').properties.notScopes = [LAB, sandbox]
    estate.assignments = [byName(estate, 'mcsb')]
    const result = evaluate(estate)
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('unknown-ancestry')
    expect(result.reason).toContain(`excludes management group ${sandbox} in its notScopes`)
  })

  test('decides a partial that holds whatever the unknown turns out to be', () => {
    // MCSB's sandbox notScope is unknown: it audits every group but rg-lab and rg-dev, or none.
    // The lab assignment audits rg-lab either way, and nothing audits rg-dev: partial either way.
    const estate = armEstate('excluded-group-with-own-assignment')
    const dev = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-dev`
    byName(estate, 'mcsb').properties.notScopes = [LAB, dev, sandbox]
    const result = evaluate(estate)
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in resource group rg-dev in every location.'
    )
  })
})

test('the causes of at most four assignments are named; the evidence has the rest', () => {
  const estate = armEstate('safe-deployment-rings')
  const ring0 = byName(estate, 'jit-ring0')
  const regions = ['eastus', 'westus', 'northeurope', 'westeurope', 'swedencentral']
  estate.assignments = regions.map((region) => ({
    ...ring0,
    id: `${ring0.id}-${region}`,
    name: `jit-${region}`,
    properties: {
      ...ring0.properties,
      displayName: `JIT audit in ${region}`,
      resourceSelectors: [
        { name: 'SDPRegions', selectors: [{ kind: 'resourceLocation', in: [region] }] }
      ]
    }
  }))
  const result = evaluate(estate)
  expect(result.verdict).toBe('partial')
  expect(result.reason).toContain(
    `no assignment audits it in every resource group in every location but ${[...regions].sort().join(', ')}.`
  )
  expect(result.reason).toContain("Assignment 'JIT audit in westeurope'")
  expect(result.reason).not.toContain("Assignment 'JIT audit in swedencentral'")
  expect(result.reason).toMatch(/ 1 more assignment leaves it too \(see the evidence\)\.$/)
  expect(result.assignments).toHaveLength(5)
})
