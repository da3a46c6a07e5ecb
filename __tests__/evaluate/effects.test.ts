// Effect resolution in hand-made initiatives: literals, parameter expressions, defaults, and the
// values that must not count as auditing.
import { describe, expect, test } from '@jest/globals'
import { evaluateSubscription } from '../../src/evaluate/index.ts'
import type { ParameterDefinition, ParameterValues, PolicyAssignment } from '../../src/model.ts'
import { JIT_POLICY_DEFINITION_NAME } from '../../src/model.ts'
import {
  assignment,
  customSet,
  jitDefinition,
  jitReference,
  snapshot,
  SUBSCRIPTION_SCOPE
} from './builders.ts'

const EFFECT_PARAMETER: Record<string, ParameterDefinition> = {
  jitEffect: {
    type: 'String',
    defaultValue: 'AuditIfNotExists',
    allowedValues: ['AuditIfNotExists', 'Disabled']
  }
}

function evaluateCustom(
  binding: unknown,
  parameters: ParameterValues = {},
  setParameters: Record<string, ParameterDefinition> = EFFECT_PARAMETER
) {
  const set = customSet(
    'custom',
    [jitReference('jit', { effect: { value: binding } })],
    setParameters
  )
  const custom = assignment({
    name: 'custom',
    displayName: 'Custom',
    policyDefinitionId: set.id,
    parameters
  })
  return evaluateSubscription(snapshot([custom], [set]))
}

describe('a reference that binds the effect to an initiative parameter', () => {
  test.each([
    ["[parameters('jitEffect')]"],
    ["[ parameters ( 'jitEffect' ) ]"],
    ["[PARAMETERS('jitEffect')]"],
    ["[parameters('JITEFFECT')]"]
  ])('%s takes the assignment value', (binding) => {
    const result = evaluateCustom(binding, { jitEffect: { value: 'Disabled' } })
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: 'parameter',
      effectParameter: 'jitEffect'
    })
  })

  test('without an assignment value it takes the initiative default', () => {
    const result = evaluateCustom(
      "[parameters('jitEffect')]",
      {},
      {
        jitEffect: { type: 'String', defaultValue: 'Disabled' }
      }
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'Disabled',
      effectSource: 'initiative-default',
      effectParameter: 'jitEffect'
    })
    expect(result.reason).toBe(
      `Assignment 'Custom' at ${SUBSCRIPTION_SCOPE} leaves parameter jitEffect at its initiative default Disabled; set parameter jitEffect to AuditIfNotExists.`
    )
  })

  test('an initiative default of AuditIfNotExists audits', () => {
    const result = evaluateCustom("[parameters('jitEffect')]")
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ effectSource: 'initiative-default' })
  })

  // ARM writes strings in single quotes only (template-expressions); `"` is no string there.
  test.each([
    ['[parameters("jitEffect")]', 'ARM expressions quote strings with single quotes'],
    [
      "[parameters('jitEffect')]",
      "cannot evaluate parameters('jitEffect'): parameter jitEffect has no value (neither the assignment nor the initiative's defaultValue sets one)"
    ],
    ["[parameters('undeclared')]", "cannot evaluate parameters('undeclared')"]
  ])('%s it cannot evaluate is an error naming the part, not a verdict', (binding, why) => {
    const result = evaluateCustom(binding, {}, { jitEffect: { type: 'String' } })
    expect(result.verdict).toBe('error')
    expect(result.errorCause).toBe('undecidable')
    expect(result.reason).toContain(why)
    expect(result.reason).toContain(
      "check the initiative's effect expression and the parameters it reads, or set the effect with a policyEffect override."
    )
  })
})

