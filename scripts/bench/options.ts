// The bench's command line.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ENGINES, type Engine } from '../../src/defaults.ts'
import { DEFAULT_SCENARIO, SCENARIOS, scenarioNamed, type Scenario } from './scenarios/index.ts'
import { STAND_IN_PLACES, type Latencies, type StandInPlace } from './standin.ts'

export interface BenchOptions {
  scenario: Scenario
  subscriptions: number
  latencies: Latencies
  concurrency: number
  /** The action's `engine` input. */
  engine: Engine
  runs: number
  /** Absolute path of the action's entry point. */
  entryPoint: string
  standIn: StandInPlace
  cpuProf: boolean
  json: boolean
  strict: boolean
}

export const USAGE = [
  'usage: npm run bench -- [--scenario NAME] [--subscriptions 1000] [--latency-ms 50] [--max-concurrency 8] [--runs 1]',
  '                        [--engine resource-manager|resource-graph]',
  '                        [--oidc-latency-ms 0] [--entra-latency-ms 0]',
  '                        [--standin child|in-process] [--cpu-prof] [--entry-point dist/index.js]',
  '                        [--json] [--strict]',
  'scenarios:',
  ...SCENARIOS.map(
    (s) => `  ${s.name}${s.name === DEFAULT_SCENARIO ? ' (default)' : ''}: ${s.summary}`
  )
].join('\n')

/** The options `args` give, or 'help' for --help; throws an Error that says which flag is wrong
 * and what it takes. */
export function parseOptions(args: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      subscriptions: { type: 'string', default: '1000' },
      'latency-ms': { type: 'string', default: '50' },
      'oidc-latency-ms': { type: 'string', default: '0' },
      'entra-latency-ms': { type: 'string', default: '0' },
      'max-concurrency': { type: 'string', default: '8' },
      engine: { type: 'string', default: 'resource-manager' },
      runs: { type: 'string', default: '1' },
      'entry-point': {
        type: 'string',
        default: fileURLToPath(new URL('../../dist/index.js', import.meta.url))
      },
      standin: { type: 'string', default: 'child' },
      'cpu-prof': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'
  const whole = (name: keyof typeof values, min: number) => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`)
    return n
  }
  const standIn = STAND_IN_PLACES.find((place) => place === values.standin)
  if (!standIn) throw new Error(`--standin must be ${STAND_IN_PLACES.join(' or ')}`)
  const engine = ENGINES.find((name) => name === values.engine)
  if (!engine) throw new Error(`--engine must be ${ENGINES.join(' or ')}`)
  return {
    scenario: scenarioNamed(values.scenario),
    subscriptions: whole('subscriptions', 1),
    latencies: {
      latencyMs: whole('latency-ms', 1),
      oidcLatencyMs: whole('oidc-latency-ms', 0),
      entraLatencyMs: whole('entra-latency-ms', 0)
    },
    concurrency: whole('max-concurrency', 1),
    engine,
    runs: whole('runs', 1),
    entryPoint: path.resolve(values['entry-point']),
    standIn,
    cpuProf: values['cpu-prof'],
    json: values.json,
    strict: values.strict
  }
}
