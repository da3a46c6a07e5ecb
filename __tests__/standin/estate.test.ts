// The estate format (validation, helpers), an estate at scale, and the stand-in as a child
// process (standin/cli.ts) with its request log.

import { afterAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Estate } from '../../standin/estate/index.ts'
import {
  EstateError,
  JIT_POLICY_DEFINITION_ID,
  loadEstate,
  managementGroupScope,
  MCSB_SET_DEFINITION_ID,
  policyAssignment,
  subscriptionId,
  subscriptionScope,
  validateEstate
} from '../../standin/estate/index.ts'
import { startStandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import {
  armRequests,
  baseEstate,
  clearRunnerEnvironment,
  CLIENT,
  credentialFor,
  policyClientFor,
  SUB,
  TENANT,
  useRunnerEnvironment
} from './helpers.ts'

const root = new URL('../../', import.meta.url)

afterAll(clearRunnerEnvironment)

describe('estate validation', () => {
  test('the test estate is valid', () => {
    expect(() => validateEstate(baseEstate())).not.toThrow()
  })

  test('lists every problem, with where it is', () => {
    const bad = {
      tenantId: 'not-a-guid',
      clientId: CLIENT,
      managementGroups: [
        { name: 'a', parent: 'b' },
        { name: 'b', parent: 'a' },
        { name: 'c', parent: 'missing' }
      ],
      subscriptions: [
        {
          subscriptionId: SUB,
          managementGroup: 'nowhere',
          faults: [{ fault: 'explode', on: 'everything' }]
        },
        { subscriptionId: SUB }
      ],
      policyAssignments: [
        {
          id: '/subscriptions/x/providers/Microsoft.Authorization/policyAssignments',
          properties: {}
        },
        policyAssignment(subscriptionScope(subscriptionId(99)), 'elsewhere', {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID
        })
      ],
      pageSize: 0,
      surprise: true,
      virtualMachines: [
        {
          id: `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines/vm`,
          location: 'x'
        },
        {
          id: `/subscriptions/${subscriptionId(99)}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
          policyStates: [{ complianceState: 'NonCompliant' }],
          jitAssessment: {}
        }
      ]
    }
    let error: EstateError | undefined
    try {
      validateEstate(bad, 'bad.json')
    } catch (e) {
      error = e as EstateError
    }
    expect(error).toBeInstanceOf(EstateError)
    expect(error!.message).toMatch(/^bad\.json is not a valid estate:\n {2}- /)
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'tenantId: must be a GUID, got "not-a-guid"',
        "managementGroups[0].parent: 'a' is its own ancestor (a cycle)",
        "managementGroups[2].parent: management group 'missing' is not defined",
        "subscriptions[0].managementGroup: management group 'nowhere' is not defined",
        expect.stringMatching(/^subscriptions\[0\]\.faults\[0\]\.fault: must be one of throttle, /),
        expect.stringMatching(/^subscriptions\[0\]\.faults\[0\]\.on: must be one of assignments, /),
        `subscriptions[1].subscriptionId: '${SUB}' is listed twice`,
        expect.stringMatching(
          /^policyAssignments\[0\]\.id: .* is not a \.\.\.\/providers\/Microsoft\.Authorization\/policyAssignments\/NAME id$/
        ),
        `policyAssignments[1].id: subscription '${subscriptionId(99)}' is not in subscriptions`,
        'pageSize: must be an integer from 1 to 1000, got 0',
        `virtualMachines[0].id: '/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines/vm' is not a /subscriptions/S/resourceGroups/R/providers/Microsoft.Compute/virtualMachines/NAME id`,
        `virtualMachines[1].id: subscription '${subscriptionId(99)}' is not in subscriptions`,
        'virtualMachines[1].location: is required (a region name)',
        'virtualMachines[1].policyStates[0]: must be {policyAssignmentId, complianceState}',
        'virtualMachines[1].jitAssessment: must be {code, cause?}',
        'surprise: is not an estate field (tenantId, clientId, federatedSubjects, oidc, entra, pageSize, latencyMs, rootManagementGroupDisplayName, managementGroups, subscriptions, policyAssignments, policyExemptions, policySetDefinitions, policyDefinitions, pricings, virtualMachines, faults, reshapes, answers, resourceGraph)'
      ])
    )
  })

  test('loadEstate says when the file is missing or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'estate-test-'))
    try {
      await expect(loadEstate(join(dir, 'none.json'))).rejects.toThrow(
        /cannot read the estate file .*none\.json/
      )
      await writeFile(join(dir, 'broken.json'), '{"tenantId": ')
      await expect(loadEstate(join(dir, 'broken.json'))).rejects.toThrow(
        /the estate file .*broken\.json is not JSON/
      )
      await writeFile(join(dir, 'ok.json'), JSON.stringify(baseEstate()))
      expect((await loadEstate(join(dir, 'ok.json'))).tenantId).toBe(TENANT)
    } finally {
      await rm(dir, { recursive: true })
    }
  })

  test('the example estate of the README is valid', async () => {
    const estate = await loadEstate(new URL('standin/estates/example.json', root).pathname)
    expect(estate.subscriptions).toHaveLength(3)
  })

  test('subscriptionId(n) is a stable GUID', () => {
    expect(subscriptionId(1)).toBe(subscriptionId(1))
    expect(subscriptionId(1)).not.toBe(subscriptionId(2))
    expect(subscriptionId(7)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
  })
})

test('an estate of 1,000 subscriptions and 5,000 assignments in one answers quickly', async () => {
  const groups = Array.from({ length: 10 }, (_, i) => ({
    name: `mg-${i}`,
    parent: i === 0 ? undefined : 'mg-0'
  }))
  const subscriptions = Array.from({ length: 1000 }, (_, i) => ({
    subscriptionId: subscriptionId(1000 + i),
    managementGroup: `mg-${i % 10}`
  }))
  const big = subscriptionId(1000 + 5) // in mg-5, under mg-0
  const estate: Estate = {
    tenantId: TENANT,
    clientId: CLIENT,
    managementGroups: groups,
    subscriptions,
    policyAssignments: [
      policyAssignment(managementGroupScope('mg-0'), 'mcsb', {
        policyDefinitionId: MCSB_SET_DEFINITION_ID
      }),
      ...Array.from({ length: 5000 }, (_, i) =>
        policyAssignment(subscriptionScope(big), `a-${i}`, {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID
        })
      ),
      ...subscriptions.map((s) =>
        policyAssignment(subscriptionScope(s.subscriptionId), 'own', {
          policyDefinitionId: JIT_POLICY_DEFINITION_ID
        })
      )
    ]
  }
  const started = performance.now()
  const standIn = await startStandIn({ estate })
  const startup = performance.now() - started
  const untrust = trustStandIn(standIn)
  try {
    useRunnerEnvironment(standIn)
    const credential = credentialFor(standIn)
    let count = 0
    for await (const a of policyClientFor(standIn, big, {}, credential).policyAssignments.list({
      filter: 'atScope()'
    }))
      if (a.name) count++
    expect(count).toBe(1 + 5000 + 1)
    const pages = armRequests(standIn, '/policyAssignments')
    expect(pages).toHaveLength(51) // 100 a page
    for (const s of subscriptions.slice(0, 20)) {
      const names: string[] = []
      for await (const a of policyClientFor(
        standIn,
        s.subscriptionId,
        {},
        credential
      ).policyAssignments.list({
        filter: 'atScope()'
      }))
        names.push(a.name!)
      if (s.subscriptionId === big) expect(names).toHaveLength(5002)
      else expect(names).toEqual(['mcsb', 'own'])
    }
    const served = armRequests(standIn, '/policyAssignments').map((r) => r.endedAt - r.startedAt)
    // generous bounds (a loaded 2-core machine doubles them): an unindexed stand-in takes seconds
    expect(startup).toBeLessThan(5000)
    expect(Math.max(...served)).toBeLessThan(1000)
  } finally {
    untrust()
    await standIn.close()
  }
})

describe('standin/cli.ts as a child process', () => {
  test('prints its endpoints, serves, logs requests, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'standin-cli-'))
    const estateFile = join(dir, 'estate.json')
    const logFile = join(dir, 'requests.jsonl')
    await writeFile(estateFile, JSON.stringify(baseEstate()))
    const child = spawn(
      new URL('node_modules/.bin/node', root).pathname,
      ['standin/cli.ts', '--estate', estateFile, '--request-log', logFile, '--latency-ms', '5'],
      { cwd: root.pathname, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code))
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve)
        child.once('exit', () => reject(new Error(`the stand-in exited: ${stderr}`)))
      })
      const info = JSON.parse(line)
      expect(Object.keys(info).sort()).toEqual(
        [
          'authorityHost',
          'caCertificatePath',
          'caCertificatePem',
          'clientId',
          'clientSecret',
          'environment',
          'oidcRequestToken',
          'oidcRequestUrl',
          'resourceManagerEndpoint',
          'tenantId'
        ].sort()
      )
      expect(info.environment).toEqual({
        ACTIONS_ID_TOKEN_REQUEST_URL: info.oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: info.oidcRequestToken,
        NODE_EXTRA_CA_CERTS: info.caCertificatePath,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_TENANT_ID: TENANT
      })
      const untrust = trustStandIn(info)
      try {
        Object.assign(process.env, info.environment)
        const names: string[] = []
        for await (const a of policyClientFor(info, SUB).policyAssignments.list({
          filter: 'atScope()'
        }))
          names.push(a.name!)
        expect(names).toEqual(['mcsb', 'corp-baseline', 'jit'])
      } finally {
        untrust()
      }
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      const log = (await readFile(logFile, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(log.map((r) => `${r.service} ${r.method} ${r.status}`)).toEqual([
        'oidc GET 200',
        'entra GET 200',
        'oidc GET 200',
        'entra POST 200',
        'arm GET 200'
      ])
      expect(log[4]).toMatchObject({ subscriptionId: SUB, query: { $filter: 'atScope()' } })
      expect(log[4].endedAt - log[4].startedAt).toBeGreaterThanOrEqual(5)
      await expect(readFile(info.caCertificatePath)).rejects.toThrow(/ENOENT/)
    } finally {
      child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('exits 1 with the problems of a bad estate file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'standin-cli-'))
    try {
      const estateFile = join(dir, 'estate.json')
      await writeFile(estateFile, JSON.stringify({ tenantId: TENANT, subscriptions: [] }))
      const child = spawn(
        new URL('node_modules/.bin/node', root).pathname,
        ['standin/cli.ts', '--estate', estateFile],
        {
          cwd: root.pathname,
          stdio: ['ignore', 'pipe', 'pipe']
        }
      )
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
      expect(code).toBe(1)
      expect(stderr).toContain(`local Azure stand-in: ${estateFile} is not a valid estate:`)
      expect(stderr).toContain('clientId: is required (a GUID)')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
