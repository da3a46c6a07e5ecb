// The estate after a change (src/plan/overlay.ts) decided now and after (src/planned-verdicts.ts):
// each way a change turns JIT off, a change that fixes a subscription, one that does not reach it,
// and values known only after apply.
import { describe, expect, test } from '@jest/globals'
import type { PolicyAssignment, SubscriptionSnapshot } from '../../src/model.ts'
import { jsonPath } from '../../src/plan/arm.ts'
import { overlayChanges, scopeReaches } from '../../src/plan/overlay.ts'
import type { PlannedChange } from '../../src/plan/types.ts'
import { decideNowAndAfter } from '../../src/planned-verdicts.ts'
import { plannedChange, readValue, terraformPlan } from './helpers.ts'
import {
  OTHER_SUBSCRIPTION,
  SUBSCRIPTION,
  SUBSCRIPTION_SCOPE,
  CMMC_L3,
  assignment,
  builtInSet,
  exemption,
  groupId,
  snapshot
} from '../evaluate/builders.ts'

const AUDITED = assignment({ name: 'jit', parameters: { effect: { value: 'AuditIfNotExists' } } })
const PLAN_2 = { pricingTier: 'Standard', subPlan: 'P2' }

/** An assignment in ARM's REST shape, as the plan readers write it. */
function armAssignment(fields: PolicyAssignment) {
  const { id, name, displayName, scope, policyDefinitionId, notScopes, parameters } = fields
  const { enforcementMode, overrides, resourceSelectors } = fields
  return {
    id,
    name,
    type: 'Microsoft.Authorization/policyAssignments',
    properties: {
      displayName,
      scope,
      policyDefinitionId,
      notScopes,
      parameters,
      enforcementMode,
      overrides,
      resourceSelectors
    }
  }
}

const change = (fields: Partial<PlannedChange>) => plannedChange(fields)

function updateAssignment(fields: Partial<PolicyAssignment>, unknown: string[] = []) {
  const after = { ...AUDITED, ...fields }
  return change({
    kind: 'assignment',
    action: 'update',
    id: AUDITED.id,
    before: armAssignment(AUDITED),
    after: armAssignment(after),
    unknown
  })
}

/** An exemption `waive` of AUDITED created at the subscription, of `exemptionCategory`. */
function createdWaiver(exemptionCategory: string | null, unknown: string[] = []) {
  const id = `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/policyExemptions/waive`
  return change({
    kind: 'exemption',
    action: 'create',
    id,
    after: {
      id,
      name: 'waive',
      type: 'Microsoft.Authorization/policyExemptions',
      properties: { policyAssignmentId: AUDITED.id, exemptionCategory }
    },
    unknown
  })
}

/** A Terraform plan's waiver of AUDITED whose name is known only after apply (random_uuid), at
 * `subscriptionId` (null: known only after apply too). */
function waiverNamedAtApply(subscriptionId: string | null) {
  return readValue(
    terraformPlan([
      {
        address: 'azurerm_subscription_policy_exemption.waiver',
        type: 'azurerm_subscription_policy_exemption',
        actions: ['create'],
        after: {
          name: null,
          subscription_id: subscriptionId,
          policy_assignment_id: AUDITED.id,
          exemption_category: 'Waiver'
        },
        afterUnknown: {
          id: true,
          name: true,
          ...(subscriptionId === null ? { subscription_id: true } : {})
        }
      }
    ])
  ).changes
}

function decide(
  changes: PlannedChange[],
  estate: SubscriptionSnapshot = snapshot([AUDITED], [], { defenderForServers: PLAN_2 }),
  above: string[] = []
) {
  const groups = new Set(above.map((id) => id.toLowerCase()))
  const overlay = {
    lay: (live: SubscriptionSnapshot) => overlayChanges(live, changes, groups),
    declaredAt: (found: PlannedChange) =>
      found.source.address === 'azurerm_x.y' ? { file: 'policy.tf', line: 3 } : null
  }
  return decideNowAndAfter(estate, overlay, { failOn: new Set(['noncompliant', 'error']) })
}

