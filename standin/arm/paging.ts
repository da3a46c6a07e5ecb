// ARM's paged lists as the stand-in serves them (docs/design.md, "The stand-in"): `value` holds
// one page, `nextLink` is an absolute URL on the same server with the same query and a
// `$skiptoken` that carries the next page's offset.

import type { Reply } from '../http.ts'
import { armError, json } from '../http.ts'

/** One page of `items` for the request `url`. Pages hold `pageSize` items unless `$top` (1 to
 * 1000) says otherwise; `loop` (the nextlink-loop fault) links back to the first page. A bad
 * `$top` or `$skiptoken` is a 400. `base`: the server's origin, for nextLink. */
export function page(
  items: unknown[],
  url: URL,
  options: { pageSize: number; loop: boolean; base: string }
): Reply {
  const topText = url.searchParams.get('$top')
  let size = options.pageSize
  if (topText !== null) {
    const top = Number(topText)
    if (!Number.isInteger(top) || top < 1 || top > 1000)
      return armError(
        400,
        'InvalidQueryParameterValue',
        `Invalid value '${topText}' for query parameter '$top': it must be an integer from 1 to 1000.`
      )
    size = top
  }
  let offset = 0
  const token = url.searchParams.get('$skiptoken')
  if (token !== null) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
      offset = (parsed as { offset: number }).offset
      if (!Number.isInteger(offset) || offset < 0) throw new Error('bad offset')
    } catch {
      return armError(400, 'InvalidSkipToken', `The $skiptoken '${token}' is not valid.`)
    }
  }
  const body: Record<string, unknown> = { value: items.slice(offset, offset + size) }
  const next = options.loop ? 0 : offset + size < items.length ? offset + size : undefined
  if (next !== undefined) {
    const link = new URL(`${options.base}${url.pathname}`)
    for (const [k, v] of url.searchParams) if (k !== '$skiptoken') link.searchParams.append(k, v)
    link.searchParams.set(
      '$skiptoken',
      Buffer.from(JSON.stringify({ offset: next })).toString('base64url')
    )
    body.nextLink = link.toString()
  }
  return json(200, body)
}
