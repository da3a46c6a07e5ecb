// Runs the local Azure stand-in as a process:
//   npm run standin -- --estate FILE [--latency-ms N] [--oidc-latency-ms N] [--entra-latency-ms N]
//                       [--request-log FILE] [--warm-resource-graph]
//                       [--github-port N [--github-repository OWNER/NAME]]
// Prints one JSON line to stdout once it listens (the StandIn fields but the request list, plus
// `environment`: what runnerEnvironment() gives), then serves until SIGTERM or SIGINT.
// With --github-port, GitHub's REST API for the issue and pull-request comment (github.ts) too, on
// that port (0: a free one): `github` in the line, and GITHUB_API_URL and GITHUB_REPOSITORY in
// `environment`.
// With --request-log, every request is appended to FILE as a JSON line once answered. With
// --warm-resource-graph, Resource Graph's KQL parser is loaded before it listens (else the first
// query waits about 2 s for it: a cost of the stand-in, not of its client).

import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadEstate } from './estate/index.ts'
import { loadKqlParser } from './resource-graph/kql.ts'
import { startGitHubStandin, type GitHubStandin, type GitHubStandinOptions } from './github.ts'
import { startStandIn } from './server.ts'

const GITHUB_TOKEN = 'ghs_standin'
const usage =
  'usage: npm run standin -- --estate FILE [--latency-ms N] [--oidc-latency-ms N] [--entra-latency-ms N] [--request-log FILE] [--warm-resource-graph] [--github-port N [--github-repository OWNER/NAME]]'
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
    'github-port'?: string
    'github-repository'?: string
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
        'github-port': { type: 'string' },
        'github-repository': { type: 'string', default: 'octo-org/octo-repo' },
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
  const githubOptions = gitHubOptions(values['github-port'], values['github-repository'])
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
  let github: GitHubStandin | null = null
  try {
    if (githubOptions) github = await startGitHubStandin(githubOptions)
  } catch (error) {
    await standIn.close()
    throw error
  }
  const githubInfo = github && {
    apiUrl: github.url,
    token: GITHUB_TOKEN,
    repository: `${github.store.owner}/${github.store.repo}`
  }
  const info = {
    authorityHost: standIn.authorityHost,
    resourceManagerEndpoint: standIn.resourceManagerEndpoint,
    oidcRequestUrl: standIn.oidcRequestUrl,
    oidcRequestToken: standIn.oidcRequestToken,
    clientSecret: standIn.clientSecret,
    caCertificatePath: standIn.caCertificatePath,
    caCertificatePem: standIn.caCertificatePem,
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    environment: {
      ...standIn.runnerEnvironment(),
      ...(githubInfo
        ? { GITHUB_API_URL: githubInfo.apiUrl, GITHUB_REPOSITORY: githubInfo.repository }
        : {})
    },
    ...(githubInfo ? { github: githubInfo } : {})
  }
  process.stdout.write(`${JSON.stringify(info)}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    await standIn.close()
    await github?.close()
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()))
    process.exitCode = 0
    if (process.env.STANDIN_DEBUG) console.error(`stand-in stopped on ${signal}`)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

/** The GitHub stand-in's options when --github-port is given (its token: `ghs_standin`). */
function gitHubOptions(port: string | undefined, repository = ''): GitHubStandinOptions | null {
  if (port === undefined) return null
  const number = Number(port)
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new Error(`--github-port must be a port number (0 for a free one), got '${port}'`)
  const [owner, repo, ...rest] = repository.split('/')
  if (!owner || !repo || rest.length > 0)
    throw new Error(`--github-repository must be OWNER/NAME, got '${repository}'`)
  return { owner, repo, token: GITHUB_TOKEN, port: number }
}

main().catch((error: unknown) => {
  console.error(`local Azure stand-in: ${(error as Error).message}`)
  process.exitCode = 1
})