describe('each way a change turns JIT off is decided after the change', () => {
  test.each([
    ['a Disabled parameter', { parameters: { effect: { value: 'Disabled' } } }],
    ['an override to Disabled', { overrides: [{ kind: 'policyEffect', value: 'Disabled' }] }],
    ['a notScope of the subscription', { notScopes: [SUBSCRIPTION_SCOPE] }],
    [
      'resource selectors that leave out virtual machines',
      {
        resourceSelectors: [
          {
            name: 'storage only',
            selectors: [{ kind: 'resourceType', in: ['Microsoft.Storage/storageAccounts'] }]
          }
        ]
      }
    ]
  ])('%s', (_, fields) => {
    const result = decide([updateAssignment(fields as Partial<PolicyAssignment>)])
    expect(result.currentVerdict).toBe('compliant')
    expect(['noncompliant', 'partial']).toContain(result.verdict)
    expect(result.plannedChanges).toEqual([
      {
        address: 'azurerm_x.y',
        file: 'plan.json',
        format: 'terraform',
        action: 'update',
        declaredAt: { file: 'policy.tf', line: 3 }
      }
    ])
  })

  test('a deleted assignment', () => {
    const result = decide([change({ kind: 'assignment', action: 'delete', id: AUDITED.id })])
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'noncompliant' })
  })

  test('an exemption of the subscription', () => {
    expect(decide([createdWaiver('Waiver')])).toMatchObject({
      currentVerdict: 'compliant',
      verdict: 'noncompliant'
    })
  })

  test('Defender for Servers off Plan 2, and a deleted pricing (the Free tier)', () => {
    const id = `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Security/pricings/VirtualMachines`
    const pricing = (properties: Record<string, unknown>) =>
      change({
        kind: 'pricing',
        action: 'update',
        id,
        after: { id, name: 'VirtualMachines', type: 'Microsoft.Security/pricings', properties }
      })
    const p1 = decide([pricing({ pricingTier: 'Standard', subPlan: 'P1' })])
    expect(p1.currentVerdict).toBe('compliant')
    expect(p1.verdict).not.toBe('compliant')
    const deleted = decide([change({ kind: 'pricing', action: 'delete', id })])
    expect(deleted.verdict).not.toBe('compliant')
  })
})

test('a replacement that moves the auditing assignment to another subscription leaves this one unaudited', () => {
  const values = (subscription: string) => ({
    name: 'jit',
    subscription_id: `/subscriptions/${subscription}`,
    policy_definition_id: AUDITED.policyDefinitionId,
    enforce: true,
    parameters: JSON.stringify(AUDITED.parameters)
  })
  const { changes } = readValue(
    terraformPlan([
      {
        address: 'azurerm_subscription_policy_assignment.jit',
        type: 'azurerm_subscription_policy_assignment',
        actions: ['create', 'delete'],
        before: { ...values(SUBSCRIPTION), id: AUDITED.id },
        after: values(OTHER_SUBSCRIPTION),
        afterUnknown: { id: true }
      }
    ])
  )
  expect(decide(changes)).toMatchObject({ currentVerdict: 'compliant', verdict: 'noncompliant' })
})

test('an exemption whose name is known only after apply (random_uuid) still waives JIT where its scope says', () => {
  const changes = waiverNamedAtApply(SUBSCRIPTION_SCOPE)
  expect(decide(changes)).toMatchObject({ currentVerdict: 'compliant', verdict: 'noncompliant' })
})

