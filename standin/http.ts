// Small HTTP helpers shared by the stand-in's services.

import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'

/** An answer, before it is written. `body` is sent as JSON; `text` as is. */
export interface Reply {
  status: number
  body?: unknown
  text?: string
  headers?: Record<string, string>
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body }
}

/** ARM's error body: `{"error": {"code", "message"}}`. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>
): Reply {
  return json(status, { error: { code, message } }, headers)
}

export function replyText(reply: Reply): string {
  if (reply.text !== undefined) return reply.text
  return reply.body === undefined ? '' : JSON.stringify(reply.body)
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return
  const text = replyText(reply)
  const headers: Record<string, string | number> = {
    'Content-Length': Buffer.byteLength(text),
    'x-ms-request-id': randomUUID(),
    ...reply.headers
  }
  if (text !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['Content-Type'] = 'application/json; charset=utf-8'
  res.writeHead(reply.status, headers)
  res.end(text)
}

/** Reads a request body (up to 1 MiB). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > 1024 * 1024) {
        reject(new Error('request body larger than 1 MiB'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Milliseconds since the epoch, with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/** "2024-05-01 12:34:56Z", the timestamp format of Entra ID's error bodies. */
export function entraTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

export function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}
