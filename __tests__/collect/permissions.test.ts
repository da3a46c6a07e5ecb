// The actions a subscription's reads need have one home (src/collect/permissions.ts): the 403
// message lists them, and docs/setup.md's least-privilege role holds exactly them.
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describeFailure } from '../../src/collect/errors.ts'
import { ArmRequestError } from '../../src/collect/errors.ts'
import {
  MACHINE_READ_ACTIONS,
  SUBSCRIPTION_READ_ACTIONS,
  listedActions
} from '../../src/collect/permissions.ts'
import { MACHINE_READ_PERMISSION } from '../../src/collect/virtual-machines/index.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')

test("a 403 on a subscription's read names every action its reads need", () => {
  const message = describeFailure(new ArmRequestError(403, 'AuthorizationFailed', 'no access'), {
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    clientId: '22222222-2222-2222-2222-222222222222',
    what: 'the policy assignments'
  })
  for (const action of SUBSCRIPTION_READ_ACTIONS) expect(message).toContain(action)
  expect(message).toContain('Microsoft.Security/pricings/read')
  expect(message).toMatch(/Reader role/)
})

test('a refused read of the virtual machines names every action it needs', () => {
  for (const action of MACHINE_READ_ACTIONS) expect(MACHINE_READ_PERMISSION).toContain(action)
})

test("docs/setup.md's least-privilege role lists exactly these actions, then the machines' reads", () => {
  const setup = readFileSync(path.join(ROOT, 'docs', 'setup.md'), 'utf8')
  const role = /"Actions": \[([^\]]*)\]/.exec(setup)?.[1] ?? ''
  const actions = [...role.matchAll(/"([^"]+)"/g)].map((match) => match[1])
  expect(actions).toEqual([...SUBSCRIPTION_READ_ACTIONS, ...MACHINE_READ_ACTIONS])
})

test('a sentence lists them with a final "and"', () => {
  expect(listedActions(['a', 'b', 'c'])).toBe('a, b and c')
  expect(listedActions(['a'])).toBe('a')
})
