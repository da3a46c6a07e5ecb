// A recording stand-in for @actions/core, for in-process tests of the wiring (main.ts, check.ts,
// report/index.ts), as the official typescript-action template does with jest.unstable_mockModule.
// Inputs come from a map; getIDToken asks the runner's OIDC endpoint (the Azure stand-in's) the
// way @actions/core does: GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=..., with the request token.
import { jest } from '@jest/globals'
import { get } from 'node:https'

export interface Recorded {
  inputs: Record<string, string>
  /** Every call in order: [function, ...arguments]. */
  calls: [string, ...unknown[]][]
  outputs: Record<string, string>
  summary: string[]
  failed: string[]
}

export const recorded: Recorded = { inputs: {}, calls: [], outputs: {}, summary: [], failed: [] }

/** Forgets everything recorded and sets the inputs for the next run. */
export function resetCore(inputs: Record<string, string> = {}): void {
  Object.assign(recorded, { inputs, calls: [], outputs: {}, summary: [], failed: [] })
}

/** Lines given to a logging function (info, debug, error, warning), in order. */
export function logged(name: 'info' | 'debug' | 'error' | 'warning'): string[] {
  return recorded.calls.filter((call) => call[0] === name).map((call) => String(call[1]))
}

function record(name: string) {
  return (...args: unknown[]) => {
    recorded.calls.push([name, ...args])
  }
}

function getIDToken(audience: string): Promise<string> {
  const url = `${process.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`
  const headers = { authorization: `Bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` }
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        const value = (JSON.parse(body) as { value?: unknown }).value
        if (response.statusCode === 200 && typeof value === 'string') resolve(value)
        else reject(new Error(`Failed to get ID Token: ${response.statusCode} ${body}`))
      })
    }).on('error', reject)
  })
}

const summary = {
  addRaw(text: string) {
    recorded.summary.push(text)
    return summary
  },
  async write() {
    recorded.calls.push(['summary.write'])
    return summary
  }
}

export const fakeCore = {
  getInput: (name: string) => recorded.inputs[name] ?? '',
  getIDToken,
  info: record('info'),
  debug: record('debug'),
  warning: record('warning'),
  error: record('error'),
  setSecret: record('setSecret'),
  startGroup: record('startGroup'),
  endGroup: record('endGroup'),
  // As @actions/core's: the group ends when `work` settles, whether it resolves or rejects.
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    recorded.calls.push(['startGroup', name])
    try {
      return await work()
    } finally {
      recorded.calls.push(['endGroup'])
    }
  },
  setOutput: (name: string, value: string) => {
    recorded.calls.push(['setOutput', name, value])
    recorded.outputs[name] = value
  },
  setFailed: (message: string) => {
    recorded.calls.push(['setFailed', message])
    recorded.failed.push(message)
  },
  summary
}

/** Replaces @actions/core for every module imported after this call. */
export function mockCore(): void {
  jest.unstable_mockModule('@actions/core', () => fakeCore)
}