describe('an effect expression', () => {
  const SWITCH: Record<string, ParameterDefinition> = {
    jitEnabled: { type: 'Boolean', defaultValue: true },
    jitEffect: { type: 'String', defaultValue: 'AuditIfNotExists' }
  }
  const EXPRESSION = "[if(parameters('JITENABLED'), Parameters('jitEffect'), 'Disabled')]"

  test.each([
    [{}, 'compliant', 'initiative-default', 'AuditIfNotExists'],
    [{ jitEnabled: { value: false } }, 'noncompliant', 'parameter', 'Disabled'],
    [{ jitEffect: { value: 'disabled' } }, 'noncompliant', 'parameter', 'disabled']
  ])('is evaluated against the parameters as assigned: %j', (given, verdict, source, effect) => {
    const result = evaluateCustom(EXPRESSION, given, SWITCH)
    expect(result.verdict).toBe(verdict)
    expect(result.assignments[0]).toMatchObject({ effect, effectSource: source })
  })

  test('reading several parameters names them all in the notes, none as the one to change', () => {
    const result = evaluateCustom(EXPRESSION, { jitEnabled: { value: true } }, SWITCH)
    expect(result.assignments[0]).toMatchObject({ effectParameter: null })
    expect(result.assignments[0]!.notes[0]).toBe(
      `The effect is AuditIfNotExists: the initiative passes ${EXPRESSION}, and the assignment sets parameter jitEnabled, parameter jitEffect keeps its initiative default.`
    )
  })

  test('one parameter read through a function is the one to change', () => {
    const result = evaluateCustom(
      "[toLower(concat('Audit', parameters('suffix')))]",
      {},
      {
        suffix: { type: 'String', defaultValue: 'IfNotExists' }
      }
    )
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({
      effect: 'auditifnotexists',
      effectParameter: 'suffix',
      effectSource: 'initiative-default'
    })
  })

  test('without parameters it is a literal', () => {
    const result = evaluateCustom("[if(true(), 'AuditIfNotExists', 'Disabled')]")
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({ effectSource: 'literal', effectParameter: null })
  })

  test('a function it does not evaluate is an error, unless another assignment audits', () => {
    const result = evaluateCustom('[resourceGroup().location]')
    expect(result.verdict).toBe('error')
    expect(result.reason).toContain('cannot evaluate resourceGroup()')
    const set = customSet('custom', [jitReference('jit', { effect: { value: '[utcNow()]' } })])
    const custom = assignment({ name: 'custom', policyDefinitionId: set.id })
    const both = evaluateSubscription(snapshot([custom, assignment({ name: 'jit' })], [set]))
    expect(both.verdict).toBe('compliant')
  })
})

describe('a literal effect in the reference', () => {
  test.each([['AuditIfNotExists'], ['auditifnotexists'], ['AUDITIFNOTEXISTS']])(
    '%s audits, reported as written and normalized as effective',
    (literal) => {
      const result = evaluateCustom(literal)
      expect(result.verdict).toBe('compliant')
      expect(result.effectiveEffect).toBe('AuditIfNotExists')
      expect(result.assignments[0]).toMatchObject({
        effect: literal,
        effectSource: 'literal',
        effectParameter: null
      })
    }
  )

  test('Disabled is noncompliant and the fix is an override for the reference', () => {
    const result = evaluateCustom('disabled')
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe('Disabled')
    expect(result.reason).toBe(
      `Assignment 'Custom' at ${SUBSCRIPTION_SCOPE} assigns an initiative whose reference jit sets the JIT effect to disabled; add a policyEffect override with value AuditIfNotExists for reference jit.`
    )
  })

  test('an escaped [[ string is a literal, not an expression', () => {
    const result = evaluateCustom("[[parameters('jitEffect')]", {
      jitEffect: { value: 'AuditIfNotExists' }
    })
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({
      effect: "[parameters('jitEffect')]",
      effectSource: 'literal'
    })
  })

  test('a literal that is not a string does not audit', () => {
    const result = evaluateCustom(42)
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effect: '42', effectSource: 'literal' })
    expect(result.reason).toContain("sets the JIT effect to '42', which does not audit JIT")
  })

  test('a string that only starts with [ is a literal', () => {
    const result = evaluateCustom('[AuditIfNotExists')
    expect(result.assignments[0]).toMatchObject({
      effect: '[AuditIfNotExists',
      effectSource: 'literal'
    })
    expect(result.verdict).toBe('noncompliant')
  })
})

