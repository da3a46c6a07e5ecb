// Version overrides that select by policyDefinitionReferenceId (Learn's safe-deployment page: "for
// a particular definition within an initiative") pin the JIT definition's version for the JIT
// reference only; and preview pins of the initiative (`1.*.*-preview`) are looked up as written.
import { describe, expect, test } from '@jest/globals'
import { setDefinitionKey } from '../../src/azure-ids.ts'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { Override } from '../../src/model.ts'
import { armEstate, estateSnapshot } from './arm-estates.ts'
import { assignment, builtInSet, MCSB_V2, setId, snapshot, SUBSCRIPTION_SCOPE } from './builders.ts'

const JIT_REFERENCE = 'jitNetworkAccessMonitoring'

function pinned(override: Override, others: Override[] = []) {
  const estate = armEstate('version-override-of-another-reference')
  estate.assignments[0]!.properties.overrides = [...others, override]
  return evaluateSubscription(estateSnapshot(estate))
}

const byReference = (
  value: string,
  ids: { in?: string[]; notIn?: string[] },
  locations?: string[]
): Override => ({
  kind: 'definitionVersion',
  value,
  selectors: [
    ...(locations === undefined ? [] : [{ kind: 'resourceLocation', in: locations }]),
    { kind: 'policyDefinitionReferenceId', ...ids }
  ]
})

describe('a version override that selects by reference', () => {
  test('of another definition changes nothing for JIT: compliant, with a note', () => {
    const result = evaluateSubscription(
      estateSnapshot(armEstate('version-override-of-another-reference'))
    )
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes).toContain(
      'Override #1 (version 2.0.*) pins other definitions of the initiative, not the JIT reference: it changes nothing for JIT.'
    )
  })

  test.each([
    ['notIn holding the JIT reference', { notIn: [JIT_REFERENCE] }],
    ['in not holding it', { in: ['corpVMSizePolicy', 'other'] }]
  ])('%s: changes nothing', (_name, ids) => {
    expect(pinned(byReference('2.0.*', ids)).verdict).toBe('compliant')
  })

  test.each([['3.*.*'], ['3.0.*'], ['3.0.0'], ['3.*.*-preview']])(
    'pinning the JIT definition to %s, which matches the version read (3.0.0): changes nothing',
    (version) => {
      const result = pinned(byReference(version, { in: [JIT_REFERENCE.toUpperCase()] }))
      expect(result.verdict).toBe('compliant')
      expect(result.assignments[0]!.notes).toContain(
        `Override #1 (version ${version}) pins the JIT definition to the version this check read (3.0.0): it changes nothing here.`
      )
    }
  )

  test('pinning it to a version the check does not read: error naming the override', () => {
    const result = pinned(byReference('2.0.*', { in: [JIT_REFERENCE] }))
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(
      'has override #1 of kind definitionVersion that pins the JIT definition to version 2.0.*, which this check does not read (it reads the definition as Resource Manager serves it, version 3.0.0); remove override #1, or pin a version of the JIT definition that matches 3.0.0.'
    )
  })

  test('in eastus only, with eastus audited by another assignment: compliant', () => {
    const estate = armEstate('version-override-of-another-reference')
    estate.assignments[0]!.properties.overrides = [
      byReference('2.0.*', { in: [JIT_REFERENCE] }, ['eastus'])
    ]
    const eastus = armEstate('safe-deployment-rings').assignments[1]!
    estate.assignments.push(eastus)
    expect(evaluateSubscription(estateSnapshot(estate)).verdict).toBe('compliant')
    estate.assignments.pop()
    const alone = evaluateSubscription(estateSnapshot(estate))
    expect(alone.verdict).toBe('error')
    expect(alone.reason).toContain('pins the JIT definition only in eastus to version 2.0.*')
  })

  test('a selector of another kind beside the reference selector cannot be decided', () => {
    const odd: Override = {
      kind: 'policyVersion',
      value: '3.*.*',
      selectors: [
        { kind: 'policyDefinitionReferenceId', in: [JIT_REFERENCE] },
        { kind: 'resourceType', in: ['Microsoft.Compute/virtualMachines'] }
      ]
    }
    const result = pinned(odd)
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain(
      "with a selector that is neither policyDefinitionReferenceId nor a resourceLocation 'in' or 'notIn' list"
    )
  })

  test('an empty location list pins nothing', () => {
    const result = pinned(byReference('2.0.*', { in: [JIT_REFERENCE] }, []))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes).toContain(
      'Override #1 (version 2.0.*) selects no location: it applies nowhere.'
    )
  })

  test('on the definition assigned alone: an in list cannot name it, a notIn list reaches it', () => {
    const alone = (ids: { in?: string[]; notIn?: string[] }) =>
      evaluateSubscription(
        snapshot([assignment({ name: 'jit', overrides: [byReference('2.0.*', ids)] })])
      ).verdict
    expect(alone({ in: [JIT_REFERENCE] })).toBe('compliant')
    expect(alone({ notIn: ['other'] })).toBe('error')
  })

  test('a JIT definition served without a version cannot match a pin', () => {
    const estate = armEstate('version-override-of-another-reference')
    estate.assignments[0]!.properties.overrides = [byReference('3.*.*', { in: [JIT_REFERENCE] })]
    const given = estateSnapshot(estate)
    const result = evaluateSubscription({
      ...given,
      jitPolicyDefinition: { ...given.jitPolicyDefinition, version: undefined }
    })
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain(
      'as Resource Manager serves it, which names no version); remove override #1, or pin a version of the JIT definition that Resource Manager serves.'
    )
  })
})

describe('a preview pin of the initiative', () => {
  test.each([['1.*.*-preview'], ['1.*.*-PREVIEW']])(
    'MCSB v2 assigned at %s (the landing-zone library) runs the version stored under that pin',
    (pin) => {
      const v2 = builtInSet(MCSB_V2)
      const assigned = assignment({
        name: 'alz-mcsb-v2',
        policyDefinitionId: setId(MCSB_V2),
        definitionVersion: pin
      })
      const result = evaluateSubscription(
        snapshot([assigned], [], {
          setDefinitions: { [setDefinitionKey(v2.id, '1.*.*-preview')]: v2 }
        })
      )
      expect(result.verdict).toBe('compliant')
      expect(result.reason).toContain(`audits JIT network access on ${SUBSCRIPTION_SCOPE}`)
    }
  )
})
