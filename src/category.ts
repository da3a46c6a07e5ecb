// The category of a run's analysis: what code scanning keys an upload on (SARIF
// `runs[].automationDetails.id` is `category/`) and what the issue and pull-request notifier keys
// its issue and comment on. Code scanning replaces the previous analysis with the same tool and
// category, so two steps or matrix legs of one job that check different scopes must not share
// one, and the same scope must keep its category across runs (docs/reading-results.md, "Code
// scanning").
import { createHash } from 'node:crypto'

/** What every derived category starts with. */
export const CATEGORY_PREFIX = 'azure-jit-network-access'
/** Hex digits of the scope digest kept in a derived category (48 bits). */
export const SCOPE_DIGEST_LENGTH = 12
/** Longest category accepted from the `category` input, in characters. */
export const MAX_CATEGORY_LENGTH = 200
// Visible ASCII without whitespace or the characters the upload and the URLs of code scanning
// treat specially: what codeql-action's `category` values look like (`/language:python`).
const CATEGORY_CHARACTERS = /^[A-Za-z0-9._:/=@+-]+$/

export interface ScanCategoryInput {
  /** The `category` input, already checked with categoryProblem; '' or absent: derive one. */
  explicit?: string | undefined
  /** The workflow's file path (from GITHUB_WORKFLOW_REF), else its name (GITHUB_WORKFLOW). */
  workflow?: string | undefined
  /** GITHUB_JOB: the job's id in the workflow. */
  job?: string | undefined
  /** The subscriptions checked, in any order and case. */
  subscriptionIds: readonly string[]
  /** The management groups checked (their names), in any order and case; empty when none. */
  managementGroups: readonly string[]
}

function segment(value: string | undefined, fallback: string): string {
  const cleaned = (value ?? '').trim().replace(/[^A-Za-z0-9._/-]+/g, '-')
  return cleaned.replace(/^[-/]+|[-/]+$/g, '').slice(0, 120) || fallback
}

/**
 * The category of this run: the `explicit` one (trailing `/` dropped) when given, else
 * `azure-jit-network-access/<workflow>:<job>/<digest>`, where the digest is the first
 * SCOPE_DIGEST_LENGTH hex digits of the SHA-256 of the sorted, lower-cased, de-duplicated
 * subscription ids and management-group names. The same workflow, job and scope give the same
 * category whatever the order or case of the lists; another scope gives another one.
 */
export function scanCategory(input: ScanCategoryInput): string {
  const explicit = (input.explicit ?? '').trim().replace(/\/+$/, '')
  if (explicit !== '') return explicit
  const scope = [
    ...new Set(input.subscriptionIds.map((id) => `subscription:${id.trim().toLowerCase()}`)),
    ...new Set(input.managementGroups.map((name) => `managementGroup:${name.trim().toLowerCase()}`))
  ].sort()
  const digest = createHash('sha256')
    .update(scope.join('\n'))
    .digest('hex')
    .slice(0, SCOPE_DIGEST_LENGTH)
  return `${CATEGORY_PREFIX}/${segment(input.workflow, 'workflow')}:${segment(input.job, 'job')}/${digest}`
}

/**
 * The part of a derived category before its scope digest, `azure-jit-network-access/<workflow>:<job>`:
 * two categories with the same stem and different digests are one workflow job that checked
 * another scope. Null for a category that scanCategory did not derive (one given as `category`
 * in another form).
 */
export function derivedCategoryStem(category: string): string | null {
  const slash = category.lastIndexOf('/')
  const stem = category.slice(0, slash)
  const digest = category.slice(slash + 1)
  const derived =
    stem.startsWith(`${CATEGORY_PREFIX}/`) &&
    new RegExp(`^[0-9a-f]{${SCOPE_DIGEST_LENGTH}}$`).test(digest)
  return derived ? stem : null
}

/**
 * What is wrong with a `category` input (`value`, trimmed), as one sentence with the fix, or null
 * when it can be used: at most MAX_CATEGORY_LENGTH characters of letters, digits and `. _ : / = @
 * + -`, not only slashes. Empty is fine (a category is derived).
 */
export function categoryProblem(value: string): string | null {
  if (value === '') return null
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (value.length > MAX_CATEGORY_LENGTH) {
    return `\`category\` ${shown} is longer than ${MAX_CATEGORY_LENGTH} characters; give a shorter name, or leave it empty to derive one per workflow, job and scope.`
  }
  if (!CATEGORY_CHARACTERS.test(value) || /^\/+$/.test(value)) {
    return `\`category\` ${shown} holds characters code scanning categories do not use; use letters, digits and . _ : / = @ + - (e.g. \`jit/production\`), or leave it empty to derive one per workflow, job and scope.`
  }
  return null
}
