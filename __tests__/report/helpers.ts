// Factories and hostile strings shared by the report tests.
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AssignmentEvidence, SubscriptionResult, Verdict } from '../../src/model.ts'
import { scanCategory } from '../../src/category.ts'
import type { ReportContext } from '../../src/report/context.ts'
import { workflowLocation, type WorkflowFile } from '../../src/report/locate.ts'
import { parseWorkflowRef } from '../../src/workflow-ref.ts'

const here = path.dirname(fileURLToPath(import.meta.url))

export const WORKFLOW_PATH = '.github/workflows/jit.yml'
export const WORKFLOW_REF = `example-org/infra/${WORKFLOW_PATH}@refs/heads/main`
export const WORKFLOW_CONTENT = readFileSync(
  path.join(here, 'fixtures', 'jit-workflow.yml'),
  'utf8'
)
/** Lines of fixtures/jit-workflow.yml that list each id (see the file). */
export const LINES = {
  sub1: 24,
  sub2: 25,
  sub3: 25,
  subA: 26,
  sub4: 27
} as const

export const SUB1 = '11111111-1111-1111-1111-111111111111'
export const SUB2 = '22222222-2222-2222-2222-222222222222'
export const SUB3 = '33333333-3333-3333-3333-333333333333'
export const SUB4 = '44444444-4444-4444-4444-444444444444'
export const SUBA = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'
export const SUB_UNLISTED = '99999999-9999-9999-9999-999999999999'
export const CLIENT_ID = 'cccccccc-cccc-cccc-cccc-cccccccccccc'

export const MG_SCOPE = '/providers/Microsoft.Management/managementGroups/contoso'
export const MCSB_SET =
  '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'

/** Text written by someone who can edit policy, meant to break out of every format. */
export const HOSTILE = {
  html: '<img src=x onerror=alert(1)>',
  closeCell: '</td></tr><script>alert(1)</script>',
  pipe: 'a | b | c',
  backticks: '```` `code` ``',
  link: '[click me](javascript:alert(1))',
  image: '![x](https://evil.example/x.png)',
  newline: 'line one\n\n# Heading\n- item\r\nline two',
  workflowCommand: '::error::pwned\n::set-output name=compliant::true',
  oldCommand: '##[set-output name=compliant;]true',
  mention: '@example-org/security-team',
  issueReference: 'Fix GH-1 and gh-2, see octo-org/estate#3',
  url: 'https://evil.example/login and www.evil.example',
  emoji: ':white_check_mark: compliant',
  bidi: 'safe\u202Eexe.txt',
  control: 'bell\u0007escape\u001b[31mred',
  long: 'A'.repeat(10_000)
} as const

export const HOSTILE_ALL = Object.values(HOSTILE).join(' ')

