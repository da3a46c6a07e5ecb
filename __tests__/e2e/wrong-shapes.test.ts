// The wrong-shape table (issue 20, "Wrong shapes"): every field the rule reads, served with a type
// Azure's REST specification does not give it, through the bundle on both engines. Each wrong
// shape is an `error` verdict naming the field (or, for the Defender for Servers plan, `partial`
// saying the plan could not be read and why), never a default, and never `compliant`. Each row
// is one subscription of one estate, whose truth without the wrong shape is not `compliant`.
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  JIT_POLICY_DEFINITION_ID,
  guid,
  managementGroupScope,
  policyAssignment,
  policyExemption,
  policySetDefinition,
  serversPricing,
  subscriptionScope,
  type ArmResource,
  type Estate,
  type RawAnswer,
  type Reshape
} from '../../standin/estate/index.ts'
import { runOnFreshStandIn } from './fresh-run.ts'

const TENANT_ID = guid('wrong-shapes/tenant')

/** What one row adds to the estate for its subscription. */
interface Added {
  assignments?: ArmResource[]
  exemptions?: ArmResource[]
  sets?: ArmResource[]
  reshapes?: Reshape[]
  answers?: RawAnswer[]
  /** The subscription's management group; default the tenant root group. */
  managementGroup?: string
  /** Its Defender for Servers plan; default Standard P2. */
  pricing?: ArmResource
}

interface Row {
  /** The field and its wrong type, as the test's name. */
  name: string
  setup: (subscription: string) => Added
  verdict: 'error' | 'partial' | 'noncompliant'
  /** What the reason must say: the field and what it is. */
  reason: RegExp
}

const auditing = (subscription: string, properties: Record<string, unknown> = {}) =>
  policyAssignment(subscriptionScope(subscription), 'jit', {
    policyDefinitionId: JIT_POLICY_DEFINITION_ID,
    parameters: { effect: { value: 'AuditIfNotExists' } },
    ...properties
  })

/** The JIT definition assigned alone at the subscription, with `path` of it reshaped to `value`
 * (or what `value` gives for the subscription): what the reshape says is not compliant, nor what
 * the row's `properties` say. */
function assignmentRow(
  name: string,
  properties: Record<string, unknown>,
  path: string[],
  value: unknown,
  reason: RegExp
): Row {
  return {
    name,
    setup: (subscription) => {
      const assignment = auditing(subscription, properties)
      const served =
        typeof value === 'function' ? (value as (s: string) => unknown)(subscription) : value
      return {
        assignments: [assignment],
        reshapes: [{ id: assignment.id, path, value: served }]
      }
    },
    verdict: 'error',
    reason
  }
}

const field = (path: string, what: string, of: string) =>
  new RegExp(`${path.replace(/[.[\]]/g, '\\$&')} of ${of} '[^']+' ${what}`)
const ofAssignment = (path: string, what: string) => field(path, what, 'policy assignment')
const ofExemption = (path: string, what: string) => field(path, what, 'policy exemption')
const ofSet = (path: string, what: string) =>
  field(path, what, 'policy set definition(?: version)?')
const ofPricing = (path: string, what: string) =>
  new RegExp(
    `Defender for Servers plan could not be read .*${path.replace(/\./g, '\\.')} of Defender for Cloud pricing '[^']+' ${what}`
  )

