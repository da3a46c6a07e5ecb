// Runs the local Azure stand-in as a process:
//   node standin/cli.ts --estate FILE [--latency-ms N] [--oidc-latency-ms N] [--entra-latency-ms N]
//                       [--request-log FILE] [--warm-resource-graph]
// Prints one JSON line to stdout once it listens (the StandIn fields but the request list, plus
// `environment`: what runnerEnvironment() gives), then serves until SIGTERM or SIGINT.
// With --request-log, every request is appended to FILE as a JSON line once answered. With
// --warm-resource-graph, Resource Graph's KQL parser is loaded before it listens (else the first
// query waits about 2 s for it: a cost of the stand-in, not of its client).

import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadEstate } from './estate.ts'
import { loadKqlParser } from './resource-graph/kql.ts'
import { startStandIn } from './server.ts'

const usage =
  'usage: node standin/cli.ts --estate FILE [--latency-ms N] [--oidc-latency-ms N] [--entra-latency-ms N] [--request-log FILE] [--warm-resource-graph]'
// Each latency flag and the StandInOptions field it sets.
const LATENCY_FLAGS = {
  'latency-ms': 'latencyMs',
  'oidc-latency-ms': 'oidcLatencyMs',
  'entra-latency-ms': 'entraLatencyMs'
} as const

async function main(): Promise<void> {
  let values: {
    estate?: string
    'latency-ms'?: string
    'oidc-latency-ms'?: string
    'entra-latency-ms'?: string
    'request-log'?: string
    'warm-resource-graph'?: boolean
    help?: boolean
  }
  try {
    ;({ values } = parseArgs({
      options: {
        estate: { type: 'string' },
        'latency-ms': { type: 'string' },
        'oidc-latency-ms': { type: 'string' },
        'entra-latency-ms': { type: 'string' },
        'request-log': { type: 'string' },
        'warm-resource-graph': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`, { cause: error })
  }
  if (values.help) {
    console.log(usage)
    return
  }
  if (!values.estate) throw new Error(`--estate is required\n${usage}`)
  const latencies: Partial<Record<(typeof LATENCY_FLAGS)[keyof typeof LATENCY_FLAGS], number>> = {}
  for (const [flag, option] of Object.entries(LATENCY_FLAGS)) {
    const text = values[flag as keyof typeof LATENCY_FLAGS]
    if (text === undefined) continue
    const ms = Number(text)
    if (!Number.isInteger(ms) || ms < 0)
      throw new Error(`--${flag} must be a whole number of milliseconds, got '${text}'`)
    latencies[option] = ms
  }
  const estate = await loadEstate(values.estate)
  if (values['warm-resource-graph']) loadKqlParser()
  let log: WriteStream | undefined
  if (values['request-log']) {
    log = createWriteStream(values['request-log'], { flags: 'a' })
    await new Promise<void>((resolve, reject) => {
      log!.once('open', () => resolve())
      log!.once('error', reject)
    })
  }
  const standIn = await startStandIn({
    estate,
    ...latencies,
    ...(log ? { onRequest: (record) => log.write(`${JSON.stringify(record)}\n`) } : {})
  })
  const info = {
    authorityHost: standIn.authorityHost,
    resourceManagerEndpoint: standIn.resourceManagerEndpoint,
    oidcRequestUrl: standIn.oidcRequestUrl,
    oidcRequestToken: standIn.oidcRequestToken,
    caCertificatePath: standIn.caCertificatePath,
    caCertificatePem: standIn.caCertificatePem,
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    environment: standIn.runnerEnvironment()
  }
  process.stdout.write(`${JSON.stringify(info)}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    await standIn.close()
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()))
    process.exitCode = 0
    if (process.env.STANDIN_DEBUG) console.error(`stand-in stopped on ${signal}`)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error: unknown) => {
  console.error(`local Azure stand-in: ${(error as Error).message}`)
  process.exitCode = 1
})
