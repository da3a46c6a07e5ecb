import { describe, expect, test } from '@jest/globals'
import { nextPageUrl } from '../../src/collect/resource-manager.ts'
import { mapSetDefinition } from '../../src/collect/map.ts'

const ENDPOINT = 'https://management.azure.com'
const PAGE = `${ENDPOINT}/subscriptions/s/providers/Microsoft.Authorization/policyAssignments?api-version=2025-03-01`

describe('nextPageUrl', () => {
  test.each([undefined, null, ''])('%j ends the list', (nextLink) => {
    expect(nextPageUrl(nextLink, PAGE, ENDPOINT)).toBeUndefined()
  })

  test('an absolute nextLink on Resource Manager is followed', () => {
    const next = `${ENDPOINT}/subscriptions/s/providers/Microsoft.Authorization/policyAssignments?$skiptoken=abc`
    expect(nextPageUrl(next, PAGE, ENDPOINT)).toBe(next)
  })

  test('a relative nextLink is resolved against the page it came from', () => {
    expect(nextPageUrl('/subscriptions/s/page2?x=1', PAGE, ENDPOINT)).toBe(
      `${ENDPOINT}/subscriptions/s/page2?x=1`
    )
  })

  test.each([
    'https://collector.example.test/steal?token=1',
    'http://management.azure.com/subscriptions/s',
    'https://management.azure.com:8443/subscriptions/s',
    '//collector.example.test/steal'
  ])('a nextLink to another origin (%s) is refused, so the token is not sent there', (nextLink) => {
    expect(() => nextPageUrl(nextLink, PAGE, ENDPOINT)).toThrow(
      /nextLink points to .*, not to https:\/\/management\.azure\.com/
    )
  })

  test('a nextLink that is not text is malformed', () => {
    expect(() => nextPageUrl(42, PAGE, ENDPOINT)).toThrow(/nextLink that is not text/)
  })
})

describe('mapSetDefinition', () => {
  test('a reference without a policyDefinitionId makes the set malformed, not skipped', () => {
    expect(() =>
      mapSetDefinition({
        id: '/providers/Microsoft.Authorization/policySetDefinitions/x',
        name: 'x',
        properties: { policyDefinitions: [{ policyDefinitionReferenceId: 'jit' }] }
      })
    ).toThrow(
      "properties.policyDefinitions[0].policyDefinitionId of policy set definition '/providers/Microsoft.Authorization/policySetDefinitions/x' is missing, not a string"
    )
  })
})
