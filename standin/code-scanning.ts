// Code scanning as the GitHub stand-in plays it (standin/github.ts): alerts made from uploaded
// SARIF, and the REST endpoint that lists them. GitHub's documented behaviour, reduced to what the
// action depends on ("SARIF support for code scanning"; "About code scanning alerts"): a run's
// category is its `automationDetails.id` up to the last `/`; a result is the same alert as before
// when its tool, category, ref, rule, location and `partialFingerprints` are (GitHub keys the
// alert on a fingerprint of the location's line, which the same line gives again); an analysis
// replaces the previous one of its tool and category on its ref, so an open alert whose result is
// missing from it is closed as fixed, and one that comes back is reopened. `GET
// /repos/{owner}/{repo}/code-scanning/alerts` filters by `tool_name`, `ref` (default: the default
// branch) and `state`, newest first, paged.

/** The default branch's ref: alerts listed without `ref`. */
export const DEFAULT_REF = 'refs/heads/main'

export interface StoredAlert {
  number: number
  state: 'open' | 'fixed' | 'dismissed'
  tool: string
  category: string
  ref: string
  ruleId: string
  /** The result's level: `error`, `warning` or `note`. */
  severity: string
  message: string
  path: string
  startLine: number
  /** What makes a result this alert again (rule, location, partialFingerprints). */
  key: string
  created_at: string
  updated_at: string
  fixed_at: string | null
}

/** What one analysis did to the alerts. */
export interface Ingested {
  opened: number[]
  updated: number[]
  fixed: number[]
}

type Json = Record<string, unknown>

const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** The alerts of a repository, and what an upload of SARIF does to them. */
export class CodeScanning {
  readonly alerts: StoredAlert[] = []

  /**
   * Processes the SARIF log `sarif` as an analysis of `ref`: each run replaces the previous
   * analysis of its tool and category. Returns the numbers of the alerts opened (or reopened),
   * updated and fixed.
   */
  ingest(sarif: unknown, ref: string = DEFAULT_REF): Ingested {
    const done: Ingested = { opened: [], updated: [], fixed: [] }
    const now = new Date().toISOString()
    for (const run of list(record(sarif).runs).map(record)) {
      const driver = record(record(run.tool).driver)
      const tool = String(driver.name ?? '')
      const id = String(record(run.automationDetails).id ?? '')
      const category = id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : ''
      const rules = list(driver.rules).map(record)
      const seen = new Set<number>()
      for (const result of list(run.results).map(record)) {
        const location = record(record(list(result.locations)[0]).physicalLocation)
        const path = String(record(location.artifactLocation).uri ?? '')
        const startLine = Number(record(location.region).startLine ?? 1)
        const ruleId = String(result.ruleId ?? rules[Number(result.ruleIndex)]?.id ?? '')
        const fingerprints = Object.entries(record(result.partialFingerprints)).sort()
        const key = JSON.stringify([ruleId, path, startLine, fingerprints])
        const severity = String(
          result.level ??
            record(rules.find((rule) => rule.id === ruleId)?.defaultConfiguration).level ??
            'warning'
        )
        const message = String(record(result.message).text ?? '')
        const same = (alert: StoredAlert) =>
          alert.tool === tool &&
          alert.category === category &&
          alert.ref === ref &&
          alert.key === key
        let alert = this.alerts.find(same)
        if (alert === undefined) {
          alert = {
            number: this.alerts.length + 1,
            state: 'open',
            tool,
            category,
            ref,
            ruleId,
            severity,
            message,
            path,
            startLine,
            key,
            created_at: now,
            updated_at: now,
            fixed_at: null
          }
          this.alerts.push(alert)
          done.opened.push(alert.number)
        } else {
          if (alert.state === 'fixed') {
            alert.state = 'open'
            alert.fixed_at = null
            done.opened.push(alert.number)
          } else done.updated.push(alert.number)
          Object.assign(alert, { severity, message, updated_at: now })
        }
        seen.add(alert.number)
      }
      for (const alert of this.alerts) {
        const replaced = alert.tool === tool && alert.category === category && alert.ref === ref
        if (replaced && alert.state === 'open' && !seen.has(alert.number)) {
          Object.assign(alert, { state: 'fixed', fixed_at: now, updated_at: now })
          done.fixed.push(alert.number)
        }
      }
    }
    return done
  }

  /** The alerts `GET .../code-scanning/alerts` lists for `query`, newest first. */
  listed(query: URLSearchParams): StoredAlert[] {
    const tool = query.get('tool_name')
    const ref = query.get('ref') ?? DEFAULT_REF
    const state = query.get('state')
    const fullRef = ref.startsWith('refs/') ? ref : `refs/heads/${ref}`
    return this.alerts
      .filter((alert) => alert.ref === fullRef)
      .filter((alert) => tool === null || alert.tool === tool)
      .filter((alert) => state === null || alert.state === state)
      .sort((a, b) => b.number - a.number)
  }
}

/** An alert as the REST API gives it. */
export function alertJson(api: string, html: string, alert: StoredAlert): unknown {
  return {
    number: alert.number,
    created_at: alert.created_at,
    updated_at: alert.updated_at,
    url: `${api}/code-scanning/alerts/${alert.number}`,
    html_url: `${html}/security/code-scanning/${alert.number}`,
    instances_url: `${api}/code-scanning/alerts/${alert.number}/instances`,
    state: alert.state,
    fixed_at: alert.fixed_at,
    dismissed_by: null,
    dismissed_at: null,
    dismissed_reason: null,
    rule: { id: alert.ruleId, severity: alert.severity, tags: ['security'] },
    tool: { name: alert.tool, version: null, guid: null },
    most_recent_instance: {
      ref: alert.ref,
      analysis_key: '.github/workflows/jit-network-access.yml:jit-audit',
      environment: '{}',
      category: alert.category,
      state: alert.state,
      message: { text: alert.message },
      location: {
        path: alert.path,
        start_line: alert.startLine,
        end_line: alert.startLine,
        start_column: 1,
        end_column: 1
      },
      classifications: []
    }
  }
}
