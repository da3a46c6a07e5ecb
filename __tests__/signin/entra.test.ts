import { describe, expect, jest, test } from '@jest/globals'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { oidcAssertion } from '../../src/signin/oidc.ts'
import {
  AccessTokenWaitError,
  sharedTokenCredential,
  signIn,
  skipsInstanceDiscovery
} from '../../src/signin/index.ts'
import { CLOUDS } from '../../src/defaults.ts'

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

describe('sharedTokenCredential: every wait for a token is bounded', () => {
  type Token = { token: string; expiresOnTimestamp: number }
  const never = () => new Promise<Token>(() => undefined)
  const fresh = async (): Promise<Token> => ({
    token: 't',
    expiresOnTimestamp: Date.now() + 3_600_000
  })

  test('a request Entra ID never answers is given up, and the next caller asks again', async () => {
    const inner = { getToken: jest.fn<() => Promise<Token>>(fresh).mockImplementationOnce(never) }
    const credential = sharedTokenCredential(inner, () => undefined, Date.now, { waitMs: 50 })
    const first = credential.getToken('s')
    const second = credential.getToken('s')
    await expect(first).rejects.toThrow(
      new AccessTokenWaitError('Entra ID did not answer a request for an access token within 0.1 s')
    )
    await expect(second).rejects.toThrow(AccessTokenWaitError)
    await expect(credential.getToken('s')).resolves.toMatchObject({ token: 't' })
    expect(inner.getToken).toHaveBeenCalledTimes(2)
    // The request is asked with the signal it is given up on, for a credential that honours it.
    const [, options] = inner.getToken.mock.calls[0] as unknown as [
      string,
      { abortSignal: AbortSignal }
    ]
    expect(options.abortSignal.aborted).toBe(true)
  })

  test("a caller's own signal ends its wait only: the others get the token", async () => {
    let answer!: (token: Token) => void
    const inner = {
      getToken: jest.fn(() => new Promise<Token>((resolve) => (answer = resolve)))
    }
    const credential = sharedTokenCredential(inner, () => undefined)
    const caller = new AbortController()
    const impatient = credential.getToken('s', { abortSignal: caller.signal })
    const patient = credential.getToken('s')
    caller.abort()
    await expect(impatient).rejects.toThrow(
      'the request gave up waiting for an access token from Entra ID'
    )
    answer(await fresh())
    await expect(patient).resolves.toMatchObject({ token: 't' })
    expect(inner.getToken).toHaveBeenCalledTimes(1)
  })

  test("the run's deadline ends every wait, and says so", async () => {
    const deadline = new AbortController()
    const inner = { getToken: jest.fn(never) }
    const credential = sharedTokenCredential(inner, () => undefined, Date.now, {
      deadline: deadline.signal
    })
    const waiting = credential.getToken('s')
    deadline.abort()
    await expect(waiting).rejects.toThrow(
      "the run's deadline passed while Entra ID was asked for an access token"
    )
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
          assertion: oidcAssertion(() => new Promise<string>(() => undefined), 'aud'),
          setSecret: () => undefined,
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
})
