// The stand-in's Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources over the
// estate its Resource Manager serves. It answers as Resource Graph does (Microsoft Learn,
// "Working with large Azure resource data sets", "Guidance for throttled requests", "Understanding
// the Azure Resource Graph query language", "Troubleshoot errors using Azure Resource Graph"):
// - scope: `subscriptions` (at most 1,000), `managementGroups` (every subscription below, the
//   first 10,000 of them, saying so in x-ms-tenant-subscription-limit-hit), or neither (tenant);
//   rows at management groups are outside any subscription scope;
// - paging: `$top` rows (at most 1,000; default 1,000), `$skipToken` for the next page, bound to
//   the query and scope; `resultTruncated` when more rows exist but no column can be paged on;
// - the per-user quota: x-ms-user-quota-remaining and x-ms-user-quota-resets-after (hh:mm:ss) on
//   every answer, 429 with Retry-After once the window's queries are spent;
// - a query it cannot run: 400 BadRequest with details InvalidQuery and the reason.
//
// It is a provider of the stand-in's Resource Manager (standin/arm/routes.ts), so its requests meet
// ARM's request flow first (access token, api-version, latency, the faults of requests that concern
// no subscription) and are counted in the request log; one handler (one quota window) per stand-in.
import type { ArmRequest } from '../arm/request.ts'
import type { Reply } from '../http.ts'
import { createHash, randomUUID } from 'node:crypto'
import { QueryError, compileQuery } from './kql.ts'
import { buildTables, type ResourceGraphEstate, type ScopedRow } from './tables.ts'

/** Microsoft's example of the per-user quota ("Guidance for throttled requests in Azure Resource
 * Graph"): the stand-in's default. */
export const DEFAULT_QUOTA = { queriesPerWindow: 15, windowMs: 5000 }

export interface ResourceGraphOptions {
  /** Queries one identity may send per window; default DEFAULT_QUOTA. */
  quota?: { queriesPerWindow: number; windowMs: number }
  /** Subscriptions one tenant or management-group scope covers; default 10,000. */
  subscriptionLimit?: number
}

export interface ResourceGraphReply {
  status: number
  headers: Record<string, string>
  body: unknown
}

/** Answers one request: its body (JSON text) and query parameters. */
export type ResourceGraphHandler = (
  body: string,
  query: Record<string, string>
) => ResourceGraphReply

export const RESOURCE_GRAPH_PATH = '/providers/Microsoft.ResourceGraph/resources'
export const RESOURCE_GRAPH_API_VERSIONS = [
  '2019-04-01',
  '2020-04-01-preview',
  '2021-03-01',
  '2022-10-01',
  '2024-04-01'
]
const MAX_SUBSCRIPTIONS = 1000
const MAX_TOP = 1000
const INVALID_QUERY =
  'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.'

