// Sets of locations as resourceLocation selectors write them: `in` a list, or every location but a
// `notIn` list; names compared lower-cased.
import { describe, expect, test } from '@jest/globals'
import {
  describeLocations,
  difference,
  EVERY_LOCATION,
  intersection,
  isEvery,
  isNone,
  NO_LOCATION,
  overlap,
  sameLocations,
  selectorLocations,
  union
} from '../../src/evaluate/locations.ts'
import type { Locations } from '../../src/evaluate/locations.ts'

function only(...names: string[]): Locations {
  return selectorLocations({ kind: 'resourceLocation', in: names })!
}
function except(...names: string[]): Locations {
  return selectorLocations({ kind: 'resourceLocation', notIn: names })!
}

describe('a selector', () => {
  test('in: only those locations, lower-cased', () => {
    expect(describeLocations(only('EastUS', 'westeurope'))).toBe('only in eastus, westeurope')
  })
  test('notIn: every location but those', () => {
    expect(describeLocations(except('eastus'))).toBe('in every location but eastus')
  })
  test('neither list: null', () => {
    expect(selectorLocations({ kind: 'resourceLocation' })).toBeNull()
  })
  test('an empty in is no location, an empty notIn every location', () => {
    expect(isNone(only())).toBe(true)
    expect(isEvery(except())).toBe(true)
    expect(describeLocations(NO_LOCATION)).toBe('in no location')
    expect(describeLocations(EVERY_LOCATION)).toBe('in every location')
  })
})

describe('algebra', () => {
  test.each([
    ['in ∪ in', only('a', 'b'), only('b', 'c'), only('a', 'b', 'c')],
    ['in ∪ notIn', only('a'), except('a', 'b'), except('b')],
    ['notIn ∪ in', except('a', 'b'), only('A'), except('b')],
    ['notIn ∪ notIn', except('a', 'b'), except('b', 'c'), except('b')],
    ['in [x] ∪ notIn [x] is every location', only('eastus'), except('EastUS'), EVERY_LOCATION]
  ])('union: %s', (_name, a, b, expected) => {
    expect(sameLocations(union(a, b), expected)).toBe(true)
  })

  test.each([
    ['in ∩ in', only('a', 'b'), only('b', 'c'), only('b')],
    ['in ∩ notIn', only('a', 'b'), except('b'), only('a')],
    ['notIn ∩ in', except('b'), only('a', 'b'), only('a')],
    ['notIn ∩ notIn', except('a'), except('b'), except('a', 'b')],
    ['in [x] ∩ notIn [x] is no location', only('eastus'), except('eastus'), NO_LOCATION]
  ])('intersection: %s', (_name, a, b, expected) => {
    expect(sameLocations(intersection(a, b), expected)).toBe(true)
  })

  test.each([
    ['every location less in [x]', EVERY_LOCATION, only('x'), except('x')],
    ['every location less notIn [x]', EVERY_LOCATION, except('x'), only('x')],
    ['in [x] less in [x]', only('x'), only('X'), NO_LOCATION],
    ['in [x, y] less notIn [x]', only('x', 'y'), except('x'), only('x')],
    ['notIn [x] less notIn [x]', except('x'), except('x'), NO_LOCATION]
  ])('difference: %s', (_name, a, b, expected) => {
    expect(sameLocations(difference(a, b), expected)).toBe(true)
  })

  test('sameLocations compares kind and names', () => {
    expect(sameLocations(only('a'), except('a'))).toBe(false)
    expect(sameLocations(only('a'), only('a', 'b'))).toBe(false)
    expect(sameLocations(only('a', 'b'), only('b', 'a'))).toBe(true)
    expect(sameLocations(only('a', 'b'), only('a', 'c'))).toBe(false)
  })

  test('overlap: unless disjoint', () => {
    expect(overlap(only('a'), only('b'))).toBe(false)
    expect(overlap(only('a'), except('b'))).toBe(true)
    expect(overlap(except('a'), except('b'))).toBe(true)
    expect(overlap(only('a'), except('a'))).toBe(false)
  })
})
