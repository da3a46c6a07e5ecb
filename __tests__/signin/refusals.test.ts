import { afterEach, describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import { CLOUDS } from '../../src/defaults.ts'
import { signIn } from '../../src/signin/index.ts'
import { oidcAssertion } from '../../src/signin/oidc.ts'
import {
  cloudOfAuthority,
  explainEntraRefusal,
  explainUnresolvedAuthority,
  type RefusalContext
} from '../../src/signin/refusals.ts'
import { guid, type Estate } from '../../standin/estate/index.ts'
import { startStandIn, type StandIn } from '../../standin/server.ts'
import { trustStandIn } from '../../standin/trust.ts'
import { baseEstate, clearRunnerEnvironment, useRunnerEnvironment } from '../standin/helpers.ts'

const [PUBLIC, GOVERNMENT] = CLOUDS as [(typeof CLOUDS)[0], (typeof CLOUDS)[0]]
const SUBJECT = 'repo:octo-org/octo-repo:environment:Production'

const context = (extra: Partial<RefusalContext> = {}): RefusalContext => ({
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '11111111-1111-1111-1111-111111111111',
  authorityHost: GOVERNMENT.authorityHost,
  cloud: GOVERNMENT,
  claims: {
    iss: 'https://token.actions.githubusercontent.com',
    sub: SUBJECT,
    aud: 'api://AzureADTokenExchange'
  },
  ...extra
})

describe('explainEntraRefusal', () => {
  test("AADSTS700212 names the token's audience, the `audience` input and the cloud's default", () => {
    const message = explainEntraRefusal('700212', '', context())
    expect(message).toContain(
      "AADSTS700212 (no federated credential of the application has the token's audience 'api://AzureADTokenExchange', which is the `audience` input, or when it is empty AzureUSGovernment's default 'api://AzureADTokenExchangeUSGov')."
    )
    expect(message).toContain(
      "Set `audience` to the audience of the application's federated credential"
    )
  })

  test('AADSTS700212 in a cloud given by its endpoints lists every cloud default', () => {
    const message = explainEntraRefusal('700212', '', context({ cloud: undefined }))
    for (const cloud of CLOUDS)
      expect(message).toContain(`'${cloud.tokenExchangeAudience}' in ${cloud.name}`)
  })

  test('AADSTS7002138 says the subject differs only in letter case, and the exact subject to set', () => {
    const message = explainEntraRefusal('7002138', '', context())
    expect(message).toContain(
      `the token's subject '${SUBJECT}' matches a federated credential's subject only when letter case is ignored`
    )
    expect(message).toContain(`Change that credential's subject to exactly '${SUBJECT}'`)
    expect(message).toContain('case-sensitive-matching')
  })

  test.each(['700213', '70021'])(
    'AADSTS%s asks for a credential with the token subject',
    (code) => {
      const message = explainEntraRefusal(code, '', context())
      expect(message).toContain(
        `no federated credential of the application has the token's subject '${SUBJECT}'`
      )
      expect(message).toContain(
        `Add a federated credential to the application with issuer 'https://token.actions.githubusercontent.com', subject '${SUBJECT}' and audience 'api://AzureADTokenExchange'`
      )
    }
  )

  test('AADSTS90002 says the tenant was not found in that cloud, and what to check', () => {
    expect(explainEntraRefusal('90002', '', context())).toBe(
      "Tenant '72f988bf-86f1-41af-91ab-2d7cd011db47' was not found in AzureUSGovernment (Entra ID at https://login.microsoftonline.us) (AADSTS90002). " +
        "Check `tenant-id` (the directory (tenant) id on the application's Overview page) and `environment`: a tenant of Azure Government or Azure China exists only in that cloud (AzureUSGovernment, AzureChinaCloud)."
    )
  })

  test('another code keeps Entra description and the claims', () => {
    expect(explainEntraRefusal('50000', 'AADSTS50000: busy.', context())).toMatch(
      /AADSTS50000: AADSTS50000: busy\. The GitHub OIDC token has iss/
    )
  })
})

describe('explainUnresolvedAuthority', () => {
  test('AADSTS90002 behind endpoints_resolution_error: the tenant was not found', async () => {
    const message = await explainUnresolvedAuthority(context(), async () => ({
      status: 400,
      errorCodes: [90002]
    }))
    expect(message).toMatch(
      /^Tenant '.*' was not found in AzureUSGovernment .*AADSTS90002, through MSAL as endpoints_resolution_error/
    )
  })

  test('no answer: the network error and authority-host', async () => {
    const message = await explainUnresolvedAuthority(context({ cloud: undefined }), async () => ({
      error: 'getaddrinfo ENOTFOUND login.contoso.test'
    }))
    expect(message).toContain('getaddrinfo ENOTFOUND login.contoso.test')
    expect(message).toContain('`authority-host`')
  })

  test('another answer: its status and codes', async () => {
    const message = await explainUnresolvedAuthority(context(), async () => ({ status: 503 }))
    expect(message).toContain('HTTP 503, through MSAL as endpoints_resolution_error')
  })
})

test('cloudOfAuthority knows the three clouds by host', () => {
  expect(cloudOfAuthority('https://LOGIN.microsoftonline.us/')).toBe(GOVERNMENT)
  expect(cloudOfAuthority(PUBLIC.authorityHost)).toBe(PUBLIC)
  expect(cloudOfAuthority('https://127.0.0.1:8443')).toBeUndefined()
})

describe('signIn against the stand-in, through the real SDK', () => {
  const started: { standIn: StandIn; untrust: () => void }[] = []
  afterEach(async () => {
    for (const { standIn, untrust } of started.splice(0)) {
      untrust()
      await standIn.close()
    }
    clearRunnerEnvironment()
  })

  async function signInTo(
    extra: Partial<Estate>,
    tenantId?: string,
    audience = PUBLIC.tokenExchangeAudience
  ) {
    const standIn = await startStandIn({ estate: baseEstate(extra) })
    started.push({ standIn, untrust: trustStandIn(standIn) })
    useRunnerEnvironment(standIn)
    const write = process.stdout.write
    process.stdout.write = () => true
    try {
      await signIn({
        tenantId: tenantId ?? standIn.tenantId,
        clientId: standIn.clientId,
        audience,
        cloud: PUBLIC,
        authorityHost: standIn.authorityHost,
        resourceManagerEndpoint: standIn.resourceManagerEndpoint,
        assertion: oidcAssertion((a) => core.getIDToken(a), audience),
        setSecret: () => undefined
      })
      return 'signed in'
    } catch (error) {
      return (error as Error).message
    } finally {
      process.stdout.write = write
    }
  }

  test('an unknown tenant is not found in the cloud (MSAL endpoints_resolution_error, AADSTS90002)', async () => {
    const tenant = guid('no such tenant')
    expect(await signInTo({}, tenant)).toMatch(
      new RegExp(
        `^Tenant '${tenant}' was not found in AzureCloud \\(Entra ID at https://127\\.0\\.0\\.1:\\d+\\) \\(AADSTS90002, through MSAL`
      )
    )
  })

  test("an audience mismatch names the input and the cloud's default", async () => {
    const message = await signInTo({ entra: { audience: GOVERNMENT.tokenExchangeAudience } })
    expect(message).toContain(
      "AADSTS700212 (no federated credential of the application has the token's audience 'api://AzureADTokenExchange', which is the `audience` input, or when it is empty AzureCloud's default 'api://AzureADTokenExchange')"
    )
  })

  test('a subject that differs in case only is AADSTS7002138', async () => {
    const message = await signInTo({
      federatedSubjects: ['repo:Octo-Org/octo-repo:ref:refs/heads/main']
    })
    expect(message).toContain('AADSTS7002138 (the token')
  })

  test('the OIDC endpoint failing with a status: the status, not id-token: write', async () => {
    const message = await signInTo({ oidc: { status: 500 } })
    expect(message).toContain(
      'answered HTTP 500 (The OIDC token service failed (stand-in status 500).)'
    )
    expect(message).not.toContain('id-token')
  })

  test('the OIDC endpoint unreachable: the network error', async () => {
    const message = await signInTo({ oidc: { unreachable: true } })
    expect(message).toMatch(/could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/)
  })
})
