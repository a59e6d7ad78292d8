import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { joinHolders, otherHolders, yieldLease } from '../host/builder/builder-lease.js'
import { reuseBuilder } from '../host/builder/buildx.js'
import {
  buildkitContainerState,
  readWarmRecord,
  warmRecordPath,
  writeWarmRecord
} from '../host/builder/warm-builder.js'
import { InputError } from '../inputs/input-error.js'
import type { Inputs } from '../inputs/read-inputs.js'
import { buildxStoreDir } from '../paths.js'
import type { BuilderFingerprint } from '../model.js'
import { changedParts } from '../plan/builder-fingerprint.js'
import type { UndoRecord } from './state.js'

// A warm builder on a persistent runner (`cleanup: false`, a fixed `name`): the next job reuses
// the running builder when it would create the same one (plan/builder-fingerprint.ts), so it
// neither boots nor loses its cache; jobs running at once share it, each counted as a holder
// (host/builder/builder-lease.ts). A builder whose config changed is replaced, saying which part
// changed, unless another running job holds it.

/** The builder name's lease this job holds: its file and this job's holder entry, as recorded for post. */
export type HeldLease = NonNullable<UndoRecord['lease']>

/**
 * Before the create, the job holding the lease: reuses the warm builder when it is the one the
 * plan would create (`recordBuilder` records it for post first), and says so (true); else says why
 * it is replaced (false). A builder another running job holds is never replaced: that is an InputError.
 */
export async function reuseWarmBuilder(
  fingerprint: BuilderFingerprint,
  inputs: Inputs,
  lease: HeldLease,
  recordBuilder: () => Promise<void>
): Promise<boolean> {
  const { name, endpoint } = inputs.builder
  const others = await otherHolders(lease.path, lease.holder)
  const warm = await readWarmRecord(warmRecordPath(lease.path))
  const container = await buildkitContainerState(name, endpoint || undefined)
  const changed = warm ? changedParts(warm.fingerprint, fingerprint) : []
  const known = existsSync(join(buildxStoreDir(process.env), 'instances', name.toLowerCase()))
  const why = !container
    ? undefined
    : !warm
      ? 'there is no record of the config it was created with'
      : container.id !== warm.container
        ? 'its BuildKit container is not the one recorded (made again outside this job?)'
        : !known
          ? "buildx's store has no builder of that name"
          : changed.length > 0
            ? `its config changed: ${changed.join(', ')}`
            : undefined
  if (container && why === undefined) {
    await recordBuilder()
    await reuseBuilder(name, inputs.builder.use, inputs.builder.bootstrap && !container.running)
    await holdWarmBuilder(lease)
    const sharing = others.length > 0 ? `; ${others.length} other running job(s) hold it too` : ''
    core.info(
      `Reusing the warm builder ${name} (BuildKit container ${container.id.slice(0, 12)}): its config is this ` +
        `job's, so it keeps its cache${container.running ? ' and needs no boot' : ''}${sharing}.`
    )
    return true
  }
  if (others.length > 0)
    throw new InputError(
      'name',
      `the warm builder '${name}' would be replaced (${why ?? 'it is gone'}), and ${others.length} job(s) still ` +
        `running hold it (${others.map(other => other.job).join('; ')})`,
      'give this job the same inputs as theirs to share it, or another `name`; once they end, a job replaces it'
    )
  if (why) core.info(`Replacing the warm builder ${name}: ${why}.`)
  return false
}

/** After the create: records what the builder was created with, and holds it. */
export async function recordWarmBuilder(
  fingerprint: BuilderFingerprint,
  inputs: Inputs,
  lease: HeldLease
): Promise<void> {
  const { name, endpoint } = inputs.builder
  const container = await buildkitContainerState(name, endpoint || undefined)
  // Not booted (`bootstrap: false`): no container yet to name; the next job replaces it.
  if (container) await writeWarmRecord(warmRecordPath(lease.path), { fingerprint, container: container.id })
  await holdWarmBuilder(lease)
}

/** Counted among the builder's holders until post, the lease is free for the next job's main. */
async function holdWarmBuilder(lease: HeldLease): Promise<void> {
  await joinHolders(lease.path, lease.holder)
  await yieldLease(lease.path, lease.holder)
}
