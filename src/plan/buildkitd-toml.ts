import { stringify, type TomlTable } from 'smol-toml'
import { isTable } from '../inputs/config-wording.js'

export interface MergedConfig {
  table: TomlTable
  /** Dotted TOML keys that the base config set and the action's inputs replaced. */
  overridden: string[]
}

/**
 * Merges the generated sections into the user's base config. Tables merge key
 * by key; any other value the action generates replaces the base value, and
 * the replaced key is reported so the user is not surprised.
 */
export function mergeConfig(base: TomlTable | undefined, generated: TomlTable): MergedConfig {
  const overridden: string[] = []
  const table = mergeTables(base ?? {}, generated, [], overridden)
  return { table, overridden }
}

export function toToml(table: TomlTable): string {
  return stringify(table)
}

function mergeTables(base: TomlTable, generated: TomlTable, path: string[], overridden: string[]): TomlTable {
  const merged: TomlTable = { ...base }
  for (const [key, value] of Object.entries(generated)) {
    const existing = base[key]
    if (isTable(existing) && isTable(value)) {
      merged[key] = mergeTables(existing, value, [...path, key], overridden)
    } else {
      if (existing !== undefined) overridden.push(dottedKey([...path, key]))
      merged[key] = value
    }
  }
  return merged
}

/** A key path as TOML writes it: `registry."myhost:5000".http`. */
export function dottedKey(path: string[]): string {
  return path.map(part => (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part))).join('.')
}