/** `hh:mm:ss`, rounded up to the second. */
export function formatResetsAfter(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`
}

function badRequest(message: string, details: Record<string, unknown>[] = []) {
  return {
    error: {
      code: 'BadRequest',
      message:
        `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}. ${message}`.trim(),
      details
    }
  }
}

/** A Resource Graph over `estate` (read once: the tables are built on the first request). */
export function createResourceGraph(
  estate: ResourceGraphEstate,
  options: ResourceGraphOptions = {}
): ResourceGraphHandler {
  const quota = options.quota ?? DEFAULT_QUOTA
  const subscriptionLimit = options.subscriptionLimit ?? 10_000
  let built: ReturnType<typeof buildTables> | undefined
  let window = { startedAt: 0, used: 0 }

  return (text, query) => {
    const now = Date.now()
    if (now >= window.startedAt + quota.windowMs) window = { startedAt: now, used: 0 }
    const resetsAfter = formatResetsAfter(window.startedAt + quota.windowMs - now)
    if (window.used >= quota.queriesPerWindow) {
      return {
        status: 429,
        headers: {
          'x-ms-user-quota-remaining': '0',
          'x-ms-user-quota-resets-after': resetsAfter,
          'Retry-After': String(Math.ceil((window.startedAt + quota.windowMs - now) / 1000))
        },
        body: {
          error: {
            code: 'RateLimiting',
            message: `Too many requests. Please retry after ${resetsAfter}.`
          }
        }
      }
    }
    window.used += 1
    const headers: Record<string, string> = {
      'x-ms-user-quota-remaining': String(quota.queriesPerWindow - window.used),
      'x-ms-user-quota-resets-after': resetsAfter
    }
    const answer = (status: number, body: unknown) => ({ status, headers, body })

    if (!RESOURCE_GRAPH_API_VERSIONS.includes(query['api-version'] ?? '')) {
      return answer(400, {
        error: {
          code: query['api-version'] ? 'InvalidApiVersionParameter' : 'MissingApiVersionParameter',
          message: `The api-version '${query['api-version'] ?? ''}' is invalid. The supported versions are '${RESOURCE_GRAPH_API_VERSIONS.join(',')}'.`
        }
      })
    }
    let request: {
      query?: unknown
      subscriptions?: unknown
      managementGroups?: unknown
      options?: Record<string, unknown>
    }
    try {
      request = JSON.parse(text) as typeof request
    } catch {
      return answer(400, badRequest('The request body is not JSON.'))
    }
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      return answer(400, badRequest('The request has no query.'))
    }
    const options = request.options ?? {}
    const top = options.$top ?? MAX_TOP
    if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      return answer(400, badRequest(`$top must be an integer from 1 to ${MAX_TOP}.`))
    }
    if (options.resultFormat !== undefined && options.resultFormat !== 'objectArray') {
      return answer(
        400,
        badRequest('The local Azure stand-in serves resultFormat objectArray only.')
      )
    }
    const subscriptions = request.subscriptions
    const groups = request.managementGroups
    if (subscriptions !== undefined && groups !== undefined) {
      return answer(400, badRequest('A query takes subscriptions or managementGroups, not both.'))
    }
    if (
      (subscriptions !== undefined && !isStringList(subscriptions)) ||
      (groups !== undefined && !isStringList(groups))
    ) {
      return answer(400, badRequest('subscriptions and managementGroups are lists of names.'))
    }
    if (subscriptions && subscriptions.length > MAX_SUBSCRIPTIONS) {
      return answer(
        400,
        badRequest(`A query may name at most ${MAX_SUBSCRIPTIONS} subscriptions; batch them.`)
      )
    }

    built ??= buildTables(estate)
    let compiled
    try {
      compiled = compileQuery(request.query, [...built.tables.keys()])
    } catch (error) {
      if (!(error instanceof QueryError)) throw error
      const before = request.query.slice(0, error.position).split('\n')
      return answer(
        400,
        badRequest('', [
          { code: 'InvalidQuery', message: INVALID_QUERY },
          {
            code: error.code,
            message: error.message,
            line: before.length,
            characterPositionInLine: (before.at(-1) ?? '').length,
            token: error.token
          }
        ])
      )
    }

    // Which rows the scope lets the query see.
    const tables = built.tables
    let visible: (row: ScopedRow) => boolean
    if (subscriptions) {
      const named = new Set(subscriptions.map((s) => s.toLowerCase()))
      visible = (row) => row.subscriptionId !== undefined && named.has(row.subscriptionId)
    } else {
      const below = new Set<string>()
      for (const group of groups ?? [estate.tenantId]) {
        const set = built.groupsBelow.get(group.toLowerCase())
        if (!set) {
          return answer(
            400,
            badRequest(
              `The management group '${group}' was not found, or the identity cannot read it.`
            )
          )
        }
        for (const g of set) below.add(g)
      }
      const inScope = [...built.chains]
        .filter(([, chain]) => chain.some((g) => below.has(g)))
        .map(([id]) => id)
        .sort()
      if (inScope.length > subscriptionLimit) headers['x-ms-tenant-subscription-limit-hit'] = 'true'
      const covered = new Set(inScope.slice(0, subscriptionLimit))
      visible = (row) =>
        row.subscriptionId !== undefined
          ? covered.has(row.subscriptionId)
          : row.managementGroup !== undefined && below.has(row.managementGroup)
    }
    const rows = compiled.run((name) =>
      (tables.get(name) as ScopedRow[]).filter(visible).map((row) => row.row)
    )

    // Paging: the token carries the offset and a digest of what it pages over.
    const digest = createHash('sha256')
      .update(JSON.stringify([request.query, subscriptions ?? null, groups ?? null]))
      .digest('base64url')
      .slice(0, 16)
    let offset = 0
    if (options.$skipToken !== undefined) {
      const token = decodeToken(options.$skipToken)
      if (!token || token.digest !== digest) {
        return answer(400, badRequest('The $skipToken is not one this query and scope gave.'))
      }
      offset = token.offset
    }
    const page = rows.slice(offset, offset + top)
    const more = offset + page.length < rows.length
    const pageable = compiled.columns.some((column) => column.type === 'string')
    return answer(200, {
      totalRecords: rows.length,
      count: page.length,
      data: page,
      facets: [],
      resultTruncated: more && !pageable ? 'true' : 'false',
      ...(more && pageable
        ? {
            $skipToken: Buffer.from(
              JSON.stringify({ offset: offset + page.length, digest })
            ).toString('base64url')
          }
        : {})
    })
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')
}

function decodeToken(value: unknown): { offset: number; digest: string } | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      offset?: unknown
      digest?: unknown
    }
    return typeof token.offset === 'number' && typeof token.digest === 'string'
      ? { offset: token.offset, digest: token.digest }
      : undefined
  } catch {
    return undefined
  }
}

const handlers = new WeakMap<object, ResourceGraphHandler>()

/** The answer to one Resource Graph query request (its JSON body in `request.body`), with the
 * quota and subscription cap the estate's `resourceGraph` sets (the defaults above else). */
export function answerResourceGraph(request: ArmRequest): Reply {
  let handle = handlers.get(request.model)
  if (!handle) {
    const estate = request.model.estate as ResourceGraphEstate
    handle = createResourceGraph(estate, estate.resourceGraph)
    handlers.set(request.model, handle)
  }
  const reply = handle(request.body ?? '', Object.fromEntries(request.url.searchParams))
  return { status: reply.status, body: reply.body, headers: reply.headers }
}