describe("the Defender for Servers plan: the subscription's and a resource's own", () => {
  const SUBSCRIPTION_PRICING = `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Security/pricings/VirtualMachines`
  const pricing = (id: string, properties: Record<string, unknown>) =>
    change({
      kind: 'pricing',
      action: 'update',
      id,
      after: { id, name: 'VirtualMachines', type: 'Microsoft.Security/pricings', properties }
    })
  const partlyCovered = snapshot([AUDITED], [], {
    defenderForServers: { ...PLAN_2, resourcesCoverageStatus: 'PartiallyCovered' }
  })

  test("an update of the subscription's plan keeps the resources' own plans, unless it enforces", () => {
    const kept = decide([pricing(SUBSCRIPTION_PRICING, PLAN_2)], partlyCovered)
    expect(kept).toMatchObject({ currentVerdict: 'partial', verdict: 'partial' })
    const enforced = decide(
      [pricing(SUBSCRIPTION_PRICING, { ...PLAN_2, enforce: 'True' })],
      partlyCovered
    )
    expect(enforced).toMatchObject({ currentVerdict: 'partial', verdict: 'compliant' })
  })

  test("a resource's own plan is not the subscription's: Standard on one machine does not cover the rest", () => {
    const vm = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`
    const onOne = pricing(`${vm}/providers/Microsoft.Security/pricings/VirtualMachines`, {
      pricingTier: 'Standard',
      subPlan: 'P1'
    })
    const free = snapshot([AUDITED], [], { defenderForServers: { pricingTier: 'Free' } })
    expect(decide([onOne], free).verdict).toBe(decide([], free).verdict)
    // Under Plan 2, a machine set apart on P1 leaves the subscription partly covered.
    expect(decide([onOne])).toMatchObject({ currentVerdict: 'compliant', verdict: 'partial' })
    const removed = change({ kind: 'pricing', action: 'delete', id: onOne.id })
    expect(decide([removed])).toMatchObject({ currentVerdict: 'compliant', verdict: 'compliant' })
  })
})

test('an exemption whose name and subscription are both known only after apply: not decided where it may be', () => {
  const changes = waiverNamedAtApply(null)
  expect(decide(changes)).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
})

describe('a scope known only after apply', () => {
  test.each([
    // Terraform writes an element known only after apply as null.
    ['one notScope', '$.properties.notScopes[0]', { notScopes: [null as unknown as string] }],
    ['the whole notScopes list', '$.properties.notScopes', { notScopes: [] }]
  ])(
    '%s (a resource group the plan creates, say) cannot be decided before apply',
    (_, path, fields) => {
      const result = decide([updateAssignment(fields, [path])])
      expect(result.currentVerdict).toBe('compliant')
      expect(result.verdict).toBe('error')
      expect(result.reason).toMatch(/cannot be decided before apply/)
      expect(result.reason).toContain('notScopes')
    }
  )
})

describe('what a change does not make worse', () => {
  test('a change that fixes the subscription shows the improvement', () => {
    const disabled = assignment({ name: 'jit', parameters: { effect: { value: 'Disabled' } } })
    const result = decide(
      [updateAssignment({ parameters: { effect: { value: 'AuditIfNotExists' } } })],
      snapshot([disabled], [], { defenderForServers: PLAN_2 })
    )
    expect(result).toMatchObject({ currentVerdict: 'noncompliant', verdict: 'compliant' })
  })

  test('a change at another subscription or a management group above none changes nothing', () => {
    const elsewhere = assignment({
      name: 'jit',
      scope: `/subscriptions/${OTHER_SUBSCRIPTION}`
    })
    const result = decide([
      change({ kind: 'assignment', action: 'delete', id: elsewhere.id }),
      change({
        kind: 'assignment',
        action: 'delete',
        id: `${groupId('other')}/providers/Microsoft.Authorization/policyAssignments/jit`
      })
    ])
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'compliant' })
    expect(result.plannedChanges).toBeUndefined()
  })

  test('an assignment created at a management group above the subscription reaches it', () => {
    const id = `${groupId('corp')}/providers/Microsoft.Authorization/policyAssignments/jit`
    const created = assignment({ name: 'jit', scope: groupId('corp') })
    const result = decide(
      [
        change({
          kind: 'assignment',
          action: 'create',
          id,
          after: armAssignment({ ...created, id })
        })
      ],
      snapshot([], [], { defenderForServers: PLAN_2 }),
      [groupId('corp')]
    )
    expect(result).toMatchObject({ currentVerdict: 'noncompliant', verdict: 'compliant' })
  })
})

describe('values known only after apply', () => {
  test('an effect known only after apply: cannot be decided before apply, naming it', () => {
    const result = decide([
      updateAssignment({ parameters: {} }, ['$.properties.parameters.effect.value'])
    ])
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain('cannot be decided before apply')
    expect(result.reason).toContain('azurerm_x.y (plan.json)')
    expect(result.reason).toContain('`$.properties.parameters.effect.value`')
    expect(result.currentVerdict).toBe('compliant')
  })

  test("a parameter whose name is no identifier (CMMC's effect-b0f33259-…), known only after apply: tried, not read as null", () => {
    const name = 'effect-b0f33259-77d7-4c9e-aac6-3aabcfae693c'
    const cmmc = assignment({
      name: 'cmmc',
      policyDefinitionId: builtInSet(CMMC_L3).id,
      parameters: { [name]: { value: 'AuditIfNotExists' } }
    })
    const estate = snapshot([cmmc], [builtInSet(CMMC_L3)], { defenderForServers: PLAN_2 })
    const armCmmc = armAssignment(cmmc)
    const update = change({
      kind: 'assignment',
      action: 'update',
      id: cmmc.id,
      before: armCmmc,
      after: {
        ...armCmmc,
        properties: { ...armCmmc.properties, parameters: { [name]: { value: null } } }
      },
      unknown: [jsonPath(['properties', 'parameters', name, 'value'])]
    })
    const result = decide([update], estate)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain(`\`$.properties.parameters['${name}'].value\``)
  })

  test('parameters known only after apply, whole: cannot be decided before apply', () => {
    const result = decide([updateAssignment({ parameters: {} }, ['$.properties.parameters'])])
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('`$.properties.parameters`')
  })

  test('a value the verdict does not depend on (metadata, id) counts for nothing', () => {
    const result = decide([updateAssignment({}, ['$.properties.metadata', '$.id'])])
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'compliant' })
  })

  test('a pricing whose subscription the plan does not say is not guessed', () => {
    const after = {
      id: null,
      name: 'VirtualMachines',
      type: 'Microsoft.Security/pricings',
      properties: { pricingTier: 'Free' }
    }
    const result = decide([change({ kind: 'pricing', action: 'create', id: null, after })])
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain('where it is (its subscription or scope)')
    const same = decide([
      change({
        kind: 'pricing',
        action: 'create',
        id: null,
        after: { ...after, properties: { pricingTier: 'Standard', subPlan: 'P2' } }
      })
    ])
    expect(same.verdict).toBe('compliant')
  })
})

