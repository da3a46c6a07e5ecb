// Secrets out of everything the run writes (SECURITY.md; docs/design.md, "The action's
// contract"). The run holds tokens (the Resource Manager access tokens the credential obtains,
// the runner's OIDC token, `github-token`), and Azure's answers can echo them: an error body that
// quotes the request's `Authorization` header, say. The runner masks the tokens it was told about
// in the job log only, and only as written: not in files, not in what GitHub's API is sent, and
// not once Markdown escaping has put a backslash inside one. So the run redacts here, itself: the
// tokens it was told about (registerSecret, fed wherever the run calls setSecret), and anything
// shaped like a credential (a bearer token, a JWT, an `access_token` value, a GitHub token). It is
// applied where Azure's text enters the run and once more in front of every sink, always on the
// raw text before any escaping and before any cut, so that neither hides a token from it.
// This module imports nothing of the run's: every layer may use it.
import { mapStrings } from './plain-data.ts'

/** What a secret is replaced with. */
export const REDACTED = '[redacted]'

/** Secrets shorter than this are masked by the runner but not redacted here: no token is this
 * short, and replacing a short string everywhere would garble the reports. */
export const MIN_SECRET_LENGTH = 8

/** A run of token characters that shares this many consecutive characters with a secret the run
 * holds is taken for a piece of it (a token cut by a length limit, or its signature alone) and
 * redacted whole. */
export const SECRET_FRAGMENT_LENGTH = 16

const secrets = new Set<string>()
// Every SECRET_FRAGMENT_LENGTH-character piece of every secret held, and every piece of half that
// length (PROBE_LENGTH), by which a run of text is probed first.
const fragments = new Set<string>()
const PROBE_LENGTH = SECRET_FRAGMENT_LENGTH / 2
const probes = new Set<string>()

/**
 * Adds `secret` (a token the run holds) to what redact() replaces, whole or in pieces of at least
 * SECRET_FRAGMENT_LENGTH characters. Call it wherever the runner is told to mask a value
 * (`core.setSecret`). Surrounding whitespace is ignored; a secret shorter than MIN_SECRET_LENGTH
 * is not kept.
 */
export function registerSecret(secret: string): void {
  const value = secret.trim()
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return
  secrets.add(value)
  for (let at = 0; at + PROBE_LENGTH <= value.length; at++) {
    probes.add(value.slice(at, at + PROBE_LENGTH))
    if (at + SECRET_FRAGMENT_LENGTH <= value.length) {
      fragments.add(value.slice(at, at + SECRET_FRAGMENT_LENGTH))
    }
  }
}

// Characters of tokens (RFC 6750's b64token, base64 and base64url, JWT's dots); none of them is
// special in JSON, Markdown tables or SARIF, so a run of them never spans a format's syntax.
const TOKEN_RUN = /[A-Za-z0-9._~+/=-]+/g
// What can follow a credential's name or scheme as its value: anything up to a space, a quote, a
// backslash (an escape), or punctuation that ends a value in prose, JSON, headers and query
// strings; never a value already redacted (as written, or escaped for Markdown, SARIF or JSON).
const VALUE = `(?!\\\\*\\[redacted)[^\\s"'\`<>\\\\,;&)\\]}]`
const SCHEMES = '(?:bearer|basic|digest|negotiate|pop|sharedkey|token)'
// `Authorization: <scheme> <credentials>` as a header, a JSON member or a form field (the scheme is
// kept for the reader: `Authorization: Bearer [redacted]`).
const AUTHORIZATION = new RegExp(
  `(\\b(?:proxy-)?authorization["']?\\s*[:=]\\s*["']?)(${SCHEMES}\\s+)?(?!${SCHEMES}\\s)${VALUE}+`,
  'gi'
)
// `Bearer <token>` anywhere: what follows it, when long enough to be a token.
const BEARER = new RegExp(`(\\bbearer(?:\\s+|%20|\\+))${VALUE}{8,}`, 'gi')
// OAuth's and Entra's named credentials, as form fields, query parameters or JSON members.
const NAMED_CREDENTIAL = new RegExp(
  `(\\b(?:access_token|refresh_token|id_token|client_assertion|client_secret)["']?\\s*[:=]\\s*["']?)${VALUE}+`,
  'gi'
)
// A JWT (or JWE), whole or cut: base64url JSON (`{"` encodes as `eyJ`), then up to four more
// dot-separated parts.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,4}/g
// GitHub's tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and fine-grained `github_pat_`.
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g

/** Whether `run` holds SECRET_FRAGMENT_LENGTH consecutive characters of a secret. Such a piece
 * holds a whole PROBE_LENGTH piece that starts at a multiple of PROBE_LENGTH in `run`: only those
 * are looked up, and only around one that is found are the longer pieces. */
function sharesFragment(run: string): boolean {
  if (run.length < SECRET_FRAGMENT_LENGTH) return false
  for (let at = 0; at + PROBE_LENGTH <= run.length; at += PROBE_LENGTH) {
    if (!probes.has(run.slice(at, at + PROBE_LENGTH))) continue
    const last = Math.min(at, run.length - SECRET_FRAGMENT_LENGTH)
    for (let from = Math.max(0, at + PROBE_LENGTH - SECRET_FRAGMENT_LENGTH); from <= last; from++) {
      if (fragments.has(run.slice(from, from + SECRET_FRAGMENT_LENGTH))) return true
    }
  }
  return false
}

const keepName = (_match: string, name: string, scheme?: string) =>
  `${name}${scheme ?? ''}${REDACTED}`

/**
 * `text` with every secret replaced by REDACTED: the secrets registered (registerSecret), whole,
 * and any run of token characters that holds SECRET_FRAGMENT_LENGTH consecutive characters of
 * one; the value after `Authorization:` (its scheme kept), after `Bearer `, and of
 * `access_token`, `refresh_token`, `id_token`, `client_assertion` and `client_secret` (`=` or
 * `:`, quoted or not); JWTs, whole or cut; GitHub tokens. Give it the raw text, before any
 * escaping and before any cut. Linear in the length of `text`.
 */
export function redact(text: string): string {
  if (text.length < MIN_SECRET_LENGTH) return text
  let out = text
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  if (fragments.size > 0) {
    out = out.replace(TOKEN_RUN, (run) => (sharesFragment(run) ? REDACTED : run))
  }
  return out
    .replace(AUTHORIZATION, keepName)
    .replace(BEARER, (_match, name: string) => `${name}${REDACTED}`)
    .replace(NAMED_CREDENTIAL, (_match, name: string) => `${name}${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(GITHUB_TOKEN, REDACTED)
}

/**
 * `value` (plain data: strings, numbers, booleans, null, arrays and plain objects) with redact()
 * applied to every string in it, keys left as they are; a new value, `value` is not changed.
 */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, redact)
}
