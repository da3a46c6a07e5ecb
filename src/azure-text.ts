// Azure's strings as they enter the run: how long each kind may be, and how one longer is cut.
// Display names, error messages and the values reasons quote are text that whoever can edit policy
// (or a proxy on the way) writes; one of a megabyte would otherwise travel whole into every report
// (issue 20). Each is cut once, where it enters: collect/ redacts (redact.ts) and cuts display
// names and error messages (azureText); the evaluator cuts the values its sentences quote, and
// keeps them whole as data. The reports cut again for their own formats (report/text.ts); the
// `results` output cuts its longest strings first (report/outputs.ts).
// The bounds are Azure's documented limits with room to spare: nothing Azure accepts is cut.
import { redact } from './redact.ts'

/** A display name (policy assignments, definitions, initiatives and exemptions: Azure Policy
 * allows 128 characters; subscriptions: 64), in UTF-16 code units: twice Azure's most. */
export const MAX_DISPLAY_NAME = 256

/** An error message of Resource Manager, Resource Graph or Entra ID, on one line, in UTF-16 code
 * units: ARM's longest (AuthorizationFailed with its action and scope, a throttling message with
 * its actor and correlation ids) take a few hundred. */
export const MAX_ERROR_MESSAGE = 2048

/** An error code of Resource Manager (`AuthorizationFailed`, `SubscriptionRequestsThrottled`), in
 * UTF-16 code units: ARM's are identifiers of a few dozen characters. */
export const MAX_ERROR_CODE = 128

/** A value from Azure that a reason quotes (an effect: Azure's are 5 to 16 characters; a
 * parameter's name), in UTF-16 code units. */
export const MAX_QUOTED_VALUE = 256

/** The mark a cut string ends with: how long it was, in UTF-16 code units. */
export function cutMark(length: number): string {
  return `…[cut from ${length} characters]`
}

/** A string that ends with cutMark: one cut by cutText. */
export const CUT_MARK = /…\[cut from \d+ characters\]$/

/**
 * `text` when it has at most `max` UTF-16 code units; else its beginning followed by
 * cutMark(text.length), `max` code units in all (never splitting a surrogate pair), or just the
 * mark when `max` leaves no room for any of the text.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text
  const mark = cutMark(text.length)
  let keep = Math.max(0, max - mark.length)
  // Do not keep the high half of a surrogate pair without its low half.
  const last = text.charCodeAt(keep - 1)
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep -= 1
  return text.slice(0, keep) + mark
}

/**
 * A string from Azure as it enters the run: secrets redacted (redact.ts), then cut to `max`
 * UTF-16 code units (cutText). Redaction goes first, so that the cut cannot leave part of a token.
 */
export function azureText(text: string, max: number): string {
  return cutText(redact(text), max)
}
