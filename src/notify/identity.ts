// Whose issues and comments a run may adopt: only those the token's own account wrote. The marker
// (marker.ts) is in the body, which anyone who may comment can copy; the author is what GitHub
// says, which nobody can forge. The account comes from GraphQL's `viewer` (github.ts, readViewer),
// which answers for every kind of token: a person's (a personal access token) and a GitHub App
// installation's, among them the job's GITHUB_TOKEN, whose writes are `github-actions[bot]`'s
// (REST `GET /user` refuses installation tokens, and `GET /app` takes the app's JWT, not its
// installation token). When the account is not known, nothing is adopted: a new issue or comment
// is written rather than someone else's edited.
import { readMarker, type MarkerKind } from './marker.ts'

/** An author as the REST API gives it (`user` of an issue or comment): null for a deleted one. */
export interface Author {
  login: string
  /** The account's id (GraphQL's `databaseId`). */
  id: number
  /** `User`, `Bot`, `Organization`. */
  type: string
}

/** The account the token belongs to, as GraphQL's `viewer` gives it. */
export interface Identity {
  login: string
  /** `databaseId`, the REST API's `user.id`; null when GitHub did not give it. */
  id: number | null
}

/**
 * True when `author` is `identity`: by id when both have one (logins can be renamed), else by
 * login, case-insensitively (an app's bot is `SLUG[bot]` in REST and may be `SLUG` in GraphQL).
 * A deleted author (null) is nobody's.
 */
export function writtenBy(author: Author | null, identity: Identity): boolean {
  if (author === null) return false
  if (identity.id !== null) return author.id === identity.id
  const login = author.login.toLowerCase()
  const mine = identity.login.toLowerCase()
  return login === mine || (author.type === 'Bot' && login === `${mine}[bot]`)
}

/** What is left of `items` for a plan to adopt, and notes on the marked ones left alone. */
export interface Adoptable<T> {
  items: T[]
  notes: string[]
}

/**
 * Keeps the items of `items` that carry no marker of `kind` (the plan ignores them anyway) or
 * that `identity` wrote; drops the others, with a note for each that names this `category` (a
 * copy of this run's own marker) saying who wrote it. `identity` null (not known): every marked
 * item is dropped. `label` names an item for the note (`Issue #12`, `Comment 345`).
 */
export function adoptable<T extends { body: string | null; author: Author | null }>(
  items: readonly T[],
  kind: MarkerKind,
  category: string,
  identity: Identity | null,
  label: (item: T) => string
): Adoptable<T> {
  const kept: T[] = []
  const notes: string[] = []
  for (const item of items) {
    const marker = readMarker(item.body)
    if (marker?.kind !== kind || (identity !== null && writtenBy(item.author, identity))) {
      kept.push(item)
    } else if (identity !== null && marker.category === category) {
      const by = item.author === null ? 'a deleted account' : item.author.login
      notes.push(
        `${label(item)} carries this category's marker but was written by ${by}, not by the token's account ${identity.login}: left alone.`
      )
    }
  }
  return { items: kept, notes }
}

/** True when some item carries a marker of `kind`: only then is the token's account needed. */
export function anyMarked(items: readonly { body: string | null }[], kind: MarkerKind): boolean {
  return items.some((item) => readMarker(item.body)?.kind === kind)
}
