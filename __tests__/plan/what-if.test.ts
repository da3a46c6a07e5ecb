// ARM/Bicep what-if results: the Azure CLI's `--no-pretty-print` output and the REST result, each
// change type, unresolved template expressions, and what-ifs that did not succeed.
import { describe, expect, test } from '@jest/globals'
import { mapAssignment, mapPricing } from '../../src/collect/map.ts'
import { PlanFileError } from '../../src/plan/errors.ts'
import { isArmExpression } from '../../src/plan/what-if.ts'
import { assignmentId, byAddress, JIT, mg, readFixture, readValue, SUB1, SUB2 } from './helpers.ts'

describe('the Azure CLI output at management-group scope (management-group-cli.json)', () => {
  const read = readFixture('what-if/management-group-cli.json')

  test('Create, Modify and Delete are read; NoChange, Ignore and other resource types are not', () => {
    expect(read.format).toBe('what-if')
    expect(
      read.changes.map((change) => [change.action, change.kind, change.source.address])
    ).toEqual([
      ['update', 'assignment', assignmentId(mg('contoso-landingzones'), 'mcsb')],
      [
        'create',
        'exemption',
        `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyExemptions/jit-waiver`
      ],
      ['delete', 'assignment', assignmentId(mg('contoso-platform'), 'jit-platform')],
      ['create', 'assignment', assignmentId(mg('contoso-platform'), 'jit-platform-v2')],
      ['update', 'assignment', assignmentId(mg('contoso-landingzones'), 'mcsb-sandbox')]
    ])
  })

  test('a Modify: the resources before and after, read as the collector reads ARM', () => {
    const change = read.changes[0]
    expect(mapAssignment(change?.before).parameters).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'AuditIfNotExists' }
    })
    expect(mapAssignment(change?.after).parameters).toEqual({
      jitNetworkAccessMonitoringEffect: { value: 'Disabled' }
    })
    expect(change?.after).toMatchObject({
      id: change?.id,
      name: 'mcsb',
      type: 'Microsoft.Authorization/policyAssignments'
    })
    expect(change?.unknown).toEqual([])
  })

  test('a Delete carries the resource before', () => {
    const change = read.changes[2]
    expect(change).toMatchObject({
      id: assignmentId(mg('contoso-platform'), 'jit-platform'),
      after: null
    })
    expect(change?.before?.properties.policyDefinitionId).toBe(JIT)
  })

  test('a template expression what-if could not resolve is a value known only after deploy', () => {
    expect(read.changes[3]?.unknown).toEqual(['$.properties.notScopes[0]'])
  })

  test('a resource what-if cannot analyse is unknown as a whole, with its reason', () => {
    const change = read.changes[4]
    expect(change).toMatchObject({ before: null, after: null, unknown: ['$'] })
    expect(change?.notes[0]).toMatch(
      /^What-if cannot analyse this resource \(Changes to the resource declared at/
    )
  })
})

describe('the REST result at subscription scope (subscription-rest.json)', () => {
  const read = readFixture('what-if/subscription-rest.json')

  test('changes under properties; a servers pricing moved off Plan 2; an override; a potential change unknown as a whole', () => {
    const pricing = byAddress(
      read,
      `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`
    )
    expect(pricing).toMatchObject({ action: 'update', kind: 'pricing' })
    expect(mapPricing(pricing.before)).toEqual({ pricingTier: 'Standard', subPlan: 'P2' })
    expect(mapPricing(pricing.after)).toEqual({ pricingTier: 'Standard', subPlan: 'P1' })
    expect(
      byAddress(read, assignmentId(`/subscriptions/${SUB2}`, 'mcsb-workloads')).after?.properties
        .overrides
    ).toEqual([
      {
        kind: 'policyEffect',
        value: 'Disabled',
        selectors: [{ kind: 'policyDefinitionReferenceId', in: ['jitNetworkAccessMonitoring'] }]
      }
    ])
    const potential = byAddress(read, assignmentId(`/subscriptions/${SUB2}`, 'jit-workloads'))
    expect(potential.unknown).toEqual(['$'])
    expect(potential.notes).toEqual([
      'What-if lists this among the potential changes: the deployment may or may not make it.'
    ])
    // The Defender for Storage pricing (Deploy) is not weighed.
    expect(read.changes).toHaveLength(3)
  })
})

test('a what-if without resource payloads (ResourceIdOnly): the content after is unknown', () => {
  const read = readFixture('what-if/resource-id-only.json')
  expect(read.changes.map((change) => [change.action, change.unknown])).toEqual([
    ['update', ['$']],
    ['delete', []]
  ])
  expect(read.changes[0]?.notes[0]).toMatch(/--result-format ResourceIdOnly/)
})

