// The one family of errors the user can fix (as github/codeql-action's ConfigurationError): bad
// inputs, a refused sign-in, a scope that cannot be resolved. main fails the step with the message
// as it is; anything else that reaches main is a defect of the action (docs/design.md,
// "The action's contract"). In a file of its own, with no imports, so that main recognises the
// family without loading the Azure SDK.

/**
 * A failure the person running the action can fix. Its message says what is wrong and what to do
 * about it, in the field's terms, and is shown as it is: no stack trace, no prefix.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserError'
  }
}