const disabledOverride = { kind: 'policyEffect', value: 'Disabled' }
const ASSIGNMENT_ROWS: Row[] = [
  ...(
    [
      ['a string', 'Disabled'],
      ['a list', ['Disabled']],
      ['a JSON string', '{"value":"Disabled"}']
    ] as const
  ).map(([what, value]) =>
    assignmentRow(
      `parameters.effect as ${what}`,
      {},
      ['properties', 'parameters', 'effect'],
      value,
      ofAssignment(
        'properties.parameters.effect',
        `is ${what === 'a JSON string' ? 'a string' : what}, not an object`
      )
    )
  ),
  assignmentRow(
    'parameters.effect with Value, not value',
    {},
    ['properties', 'parameters', 'effect'],
    { Value: 'Disabled' },
    ofAssignment('properties.parameters.effect', 'is an object without value')
  ),
  assignmentRow(
    'parameters as a list',
    {},
    ['properties', 'parameters'],
    [{ effect: { value: 'Disabled' } }],
    ofAssignment('properties.parameters', 'is a list, not an object')
  ),
  assignmentRow(
    'overrides as an object',
    {},
    ['properties', 'overrides'],
    disabledOverride,
    ofAssignment('properties.overrides', 'is an object, not a list')
  ),
  assignmentRow(
    'an override kind of null',
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, kind: null }],
    ofAssignment('properties.overrides[0].kind', 'is null, not a string')
  ),
  assignmentRow(
    'an override kind with a trailing space',
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, kind: 'policyEffect ' }],
    ofAssignment(
      'properties.overrides[0].kind',
      "is 'policyEffect ', which Azure does not document"
    )
  ),
  assignmentRow(
    'an override value as a number',
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, value: 0 }],
    ofAssignment('properties.overrides[0].value', 'is a number, not a string')
  ),
  assignmentRow(
    "an override selector's in list of objects",
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, selectors: [{ kind: 'resourceLocation', in: [{ name: 'eastus' }] }] }],
    ofAssignment('properties.overrides[0].selectors[0].in[0]', 'is an object, not a string')
  ),
  // Learn: a selector's `in` "can't be used with `notIn`", and it has one of them.
  assignmentRow(
    'an override selector with both in and notIn',
    {},
    ['properties', 'overrides'],
    [
      {
        ...disabledOverride,
        selectors: [{ kind: 'resourceLocation', in: ['eastus'], notIn: ['eastus'] }]
      }
    ],
    ofAssignment(
      'properties.overrides[0].selectors[0]',
      'is a selector with both `in` and `notIn`, not a selector with one list, `in` or `notIn`'
    )
  ),
  assignmentRow(
    'an override selector with neither in nor notIn',
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, selectors: [{ kind: 'resourceLocation' }] }],
    ofAssignment(
      'properties.overrides[0].selectors[0]',
      'is a selector with neither `in` nor `notIn`, not a selector with one list, `in` or `notIn`'
    )
  ),
  assignmentRow(
    'a resource selector with both in and notIn',
    {},
    ['properties', 'resourceSelectors'],
    [
      {
        name: 'vms',
        selectors: [
          {
            kind: 'resourceType',
            in: ['Microsoft.Compute/virtualMachines'],
            notIn: ['Microsoft.Compute/virtualMachines']
          }
        ]
      }
    ],
    ofAssignment(
      'properties.resourceSelectors[0].selectors[0]',
      'is a selector with both `in` and `notIn`, not a selector with one list, `in` or `notIn`'
    )
  ),
  assignmentRow(
    'override selectors as an object',
    {},
    ['properties', 'overrides'],
    [{ ...disabledOverride, selectors: { kind: 'resourceLocation', in: ['eastus'] } }],
    ofAssignment('properties.overrides[0].selectors', 'is an object, not a list')
  ),
  assignmentRow(
    "a resource selector's notIn list of objects",
    {},
    ['properties', 'resourceSelectors'],
    [{ name: 'vms', selectors: [{ kind: 'resourceLocation', notIn: [{ name: 'eastus' }] }] }],
    ofAssignment(
      'properties.resourceSelectors[0].selectors[0].notIn[0]',
      'is an object, not a string'
    )
  ),
  assignmentRow(
    'a selector kind of a number',
    {},
    ['properties', 'resourceSelectors'],
    [{ name: 'vms', selectors: [{ kind: 1, in: ['eastus'] }] }],
    ofAssignment('properties.resourceSelectors[0].selectors[0].kind', 'is a number, not a string')
  ),
  assignmentRow(
    'notScopes as a string',
    {},
    ['properties', 'notScopes'],
    (subscription: string) => subscriptionScope(subscription),
    ofAssignment('properties.notScopes', 'is a string, not a list')
  ),
  assignmentRow(
    'notScopes as a list of objects',
    {},
    ['properties', 'notScopes'],
    (subscription: string) => [{ id: subscriptionScope(subscription) }],
    ofAssignment('properties.notScopes[0]', 'is an object, not a string')
  ),
  assignmentRow(
    'enforcementMode as a number',
    { parameters: { effect: { value: 'Disabled' } } },
    ['properties', 'enforcementMode'],
    0,
    ofAssignment('properties.enforcementMode', 'is a number, not a string')
  ),
  assignmentRow(
    'definitionVersion as a number',
    { parameters: { effect: { value: 'Disabled' } } },
    ['properties', 'definitionVersion'],
    1,
    ofAssignment('properties.definitionVersion', 'is a number, not a string')
  ),
  assignmentRow(
    'displayName as an object',
    { parameters: { effect: { value: 'Disabled' } } },
    ['properties', 'displayName'],
    { text: 'JIT' },
    ofAssignment('properties.displayName', 'is an object, not a string')
  ),
  assignmentRow(
    'policyDefinitionId as a list',
    {},
    ['properties', 'policyDefinitionId'],
    [JIT_POLICY_DEFINITION_ID],
    ofAssignment('properties.policyDefinitionId', 'is a list, not a string')
  )
]

