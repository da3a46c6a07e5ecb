// Azure's error answers enter the run through collect/errors.ts: on one line, redacted and cut
// before any sentence quotes them (issue 20).
import { describe, expect, test } from '@jest/globals'
import { RestError } from '@azure/core-rest-pipeline'
import { CUT_MARK, MAX_ERROR_CODE, MAX_ERROR_MESSAGE } from '../../src/azure-text.ts'
import { ArmRequestError, describeFailure, failureDetail } from '../../src/collect/errors.ts'
import { REDACTED, registerSecret } from '../../src/redact.ts'

const SUBSCRIPTION = '00000000-0000-4000-8000-00000000e220'
const context = { subscriptionId: SUBSCRIPTION, clientId: 'client', what: 'the policy assignments' }
const TOKEN = 'standin.errors_test-0123456789_abcdefghij-KLMNOP'
registerSecret(TOKEN)

const echo = (token: string) =>
  `The gateway could not forward the request. Headers received:\naccept: */*\nauthorization: Bearer ${token}\nuser-agent: x`

describe('an answer that echoes the request headers', () => {
  test.each([
    [
      'ARM error body',
      ArmRequestError.fromBody(400, { error: { code: 'InvalidRequest', message: echo(TOKEN) } })
    ],
    ['the SDK', new RestError(echo(TOKEN), { statusCode: 400, code: 'InvalidRequest' })]
  ])('%s: the reason keeps what it says, the token replaced', (_source, error) => {
    const reason = describeFailure(error, context)
    expect(reason).not.toContain(TOKEN.slice(-16))
    expect(reason).toMatch(/authorization: Bearer \[redacted\]/)
    expect(reason).not.toMatch(/\n/)
  })

  test("Entra ID's description: redacted too", () => {
    const error = Object.assign(new Error(`AADSTS50000: token Bearer ${TOKEN} refused. More.`), {
      name: 'AuthenticationError'
    })
    const reason = describeFailure(error, context)
    expect(reason).toContain(`(AADSTS50000: token Bearer ${REDACTED}`)
    expect(reason).not.toContain(TOKEN.slice(-16))
  })

  test('a token the run does not hold is redacted by its shape', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const error = ArmRequestError.fromBody(400, { error: { code: 'X', message: `echo ${jwt}` } })
    expect(failureDetail(error)).toBe(`400 X: echo ${REDACTED}`)
  })
})

describe('an oversized answer', () => {
  test('a message of a megabyte is cut at MAX_ERROR_MESSAGE, marked; the fix survives', () => {
    const message = 'm'.repeat(1024 * 1024)
    const error = new RestError(message, { statusCode: 500, code: 'InternalServerError' })
    const detail = failureDetail(error)
    expect(detail.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE + 40)
    expect(detail).toMatch(/…\[cut from 1048576 characters\]$/)
    expect(describeFailure(error, context)).toMatch(/\); re-run the check later\.$/)
  })

  test('an error code of a megabyte is cut at MAX_ERROR_CODE', () => {
    const code = 'C'.repeat(1024 * 1024)
    const detail = failureDetail(ArmRequestError.fromBody(403, { error: { code, message: 'no' } }))
    const shown = detail.slice('403 '.length, detail.indexOf(': no'))
    expect(shown).toHaveLength(MAX_ERROR_CODE)
    expect(shown).toMatch(CUT_MARK)
  })
})