describe('a resource the plan does not describe is tried as kept, gone and at its widest', () => {
  const WAIVER_ID = `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/policyExemptions/jit-waiver`
  const waived = snapshot([AUDITED], [], {
    defenderForServers: PLAN_2,
    exemptions: [exemption(AUDITED, { name: 'jit-waiver' })]
  })
  const whatIf = (changes: unknown[], potentialChanges: unknown[] = []) =>
    readValue({ status: 'Succeeded', properties: { changes, potentialChanges } }).changes

  test('a Modify without resource payloads (ResourceIdOnly) of a waiver: not decided, never compliant', () => {
    const result = decide(whatIf([{ resourceId: WAIVER_ID, changeType: 'Modify' }]), waived)
    expect(result).toMatchObject({ currentVerdict: 'noncompliant', verdict: 'error' })
    expect(result.reason).toContain('the plan does not say what')
    expect(result.reason).toContain('ResourceIdOnly')
  })

  test("a resource what-if cannot analyse (Unsupported): not decided, with what-if's reason", () => {
    const changes = whatIf([
      { resourceId: WAIVER_ID, changeType: 'Unsupported', unsupportedReason: 'nested template' }
    ])
    const result = decide(changes, waived)
    expect(result).toMatchObject({ currentVerdict: 'noncompliant', verdict: 'error' })
    expect(result.reason).toContain('nested template')
  })

  test('a Modify without payloads of the auditing assignment: not decided, not a confident noncompliant', () => {
    const result = decide(whatIf([{ resourceId: AUDITED.id, changeType: 'Modify' }]))
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
  })

  test('a Create without payloads of an exemption: it could waive the audit', () => {
    const result = decide(whatIf([{ resourceId: WAIVER_ID, changeType: 'Create' }]))
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
  })

  test('an expired exemption rewritten by an azapi body known only after apply: it could waive JIT again', () => {
    const narrow = exemption(AUDITED, { name: 'jit-waiver', expiresOn: '2020-01-01T00:00:00Z' })
    const estate = snapshot([AUDITED], [], { defenderForServers: PLAN_2, exemptions: [narrow] })
    const armNarrow = {
      id: narrow.id,
      name: narrow.name,
      type: 'Microsoft.Authorization/policyExemptions',
      properties: {
        policyAssignmentId: AUDITED.id,
        exemptionCategory: 'Waiver',
        expiresOn: '2020-01-01T00:00:00Z'
      }
    }
    const update = change({
      kind: 'exemption',
      action: 'update',
      id: narrow.id,
      before: armNarrow,
      after: { ...armNarrow, properties: {} },
      unknown: ['$.properties']
    })
    const result = decide([update], estate)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('cannot be decided before apply')
  })

  test('a potential change that would fix the subscription does not pass it: it may not be made', () => {
    const id = `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/policyAssignments/jit`
    const potential = whatIf(
      [],
      [
        {
          resourceId: id,
          changeType: 'Create',
          after: {
            id,
            name: 'jit',
            type: 'Microsoft.Authorization/policyAssignments',
            properties: armAssignment(AUDITED).properties
          }
        }
      ]
    )
    const bare = snapshot([], [], { defenderForServers: PLAN_2 })
    expect(decide(potential, bare)).toMatchObject({
      currentVerdict: 'noncompliant',
      verdict: 'error'
    })
  })

  test('azapi_update_resource of the auditing assignment: not decided, never passed as it was', () => {
    const { changes } = readValue(
      terraformPlan([
        {
          address: 'azapi_update_resource.jit_off',
          type: 'azapi_update_resource',
          actions: ['create'],
          after: {
            type: 'Microsoft.Authorization/policyAssignments@2024-04-01',
            resource_id: AUDITED.id,
            body: { properties: { parameters: { effect: { value: 'Disabled' } } } }
          }
        }
      ])
    )
    const result = decide(changes)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('azapi_update_resource.jit_off')
  })

  test('where no way the resource could turn out changes the verdict, the verdict stands', () => {
    const off = assignment({ name: 'jit', parameters: { effect: { value: 'Disabled' } } })
    const estate = snapshot([off], [], {
      defenderForServers: PLAN_2,
      exemptions: [exemption(off, { name: 'jit-waiver' })]
    })
    const result = decide(whatIf([{ resourceId: WAIVER_ID, changeType: 'Modify' }]), estate)
    expect(result).toMatchObject({ currentVerdict: 'noncompliant', verdict: 'noncompliant' })
  })
})