describe('values that are not AuditIfNotExists or Disabled never count as auditing', () => {
  test.each([
    ['Audit', 'Audit', "'Audit'"],
    ['DeployIfNotExists', 'DeployIfNotExists', "'DeployIfNotExists'"],
    [true, 'true', "'true'"],
    [
      { value: 'AuditIfNotExists' },
      '{"value":"AuditIfNotExists"}',
      `'{"value":"AuditIfNotExists"}'`
    ],
    [null, 'null', "'null'"]
  ])('%j', (value, written, shown) => {
    const result = evaluateCustom("[parameters('jitEffect')]", { jitEffect: { value } })
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe(written)
    expect(result.assignments[0]).toMatchObject({ effect: written, effectSource: 'parameter' })
    expect(result.reason).toBe(
      `Assignment 'Custom' at ${SUBSCRIPTION_SCOPE} sets parameter jitEffect to ${shown}, which does not audit JIT (only AuditIfNotExists does); set parameter jitEffect to AuditIfNotExists.`
    )
    expect(result.assignments[0]!.notes.join(' ')).toContain(
      `The effect ${shown} is neither AuditIfNotExists nor Disabled: it does not count as auditing JIT.`
    )
  })
})

describe('an effect value of a megabyte', () => {
  test('is kept whole as data, and quoted cut and marked in every sentence', () => {
    const huge = `Disabled${'x'.repeat(1024 * 1024)}`
    const result = evaluateCustom("[parameters('jitEffect')]", { jitEffect: { value: huge } })
    expect(result.verdict).toBe('noncompliant')
    expect(result.effectiveEffect).toBe(huge)
    expect(result.assignments[0]!.effect).toBe(huge)
    const quoted = /'Disabledx+…\[cut from 1048584 characters\]'/
    expect(result.reason).toMatch(new RegExp(`sets parameter jitEffect to ${quoted.source}, which`))
    expect(result.reason.length).toBeLessThan(600)
    expect(result.assignments[0]!.notes.join(' ')).toMatch(quoted)
    expect(result.assignments[0]!.notes.join(' ').length).toBeLessThan(2000)
  })

  test('as an override value, or as a literal in the initiative', () => {
    const huge = 'y'.repeat(1024 * 1024)
    const set = customSet('custom', [jitReference('jit', { effect: { value: huge } })])
    const overridden = assignment({
      name: 'overridden',
      policyDefinitionId: set.id,
      overrides: [{ kind: 'policyEffect', value: huge }]
    })
    const result = evaluateSubscription(snapshot([overridden], [set]))
    expect(result.verdict).toBe('noncompliant')
    for (const text of [result.reason, ...result.assignments[0]!.notes]) {
      expect(text.length).toBeLessThan(2000)
    }
    expect(result.assignments[0]!.notes.join(' ')).toMatch(
      /Override #1 sets the effect to y+…\[cut/
    )
  })
})

describe('a reference that does not bind the effect', () => {
  test('runs with the JIT definition default', () => {
    const set = customSet('plain', [jitReference('jit')])
    const plain = assignment({ name: 'plain', policyDefinitionId: set.id })
    const result = evaluateSubscription(snapshot([plain], [set]))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]).toMatchObject({
      effectSource: 'definition-default',
      effectParameter: null
    })
  })

  test('reads the default from the definition it is given', () => {
    const definition = jitDefinition()
    const disabledByDefault = {
      ...definition,
      parameters: { effect: { type: 'String', defaultValue: 'Disabled' } }
    }
    const set = customSet('plain', [jitReference('jit', { EFFECT: { value: undefined } })])
    const plain = assignment({ name: 'plain', displayName: 'Plain', policyDefinitionId: set.id })
    const result = evaluateSubscription(
      snapshot([plain], [set], { jitPolicyDefinition: disabledByDefault })
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.reason).toBe(
      `Assignment 'Plain' at ${SUBSCRIPTION_SCOPE} runs the JIT definition with its default effect Disabled; add a policyEffect override with value AuditIfNotExists for reference jit.`
    )
  })

  test('a definition without an effect default does not audit', () => {
    const jit = assignment({ name: 'jit' })
    const result = evaluateSubscription(
      snapshot([jit], [], { jitPolicyDefinition: { ...jitDefinition(), parameters: {} } })
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments[0]).toMatchObject({ effect: '', effectParameter: 'effect' })
    expect(result.reason).toContain('runs the JIT definition with its default effect no value')
  })
})

