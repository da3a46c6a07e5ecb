// A recording stand-in for @actions/core, for in-process tests of the wiring (main.ts, check.ts,
// report/index.ts), as the official typescript-action template does with jest.unstable_mockModule.
// Inputs come from a map; getIDToken asks the runner's OIDC endpoint (the Azure stand-in's) the
// way @actions/core does: GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=..., with the request token.
// The action appends the job summary and the outputs to the runner's files itself
// (src/report/runner-files.ts): what it appended to GITHUB_STEP_SUMMARY and GITHUB_OUTPUT is
// recorded as `summary.write` and `setOutput` calls, in order with the others, when the next call
// comes (or `outputs` or `summary` is read).
import { jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { get } from 'node:https'
import { parseOutputFile } from '../../scripts/run-action.ts'

export interface Recorded {
  inputs: Record<string, string>
  /** Every call in order: [function, ...arguments]. */
  calls: [string, ...unknown[]][]
  outputs: Record<string, string>
  summary: string[]
  failed: string[]
}

const appended = { outputs: {} as Record<string, string>, summary: [] as string[] }

export const recorded: Recorded = {
  inputs: {},
  calls: [],
  get outputs() {
    noticeRunnerFiles()
    return appended.outputs
  },
  get summary() {
    noticeRunnerFiles()
    return appended.summary
  },
  failed: []
}

/** Bytes of each runner file already recorded. */
const seen = { GITHUB_STEP_SUMMARY: 0, GITHUB_OUTPUT: 0 }

function fileBytes(variable: keyof typeof seen): Buffer {
  const file = process.env[variable]
  if (!file) return Buffer.alloc(0)
  try {
    return readFileSync(file)
  } catch {
    return Buffer.alloc(0)
  }
}

/** Records what was appended to the runner's files since they were last looked at. */
function noticeRunnerFiles(): void {
  const summary = fileBytes('GITHUB_STEP_SUMMARY')
  if (summary.length > seen.GITHUB_STEP_SUMMARY) {
    appended.summary.push(summary.subarray(seen.GITHUB_STEP_SUMMARY).toString('utf8'))
    recorded.calls.push(['summary.write'])
    seen.GITHUB_STEP_SUMMARY = summary.length
  }
  const output = fileBytes('GITHUB_OUTPUT')
  if (output.length > seen.GITHUB_OUTPUT) {
    const outputs = parseOutputFile(output.subarray(seen.GITHUB_OUTPUT).toString('utf8'))
    for (const [name, value] of Object.entries(outputs)) {
      recorded.calls.push(['setOutput', name, value])
      appended.outputs[name] = value
    }
    seen.GITHUB_OUTPUT = output.length
  }
}

/** Forgets everything recorded and sets the inputs for the next run; what the runner's files
 * hold already is not this run's. */
export function resetCore(inputs: Record<string, string> = {}): void {
  Object.assign(recorded, { inputs, calls: [], failed: [] })
  Object.assign(appended, { outputs: {}, summary: [] })
  seen.GITHUB_STEP_SUMMARY = fileBytes('GITHUB_STEP_SUMMARY').length
  seen.GITHUB_OUTPUT = fileBytes('GITHUB_OUTPUT').length
}

/** Lines given to a logging function (info, debug, error, warning), in order. */
export function logged(name: 'info' | 'debug' | 'error' | 'warning' | 'notice'): string[] {
  return recorded.calls.filter((call) => call[0] === name).map((call) => String(call[1]))
}

function record(name: string) {
  return (...args: unknown[]) => {
    noticeRunnerFiles()
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

export const fakeCore = {
  getInput: (name: string) => recorded.inputs[name] ?? '',
  getIDToken,
  info: record('info'),
  debug: record('debug'),
  warning: record('warning'),
  notice: record('notice'),
  error: record('error'),
  setSecret: record('setSecret'),
  startGroup: record('startGroup'),
  endGroup: record('endGroup'),
  // As @actions/core's: the group ends when `work` settles, whether it resolves or rejects.
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    record('startGroup')(name)
    try {
      return await work()
    } finally {
      record('endGroup')()
    }
  },
  // Without GITHUB_OUTPUT the action sets its outputs through @actions/core.
  setOutput: (name: string, value: string) => {
    record('setOutput')(name, value)
    appended.outputs[name] = value
  },
  setFailed: (message: string) => {
    record('setFailed')(message)
    recorded.failed.push(message)
  }
}

/** Replaces @actions/core for every module imported after this call. */
export function mockCore(): void {
  jest.unstable_mockModule('@actions/core', () => fakeCore)
}
