// Initiatives holding the JIT definition that more than one end-to-end estate uses: custom ones,
// and the version of the built-in benchmark the stand-in holds.
import { readFileSync } from 'node:fs'
import {
  JIT_POLICY_DEFINITION_ID,
  MCSB_SET_DEFINITION_ID,
  managementGroupScope,
  policySetDefinition,
  type ArmResource
} from '../../standin/estate/index.ts'

/**
 * The initiative `name` at `scope` whose JIT reference (`jit`) takes its effect from the set's
 * parameter `jitEffect` (a String defaulting to AuditIfNotExists; `jitEffect` adds to or replaces
 * that definition, e.g. allowedValues).
 */
export function jitEffectSet(
  scope: string,
  name: string,
  jitEffect: Record<string, unknown> = {}
): ArmResource {
  return policySetDefinition(scope, name, {
    parameters: { jitEffect: { type: 'String', defaultValue: 'AuditIfNotExists', ...jitEffect } },
    policyDefinitions: [
      {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        policyDefinitionReferenceId: 'jit',
        parameters: { effect: { value: "[parameters('jitEffect')]" } }
      }
    ]
  })
}

/** The initiative `versioned` at the tenant root group in two versions: 1.0.0 audits JIT (its
 * reference `jit`), 2.0.0 disables it. Both share one id. */
export function versionedJitSets(tenantId: string): ArmResource[] {
  return ['1.0.0', '2.0.0'].map((version) =>
    policySetDefinition(managementGroupScope(tenantId), 'versioned', {
      version,
      policyDefinitions: [
        {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID,
          policyDefinitionReferenceId: 'jit',
          parameters: { effect: { value: version === '1.0.0' ? 'AuditIfNotExists' : 'Disabled' } }
        }
      ]
    })
  )
}

/** The version of the built-in MCSB fixture, the one version the stand-in holds. */
export const MCSB_VERSION = (
  JSON.parse(
    readFileSync(
      new URL(
        `../../fixtures/azure-policy/policySetDefinitions/${MCSB_SET_DEFINITION_ID.split('/').pop()}.json`,
        import.meta.url
      ),
      'utf8'
    )
  ) as { properties: { version: string } }
).properties.version