describe('finding the JIT definition', () => {
  test('a custom initiative holding it twice gives evidence for each reference', () => {
    const set = customSet(
      'twice',
      [jitReference('first', { effect: { value: 'Disabled' } }), jitReference('second')],
      {}
    )
    const twice = assignment({ name: 'twice', policyDefinitionId: set.id })
    const result = evaluateSubscription(snapshot([twice], [set]))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments.map((item) => item.policyDefinitionReferenceId)).toEqual([
      'second',
      'first'
    ])
  })

  test('a reference is found by its definition id in any case, not by its reference id', () => {
    const set = customSet('ids', [
      jitReference(
        'jitNetworkAccessMonitoring',
        {},
        '/providers/Microsoft.Authorization/policyDefinitions/0000-not-jit'
      ),
      jitReference(
        'renamed',
        {},
        `/PROVIDERS/microsoft.authorization/POLICYDEFINITIONS/${JIT_POLICY_DEFINITION_NAME.toUpperCase()}`
      )
    ])
    const ids = assignment({ name: 'ids', policyDefinitionId: set.id })
    const result = evaluateSubscription(snapshot([ids], [set]))
    expect(result.assignments.map((item) => item.policyDefinitionReferenceId)).toEqual(['renamed'])
    expect(result.verdict).toBe('compliant')
  })

  test('a custom definition given the JIT name does not audit: only the built-in feeds Defender', () => {
    const copy = `/subscriptions/${'0'.repeat(8)}/providers/Microsoft.Authorization/policyDefinitions/${JIT_POLICY_DEFINITION_NAME}`
    const result = evaluateSubscription(
      snapshot([assignment({ name: 'copy', policyDefinitionId: copy })])
    )
    expect(result.verdict).toBe('noncompliant')
    expect(result.assignments).toHaveLength(1)
    expect(result.assignments[0]!.coverage).toBe('none')
    expect(result.reason).toContain(`a custom definition named like the JIT policy`)
    expect(result.reason).toContain('assign the built-in definition')
  })

  test('a custom initiative referencing a custom copy of the JIT definition does not audit', () => {
    const copy = `/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/policyDefinitions/${JIT_POLICY_DEFINITION_NAME}`
    const set = customSet('fake', [jitReference('jit', {}, copy)])
    const result = evaluateSubscription(
      snapshot([assignment({ name: 'fake', policyDefinitionId: set.id })], [set])
    )
    expect(result.verdict).toBe('noncompliant')
  })

  test('the built-in definition id is not limited', () => {
    const result = evaluateSubscription(snapshot([assignment({ name: 'jit' })]))
    expect(result.verdict).toBe('compliant')
    expect(result.assignments[0]!.notes.join(' ')).not.toContain('not the built-in')
  })

  test('a set definition keyed in another case is still found', () => {
    const set = customSet('cased', [jitReference('jit')])
    const cased = assignment({ name: 'cased', policyDefinitionId: set.id.toUpperCase() })
    const result = evaluateSubscription(
      snapshot([cased], [], { setDefinitions: { [set.id]: set } })
    )
    expect(result.verdict).toBe('compliant')
  })

  test('an assignment of another policy definition has no evidence', () => {
    const other: PolicyAssignment = assignment({
      name: 'other',
      policyDefinitionId:
        '/providers/Microsoft.Authorization/policyDefinitions/06a78e20-9358-41c9-923c-fb736d382a4d'
    })
    const result = evaluateSubscription(snapshot([other]))
    expect(result.assignments).toEqual([])
    expect(result.verdict).toBe('noncompliant')
  })
})