export function evidence(overrides: Partial<AssignmentEvidence> = {}): AssignmentEvidence {
  return {
    id: `${MG_SCOPE}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    displayName: 'ASC Default',
    scope: MG_SCOPE,
    policyDefinitionId: MCSB_SET,
    policyDefinitionReferenceId: 'jitNetworkAccessMonitoring',
    effect: 'AuditIfNotExists',
    effectSource: 'initiative-default',
    enforcementMode: 'Default',
    coverage: 'full',
    effectParameter: 'jitNetworkAccessMonitoringEffect',
    exemptionIds: [],
    notes: [],
    ...overrides
  }
}

export function result(
  subscriptionId: string,
  verdict: Verdict,
  overrides: Partial<SubscriptionResult> = {}
): SubscriptionResult {
  const base: Record<Verdict, Omit<SubscriptionResult, 'subscriptionId' | 'verdict'>> = {
    compliant: {
      reason: 'ASC Default audits just-in-time network access over the whole subscription.',
      effectiveEffect: 'AuditIfNotExists',
      assignments: [evidence()]
    },
    noncompliant: {
      reason: 'ASC Default sets the JIT policy to Disabled through its parameter.',
      effectiveEffect: 'Disabled',
      assignments: [evidence({ effect: 'Disabled', effectSource: 'parameter' })]
    },
    partial: {
      reason: 'An exemption takes a resource group out of ASC Default.',
      effectiveEffect: 'AuditIfNotExists',
      assignments: [
        evidence({
          coverage: 'partial',
          exemptionIds: [
            `/subscriptions/${subscriptionId}/resourceGroups/rg-legacy/providers/Microsoft.Authorization/policyExemptions/legacy-vms`
          ]
        })
      ]
    },
    error: {
      reason: `The identity ${CLIENT_ID} may not read the policy assignments of /subscriptions/${subscriptionId} (403 AuthorizationFailed: no access); give it the Reader role.`,
      effectiveEffect: null,
      assignments: [],
      errorCause: 'access-denied'
    }
  }
  return { subscriptionId, verdict, ...base[verdict], ...overrides }
}

/** One result of each verdict, ids written in the sample workflow. */
export function mixedResults(): SubscriptionResult[] {
  return [
    result(SUB1, 'compliant'),
    result(SUB2, 'noncompliant'),
    result(SUB3, 'partial'),
    result(SUB4, 'error'),
    result(SUBA, 'noncompliant', {
      reason: 'No policy assignment applies the JIT policy.',
      effectiveEffect: null,
      assignments: []
    })
  ]
}

/** The located workflow file of GITHUB_WORKFLOW_REF `ref` (null: not set) with `content`, as a
 * run finds it. */
export function workflowFile(
  ref: string | null = WORKFLOW_REF,
  content: string | null = WORKFLOW_CONTENT
): WorkflowFile {
  return workflowLocation(parseWorkflowRef(ref ?? undefined), content)
}

/** The category of the sample run: the sample workflow, job `jit`, the ids of mixedResults. */
export const CATEGORY = scanCategory({
  workflow: WORKFLOW_PATH,
  job: 'jit',
  subscriptionIds: [SUB1, SUB2, SUB3, SUB4, SUBA],
  managementGroups: []
})

export function context(overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    actionVersion: '1.2.3',
    category: CATEGORY,
    job: 'jit',
    workflowName: 'JIT network access audit',
    runId: '4242',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    repository: 'example-org/infra',
    actionRepository: 'example-org/azure-jit-network-access-check',
    clientId: CLIENT_ID,
    ...overrides
  }
}

export function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0
}

/**
 * Splits a GFM table row into cells: on `|` that is not escaped with a backslash. `escapes` says
 * what a backslash escapes: any next character (`any`, as in CommonMark inline text) or only a
 * pipe (`pipe`, as cmark-gfm's table scanner may read it); safe output must split the same both
 * ways. Leading and trailing pipes are dropped.
 */
export function splitTableRow(row: string, escapes: 'any' | 'pipe' = 'any'): string[] {
  const cells: string[] = []
  let cell = ''
  for (let index = 0; index < row.length; index++) {
    const char = row[index] as string
    const next = row[index + 1]
    if (char === '\\' && next !== undefined && (escapes === 'any' || next === '|')) {
      cell += char + next
      index++
    } else if (char === '|') {
      cells.push(cell)
      cell = ''
    } else cell += char
  }
  cells.push(cell)
  return cells.slice(1, -1)
}

/** Everything a Markdown renderer could turn into HTML or a link from text: raw tags, link and
 * image syntax, autolinks, mentions. Empty when `markdown` is inert. */
export function activeMarkdown(markdown: string): string[] {
  const found: string[] = []
  const allowedTags = /^<\/?(br|sub|code\/?|details|summary)>$/
  for (const tag of markdown.match(/<\/?[A-Za-z][^>]*>/g) ?? []) {
    if (!allowedTags.test(tag)) found.push(tag)
  }
  for (const pattern of [
    /(?<!\\)\[[^\]\n]*(?<!\\)\]\((?!https:\/\/(github\.com|learn\.microsoft\.com)\/)/g,
    /https?:\/\/evil/g,
    /www\.evil/g,
    /@example-org/g,
    /\bgh-\d/gi,
    /:white_check_mark:/g,
    /javascript:alert/g
  ]) {
    for (const match of markdown.match(pattern) ?? []) found.push(match)
  }
  return found
}

/**
 * Splits Markdown into what a renderer interprets and what it shows literally: fenced code blocks
 * (which must all be closed by a fence at least as long), code spans (a run of n backticks up to
 * the next run of exactly n) and `<code>` elements are taken out. Returns the remaining text and the blocks.
 */
export function outsideCode(markdown: string): { text: string; blocks: string[] } {
  const lines = markdown.split('\n')
  const kept: string[] = []
  const blocks: string[] = []
  let fence: string | null = null
  let block: string[] = []
  for (const line of lines) {
    if (fence === null) {
      const open = /^(`{3,})[^`]*$/.exec(line)
      if (open) {
        fence = open[1] as string
        block = []
      } else kept.push(line)
    } else if (new RegExp(`^${fence}\`*\\s*$`).test(line)) {
      blocks.push(block.join('\n'))
      fence = null
    } else block.push(line)
  }
  if (fence !== null) throw new Error('unclosed code block')
  let text = ''
  const joined = kept.join('\n')
  for (let index = 0; index < joined.length;) {
    if (joined[index] === '\\') {
      text += joined.slice(index, index + 2)
      index += 2
      continue
    }
    const run = /^`+/.exec(joined.slice(index))?.[0]
    if (!run) {
      text += joined[index]
      index++
      continue
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g')
    close.lastIndex = index + run.length
    const found = close.exec(joined)
    if (found) {
      text += '<code/>'
      index = found.index + run.length
    } else {
      text += run
      index += run.length
    }
  }
  // GitHub leaves what an HTML <code> element holds alone too (a <summary> has no code spans).
  text = text.replace(/<code>[^<]*<\/code>/g, '<code/>')
  return { text, blocks }
}
