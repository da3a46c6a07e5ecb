import { jest, test, expect } from '@jest/globals'

jest.unstable_mockModule('@actions/core', () => ({ info: jest.fn() }))
const core = await import('@actions/core')
const { run } = await import('../src/main.ts')

test('run says hello', async () => {
  await run()
  expect(core.info).toHaveBeenCalledWith('hello')
  expect(process.version).toMatch(/^v24\./)
})
