// The display names of a snapshot as they enter the run: redacted and cut, the rest untouched.
import { expect, test } from '@jest/globals'
import { CUT_MARK, MAX_DISPLAY_NAME } from '../../src/azure-text.ts'
import { withDisplayNamesBounded } from '../../src/collect/display-names.ts'
import { REDACTED } from '../../src/redact.ts'
import {
  assignment,
  customSet,
  exemption,
  frozen,
  jitReference,
  snapshot
} from '../evaluate/builders.ts'

test('every display name redacted and cut at MAX_DISPLAY_NAME; nothing else changes', () => {
  const huge = 'd'.repeat(1024 * 1024)
  const named = assignment({ name: 'huge', displayName: huge })
  const plain = assignment({ name: 'plain' })
  const set = { ...customSet('set', [jitReference('jit')]), displayName: `Bearer abcdefghijklmnop` }
  const before = frozen(
    snapshot([named, plain], [set], {
      exemptions: [exemption(named, { name: 'waiver', displayName: huge })]
    })
  )
  const after = withDisplayNamesBounded(before)
  expect(after.assignments[0]!.displayName).toMatch(CUT_MARK)
  expect(after.assignments[0]!.displayName).toHaveLength(MAX_DISPLAY_NAME)
  expect(after.exemptions[0]!.displayName).toHaveLength(MAX_DISPLAY_NAME)
  expect(after.setDefinitions[set.id.toLowerCase()]!.displayName).toBe(`Bearer ${REDACTED}`)
  // What the rule reads is as it was, and what needed no change is the same object.
  expect(after.assignments[1]).toBe(before.assignments[1])
  expect(after.jitPolicyDefinition).toBe(before.jitPolicyDefinition)
  expect({ ...after.assignments[0]!, displayName: huge }).toEqual(before.assignments[0])
})
