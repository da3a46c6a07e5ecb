// Where a planned change is declared in the repository, so that annotations and SARIF results land
// on the pull request's diff: the Terraform `resource "TYPE" "NAME"` block (or, for a resource
// inside a module, the `module "NAME"` call in the calling configuration) in the workspace's `.tf`
// files, or the EPAC definition file (Definitions/policyAssignments/*.json[c] and its siblings) that
// names it. The workspace is scanned once, within limits, and the index answers every change.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseResourceAddress } from './address.ts'
import { parseResourceId } from './arm.ts'
import type { PlannedChange, PlannedKind } from './types.ts'

/** A place in the workspace: the file (relative, `/` separators) and its 1-based line. */
export interface Declaration {
  file: string
  line: number
}

export interface DeclarationIndex {
  /** Where `change` is declared, or null when it cannot be found (what-if results name no file). */
  find(change: PlannedChange): Declaration | null
  /** True when the scan stopped at a limit before it had seen every file. */
  truncated: boolean
}

export interface ScanLimits {
  /** Directories entered, at most. */
  directories: number
  /** Files read, at most. */
  files: number
  /** Bytes read in all, at most; a larger file is skipped. */
  bytes: number
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  directories: 20_000,
  files: 5_000,
  bytes: 64 * 1024 * 1024
}

/** Directories that never hold the configuration: dependencies, git's store, Terraform's cache of
 * downloaded modules and providers. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform'])

/** EPAC's definition folders, by the kind of resource their files define. */
const EPAC_FOLDERS: Readonly<Record<string, PlannedKind>> = {
  policyassignments: 'assignment',
  policyexemptions: 'exemption',
  policysetdefinitions: 'setDefinition',
  policydefinitions: 'definition'
}

