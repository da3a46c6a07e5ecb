// Terraform's resource instance addresses (`module.alz["root"].azapi_resource.policy_assignments["x"]`),
// split into the module calls and the resource, to find the resource's configuration in the plan
// and its block in the repository.

/** One step of a module path: the call's name and, under count or for_each, the instance key. */
export interface ModuleStep {
  name: string
  key?: string | number
}

export interface ResourceAddress {
  modules: ModuleStep[]
  mode: 'managed' | 'data'
  type: string
  name: string
  key?: string | number
}

const NAME = /^[A-Za-z_][\w-]*/

/** Reads an instance key (`[0]`, `["a \"b\""]`) at `at`; returns it and the offset after it. */
function readKey(address: string, at: number): { key: string | number; end: number } | undefined {
  const close = address[at + 1] === '"' ? stringEnd(address, at + 1) : address.indexOf(']', at)
  if (close === -1 || address[close] !== ']') return undefined
  const inner = address.slice(at + 1, close)
  if (/^\d+$/.test(inner)) return { key: Number(inner), end: close + 1 }
  if (!inner.startsWith('"')) return undefined
  try {
    return { key: JSON.parse(inner) as string, end: close + 1 }
  } catch {
    return undefined
  }
}

/** The offset after the closing quote of the string that opens at `open`, or -1. */
function stringEnd(address: string, open: number): number {
  for (let at = open + 1; at < address.length; at++) {
    if (address[at] === '\\') at++
    else if (address[at] === '"') return at + 1
  }
  return -1
}

/**
 * Splits a resource instance address as Terraform writes it ("Resource Addressing":
 * `[module.NAME[KEY].]…[data.]TYPE.NAME[KEY]`, keys numbers or quoted strings with JSON-style
 * escapes). Returns undefined when `address` is not of that form.
 */
export function parseResourceAddress(address: string): ResourceAddress | undefined {
  const names: { name: string; key?: string | number }[] = []
  let at = 0
  while (at < address.length) {
    const match = NAME.exec(address.slice(at))
    if (!match) return undefined
    const step: { name: string; key?: string | number } = { name: match[0] }
    at += match[0].length
    if (address[at] === '[') {
      const key = readKey(address, at)
      if (!key) return undefined
      step.key = key.key
      at = key.end
    }
    names.push(step)
    if (at === address.length) break
    if (address[at] !== '.' || at === address.length - 1) return undefined
    at++
  }
  const modules: ModuleStep[] = []
  let index = 0
  while (
    names[index]?.name === 'module' &&
    names[index]?.key === undefined &&
    names.length - index > 2
  ) {
    const call = names[index + 1] as { name: string; key?: string | number }
    modules.push(call)
    index += 2
  }
  const rest = names.slice(index)
  // `module` is a reserved name: no resource type has it.
  if (rest[0]?.name === 'module') return undefined
  const mode = rest[0]?.name === 'data' && rest.length === 3 ? 'data' : 'managed'
  const [type, name] = mode === 'data' ? rest.slice(1) : rest
  if (!type || !name || rest.length !== (mode === 'data' ? 3 : 2) || type.key !== undefined) {
    return undefined
  }
  return {
    modules,
    mode,
    type: type.name,
    name: name.name,
    ...(name.key !== undefined ? { key: name.key } : {})
  }
}
