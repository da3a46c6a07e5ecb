// Shared by the stand-in's tests: a small estate, and the real SDK clients pointed at a stand-in
// the way the action points them (authorityHost, disableInstanceDiscovery, endpoint).

import { PolicyClient } from '@azure/arm-policy'
import type { PolicyClientOptionalParams } from '@azure/arm-policy'
import { ClientAssertionCredential } from '@azure/identity'
import type { ClientAssertionCredentialOptions } from '@azure/identity'
import type { Estate } from '../../standin/estate/index.ts'
import {
  DEFAULT_AUDIENCE,
  guid,
  managementGroupScope,
  MCSB_SET_DEFINITION_ID,
  JIT_POLICY_DEFINITION_ID,
  policyAssignment,
  policyExemption,
  policySetDefinition,
  resourceGroupScope,
  subscriptionId,
  subscriptionScope
} from '../../standin/estate/index.ts'
import type { StandIn } from '../../standin/server.ts'
import { quietIdToken } from '../support/quiet.ts'

export const TENANT = guid('test/tenant')
export const CLIENT = guid('test/client')
/** In management group `prod`, under `corp`, under the tenant root group. */
export const SUB = subscriptionId(1)
/** Directly under the tenant root group. */
export const OTHER_SUB = subscriptionId(2)

export const customSetId = `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policySetDefinitions/corp-baseline`

/** corp > prod > SUB; assignments at corp (two levels up), prod, SUB and a resource group. */
export function baseEstate(extra: Partial<Estate> = {}): Estate {
  return {
    tenantId: TENANT,
    clientId: CLIENT,
    managementGroups: [
      { name: 'corp', displayName: 'Contoso corp' },
      { name: 'prod', displayName: 'Production', parent: 'corp' }
    ],
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: 'prod-1',
        managementGroup: 'prod',
        resourceGroups: ['app', 'data']
      },
      { subscriptionId: OTHER_SUB, displayName: 'sandbox' }
    ],
    policyAssignments: [
      policyAssignment(managementGroupScope('corp'), 'mcsb', {
        displayName: 'Microsoft cloud security benchmark',
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      }),
      policyAssignment(managementGroupScope('prod'), 'corp-baseline', {
        policyDefinitionId: customSetId
      }),
      policyAssignment(subscriptionScope(SUB), 'jit', {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID,
        parameters: { effect: { value: 'Disabled' } }
      }),
      policyAssignment(resourceGroupScope(SUB, 'app'), 'jit-app', {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID
      }),
      policyAssignment(subscriptionScope(OTHER_SUB), 'other', {
        policyDefinitionId: JIT_POLICY_DEFINITION_ID
      })
    ],
    policyExemptions: [
      policyExemption(managementGroupScope('corp'), 'corp-waiver', {
        policyAssignmentId: `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policyAssignments/mcsb`
      }),
      policyExemption(resourceGroupScope(SUB, 'data'), 'data-waiver', {
        policyAssignmentId: `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policyAssignments/mcsb`,
        policyDefinitionReferenceIds: ['jitNetworkAccessMonitoring']
      }),
      policyExemption(subscriptionScope(SUB), 'expired', {
        policyAssignmentId: `${managementGroupScope('corp')}/providers/Microsoft.Authorization/policyAssignments/mcsb`,
        expiresOn: '2020-01-01T00:00:00Z'
      })
    ],
    policySetDefinitions: [
      policySetDefinition(managementGroupScope('corp'), 'corp-baseline', {
        displayName: 'Corp baseline',
        policyDefinitions: [
          {
            policyDefinitionId: JIT_POLICY_DEFINITION_ID,
            policyDefinitionReferenceId: 'jit',
            parameters: { effect: { value: 'AuditIfNotExists' } }
          }
        ]
      })
    ],
    ...extra
  }
}

/** Sets the runner's variables for this stand-in (getIDToken reads them on each call). */
export function useRunnerEnvironment(standIn: StandIn): void {
  clearRunnerEnvironment()
  Object.assign(process.env, standIn.runnerEnvironment())
}

/** Removes the variables runnerEnvironment() gives. */
export function clearRunnerEnvironment(): void {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  delete process.env.NODE_EXTRA_CA_CERTS
  delete process.env.AZURE_CLIENT_ID
  delete process.env.AZURE_TENANT_ID
}

export function credentialFor(
  standIn: StandIn,
  options: ClientAssertionCredentialOptions = {}
): ClientAssertionCredential {
  return new ClientAssertionCredential(
    standIn.tenantId,
    standIn.clientId,
    () => quietIdToken(DEFAULT_AUDIENCE),
    { authorityHost: standIn.authorityHost, disableInstanceDiscovery: true, ...options }
  )
}

export function policyClientFor(
  standIn: StandIn,
  subscription: string,
  options: PolicyClientOptionalParams = {},
  credential = credentialFor(standIn)
): PolicyClient {
  return new PolicyClient(credential, subscription, {
    endpoint: standIn.resourceManagerEndpoint,
    credentials: { scopes: [`${standIn.resourceManagerEndpoint}/.default`] },
    ...options
  })
}

export function armRequests(standIn: StandIn, pathEnd?: string) {
  return standIn.requests.filter(
    (r) =>
      r.service === 'arm' &&
      (pathEnd === undefined || r.path.toLowerCase().endsWith(pathEnd.toLowerCase()))
  )
}