const RESOURCE_BLOCK = /^\s*resource\s+"?([\w-]+)"?\s+"?([\w-]+)"?\s*\{/
const MODULE_BLOCK = /^\s*module\s+"?([\w-]+)"?\s*\{/
const NAME_MEMBER = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/g

interface Fragment {
  name: string
  line: number
}

interface EpacFile {
  kind: PlannedKind
  file: string
  fragments: Fragment[]
}

/** Adds the Terraform blocks of one `.tf` file to the maps (outside `/* … *\/` comments). */
function indexTerraform(
  text: string,
  file: string,
  resources: Map<string, Declaration[]>,
  modules: Map<string, Declaration[]>
): void {
  let inComment = false
  text.split(/\r?\n/).forEach((line, index) => {
    if (inComment) {
      inComment = !line.includes('*/')
      return
    }
    if (line.trimStart().startsWith('/*')) {
      inComment = !line.includes('*/')
      return
    }
    const resource = RESOURCE_BLOCK.exec(line)
    const module = resource ? null : MODULE_BLOCK.exec(line)
    const key = resource ? `${resource[1]}.${resource[2]}` : module?.[1]
    const target = resource ? resources : modules
    if (key === undefined) return
    target.set(key, [...(target.get(key) ?? []), { file, line: index + 1 }])
  })
}

/** The `"name"` members of an EPAC definition file, with their lines. */
function nameFragments(text: string): Fragment[] {
  const fragments: Fragment[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    for (const match of line.matchAll(NAME_MEMBER)) {
      try {
        fragments.push({ name: JSON.parse(`"${match[1]}"`) as string, line: index + 1 })
      } catch {
        // A name with an escape JSON does not know is no name EPAC could have read either.
      }
    }
  })
  return fragments
}

/**
 * The fragments whose names, joined in some order, make `name` (EPAC builds an assignment's name
 * from the names along its definition tree, `pr-` + `asb`); undefined when none do.
 */
function composition(
  name: string,
  fragments: readonly Fragment[],
  used: ReadonlySet<Fragment> = new Set()
): Fragment[] | undefined {
  if (name === '') return []
  if (used.size >= 4) return undefined
  for (const fragment of fragments) {
    if (used.has(fragment) || fragment.name === '' || !name.startsWith(fragment.name)) continue
    const rest = composition(
      name.slice(fragment.name.length),
      fragments,
      new Set([...used, fragment])
    )
    if (rest) return [fragment, ...rest]
  }
  return undefined
}

/** The kind of resource the EPAC definition folder `folder` (or one it is inside) defines. */
function epacKindOf(folder: string): PlannedKind | undefined {
  const parts = folder.split('/').reverse()
  for (const part of parts) {
    const kind = EPAC_FOLDERS[part.toLowerCase()]
    if (kind) return kind
  }
  return undefined
}

/** The declaration nearest the plan: in the plan file's folder first, then the shallowest. */
function nearest(
  candidates: readonly Declaration[] | undefined,
  planFile: string
): Declaration | null {
  if (!candidates || candidates.length === 0) return null
  const planFolder = path.posix.dirname(planFile)
  const rank = (declaration: Declaration) => [
    path.posix.dirname(declaration.file) === planFolder ? 0 : 1,
    declaration.file.split('/').length
  ]
  return [...candidates].sort((a, b) => {
    const [folderA, depthA] = rank(a) as [number, number]
    const [folderB, depthB] = rank(b) as [number, number]
    return folderA - folderB || depthA - depthB || a.file.localeCompare(b.file) || a.line - b.line
  })[0] as Declaration
}

/**
 * Scans `workspace` once (skipping node_modules, .git and .terraform; within `limits`) for
 * Terraform blocks in `.tf` files and names in EPAC definition files (`.json`/`.jsonc` under a
 * `policyAssignments`, `policyExemptions`, `policySetDefinitions` or `policyDefinitions` folder), and
 * returns an index that finds where a planned change is declared. Follows Terraform's block syntax
 * ("Resources", "Modules": `resource "TYPE" "NAME" {`, `module "NAME" {`) and EPAC's definition
 * files (its Docs, "Policy Assignments" and "Policy Exemptions").
 */
export async function indexDeclarations(
  workspace: string,
  limits: ScanLimits = DEFAULT_SCAN_LIMITS
): Promise<DeclarationIndex> {
  const resources = new Map<string, Declaration[]>()
  const modules = new Map<string, Declaration[]>()
  const epacFiles: EpacFile[] = []
  let directories = 0
  let files = 0
  let bytes = 0
  let truncated = false
  const queue: string[] = ['']
  while (queue.length > 0) {
    const folder = queue.shift() as string
    if (++directories > limits.directories) {
      truncated = true
      break
    }
    let entries
    try {
      entries = await readdir(path.join(workspace, folder), { withFileTypes: true })
    } catch {
      continue
    }
    entries.sort((a, b) => a.name.localeCompare(b.name))
    const epacKind = epacKindOf(folder)
    for (const entry of entries) {
      const relative = folder === '' ? entry.name : `${folder}/${entry.name}`
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) queue.push(relative)
        continue
      }
      const isTerraform = entry.name.endsWith('.tf')
      const isEpac = epacKind !== undefined && /\.jsonc?$/i.test(entry.name)
      if (!entry.isFile() || (!isTerraform && !isEpac)) continue
      if (files >= limits.files) {
        truncated = true
        continue
      }
      const text = await readFile(path.join(workspace, relative), 'utf8').catch(() => '')
      if (bytes + text.length > limits.bytes) {
        truncated = true
        continue
      }
      files++
      bytes += text.length
      if (isTerraform) indexTerraform(text, relative, resources, modules)
      else
        epacFiles.push({
          kind: epacKind as PlannedKind,
          file: relative,
          fragments: nameFragments(text)
        })
    }
  }
  return {
    truncated,
    find(change) {
      const { source } = change
      if (source.format === 'terraform') {
        const address = parseResourceAddress(source.address)
        if (!address) return null
        const call = address.modules[0]
        return call
          ? nearest(modules.get(call.name), source.file)
          : nearest(resources.get(`${address.type}.${address.name}`), source.file)
      }
      if (source.format !== 'epac') return null
      const name =
        (change.after ?? change.before)?.name ??
        (change.id ? parseResourceId(change.id)?.name : undefined)
      if (!name) return null
      const candidates = epacFiles.filter((candidate) => candidate.kind === change.kind)
      for (const epac of candidates) {
        const exact = epac.fragments.find((fragment) => fragment.name === name)
        if (exact) return { file: epac.file, line: exact.line }
      }
      for (const epac of candidates) {
        const parts = composition(name, epac.fragments)
        if (!parts) continue
        // The name written last is the deepest node of the tree: the one that holds the scope.
        return { file: epac.file, line: Math.max(...parts.map((part) => part.line)) }
      }
      return null
    }
  }
}
