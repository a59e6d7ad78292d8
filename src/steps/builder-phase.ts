import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import { driverCapabilities } from '../driver.js'
import { createReplacingLeftover } from '../host/builder/builder.js'
import {
  leasePath,
  otherHolders,
  ownLease,
  releaseLease,
  takeLease,
  waitForLease
} from '../host/builder/builder-lease.js'
import { installBuildxAlias } from '../host/builder/buildx.js'
import { ensureBuildx } from '../host/builder/buildx-install.js'
import { keepPluginBefore } from '../host/edits/installed-plugin.js'
import { warmRecordPath } from '../host/builder/warm-builder.js'
import { processStartTime } from '../host/process/processes.js'
import { InputError } from '../inputs/input-error.js'
import type { BuilderInputs, Inputs } from '../inputs/read-inputs.js'
import type { Plan } from '../plan/plan.js'
import type { UndoLog } from './state.js'
import type { HeldLease } from './warm-builder-phase.js'

/**
 * `buildx-version`: the buildx the inputs ask for, or the latest when the runner has none; the
 * plugin that was there is kept for post to put back (the copy named after job `jobId`).
 */
export async function ensureBuildxFor(builder: BuilderInputs, undo: UndoLog, jobId: string): Promise<void> {
  await ensureBuildx(builder.buildxVersion, builder.cacheBinary, (plugin, written) =>
    keepPluginBefore(plugin, written, jobId, installed => undo.add({ installedBuildx: installed }))
  )
}

/**
 * Creates the plan's builder (nothing for the docker driver, whose builder the daemon has),
 * with `meanwhile` running while it boots; both settle before this returns (the job directory
 * must outlive a create that still reads it), the create's failure first. The name is leased and
 * the builder recorded for post before the create starts.
 */
export async function createJobBuilder(
  plan: Plan,
  inputs: Inputs,
  undo: UndoLog,
  meanwhile: () => Promise<void>
): Promise<void> {
  const { builder } = inputs
  if (!plan.create) {
    await meanwhile()
    return
  }
  const lease = await leaseBuilderName(builder.name, undo, !!plan.warm)
  const { context } = plan.topology
  if (context) {
    undo.add({ tempContext: context })
    const { createContextFromDefault } = await import('../host/builder/docker-context.js')
    await createContextFromDefault(context)
  }
  const record = {
    name: builder.name,
    driver: builder.driver,
    // The first node's daemon, for removing what buildx cannot (host/builder/builder-remnants.ts).
    endpoint: context ?? (builder.endpoint || undefined),
    removeInPost: builder.cleanup,
    keepState: builder.keepState
  }
  // Before buildx makes or selects it: the builder, and (`use`) the builder buildx selected before it.
  const recordBuilder = async (): Promise<void> => {
    undo.add({ builder: record })
    if (!builder.use) return
    const { readBuilderSelection } = await import('../host/builder/builder-selection.js')
    undo.add({ builderSelection: { builder: builder.name, before: await readBuilderSelection(process.env) } })
  }
  const warm = plan.warm && (await import('./warm-builder-phase.js'))
  if (warm && plan.warm && (await warm.reuseWarmBuilder(plan.warm, inputs, lease, recordBuilder))) {
    await meanwhile()
    markDiskReport(plan, inputs, undo)
    return
  }
  await recordBuilder()
  const creating = createReplacingLeftover(plan.create, record, builder.replace, {
    onStart: createPid => undo.add({ builder: { ...record, createPid, createStarted: processStartTime(createPid) } }),
    notOurs: () => undo.add({ builder: undefined })
  })
  for (const result of await Promise.allSettled([creating, meanwhile()]))
    if (result.status === 'rejected') throw result.reason
  if (warm && plan.warm) await warm.recordWarmBuilder(plan.warm, inputs, lease)
  markDiskReport(plan, inputs, undo)
  // As setup-buildx-action, once the builder is up (the create has ended: no process to stop):
  // a debugged job's post step shows its BuildKit log.
  if (driverCapabilities(builder.driver).container && debuggingBuildkit(inputs))
    undo.add({ builder: { ...record, showLogInPost: true } })
}

/** v3's `install`: `docker build` runs `docker buildx build` until post. */
export async function addBuildxAlias(builder: BuilderInputs, undo: UndoLog): Promise<void> {
  if (!builder.installAlias) return
  undo.add({ buildxAlias: true })
  await installBuildxAlias()
}

/** The cache is worth a look at post where it is bounded or outlives the job (steps/disk-report.ts). */
function markDiskReport(plan: Plan, inputs: Inputs, undo: UndoLog): void {
  const { builder } = inputs
  if (driverCapabilities(builder.driver).diskReport && (inputs.config.gc || !builder.cleanup || builder.keepState))
    undo.add({ diskReport: { builder: builder.name, budget: plan.gcBudget } })
}

/**
 * Claims the builder name for this job (see host/builder/builder-lease.ts): a name a
 * running job holds is refused here, before `buildx create` could replace its builder. A job that
 * may share a warm builder (`shared`) holds the lease only while its main decides, and waits while
 * another's does; any other job needs the builder to itself, with no warm builder's holder running.
 */
async function leaseBuilderName(name: string, undo: UndoLog, shared: boolean): Promise<HeldLease> {
  const holder = { ...ownLease(name, process.env), ...(shared ? { brief: true } : {}) }
  const path = leasePath(name, process.env)
  undo.add({ lease: { path, holder } })
  const other = shared ? await waitForLease(path, holder) : await takeLease(path, holder)
  const warmHolders = other || shared ? [] : await otherHolders(path, holder)
  if (warmHolders.length > 0) {
    await releaseLease(path, holder)
    undo.add({ lease: undefined })
    throw new InputError(
      'name',
      `the warm builder '${name}' is held by ${warmHolders.length} job(s) still running ` +
        `(${warmHolders.map(held => held.job).join('; ')})`,
      'set `cleanup: false` and the same inputs as theirs to share it, or give this job another `name`'
    )
  }
  if (!other) {
    // A builder this job may replace is no warm one any longer: a later job must not reuse it.
    if (!shared) await rm(warmRecordPath(path), { force: true })
    return { path, holder }
  }
  undo.add({ lease: undefined })
  throw new InputError(
    'name',
    `the builder '${name}' is in use by a job that is still running (${other.job}, runner process ${other.pid} on ` +
      `${other.host})`,
    "leave `name` empty for a builder of this job's own, or give each job its own name: " +
      "a builder cannot be shared, the first job's post step removes it" +
      (other.host === holder.host ? '' : `. If that job is gone (nothing on this machine can tell), remove ${path}`)
  )
}

/**
 * Whether the job is debugged, as docker/setup-buildx-action tells (then its post step shows the
 * BuildKit container's log): a re-run with debug logging (RUNNER_DEBUG=1), or buildkitd logging at
 * debug level, through `debug` (`debug = true`) or `--debug` in `buildkitd-flags`.
 */
function debuggingBuildkit(inputs: Inputs): boolean {
  return core.isDebug() || inputs.config.debug || inputs.builder.buildkitdFlags.includes('--debug')
}
