// The error every sign-in step throws when it cannot go on: its message says what went wrong and
// what to do, and main fails the step with it as it is (no stack trace).
import { UserError } from '../errors.ts'

/** A sign-in that failed for a reason its message explains, with what to do about it. */
export class SignInError extends UserError {
  constructor(message: string) {
    super(message)
    this.name = 'SignInError'
  }
}
