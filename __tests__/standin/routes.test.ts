// Every ARM route of the stand-in and the edges between them, answered as they were before the
// route table (docs/design.md, "The stand-in"): status, body, Allow, the subscription a request
// is counted for, and what each fault makes of it (the action and scope a 403 names, the 404 a
// not-found fault gives, whether nextlink-loop sees a list). The snapshot was written by the
// chain of regular expressions the table replaced.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import type { Fault, RequestKind } from '../../standin/estate/index.ts'
import { JIT_POLICY_DEFINITION_ID, MCSB_SET_DEFINITION_ID } from '../../standin/estate/index.ts'
import { startStandIn } from '../../standin/server.ts'
import type { StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  baseEstate,
  clearRunnerEnvironment,
  credentialFor,
  OTHER_SUB,
  SUB,
  TENANT,
  useRunnerEnvironment
} from './helpers.ts'

const UNKNOWN_SUB = '11111111-1111-4111-8111-111111111111'
const AUTH = '/providers/Microsoft.Authorization'
const MG = '/providers/Microsoft.Management/managementGroups'
const JIT_NAME = JIT_POLICY_DEFINITION_ID.split('/').pop()!
const MCSB_NAME = MCSB_SET_DEFINITION_ID.split('/').pop()!

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
/** Method, path, query (api-version is added unless the query has `api-version: ''`). */
type Call = [Method, string, Record<string, string>?]

const calls: Call[] = [
  ['GET', '/subscriptions'],
  ['GET', '/subscriptions', { $top: '1' }],
  ['GET', '/subscriptions', { $top: '0' }],
  ['GET', '/subscriptions', { $skiptoken: 'not-a-token' }],
  ['GET', `/subscriptions/${SUB}`],
  ['GET', `/subscriptions/${UNKNOWN_SUB}`],
  ['GET', '/subscriptions/not-a-guid'],
  ['GET', '/subscriptions/not-a-guid/anything/else'],
  ['GET', `/subscriptions/${SUB}/unknown`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments`, { $filter: 'atScope()' }],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments`, { $filter: 'atExactScope()' }],
  [
    'GET',
    `/subscriptions/${SUB}${AUTH}/policyAssignments`,
    { $filter: `policyDefinitionId eq '${JIT_POLICY_DEFINITION_ID}'` }
  ],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments`, { $filter: 'nonsense()' }],
  ['GET', `/subscriptions/${UNKNOWN_SUB}${AUTH}/policyAssignments`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyExemptions`],
  [
    'GET',
    `/subscriptions/${SUB}${AUTH}/policyExemptions`,
    { $filter: 'atScope() and excludeExpired()' }
  ],
  [
    'GET',
    `/subscriptions/${SUB}${AUTH}/policyExemptions`,
    { $filter: `policyAssignmentId eq '${MG}/corp${AUTH}/policyAssignments/mcsb'` }
  ],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyExemptions`, { $filter: 'nonsense()' }],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments/jit`],
  ['GET', `/subscriptions/${SUB}/resourceGroups/app${AUTH}/policyAssignments/jit-app`],
  ['GET', `/subscriptions/${SUB}/odd${AUTH}/policyAssignments/jit-app`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyAssignments/missing`],
  ['GET', `/subscriptions/${UNKNOWN_SUB}${AUTH}/policyAssignments/jit`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyExemptions/expired`],
  ['GET', `/subscriptions/${SUB}/resourceGroups/data${AUTH}/policyExemptions/data-waiver`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyExemptions/missing`],
  ['GET', `/subscriptions/${SUB}/resourceGroups/app${AUTH}/policyAssignments`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policySetDefinitions/missing`],
  ['GET', `/subscriptions/${SUB}${AUTH}/policyDefinitions/missing`],
  ['GET', `/subscriptions/${UNKNOWN_SUB}${AUTH}/policyDefinitions/missing`],
  ['GET', `/subscriptions/${SUB}/resourceGroups/app${AUTH}/policyDefinitions/missing`],
  ['GET', `${AUTH}/policySetDefinitions/${MCSB_NAME}`],
  ['GET', `${AUTH}/policyDefinitions/${JIT_NAME}`],
  ['GET', `/providers/microsoft.authorization/POLICYDEFINITIONS/missing`],
  ['GET', `${AUTH}/policySetDefinitions/missing`],
  ['GET', `${AUTH}/policyAssignments/jit`],
  ['GET', `${MG}/corp${AUTH}/policySetDefinitions/corp-baseline`],
  ['GET', `${MG}/nope${AUTH}/policySetDefinitions/corp-baseline`],
  ['GET', `${MG}/corp${AUTH}/policyAssignments/mcsb`],
  ['GET', `${MG}/corp${AUTH}/policyAssignments/missing`],
  ['GET', `${MG}/corp${AUTH}/policyExemptions/corp-waiver`],
  ['GET', `${MG}/corp${AUTH}/policyAssignments`],
  ['GET', `${MG}/prod`],
  ['GET', `${MG}/prod`, { $expand: 'path' }],
  ['GET', `${MG}/prod`, { $expand: 'ancestors' }],
  ['GET', `${MG}/corp`, { $expand: 'children' }],
  ['GET', `${MG}/${TENANT}`, { $expand: 'children', $recurse: 'true' }],
  ['GET', `${MG}/prod`, { $expand: 'everything' }],
  ['GET', `${MG}/nope`],
  ['GET', `${MG}/corp/descendants`],
  ['GET', `${MG}/corp/descendants`, { $top: '1' }],
  ['GET', `${MG}/nope/descendants`],
  ['GET', `${MG}/prod/subscriptions/${SUB}`],
  ['GET', `${MG}/corp/subscriptions/${SUB}`],
  ['GET', `${MG}/nope/subscriptions/${SUB}`],
  ['GET', `${MG}/corp/whatever`],
  ['POST', '/providers/Microsoft.Management/getEntities'],
  ['POST', '/providers/Microsoft.Management/getEntities', { $filter: `name eq '${SUB}'` }],
  ['POST', '/providers/Microsoft.Management/getEntities', { $filter: `name eq '${OTHER_SUB}'` }],
  ['POST', '/providers/Microsoft.Management/getEntities', { $filter: "name eq 'corp'" }],
  ['POST', '/providers/Microsoft.Management/getEntities', { $filter: "displayName eq 'x'" }],
  ['POST', '/providers/Microsoft.Management/getEntities', { $search: 'x' }],
  ['GET', '/providers/Microsoft.Management/getEntities'],
  ['PUT', '/providers/Microsoft.Management/getEntities'],
  ['POST', `/subscriptions/${SUB}`],
  ['DELETE', '/unknown'],
  ['GET', '/unknown'],
  ['GET', `/subscriptions/${SUB}`, { 'api-version': '' }],
  ['DELETE', `/subscriptions/${SUB}`, { 'api-version': '' }]
]

