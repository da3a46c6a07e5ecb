// Everything after the inputs: sign-in -> collect -> evaluate -> reports. main loads this module
// (and with it the Azure SDK) once it has asked the runner for its OIDC token. Every report is
// written before the step is failed, and the step is failed once.
import * as core from '@actions/core'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import packageJson from '../package.json' with { type: 'json' }
import { collectSubscriptions, type Collected } from './collect/collect.ts'
import { requestLimits } from './collect/limits.ts'
import { createResourceManager } from './collect/resource-manager.ts'
import { collectionErrorResult, evaluateSubscription } from './evaluate/evaluate.ts'
import type { Settings } from './inputs.ts'
import type { SubscriptionResult } from './model.ts'
import type { OidcAssertion } from './signin/oidc.ts'
import { buildAnnotations, inertErrorMessage, inertLogText } from './report/annotations.ts'
import { workflowLocation } from './report/locate.ts'
import { failureMessage } from './report/outcome.ts'
import { buildOutputs } from './report/outputs.ts'
import { buildSarif } from './report/sarif.ts'
import { buildJobSummary } from './report/summary.ts'
import { readReportContext } from './runner.ts'
import { signIn } from './signin/entra.ts'

const VERDICT_MARKS = { compliant: '✅', partial: '⚠️', noncompliant: '❌', error: '⛔' } as const

/** Checks every subscription and writes the reports; returns the line that fails the step, if any. */
export async function checkSubscriptions(
  settings: Settings,
  assertion: OidcAssertion
): Promise<string | null> {
  return report(await check(settings, assertion), settings)
}

async function check(settings: Settings, assertion: OidcAssertion): Promise<SubscriptionResult[]> {
  const { credential } = await signIn({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    audience: settings.audience,
    authorityHost: settings.cloud.authorityHost,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    assertion,
    setSecret: (secret) => core.setSecret(secret)
  })
  core.info(
    `Signed in to ${settings.cloud.name} as application ${settings.clientId}; checking ${settings.subscriptionIds.length} subscription(s).`
  )
  const resourceManager = createResourceManager(
    credential,
    settings.cloud.resourceManagerEndpoint,
    requestLimits(settings),
    `${packageJson.name}/${packageJson.version}`
  )
  return collectSubscriptions(
    resourceManager,
    settings.subscriptionIds,
    { clientId: settings.clientId, subscriptionsInFlight: settings.maxConcurrency * 2 },
    (entry) => {
      const result = decide(entry)
      core.info(
        `${VERDICT_MARKS[result.verdict]} ${result.subscriptionId}: ${result.verdict}. ${inertLogText(result.reason)}`
      )
      return result
    }
  )
}

/** The verdict of one subscription; a defect met on its data costs that subscription alone. */
function decide(entry: Collected): SubscriptionResult {
  if (!('snapshot' in entry)) {
    return collectionErrorResult(entry.subscriptionId, entry.failure, entry.cause)
  }
  try {
    return evaluateSubscription(entry.snapshot)
  } catch (error) {
    core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
    return collectionErrorResult(
      entry.subscriptionId,
      `The check failed on the policy data of /subscriptions/${entry.subscriptionId} (${inertErrorMessage(error)}); please report it with the job log.`,
      'internal'
    )
  }
}

/** Writes the summary, SARIF, annotations and outputs; returns the failure line, if any. */
async function report(results: SubscriptionResult[], settings: Settings): Promise<string | null> {
  const context = await readReportContext(process.env, settings, packageJson.version)
  const workflowFile = workflowLocation(context.workflowRef, context.workflowFileContent)

  // Each report is written on its own: one that cannot be written is reported, the others still are.
  const unwritten: string[] = []
  let sarifFile: string | null = null
  if (settings.sarifFile !== null) {
    try {
      await writeAtomically(
        settings.sarifFile,
        `${JSON.stringify(buildSarif(results, context), null, 2)}\n`
      )
      sarifFile = settings.sarifFile
      core.info(`SARIF written to ${settings.sarifFile}.`)
    } catch (error) {
      unwritten.push(`the SARIF file ${settings.sarifFile} (${inertErrorMessage(error)})`)
    }
  }
  if (settings.jobSummary) {
    if (process.env.GITHUB_STEP_SUMMARY) {
      try {
        await core.summary.addRaw(buildJobSummary(results, context)).write()
      } catch (error) {
        unwritten.push(`the job summary (${inertErrorMessage(error)})`)
      }
    } else {
      core.info('No job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    }
  }
  for (const annotation of buildAnnotations(results, workflowFile)) {
    const properties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.startLine
    }
    if (annotation.level === 'error') core.error(annotation.message, properties)
    else core.warning(annotation.message, properties)
  }
  for (const [name, value] of Object.entries(buildOutputs(results, sarifFile))) {
    core.setOutput(name, value)
  }
  const failure = failureMessage(results, settings.failOn)
  if (unwritten.length === 0) return failure
  const notWritten = `Could not write ${unwritten.join(' or ')}`
  return failure === null ? notWritten : `${failure}. ${notWritten}`
}

/** Writes through a temporary file, so a reader never sees half a report. */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  try {
    await writeFile(temporary, content)
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
