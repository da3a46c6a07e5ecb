// Accepted exemptions (category Mitigated, when the run accepts them) and exemptions about to end,
// from a real-shaped estate: the benchmark at a management group, and an exemption of it for a
// resource group whose virtual machines are reached through Azure Bastion only.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription, STRICT_EXEMPTION_RULES } from '../../src/evaluate/index.ts'
import type { ExemptionRules } from '../../src/model.ts'
import { armEstate, estateSnapshot, type ArmEstate } from './arm-estates.ts'
import { groupId, SUBSCRIPTION_SCOPE } from './builders.ts'

const BASTION = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-bastion`
const EXEMPTION_ID = `${BASTION}/providers/Microsoft.Authorization/policyExemptions/bastion-mitigated`
const ACCEPTED =
  "accepted: exemption 'Bastion hosts reach the VMs' (Mitigated, expires 2026-05-20T00:00:00Z)"

function evaluate(estate: ArmEstate, rules: Partial<ExemptionRules> = {}) {
  return evaluateSubscription(estateSnapshot(estate), { ...STRICT_EXEMPTION_RULES, ...rules })
}

function bastion(properties: Record<string, unknown> = {}): ArmEstate {
  const estate = armEstate('mitigated-bastion')
  Object.assign(estate.exemptions[0]!.properties, properties)
  return estate
}

describe('accept-mitigated-exemptions', () => {
  test('off (the default): a Mitigated exemption leaves its part unaudited, partial', () => {
    const result = evaluateSubscription(estateSnapshot(bastion()))
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in resource group rg-bastion in every location.'
    )
    expect(result.acceptedExemptions).toBeUndefined()
  })

  test('all: the exemption covers its part, compliant, and the reason says it is accepted', () => {
    const result = evaluate(bastion(), { acceptMitigated: 'all' })
    expect(result.verdict).toBe('compliant')
    expect(result.reason).toBe(
      `Assignment 'Microsoft cloud security benchmark' at ${groupId('contoso-landingzones')} audits JIT network access on ${SUBSCRIPTION_SCOPE}: it leaves parameter jitNetworkAccessMonitoringEffect at its initiative default AuditIfNotExists. The run accepts part as covered (accept-mitigated-exemptions): ${ACCEPTED} for resource group rg-bastion in every location.`
    )
    expect(result.acceptedExemptions).toEqual([
      {
        id: EXEMPTION_ID,
        displayName: 'Bastion hosts reach the VMs',
        exemptionCategory: 'Mitigated',
        expiresOn: '2026-05-20T00:00:00Z'
      }
    ])
    expect(result.assignments[0]).toMatchObject({ coverage: 'full', exemptionIds: [] })
    expect(result.assignments[0]!.notes).toContain(
      `The exemption 'Bastion hosts reach the VMs' (Mitigated) is accepted (accept-mitigated-exemptions): the part it exempts counts as covered; ${ACCEPTED}.`
    )
  })

  test('with-expiry: one with an expiry date is accepted, one without is not', () => {
    expect(evaluate(bastion(), { acceptMitigated: 'with-expiry' }).verdict).toBe('compliant')
    const open = evaluate(bastion({ expiresOn: null }), { acceptMitigated: 'with-expiry' })
    expect(open.verdict).toBe('partial')
    const all = evaluate(bastion({ expiresOn: null }), { acceptMitigated: 'all' })
    expect(all.verdict).toBe('compliant')
    expect(all.reason).toContain(
      "accepted: exemption 'Bastion hosts reach the VMs' (Mitigated, never expires)"
    )
  })

  test.each([['Waiver'], ['waiver']])('a %s is never accepted', (exemptionCategory) => {
    const result = evaluate(bastion({ exemptionCategory }), { acceptMitigated: 'all' })
    expect(result.verdict).toBe('partial')
    expect(result.acceptedExemptions).toBeUndefined()
  })

  test('a category in another case is still Mitigated', () => {
    expect(
      evaluate(bastion({ exemptionCategory: 'mitigated' }), { acceptMitigated: 'all' }).verdict
    ).toBe('compliant')
  })

  test('an accepted exemption of the whole subscription still leaves a partial elsewhere named', () => {
    const estate = bastion()
    estate.assignments[0]!.properties.notScopes = [`${SUBSCRIPTION_SCOPE}/resourceGroups/rg-dev`]
    const result = evaluate(estate, { acceptMitigated: 'all' })
    expect(result.verdict).toBe('partial')
    expect(result.reason).toContain(
      'no assignment audits it in resource group rg-dev in every location.'
    )
    expect(result.reason).toContain(`${ACCEPTED} for resource group rg-bastion in every location.`)
  })

  test('the verdict does not rest on an accepted exemption whose part another assignment audits', () => {
    const estate = bastion()
    estate.assignments.push(armEstate('exemption-of-one-assignment').assignments[1]!)
    const result = evaluate(estate, { acceptMitigated: 'all' })
    expect(result.verdict).toBe('compliant')
    expect(result.acceptedExemptions).toBeUndefined()
    expect(result.reason).not.toContain('accepted:')
  })

  test('an accepted exemption whose resource selectors cannot be decided stays undecided', () => {
    const estate = bastion({
      resourceSelectors: [{ name: 'Tags', selectors: [{ kind: 'resourceTag', in: ['bastion'] }] }]
    })
    expect(evaluate(estate, { acceptMitigated: 'all' }).verdict).toBe('error')
  })
})

describe('exemptions about to end', () => {
  // The snapshot is taken on 2026-05-01T12:00:00Z; the exemption ends on 2026-05-20.
  test('a waiver that ends within the window is named with the verdict it leaves', () => {
    const result = evaluate(bastion({ exemptionCategory: 'Waiver' }), { expiryDays: 30 })
    expect(result.verdict).toBe('partial')
    expect(result.expiringExemptions).toEqual([
      {
        id: EXEMPTION_ID,
        displayName: 'Bastion hosts reach the VMs',
        exemptionCategory: 'Waiver',
        expiresOn: '2026-05-20T00:00:00Z',
        accepted: false,
        verdictWhenEnded: 'compliant'
      }
    ])
  })

  test('an accepted one is named too: once it ends the benchmark audits its part again', () => {
    const result = evaluate(bastion(), { acceptMitigated: 'all', expiryDays: 30 })
    expect(result.verdict).toBe('compliant')
    expect(result.expiringExemptions).toMatchObject([
      { accepted: true, verdictWhenEnded: 'compliant' }
    ])
  })

  test.each([
    ['outside the window', { expiryDays: 18 }, {}],
    ['with the window 0', { expiryDays: 0 }, {}],
    ['never ending', { expiryDays: 30 }, { expiresOn: null }],
    ['already ended', { expiryDays: 30 }, { expiresOn: '2026-04-30T00:00:00Z' }],
    [
      'for other references only',
      { expiryDays: 30 },
      { policyDefinitionReferenceIds: ['someOtherPolicy'] }
    ]
  ])('one %s is not named', (_name, rules, properties) => {
    expect(evaluate(bastion(properties), rules).expiringExemptions).toBeUndefined()
  })

  test('several: soonest first, each verdict with the earlier ones ended too', () => {
    const estate = bastion({ exemptionCategory: 'Waiver' })
    const first = estate.exemptions[0]!
    estate.exemptions.push({
      ...first,
      id: `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/policyExemptions/all-vms`,
      name: 'all-vms',
      properties: {
        ...first.properties,
        displayName: 'Migration',
        expiresOn: '2026-05-10T00:00:00Z'
      }
    })
    const result = evaluate(estate, { expiryDays: 30 })
    expect(result.verdict).toBe('noncompliant')
    expect(
      result.expiringExemptions?.map((item) => [item.displayName, item.verdictWhenEnded])
    ).toEqual([
      ['Migration', 'partial'],
      ['Bastion hosts reach the VMs', 'compliant']
    ])
  })
})