/** A custom initiative at the subscription, its JIT reference bound to the set's jitEffect
 * (default Disabled), assigned there; `path` of the set reshaped to `value`. */
function setRow(name: string, path: string[], value: unknown, reason: RegExp): Row {
  return {
    name,
    setup: (subscription) => {
      const set = policySetDefinition(subscriptionScope(subscription), 'baseline', {
        parameters: { jitEffect: { type: 'String', defaultValue: 'Disabled' } },
        policyDefinitions: [
          {
            policyDefinitionId: JIT_POLICY_DEFINITION_ID,
            policyDefinitionReferenceId: 'jit',
            parameters: { effect: { value: "[parameters('jitEffect')]" } }
          }
        ]
      })
      const assignment = policyAssignment(subscriptionScope(subscription), 'baseline', {
        policyDefinitionId: set.id
      })
      return {
        sets: [set],
        assignments: [assignment],
        reshapes: [{ id: set.id, path, value }]
      }
    },
    verdict: 'error',
    reason
  }
}

const SET_ROWS: Row[] = [
  setRow(
    "a reference's parameters.effect without its value",
    ['properties', 'policyDefinitions', '0'],
    {
      policyDefinitionId: JIT_POLICY_DEFINITION_ID,
      policyDefinitionReferenceId: 'jit',
      parameters: { effect: 'Disabled' }
    },
    ofSet('properties.policyDefinitions[0].parameters.effect', 'is a string, not an object')
  ),
  setRow(
    'policyDefinitions as an object',
    ['properties', 'policyDefinitions'],
    { policyDefinitionId: JIT_POLICY_DEFINITION_ID, policyDefinitionReferenceId: 'jit' },
    ofSet('properties.policyDefinitions', 'is an object, not a list')
  ),
  setRow(
    'a policyDefinitionReferenceId as a number',
    ['properties', 'policyDefinitions', '0', 'policyDefinitionReferenceId'],
    7,
    ofSet(
      'properties.policyDefinitions[0].policyDefinitionReferenceId',
      'is a number, not a string'
    )
  ),
  setRow(
    'a parameter definition as a string',
    ['properties', 'parameters', 'jitEffect'],
    'AuditIfNotExists',
    ofSet('properties.parameters.jitEffect', 'is a string, not an object')
  ),
  setRow(
    "a parameter definition's allowedValues as a string",
    ['properties', 'parameters', 'jitEffect', 'allowedValues'],
    'AuditIfNotExists',
    ofSet('properties.parameters.jitEffect.allowedValues', 'is a string, not a list')
  )
]

/** An auditing assignment at the subscription, exempted there for its whole scope: not
 * compliant; `path` of the exemption reshaped to `value`. */
function exemptionRow(name: string, path: string[], value: unknown, reason: RegExp): Row {
  return {
    name,
    setup: (subscription) => {
      const assignment = auditing(subscription)
      const exemption = policyExemption(subscriptionScope(subscription), 'waiver', {
        policyAssignmentId: assignment.id
      })
      return {
        assignments: [assignment],
        exemptions: [exemption],
        reshapes: [{ id: exemption.id, path, value }]
      }
    },
    verdict: 'error',
    reason
  }
}