const KINDS: Exclude<RequestKind, 'any'>[] = [
  'assignments',
  'exemptions',
  'subscription',
  'ancestry',
  'definitions'
]

let standIn: StandIn
let untrust: () => void
let token: string
const http = createDefaultHttpClient()

beforeAll(async () => {
  standIn = await startStandIn({ estate: baseEstate({ pageSize: 2 }) })
  untrust = trustStandIn(standIn)
  useRunnerEnvironment(standIn)
  token = (await credentialFor(standIn).getToken(`${standIn.resourceManagerEndpoint}/.default`))
    .token
})

afterAll(async () => {
  untrust()
  clearRunnerEnvironment()
  await standIn.close()
})

/** Every fault list the stand-in keeps: the subscriptions', the unknown one's, the tenant's. */
function setFaultsEverywhere(faults: Fault[]): void {
  for (const id of [SUB, OTHER_SUB, UNKNOWN_SUB]) standIn.setFaults(id, faults)
  standIn.setTenantFaults(faults)
}

/** A built-in initiative's hundreds of references and parameters stand as their counts. */
function briefly(key: string, value: unknown): unknown {
  if (key === 'policyDefinitions' && Array.isArray(value)) return `${value.length} references`
  if (key === 'parameters' && typeof value === 'object' && value !== null)
    return `${Object.keys(value).length} parameters`
  return value
}

async function call([method, path, query = {}]: Call) {
  const url = new URL(`${standIn.resourceManagerEndpoint}${path}`)
  const params = { 'api-version': '2023-04-01', ...query }
  for (const [key, value] of Object.entries(params))
    if (value !== '') url.searchParams.set(key, value)
  const before = standIn.requests.length
  const response = await http.sendRequest(
    createPipelineRequest({
      url: url.toString(),
      method,
      headers: createHttpHeaders({ Authorization: `Bearer ${token}` })
    })
  )
  const text = (response.bodyAsText ?? '').replaceAll(standIn.resourceManagerEndpoint, 'ARM')
  return {
    status: response.status,
    allow: response.headers.get('allow'),
    body: text === '' ? undefined : (JSON.parse(text, briefly) as unknown),
    subscriptionId: standIn.requests[before]?.subscriptionId
  }
}

describe('ARM routes', () => {
  test.each(calls.map(([method, path, query = {}]): Call => [method, path, query]))(
    '%s %s %j',
    async (...c) => {
      setFaultsEverywhere([])
      const plain = await call(c)
      setFaultsEverywhere([{ fault: 'forbidden' }])
      const forbidden = await call(c)
      setFaultsEverywhere([{ fault: 'not-found' }])
      const notFound = await call(c)
      setFaultsEverywhere([{ fault: 'nextlink-loop' }])
      const loop = await call(c)
      const kinds: string[] = []
      for (const on of KINDS) {
        setFaultsEverywhere([{ fault: 'unavailable', on }])
        if ((await call(c)).status === 503) kinds.push(on)
      }
      setFaultsEverywhere([])
      expect({ plain, forbidden, notFound, loop, kinds }).toMatchSnapshot()
    }
  )
})
