// The inputs' defaults and the clouds `environment` names: one home for each, which action.yml
// states again for the runner (__tests__/defaults.test.ts holds the two together).
import type { Verdict } from './model.ts'

export interface Cloud {
  name: string
  authorityHost: string
  resourceManagerEndpoint: string
  /** The audience Entra ID gives a new federated credential in this cloud (Microsoft Learn,
   * "Configure an app to trust an external identity provider": api://AzureADTokenExchange, and
   * the USGov and China variants), which the `audience` input defaults to. */
  tokenExchangeAudience: string
  /** The Azure portal of a cloud `environment` names, for links to resources in the reports. */
  portal?: string
}

/** The public cloud's, also used for a cloud `environment` does not name (endpoints given). */
export const DEFAULT_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export const CLOUDS: readonly Cloud[] = [
  {
    name: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    resourceManagerEndpoint: 'https://management.azure.com',
    tokenExchangeAudience: DEFAULT_TOKEN_EXCHANGE_AUDIENCE,
    portal: 'https://portal.azure.com'
  },
  {
    name: 'AzureUSGovernment',
    authorityHost: 'https://login.microsoftonline.us',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    tokenExchangeAudience: 'api://AzureADTokenExchangeUSGov',
    portal: 'https://portal.azure.us'
  },
  {
    name: 'AzureChinaCloud',
    authorityHost: 'https://login.chinacloudapi.cn',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    tokenExchangeAudience: 'api://AzureADTokenExchangeChina',
    portal: 'https://portal.azure.cn'
  }
]

export const MAX_CONCURRENCY_LIMIT = 64

/** The most `deadline-minutes` may be: GitHub-hosted runners end a job after 360 minutes. */
export const MAX_DEADLINE_MINUTES = 360

/** How the run reads Azure: `resource-manager`, a few Resource Manager lists per subscription;
 * `resource-graph`, the whole scope in a few paged Azure Resource Graph queries, verdicts short of
 * compliant read again through Resource Manager (docs/design.md, "Architecture"). */
export const ENGINES = ['resource-manager', 'resource-graph'] as const
export type Engine = (typeof ENGINES)[number]

/** Where the full results go when `results-file` is empty: this name in the runner's temporary
 * folder (RUNNER_TEMP). */
export const DEFAULT_RESULTS_FILE_NAME = 'jit-network-access-results.json'

/** Verdicts that fail the step when `fail-on` is not given. */
export const DEFAULT_FAIL_ON: ReadonlySet<Verdict> = new Set<Verdict>(['noncompliant', 'error'])

/** The `issue` input's values: `auto` keeps the issue on the events of AUTO_ISSUE_EVENTS
 * (src/notify/plan.ts), `always` on every event, `never` not at all. */
export const ISSUE_MODES = ['auto', 'always', 'never'] as const
export type IssueMode = (typeof ISSUE_MODES)[number]

/** The `accept-mitigated-exemptions` input's values: `false` accepts no exemption, `true` every
 * exemption of category Mitigated, `with-expiry` only those with an expiresOn. */
export const ACCEPT_MITIGATED_VALUES = ['false', 'true', 'with-expiry'] as const

/** Most days ahead `exemption-expiry-days` may look (ten years). */
export const MAX_EXEMPTION_EXPIRY_DAYS = 3650

/** Label the issue carries and is found by when `issue-labels` is not given. */
export const DEFAULT_ISSUE_LABEL = 'jit-network-access'

/**
 * Every input's default, as action.yml gives it (the runner passes these when the workflow does
 * not set an input). An empty `client-id` or `tenant-id` falls back to AZURE_CLIENT_ID or
 * AZURE_TENANT_ID; an empty `audience` is the cloud's `tokenExchangeAudience`; an empty
 * `sarif-file` writes no SARIF file; an empty `results-file` writes DEFAULT_RESULTS_FILE_NAME in
 * the runner's temporary folder. `max-concurrency`: see docs/performance.md, "Concurrency".
 * `github-token`'s default is an expression the runner evaluates (the job's GITHUB_TOKEN).
 * `deadline-minutes`: the run's deadline (src/deadline.ts), from the moment the inputs are read.
 */
export const INPUT_DEFAULTS = {
  subscriptions: '',
  'management-groups': '',
  'exclude-subscriptions': '',
  'client-id': '',
  'tenant-id': '',
  audience: '',
  environment: 'AzureCloud',
  'authority-host': '',
  'resource-manager-endpoint': '',
  'fail-on': [...DEFAULT_FAIL_ON].join(', '),
  'sarif-file': 'jit-network-access.sarif',
  'job-summary': 'true',
  'max-concurrency': '32',
  'deadline-minutes': '15',
  'results-file': '',
  'defender-plan-check': 'true',
  'virtual-machines': 'true',
  category: '',
  'github-token': '${{ github.token }}',
  issue: 'auto',
  'issue-labels': DEFAULT_ISSUE_LABEL,
  'pr-comment': 'false',
  engine: 'resource-manager',
  'accept-mitigated-exemptions': 'false',
  'exemption-expiry-days': '30',
  'planned-changes': '',
  'fail-on-existing': 'false'
} as const
