// runner.ts, the run's one door to the runner, with @actions/core replaced by a recording fake:
// every text it hands on is redacted, and every secret it masks is kept for redaction.
import { expect, test } from '@jest/globals'
import { mockCore, recorded, resetCore } from './fake-core.ts'
import { useWiring } from './harness.ts'

mockCore()
const runner = await import('../../src/runner.ts')
const { REDACTED, redact } = await import('../../src/redact.ts')

const wiring = useWiring()
const TOKEN = 'standin.runner_test-0123456789_abcdefghijKLMN'

test('every text is redacted before the runner gets it; setSecret also keeps the secret', async () => {
  resetCore({ 'github-token': 'ghs_runner_input_0001' })
  expect(redact(`x ${TOKEN}`)).toBe(`x ${TOKEN}`)
  runner.setSecret(TOKEN)
  expect(recorded.calls).toEqual([['setSecret', TOKEN]])
  expect(redact(`x ${TOKEN}`)).toBe(`x ${REDACTED}`)
  expect(runner.getInput('github-token')).toBe('ghs_runner_input_0001')

  const text = `echo: ${TOKEN}`
  const redacted = `echo: ${REDACTED}`
  runner.info(text)
  runner.debug(text)
  runner.warning(text, { title: text, file: 'w.yml', startLine: 3 })
  runner.error(text)
  runner.setOutput('results', JSON.stringify([{ reason: text }]))
  runner.setFailed(text)
  await runner.group(text, async () => undefined)
  expect(recorded.calls.slice(1)).toEqual([
    ['info', redacted],
    ['debug', redacted],
    ['warning', redacted, { title: redacted, file: 'w.yml', startLine: 3 }],
    ['error', redacted, undefined],
    ['setOutput', 'results', JSON.stringify([{ reason: redacted }])],
    ['setFailed', redacted],
    ['startGroup', redacted],
    ['endGroup']
  ])
  expect(JSON.stringify(recorded.calls.slice(1))).not.toContain(TOKEN.slice(-16))
})

test("the runner's OIDC token is kept for redaction as it arrives", async () => {
  await wiring.runner({})
  const token = await runner.getIDToken('api://AzureADTokenExchange')
  expect(wiring.standIn.secretsIssued()).toContain(token)
  expect(redact(`assertion ${token.slice(-40)}`)).toBe(`assertion ${REDACTED}`)
})
