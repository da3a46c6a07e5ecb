import { describe, expect, jest, test } from '@jest/globals'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import {
  decodeTokenClaims,
  oidcAssertion,
  sharedTokenCredential,
  signIn,
  skipsInstanceDiscovery
} from '../src/signin.ts'
import { CLOUDS } from '../src/inputs.ts'

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

describe('decodeTokenClaims', () => {
  test('reads the payload of a JWT', () => {
    expect(decodeTokenClaims(jwt({ sub: 'repo:o/r:ref:refs/heads/main', exp: 10 }))).toEqual({
      sub: 'repo:o/r:ref:refs/heads/main',
      exp: 10
    })
  })

  test.each(['', 'opaque', 'a.!!!.c', `a.${Buffer.from('"text"').toString('base64url')}.c`])(
    'returns no claims for %j',
    (token) => {
      expect(decodeTokenClaims(token)).toEqual({})
    }
  )
})

describe('oidcAssertion', () => {
  test('asks the runner once per token lifetime, sharing one request among concurrent callers', async () => {
    let now = 1_000_000_000_000
    const getIdToken = jest.fn(async (audience: string) =>
      jwt({ aud: audience, exp: Math.floor(now / 1000) + 300 })
    )
    const assertion = oidcAssertion(getIdToken, 'api://AzureADTokenExchange', () => now)

    const [first, second] = await Promise.all([assertion.getAssertion(), assertion.getAssertion()])
    expect(first).toBe(second)
    expect(getIdToken).toHaveBeenCalledTimes(1)
    expect(getIdToken).toHaveBeenCalledWith('api://AzureADTokenExchange')

    now += 200_000
    expect(await assertion.getAssertion()).toBe(first)
    expect(getIdToken).toHaveBeenCalledTimes(1)

    // Within a minute of expiry the token is renewed rather than sent to Entra ID.
    now += 45_000
    const renewed = await assertion.getAssertion()
    expect(getIdToken).toHaveBeenCalledTimes(2)
    expect(renewed).not.toBe(first)
    expect(assertion.lastToken()).toBe(renewed)
  })

  test('remembers a failure and tries again on the next call', async () => {
    const getIdToken = jest
      .fn<(audience: string) => Promise<string>>()
      .mockRejectedValueOnce(new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'))
      .mockResolvedValueOnce(jwt({ exp: 9_999_999_999 }))
    const assertion = oidcAssertion(getIdToken, 'aud')
    await expect(assertion.getAssertion()).rejects.toThrow('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(assertion.lastError()).toBeInstanceOf(Error)
    await expect(assertion.getAssertion()).resolves.toMatch(/\./)
    expect(assertion.lastError()).toBeUndefined()
    expect(getIdToken).toHaveBeenCalledTimes(2)
  })
})

describe('sharedTokenCredential', () => {
  test('one token per scope until shortly before it expires, each new one handed to onToken', async () => {
    let now = 1_000_000
    let issued = 0
    const inner = {
      getToken: jest.fn(async () => ({
        token: `token-${++issued}`,
        expiresOnTimestamp: now + 10 * 60_000
      }))
    }
    const seen: string[] = []
    const credential = sharedTokenCredential(
      inner,
      (token) => seen.push(token.token),
      () => now
    )
    const tokens = await Promise.all([
      credential.getToken('scope/.default'),
      credential.getToken('scope/.default')
    ])
    expect(tokens.map((token) => token.token)).toEqual(['token-1', 'token-1'])
    now += 4 * 60_000
    expect((await credential.getToken('scope/.default')).token).toBe('token-1')
    // Within five minutes of expiry it is renewed.
    now += 2 * 60_000
    expect((await credential.getToken('scope/.default')).token).toBe('token-2')
    expect(inner.getToken).toHaveBeenCalledTimes(2)
    expect(seen).toEqual(['token-1', 'token-2'])
  })

  test('a failure is not cached', async () => {
    const inner = {
      getToken: jest
        .fn<() => Promise<{ token: string; expiresOnTimestamp: number } | null>>()
        .mockRejectedValueOnce(new Error('AADSTS50000: down'))
        .mockResolvedValueOnce({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 })
    }
    const credential = sharedTokenCredential(inner, () => undefined)
    await expect(credential.getToken('s')).rejects.toThrow('AADSTS50000')
    await expect(credential.getToken('s')).resolves.toMatchObject({ token: 't' })
  })
})

describe('skipsInstanceDiscovery', () => {
  test.each(CLOUDS.map((cloud) => [cloud.name, cloud.authorityHost]))(
    'the %s authority (%s) keeps instance discovery',
    (_name, authorityHost) => {
      expect(skipsInstanceDiscovery(authorityHost)).toBe(false)
      expect(skipsInstanceDiscovery(authorityHost.toUpperCase())).toBe(false)
    }
  )

  test.each([
    'https://127.0.0.1:8443',
    'https://login.contoso.local',
    'https://login.microsoftonline.com.evil.test'
  ])('another authority (%s) skips it', (authorityHost) => {
    expect(skipsInstanceDiscovery(authorityHost)).toBe(true)
  })
})

describe('signIn', () => {
  test('an authority that never answers ends in a clear error within the time-out', async () => {
    // A local server that accepts connections and never answers: no request leaves the machine.
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const authorityHost = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const started = Date.now()
    try {
      await expect(
        signIn({
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          clientId: '11111111-1111-1111-1111-111111111111',
          audience: 'api://AzureADTokenExchange',
          authorityHost,
          resourceManagerEndpoint: 'https://127.0.0.1:1',
          getIdToken: () => new Promise<string>(() => undefined),
          setSecret: () => undefined,
          oidcAvailable: true,
          timeoutMs: 300
        })
      ).rejects.toThrow(
        `Sign-in did not finish within 0.3 s: the runner's OIDC endpoint or Entra ID at ${authorityHost} did not answer`
      )
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  test('without an OIDC endpoint it says why, before any request', async () => {
    const getIdToken = jest.fn(async () => 'never')
    await expect(
      signIn({
        tenantId: 't',
        clientId: 'c',
        audience: 'a',
        authorityHost: 'https://login.microsoftonline.com',
        resourceManagerEndpoint: 'https://management.azure.com',
        getIdToken,
        setSecret: () => undefined,
        oidcAvailable: false,
        timeoutMs: 1_000
      })
    ).rejects.toThrow(/no GitHub OIDC token .*id-token: write.*forks/)
    expect(getIdToken).not.toHaveBeenCalled()
  })
})
