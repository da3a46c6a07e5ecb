// The real built-in policy definitions and initiatives the stand-in serves, read from the
// project's fixtures (fixtures/azure-policy, see its README.md for their origin and licence).

import { readdir, readFile } from 'node:fs/promises'
import type { ArmResource } from './estate/index.ts'

export const FIXTURES_DIRECTORY = new URL('../fixtures/azure-policy/', import.meta.url)

export interface BuiltIns {
  policyDefinitions: ArmResource[]
  policySetDefinitions: ArmResource[]
}

let cached: Promise<BuiltIns> | undefined

async function readKind(
  kind: 'policyDefinitions' | 'policySetDefinitions'
): Promise<ArmResource[]> {
  const directory = new URL(`${kind}/`, FIXTURES_DIRECTORY)
  const files = (await readdir(directory)).filter((f) => f.endsWith('.json')).sort()
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(new URL(file, directory), 'utf8')
      const resource = JSON.parse(text) as ArmResource
      if (typeof resource.id !== 'string' || typeof resource.name !== 'string')
        throw new Error(`fixture ${kind}/${file} has no id or name`)
      // ARM's GET answer carries the type; the fixture files leave it out.
      return {
        id: resource.id,
        type: `Microsoft.Authorization/${kind}`,
        name: resource.name,
        properties: resource.properties
      }
    })
  )
}

/** The built-ins from the fixtures, read once per process. */
export function loadBuiltIns(): Promise<BuiltIns> {
  cached ??= Promise.all([readKind('policyDefinitions'), readKind('policySetDefinitions')]).then(
    ([policyDefinitions, policySetDefinitions]) => ({ policyDefinitions, policySetDefinitions })
  )
  cached.catch(() => (cached = undefined))
  return cached
}