test('a resource after the change that ARM would refuse: error naming it', () => {
  const bad = change({
    kind: 'assignment',
    action: 'update',
    id: AUDITED.id,
    after: {
      id: AUDITED.id,
      name: 'jit',
      type: 'Microsoft.Authorization/policyAssignments',
      properties: { policyDefinitionId: 42 }
    }
  })
  const result = decide([bad])
  expect(result).toMatchObject({ verdict: 'error', errorCause: 'undecidable' })
  expect(result.reason).toContain('azurerm_x.y (plan.json)')
  expect(result.reason).toMatch(/; correct the resource in the plan\.$/)
})

test('a required field known only after apply: not decided before apply, not a plan to correct', () => {
  const result = decide([createdWaiver(null, ['$.properties.exemptionCategory'])])
  expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
  expect(result.reason).toContain(
    'cannot be read before apply: `$.properties.exemptionCategory` known only after apply'
  )
  expect(result.reason).not.toContain('correct the resource')
})

test('one resource changed by two plan files: not decided, whichever file comes last', () => {
  const deleted = change({
    kind: 'assignment',
    action: 'delete',
    id: AUDITED.id,
    source: { format: 'terraform', file: 'a/tfplan.json', address: 'azurerm_x.jit' }
  })
  const renamed = change({
    ...updateAssignment({ displayName: 'renamed' }),
    source: { format: 'what-if', file: 'b/what-if.json', address: AUDITED.id }
  })
  for (const order of [
    [deleted, renamed],
    [renamed, deleted]
  ]) {
    const result = decide(order)
    expect(result).toMatchObject({ currentVerdict: 'compliant', verdict: 'error' })
    expect(result.reason).toContain('azurerm_x.jit (a/tfplan.json)')
    expect(result.reason).toContain(
      'which applies last depends on the order the deployments run in'
    )
  }
  // Two changes of one resource in one plan keep the plan's order.
  const sameFile = { ...renamed, source: { ...renamed.source, file: 'a/tfplan.json' } }
  expect(decide([sameFile, deleted]).verdict).toBe('noncompliant')
})

test('scopeReaches: the subscription, what is inside it, management groups above, the root', () => {
  const above = new Set([groupId('corp').toLowerCase()])
  expect(scopeReaches(SUBSCRIPTION_SCOPE.toUpperCase(), SUBSCRIPTION, above)).toBe(true)
  expect(scopeReaches(`${SUBSCRIPTION_SCOPE}/resourceGroups/rg`, SUBSCRIPTION, above)).toBe(true)
  expect(scopeReaches(groupId('Corp'), SUBSCRIPTION, above)).toBe(true)
  expect(scopeReaches(groupId('other'), SUBSCRIPTION, above)).toBe(false)
  expect(scopeReaches(`/subscriptions/${OTHER_SUBSCRIPTION}`, SUBSCRIPTION, above)).toBe(false)
})
