// The estates the bench can run against, by the name --scenario gives. To add one: a file in this
// folder that builds a BenchEstate (types.ts), and a line in SCENARIOS.
import { landingZones } from './landing-zones.ts'
import { oneGroup } from './one-group.ts'
import type { Scenario } from './types.ts'

export type { BenchEstate, Scenario } from './types.ts'

export const SCENARIOS: readonly Scenario[] = [landingZones, oneGroup]

export const DEFAULT_SCENARIO = landingZones.name

/** The scenario named `name`; throws an Error that lists the names when there is none. */
export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name)
  if (scenario) return scenario
  throw new Error(`--scenario must be one of: ${SCENARIOS.map((s) => s.name).join(', ')}`)
}
