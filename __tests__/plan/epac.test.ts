// Enterprise Policy as Code's policy-plan.json: new, update, replace and delete of assignments,
// exemptions and definitions; bare parameter values wrapped as ARM writes them.
import { describe, expect, test } from '@jest/globals'
import { mapAssignment, mapExemption, mapSetDefinitionVersion } from '../../src/collect/map.ts'
import {
  assignmentId,
  byAddress,
  JIT,
  MCSB,
  mg,
  readFixture,
  readValue,
  SUB1,
  SUB2,
  SUB3
} from './helpers.ts'

describe('an EPAC policy plan (policy-plan.json)', () => {
  const read = readFixture('epac/Output/plans-tenant/policy-plan.json')

  test('every operation of every section, keyed by resource id; before is the estate’s', () => {
    expect(read.format).toBe('epac')
    expect(read.changes.map((change) => [change.kind, change.action, change.id])).toEqual([
      ['assignment', 'create', assignmentId(`/subscriptions/${SUB1}`, 'jit-audit')],
      ['assignment', 'update', assignmentId(mg('mg-prod'), 'pr-asb')],
      ['assignment', 'replace', assignmentId(mg('mg-nonprod'), 'tst-asb')],
      ['assignment', 'delete', assignmentId(mg('mg-prod'), 'pr-jit')],
      [
        'exemption',
        'create',
        `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyExemptions/jit-waiver-connectivity`
      ],
      [
        'exemption',
        'delete',
        `/subscriptions/${SUB3}/providers/Microsoft.Authorization/policyExemptions/legacy-waiver`
      ],
      [
        'setDefinition',
        'update',
        `${mg('contoso')}/providers/Microsoft.Authorization/policySetDefinitions/contoso-security`
      ]
    ])
    for (const change of read.changes) {
      expect(change).toMatchObject({
        before: null,
        unknown: [],
        sensitive: [],
        source: { format: 'epac', address: change.id }
      })
    }
  })

  test('bare parameter values become ARM’s { value }; a parameter left out is the default after deploy', () => {
    const update = mapAssignment(byAddress(read, assignmentId(mg('mg-prod'), 'pr-asb')).after)
    expect(update).toMatchObject({
      scope: mg('mg-prod'),
      policyDefinitionId: MCSB,
      parameters: { jitNetworkAccessMonitoringEffect: { value: 'Disabled' } }
    })
    const replace = mapAssignment(byAddress(read, assignmentId(mg('mg-nonprod'), 'tst-asb')).after)
    expect(replace).toMatchObject({ parameters: {}, notScopes: [`/subscriptions/${SUB3}`] })
    const created = mapAssignment(
      byAddress(read, assignmentId(`/subscriptions/${SUB1}`, 'jit-audit')).after
    )
    expect(created).toMatchObject({
      policyDefinitionId: JIT,
      parameters: { effect: { value: 'Disabled' } },
      enforcementMode: 'Default'
    })
  })

  test('a delete carries its id only', () => {
    expect(byAddress(read, assignmentId(mg('mg-prod'), 'pr-jit')).after).toBeNull()
  })

  test('exemptions and set definitions read as the collector reads them', () => {
    const exemption = mapExemption(
      byAddress(
        read,
        `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyExemptions/jit-waiver-connectivity`
      ).after
    )
    expect(exemption).toMatchObject({
      policyAssignmentId: assignmentId(mg('mg-prod'), 'pr-asb'),
      policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring'],
      exemptionCategory: 'Waiver',
      expiresOn: '2027-01-31T00:00:00Z',
      resourceSelectors: []
    })
    const setId = `${mg('contoso')}/providers/Microsoft.Authorization/policySetDefinitions/contoso-security`
    const set = mapSetDefinitionVersion(byAddress(read, setId).after, setId)
    expect(set).toMatchObject({
      version: '1.1.0',
      parameters: { jitEffect: { defaultValue: 'Disabled' } }
    })
    expect(set.policyDefinitions[0]).toMatchObject({
      policyDefinitionId: JIT,
      parameters: { effect: { value: "[parameters('jitEffect')]" } }
    })
  })
})

describe('entries', () => {
  test('an entry without id takes its key; without scope, the scope of its id', () => {
    const id = assignmentId(`/subscriptions/${SUB1}`, 'jit')
    const { changes } = readValue({ assignments: { new: { [id]: { policyDefinitionId: JIT } } } })
    expect(changes[0]?.after).toEqual({
      id,
      name: 'jit',
      type: 'Microsoft.Authorization/policyAssignments',
      properties: { policyDefinitionId: JIT, scope: `/subscriptions/${SUB1}` }
    })
  })

  test('policy definitions are read; an entry that is not an object is refused', () => {
    const id = `${mg('contoso')}/providers/Microsoft.Authorization/policyDefinitions/custom-jit`
    const { changes } = readValue({
      policyDefinitions: {
        update: {
          [id]: {
            name: 'custom-jit',
            mode: 'All',
            parameters: { effect: { defaultValue: 'Disabled' } }
          }
        }
      }
    })
    expect(changes[0]).toMatchObject({
      kind: 'definition',
      action: 'update',
      after: { properties: { mode: 'All', policyType: 'Custom' } }
    })
    expect(() => readValue({ exemptions: { delete: { x: 'gone' } } }, 'policy-plan.json')).toThrow(
      'planned-changes: policy-plan.json: has exemptions.delete["x"] that is not an object. Give the policy-plan.json Build-DeploymentPlans wrote, unchanged.'
    )
  })

  test('a plan that changes nothing', () => {
    expect(
      readValue({
        createdOn: '2026-05-04 09:12:44Z',
        assignments: { new: {}, update: {}, replace: {}, delete: {}, numberOfChanges: 0 }
      })
    ).toMatchObject({ format: 'epac', changes: [] })
  })
})
