import { describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import { hasSubscribers } from 'node:diagnostics_channel'
import { createServer, get, request } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { SignInError } from '../../src/signin/errors.ts'
import {
  decodeTokenClaims,
  explainOidcFailure,
  oidcAssertion,
  requestOidcAssertion
} from '../../src/signin/oidc.ts'

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

describe('requestOidcAssertion', () => {
  test('asks the runner at once, and the credential gets that same answer', async () => {
    const token = jwt({ exp: 9_999_999_999 })
    const getIdToken = jest.fn<(audience: string) => Promise<string>>(async () => token)
    const { assertion } = requestOidcAssertion({ getIdToken, audience: 'aud', available: true })
    expect(getIdToken).toHaveBeenCalledTimes(1)
    expect(getIdToken).toHaveBeenCalledWith('aud')
    expect(await assertion.getAssertion()).toBe(token)
    expect(getIdToken).toHaveBeenCalledTimes(1)
  })

  test('a failure of that first request is kept for sign-in to explain, not left unhandled', async () => {
    const getIdToken = jest.fn(async () => {
      throw new Error('Failed to get ID Token. Error Code : 403')
    })
    const { assertion, sent } = requestOidcAssertion({
      getIdToken,
      audience: 'aud',
      available: true
    })
    // With no request made, `sent` does not wait for the time limit either.
    const started = Date.now()
    await sent
    expect(Date.now() - started).toBeLessThan(500)
    expect(hasSubscribers('http.client.request.start')).toBe(false)
    expect(assertion.lastError()).toEqual(new Error('Failed to get ID Token. Error Code : 403'))
  })

  test('`sent` settles once the token request has been handed over: not before it is made, not at a proxy CONNECT, not at the answer', async () => {
    // The runner's endpoint: receives the request, then holds the answer for 1.5 s. It also plays
    // a proxy that accepts a CONNECT.
    const received: number[] = []
    const runner = createServer((request, response) => {
      received.push(Date.now())
      setTimeout(() => response.end(jwt({ exp: 9_999_999_999 })), 1_500)
    })
    runner.on('connect', (_request, socket: Socket) =>
      socket.end('HTTP/1.1 200 Connection Established\r\n\r\n')
    )
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve))
    const port = (runner.address() as AddressInfo).port
    const url = `http://127.0.0.1:${port}/token`
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    try {
      // Like core.getIDToken behind a proxy: a CONNECT after 300 ms, the token request 300 ms later.
      const getIdToken = async () => {
        await pause(300)
        await new Promise<void>((resolve) =>
          request({ port, host: '127.0.0.1', method: 'CONNECT', path: `127.0.0.1:${port}` })
            .once('connect', (_response, socket: Socket) => {
              socket.destroy()
              resolve()
            })
            .end()
        )
        await pause(300)
        return new Promise<string>((resolve, reject) => {
          get(url, (response) => {
            let body = ''
            response.on('data', (chunk: Buffer) => (body += chunk.toString()))
            response.on('end', () => resolve(body))
          }).on('error', reject)
        })
      }
      const started = Date.now()
      const { assertion, sent } = requestOidcAssertion({
        getIdToken,
        audience: 'a',
        available: true
      })
      let sentAt = 0
      void sent.then(() => (sentAt = Date.now()))
      await pause(450)
      expect(sentAt).toBe(0)
      await sent
      expect(sentAt - started).toBeGreaterThanOrEqual(590)
      expect(sentAt - started).toBeLessThan(1_500)
      expect(hasSubscribers('http.client.request.start')).toBe(false)
      await assertion.getAssertion()
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_000)
      expect(received).toHaveLength(1)
    } finally {
      runner.closeAllConnections()
      await new Promise((resolve) => runner.close(resolve))
    }
  })

  test('`sent` stops waiting after a second when no request is seen', async () => {
    const started = Date.now()
    const { sent } = requestOidcAssertion({
      getIdToken: () => new Promise<string>(() => undefined),
      audience: 'a',
      available: true
    })
    await sent
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(hasSubscribers('http.client.request.start')).toBe(false)
  })

  test('without an OIDC endpoint it says why, before any request', () => {
    const getIdToken = jest.fn(async () => 'never')
    expect(() => requestOidcAssertion({ getIdToken, audience: 'a', available: false })).toThrow(
      new RegExp('no GitHub OIDC token .*id-token: write.*forks')
    )
    expect(getIdToken).not.toHaveBeenCalled()
  })

  test('says so with a SignInError, which the step reports as it is', () => {
    expect(() =>
      requestOidcAssertion({ getIdToken: async () => 't', audience: 'a', available: false })
    ).toThrow(SignInError)
  })
})

describe('explainOidcFailure', () => {
  // The errors come from the real @actions/core getIDToken against a local endpoint, so a change
  // in how it words them fails here.
  async function getIdTokenError(url: string): Promise<unknown> {
    const saved = { ...process.env }
    const write = process.stdout.write
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = url
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runner-token'
    process.stdout.write = () => true
    try {
      await core.getIDToken('api://AzureADTokenExchangeUSGov')
      return undefined
    } catch (error) {
      return error
    } finally {
      process.stdout.write = write
      process.env = saved
    }
  }

  test.each([
    [500, 'Internal error in the token service'],
    [403, 'Forbidden by the token service']
  ])('shows the endpoint status %i and its message', async (status, message) => {
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ message }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const error = await getIdTokenError(`http://127.0.0.1:${port}/idtoken?api-version=2.0`)
      const explained = explainOidcFailure(error, 'api://AzureADTokenExchangeUSGov')
      expect(explained).toBe(
        `Could not get a GitHub OIDC token: the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) for a token for audience 'api://AzureADTokenExchangeUSGov' answered HTTP ${status} (${message}). ` +
          "The endpoint is GitHub's: re-run the job, and check https://www.githubstatus.com if it keeps failing."
      )
      expect(explained).not.toContain('id-token: write')
    } finally {
      server.close()
    }
  })

  test('shows the network error when the endpoint cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const error = await getIdTokenError(`http://127.0.0.1:${port}/idtoken?api-version=2.0`)
    const explained = explainOidcFailure(error, 'aud')
    expect(explained).toContain(
      `for a token for audience 'aud' could not be reached (connect ECONNREFUSED 127.0.0.1:${port}).`
    )
    expect(explained).toContain('HTTPS_PROXY')
    expect(explained).not.toContain('id-token: write')
  })

  test('shows the first line of any other error', () => {
    expect(explainOidcFailure(new Error('socket hang up\nmore'), 'a')).toContain(
      'could not be reached (socket hang up)'
    )
  })
})
