import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isBuilderName, PRIVATE_FILE_MODE } from '../../model.js'
import { replaceFile } from '../file-write.js'

// buildx's store (~/.docker/buildx: `current`, `defaults/`, `instances/`), read and written as
// buildx does, by the builder selection and the remnants of a builder alike.

/** A store file's text; undefined when it is not there (or not readable), as buildx takes it. */
export async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined)
}

/** As buildx writes its store (AtomicWriteFile): 0600, whole, a link at the path replaced. */
export function writeAtomically(path: string, text: string): Promise<void> {
  return replaceFile(path, text, { mode: PRIVATE_FILE_MODE })
}

/** What of buildx's store belongs to the builder, as read from the store. */
export interface StoreSnapshot {
  /** The text of `current` (which builder `--use` made current), when there is one. */
  current?: string
  /** `defaults/HASH` files (a builder made the default of an endpoint) and the name each holds. */
  defaults: Record<string, string>
  /** Bake groups (`refs/__group__/ID`) that the builder's refs point to, and the refs each holds. */
  groups: Record<string, string[]>
}

/**
 * A builder name, node name or group id buildx could have written, safe to use in a path: buildx's
 * names follow the rule of the builder names the action takes.
 */
export const isStoreName = isBuilderName

/** The `defaults/HASH` files (a builder made the default of an endpoint) and the name each holds. */
export async function readDefaults(storeDir: string): Promise<Record<string, string>> {
  const defaults: Record<string, string> = {}
  for (const file of await list(join(storeDir, 'defaults'))) {
    const holds = await readText(join(storeDir, 'defaults', file))
    if (holds !== undefined) defaults[file] = holds
  }
  return defaults
}

/** The store entries that may hold the builder: `current`, `defaults/*`, and the groups its refs point to. */
export async function readStoreSnapshot(storeDir: string, name: string): Promise<StoreSnapshot> {
  const defaults = await readDefaults(storeDir)
  const groups: Record<string, string[]> = {}
  for (const spelling of new Set([name.toLowerCase(), name])) {
    const refsDir = join(storeDir, 'refs', spelling)
    for (const node of await list(refsDir)) {
      for (const ref of await list(join(refsDir, node))) {
        const group = jsonField(await readText(join(refsDir, node, ref)), 'GroupRef')
        if (typeof group !== 'string' || !isStoreName(group) || group in groups) continue
        const refs = jsonField(await readText(join(storeDir, 'refs', '__group__', group)), 'Refs')
        if (Array.isArray(refs)) groups[group] = refs.filter((item): item is string => typeof item === 'string')
      }
    }
  }
  return { current: await readText(join(storeDir, 'current')), defaults, groups }
}

/** A field of a store file's JSON object; undefined when there is no file or it is not JSON. */
export function jsonField(text: string | null | undefined, field: string): unknown {
  if (text === undefined || text === null) return undefined
  try {
    return (JSON.parse(text) as Record<string, unknown>)[field]
  } catch {
    return undefined
  }
}

/** A directory's entries; none when it is not there (or not readable). */
function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [])
}
