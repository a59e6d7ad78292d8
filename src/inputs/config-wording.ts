import { stringify, type TomlPrimitive, type TomlTable } from 'smol-toml'
import { BUILDKIT_SCHEMA_VERSION as V, NEWER_KEYS } from './buildkitd-schema.js'
import type { KeyPath } from './toml-lines.js'

// How the config check words what it finds: key paths as TOML writes them, values by their TOML
// type, the nearest known name for a typo, and fixes written by smol-toml so they paste as they are.

/** One thing wrong with a key: what, and what to write instead. */
export interface Finding {
  path: KeyPath
  problem: string
  fix: string
}

/** The known name closest to `name` by edit distance, if it is close enough to be a typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  if (!best) return undefined
  return best.distance <= Math.max(2, Math.floor(Math.max(name.length, best.name.length) / 3)) ? best.name : undefined
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

/** A TOML table: an object that is neither an array nor a date (the config check's and the plan's one test). */
export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

export function typeName(value: TomlPrimitive): string {
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`
  if (typeof value === 'boolean') return `a boolean (${value})`
  if (typeof value === 'bigint') return `an integer (${value})`
  if (typeof value === 'number') return `a float (${value})`
  if (Array.isArray(value)) return 'an array'
  if (isTable(value)) return 'a table'
  return 'a date'
}

/** A scalar as the string BuildKit would have wanted. */
export function scalarText(value: TomlPrimitive): string {
  if (Array.isArray(value) && value.length === 1) return scalarText(value[0])
  if (typeof value === 'string') return value
  if (isTable(value) || Array.isArray(value)) return '…'
  return String(value)
}

/** `key = value` as TOML writes it (smol-toml), for a fix. */
export function assign(key: string, value: TomlPrimitive): string {
  return stringify({ [key]: value }).trim()
}

/** An inline table, for a fix. */
export function inline(table: TomlTable): string {
  return Object.entries(table)
    .map(([key, value]) => assign(key, value))
    .join(', ')
}

/** A key path as TOML writes it: `registry."myhost:5000".ca`, array entries as `gcpolicy[1]`. */
export function show(path: KeyPath): string {
  let text = ''
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`
    else text += (text === '' ? '' : '.') + (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part))
  }
  return text
}

/** A key or table BuildKit does not know: the nearest known one, or the version that added it. */
export function unknownKey(path: KeyPath, known: string[], table: boolean): Finding {
  const key = String(path.at(-1))
  const what = table ? 'table' : 'key'
  const parent = path.slice(0, -1)
  // An entry of an array of tables is where its `[[…]]` header is.
  const where =
    parent.length === 0
      ? 'at the top level'
      : typeof parent.at(-1) === 'number'
        ? `in [[${show(parent.slice(0, -1))}]]`
        : `in [${show(parent)}]`
  if (path.length === 1 && Object.hasOwn(NEWER_KEYS, key)) {
    return {
      path,
      problem:
        `BuildKit ${V} has no ${what} ${show(path)} (BuildKit ${NEWER_KEYS[key]} added it): an older ` +
        'BuildKit ignores it',
      fix: `use a BuildKit image of ${NEWER_KEYS[key]} or later (driver-opts: image=…), or remove it`
    }
  }
  const near = nearest(key, known)
  return {
    path,
    problem: `BuildKit ${V} has no ${what} ${show(path)} ${where}: it does nothing`,
    fix: near
      ? `did you mean ${show([...path.slice(0, -1), near])}?`
      : `remove it; BuildKit knows ${known.map(name => show([name])).join(', ')} ${where}`
  }
}

/** A value of a TOML type BuildKit does not decode there: what it wants instead. */
export function wrongType(path: KeyPath, value: TomlPrimitive, wants: string, fix: string): Finding {
  return { path, problem: `${show(path)} is ${typeName(value)}, where BuildKit ${V} wants ${wants}`, fix }
}

export function notATable(value: TomlPrimitive, path: KeyPath, keys: string[]): Finding {
  return wrongType(
    path,
    value,
    'a table (buildx refuses or panics on anything else)',
    `write [${show(path)}] with its keys below (${keys.join(', ')})`
  )
}