const EXEMPTION_ROWS: Row[] = [
  exemptionRow(
    'policyDefinitionReferenceIds as a string',
    ['properties', 'policyDefinitionReferenceIds'],
    'jit',
    ofExemption('properties.policyDefinitionReferenceIds', 'is a string, not a list')
  ),
  exemptionRow(
    'expiresOn as a number',
    ['properties', 'expiresOn'],
    1_700_000_000,
    ofExemption('properties.expiresOn', 'is a number, not a string')
  ),
  exemptionRow(
    'exemptionCategory as a number',
    ['properties', 'exemptionCategory'],
    1,
    ofExemption('properties.exemptionCategory', 'is a number, not a string')
  ),
  exemptionRow(
    'resourceSelectors as an object',
    ['properties', 'resourceSelectors'],
    { name: 'vms', selectors: [] },
    ofExemption('properties.resourceSelectors', 'is an object, not a list')
  ),
  exemptionRow(
    'a resource selector with both in and notIn',
    ['properties', 'resourceSelectors'],
    [
      {
        name: 'storage',
        selectors: [
          {
            kind: 'resourceType',
            in: ['Microsoft.Storage/storageAccounts'],
            notIn: ['Microsoft.Storage/storageAccounts']
          }
        ]
      }
    ],
    ofExemption(
      'properties.resourceSelectors[0].selectors[0]',
      'is a selector with both `in` and `notIn`, not a selector with one list, `in` or `notIn`'
    )
  ),
  exemptionRow(
    'policyAssignmentId as a number',
    ['properties', 'policyAssignmentId'],
    5,
    ofExemption('properties.policyAssignmentId', 'is a number, not a string')
  )
]

/** An auditing assignment and a Plan 2 pricing whose `path` is reshaped to `value` (or removed):
 * the plan unknown, the verdict is partial. */
function pricingRow(name: string, path: string[], value: unknown, reason: RegExp): Row {
  return {
    name,
    setup: (subscription) => {
      const pricing = serversPricing(subscription, 'Standard', 'P2')
      return {
        assignments: [auditing(subscription)],
        pricing,
        reshapes: [
          value === undefined
            ? { id: pricing.id, path, remove: true }
            : { id: pricing.id, path, value }
        ]
      }
    },
    verdict: 'partial',
    reason
  }
}

const PRICING_ROWS: Row[] = [
  pricingRow(
    'subPlan as a number',
    ['properties', 'subPlan'],
    2,
    ofPricing('properties.subPlan', 'is a number, not a string')
  ),
  pricingRow(
    'pricingTier as a number',
    ['properties', 'pricingTier'],
    1,
    ofPricing('properties.pricingTier', 'is a number, not a string')
  ),
  pricingRow(
    'resourcesCoverageStatus as true or false',
    ['properties', 'resourcesCoverageStatus'],
    true,
    ofPricing('properties.resourcesCoverageStatus', 'is true or false, not a string')
  ),
  pricingRow(
    'no properties',
    ['properties'],
    undefined,
    ofPricing('properties', 'is missing, not an object')
  )
]

/** A subscription in its own management group `group`, below `outer`, where the JIT definition is
 * assigned (auditing) with `group` as a notScope: not compliant. The group's descendants answer
 * `entry` for the subscription. */
function descendantRow(
  name: string,
  group: string,
  entry: (subscription: string) => Record<string, unknown>,
  verdict: Row['verdict'],
  reason: RegExp
): Row {
  return {
    name,
    setup: (subscription) => ({
      managementGroup: group,
      assignments: [
        policyAssignment(managementGroupScope(`${group}-outer`), 'jit', {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID,
          notScopes: [managementGroupScope(group)]
        })
      ],
      answers: [
        {
          path: `${managementGroupScope(group)}/descendants`,
          status: 200,
          body: { value: [entry(subscription)] }
        }
      ]
    }),
    verdict,
    reason
  }
}

