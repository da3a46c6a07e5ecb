// Where the action's CPU time went, from the .cpuprofile files node --cpu-prof wrote.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

/** The part of V8's .cpuprofile format read here. */
interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }[]
  samples: number[]
  /** Microseconds since the previous sample. */
  timeDeltas: number[]
}

/** Lines that summarise every .cpuprofile in `directory`: self time by file or category and by
 * function, and the inclusive time of the bundle's named functions, in ms. */
export async function summariseCpuProfiles(directory: string): Promise<string[]> {
  const lines: string[] = []
  for (const file of (await readdir(directory)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(path.join(directory, file), 'utf8')) as CpuProfile
    lines.push(...summariseCpuProfile(file, profile))
  }
  return lines
}

function summariseCpuProfile(file: string, profile: CpuProfile): string[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id)
  const self = new Map<string, number>()
  const byFile = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const add = (into: Map<string, number>, key: string, ms: number) =>
    into.set(key, (into.get(key) ?? 0) + ms)
  let total = 0
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000
    const frame = nodes.get(id)?.callFrame
    if (!frame) return
    total += delta
    // Inclusive time of the bundle's own named functions (each counted once per sample).
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const f = nodes.get(at)?.callFrame
      if (!f || !f.functionName || f.url.startsWith('node:') || f.url === '') continue
      const key = `${f.functionName} ${path.basename(f.url)}:${f.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      add(inclusive, key, delta)
    }
    const where = frame.url
      ? `${path.basename(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
      : ''
    add(self, `${frame.functionName || '(anonymous)'} ${where}`.trim(), delta)
    const group = frame.url
      ? frame.url.startsWith('node:')
        ? frame.url.replace(/^node:internal\/([^/]+).*/, 'node:internal/$1')
        : path.basename(frame.url)
      : frame.functionName
    add(byFile, group, delta)
  })
  const top = (times: Map<string, number>, count: number) =>
    [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, ms]) => `    ${ms.toFixed(1).padStart(8)} ms  ${key}`)
  return [
    `${file}: ${total.toFixed(0)} ms sampled`,
    '  self time by file or category:',
    ...top(byFile, 12),
    '  self time by function:',
    ...top(self, 25),
    '  inclusive time of named functions outside node: (an unminified bundle names them):',
    ...top(inclusive, 40)
  ]
}