describe('change details', () => {
  const result = (...changes: unknown[]) => ({ status: 'Succeeded', changes })
  const id = assignmentId(`/subscriptions/${SUB1}`, 'jit')

  test('Deploy is an update; the type is matched in any case; ids without a provider tail and Bicep extensible resources are skipped', () => {
    const { changes } = readValue(
      result(
        {
          resourceId: id,
          changeType: 'Deploy',
          before: { id, properties: {} },
          after: { properties: { policyDefinitionId: JIT } }
        },
        { resourceId: `/subscriptions/${SUB1}/resourceGroups/rg`, changeType: 'Create' },
        { identifiers: { name: 'x' }, changeType: 'Create', symbolicName: 'graphApp' },
        {
          resourceId: `/subscriptions/${SUB1}/providers/microsoft.authorization/POLICYASSIGNMENTS/lower`,
          changeType: 'create',
          after: {}
        }
      )
    )
    expect(changes.map((change) => [change.action, change.id])).toEqual([
      ['update', id],
      ['create', `/subscriptions/${SUB1}/providers/microsoft.authorization/POLICYASSIGNMENTS/lower`]
    ])
    // A snapshot without id or name takes them from the change; assignments get their scope.
    expect(changes[0]?.after).toEqual({
      id,
      name: 'jit',
      type: 'Microsoft.Authorization/policyAssignments',
      properties: { policyDefinitionId: JIT, scope: `/subscriptions/${SUB1}` }
    })
    expect(changes[1]?.after?.type).toBe('Microsoft.Authorization/policyAssignments')
  })

  test('an id with a template expression in it is unknown', () => {
    const { changes } = readValue(
      result({
        resourceId: assignmentId(`/subscriptions/${SUB1}`, "[parameters('name')]"),
        changeType: 'Create',
        after: { properties: {} }
      })
    )
    expect(changes[0]).toMatchObject({ id: null, unknown: ['$.id', '$.name'] })
  })

  test("an initiative's policy-language expressions are its content, not unresolved template expressions", () => {
    const setId = `${mg('alz')}/providers/Microsoft.Authorization/policySetDefinitions/baseline`
    const { changes } = readValue(
      result({
        resourceId: setId,
        changeType: 'Modify',
        after: {
          properties: {
            description: 'changed',
            parameters: { jitEffect: { type: 'String', defaultValue: 'AuditIfNotExists' } },
            policyDefinitions: [
              {
                policyDefinitionId: JIT,
                policyDefinitionReferenceId: 'jit',
                parameters: { effect: { value: "[parameters('jitEffect')]" } }
              }
            ]
          }
        }
      })
    )
    expect(changes[0]).toMatchObject({ kind: 'setDefinition', unknown: [] })
    // An assignment's parameter is no policy language: an expression there is unresolved.
    const assignment = readValue(
      result({
        resourceId: id,
        changeType: 'Modify',
        after: { properties: { parameters: { effect: { value: "[parameters('jitEffect')]" } } } }
      })
    )
    expect(assignment.changes[0]?.unknown).toEqual(['$.properties.parameters.effect.value'])
  })

  test('an undocumented change type is refused; a change without a type is refused', () => {
    expect(() => readValue(result({ resourceId: id, changeType: 'Replace' }))).toThrow(
      /has changeType "Replace", which the what-if API does not document/
    )
    expect(() => readValue(result({ resourceId: id }))).toThrow(/without `changeType`/)
  })

  test.each([
    ["[reference('x').id]", true],
    ['[[not an expression]', false],
    ["[parameters('a')]", true],
    ['plain', false],
    ['[unterminated', false],
    [42, false]
  ])('isArmExpression(%j) is %s', (value, expected) => {
    expect(isArmExpression(value)).toBe(expected)
  })
})

describe('what-ifs that did not succeed are refused', () => {
  test('a failed REST result, with its message', () => {
    try {
      readFixture('bad/what-if-failed.json')
      throw new Error('accepted')
    } catch (error) {
      expect(error).toBeInstanceOf(PlanFileError)
      expect((error as Error).message).toBe(
        'planned-changes: fixtures/plans/bad/what-if-failed.json: is a what-if that did not succeed (status "Failed": The template deployment \'policy\' is not valid according to the validation procedure. See inner errors for details.). Fix the deployment so that what-if succeeds, then give its result.'
      )
    }
  })

  test('a status other than Succeeded, or an error beside the changes', () => {
    expect(() => readValue({ status: 'Running', changes: [] })).toThrow(/status "Running"/)
    expect(() => readValue({ changes: [], error: { code: 'X' } })).toThrow(/status "unknown"/)
    expect(readValue({ status: 'succeeded', properties: { changes: [] } }).changes).toEqual([])
  })
})
