import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { buildxStoreDir } from '../../paths.js'
import { jsonField, readDefaults, readText, writeAtomically } from './buildx-store.js'

// `buildx create --use` makes the new builder the current one: it writes the store's `current` and
// removes the `defaults` entry of that endpoint (buildx store SetCurrent). `buildx rm` leaves
// `current` naming the removed builder, and buildx then falls back to the daemon's own builder, not
// to the one the runner had selected: on a self-hosted runner an admin's `docker buildx use`
// would be lost after the first job. So the selection is read before the create and put back after.

/** Which builder buildx selects, as its store holds it: `current`, and the `defaults` entries. */
export interface BuilderSelection {
  /** The text of `current`; null when there was none. */
  current: string | null
  /** `defaults/HASH` file → the builder it names. */
  defaults: Record<string, string>
}

/** The selection in buildx's store now (BUILDX_CONFIG, else DOCKER_CONFIG/buildx). */
export async function readBuilderSelection(env: NodeJS.ProcessEnv): Promise<BuilderSelection> {
  const store = buildxStoreDir(env)
  const defaults = await readDefaults(store)
  return { current: (await readText(join(store, 'current'))) ?? null, defaults }
}

/**
 * Puts `before` back where `current` still holds the job's selection (nothing else selected
 * another builder since): `current` as it was, or none, and the `defaults` entries `--use` removed.
 * Returns whether it changed anything.
 */
export async function restoreBuilderSelection(
  before: BuilderSelection,
  name: string,
  env: NodeJS.ProcessEnv
): Promise<boolean> {
  const store = buildxStoreDir(env)
  const now = await readBuilderSelection(env)
  if (!selects(now.current, name) || now.current === before.current) return false
  if (before.current === null) await rm(join(store, 'current'), { force: true })
  else await writeAtomically(join(store, 'current'), before.current)
  for (const [file, builder] of Object.entries(before.defaults)) {
    if (now.defaults[file] !== undefined) continue
    await mkdir(join(store, 'defaults'), { recursive: true, mode: 0o700 })
    await writeAtomically(join(store, 'defaults', file), builder)
  }
  return true
}

/**
 * Whether the text of `current` still holds the job's selection: it names builder `name` (buildx
 * files names lower-cased), or no builder, as a removal without buildx resets it (builder-remnants.ts).
 */
function selects(current: string | null, name: string): boolean {
  const named = jsonField(current, 'Name')
  return typeof named === 'string' && ['', name.toLowerCase()].includes(named.toLowerCase())
}
