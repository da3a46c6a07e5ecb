// What a run needs from the place it runs in (docs/design.md, "Architecture"): its inputs, the
// environment read once, an Azure identity, a log, annotations, outputs, secrets kept out of what
// it writes, and the failure. A GitHub runner provides it through @actions/core (runner.ts);
// main.ts runs the check against the Runner it is given, and the phases write through it, so that
// another place to run in (a terminal) is another Runner, not another main.
import type { Log } from './log.ts'
import type { RunContext } from './run-context.ts'

/** Where a finding is shown on the run's page: its title and the line of the workflow file. */
export interface AnnotationPlace {
  title?: string
  file?: string
  startLine?: number
}

/** How the run gets its Azure identity: `github-oidc`, the runner's OIDC token
 * (`getIdToken(audience)`, core.getIDToken), exchanged with Entra ID for the federated credential
 * of `client-id` (signin/index.ts); `azure-identity`, what the machine is signed in with: the
 * environment's service principal or the Azure CLI's login (signin/local.ts). */
export type SignInSource =
  | { kind: 'github-oidc'; getIdToken(audience: string): Promise<string> }
  | { kind: 'azure-identity' }

/** What the `azure-identity` sign-in tries, in order, in words for messages and --help. */
export const LOCAL_SIGN_IN =
  "the environment's service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), else the Azure CLI's login (`az login`)"

export interface Runner {
  /** The run's log. */
  readonly log: Log
  /** How the run signs in to Azure. */
  readonly signIn: SignInSource
  /** Whether the run is a step of a GitHub workflow: only then does it read code scanning alerts
   * and keep the issue and the pull-request comment (a terminal skips them, and says so). */
  readonly onGitHub: boolean
  /** Shows the job summary (Markdown) where the place has no GITHUB_STEP_SUMMARY to append it to:
   * a terminal prints it. Absent: the run says that there is no job summary. */
  showSummary?(markdown: string): void
  /** What the run reads from the place it runs in besides its inputs; main calls it once. */
  readRunContext(): RunContext
  /** The input `name` of action.yml as given, '' when it is not (readSettings applies the
   * defaults). */
  getInput(name: string): string
  /** A finding of `level`, shown at `place`. */
  annotate(level: 'error' | 'warning', message: string, place: AnnotationPlace): void
  /** Sets the step output `name` where there is no GITHUB_OUTPUT file to append it to. */
  setOutput(name: string, value: string): void
  /** Keeps `secret` out of everything the run writes from now on (redact.ts), and out of the
   * runner's log. */
  setSecret(secret: string): void
  /** Fails the run with `message` (one line, or an InputError's list). */
  setFailed(message: string): void
}