const subscriptionEntry = (subscription: string) => ({
  id: `${managementGroupScope('x')}/subscriptions/${subscription}`,
  type: 'Microsoft.Management/managementGroups/subscriptions',
  name: subscription
})

const DESCENDANT_ROWS: Row[] = [
  descendantRow(
    'a descendant subscription without properties.parent is below the group',
    'excluded-a',
    (subscription) => ({ ...subscriptionEntry(subscription), properties: { displayName: 'a' } }),
    'noncompliant',
    /excludes management group \/providers\/Microsoft\.Management\/managementGroups\/excluded-a, which contains/
  ),
  descendantRow(
    'a descendant subscription whose parent names another group is below the group',
    'excluded-b',
    (subscription) => ({
      ...subscriptionEntry(subscription),
      properties: { parent: { id: managementGroupScope('elsewhere') } }
    }),
    'noncompliant',
    /excludes management group \/providers\/Microsoft\.Management\/managementGroups\/excluded-b, which contains/
  ),
  descendantRow(
    "a descendant's name as a number",
    'excluded-c',
    (subscription) => ({ ...subscriptionEntry(subscription), name: 7 }),
    'error',
    /name of management group descendant '[^']+' is a number, not a string/
  )
]

const ROWS: Row[] = [
  ...ASSIGNMENT_ROWS,
  ...SET_ROWS,
  ...EXEMPTION_ROWS,
  ...PRICING_ROWS,
  ...DESCENDANT_ROWS
]
const subscriptionOf = (index: number) => guid(`wrong-shapes/subscription/${index}`)

/** One estate: each row's subscription with what the row adds. */
function estate(): Estate {
  const added = ROWS.map((row, index) => row.setup(subscriptionOf(index)))
  const groups = added.flatMap((a) => (a.managementGroup ? [a.managementGroup] : []))
  return {
    tenantId: TENANT_ID,
    clientId: guid('wrong-shapes/client'),
    managementGroups: groups.flatMap((group) => [
      { name: `${group}-outer` },
      { name: group, parent: `${group}-outer` }
    ]),
    subscriptions: added.map((a, index) => ({
      subscriptionId: subscriptionOf(index),
      ...(a.managementGroup ? { managementGroup: a.managementGroup } : {})
    })),
    policyAssignments: added.flatMap((a) => a.assignments ?? []),
    policyExemptions: added.flatMap((a) => a.exemptions ?? []),
    policySetDefinitions: added.flatMap((a) => a.sets ?? []),
    pricings: added.map(
      (a, index) => a.pricing ?? serversPricing(subscriptionOf(index), 'Standard', 'P2')
    ),
    reshapes: added.flatMap((a) => a.reshapes ?? []),
    answers: added.flatMap((a) => a.answers ?? [])
  }
}

interface Result {
  subscriptionId: string
  verdict: string
  reason: string
}

describe.each(['resource-manager', 'resource-graph'])('wrong shapes, %s engine', (engine) => {
  const results = new Map<string, Result>()
  let stderr = ''

  test('every subscription gets a verdict, and none is compliant', async () => {
    const ids = ROWS.map((_, index) => subscriptionOf(index))
    await runOnFreshStandIn(estate(), { subscriptions: ids.join('\n'), engine }, async (run) => {
      const file = run.outputs['results-file'] ?? ''
      for (const result of JSON.parse(await readFile(file, 'utf8')) as Result[])
        results.set(result.subscriptionId, result)
      stderr = run.stderr
    })
    expect(stderr).toBe('')
    expect([...results.keys()].sort()).toEqual([...ids].sort())
    expect([...results.values()].filter((result) => result.verdict === 'compliant')).toEqual([])
  }, 120_000)

  test.each(ROWS.map((row, index) => [row.name, row, index] as const))(
    '%s',
    (_name, row, index) => {
      const result = results.get(subscriptionOf(index))
      expect({ verdict: result?.verdict, reason: result?.reason }).toEqual({
        verdict: row.verdict,
        reason: expect.stringMatching(row.reason)
      })
    }
  )
})
