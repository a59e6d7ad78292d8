import { pluginBackupJob } from '../host/edits/installed-plugin.js'
import type { UndoRecord } from './state.js'

// What of a dead job's undo record a later job's reclaim undoes, and how each thing is named in
// the log and the summary. Pure.

/** A thing reclaimed, for one log line and one summary row. */
export interface Reclaimed {
  /** The job that left it (from its record: untrusted text, neutralized where shown). */
  job: string
  /** What it is, and what was done. */
  what: string
  /** Why that job is known to be gone. */
  why: string
}

/** The dead job a record is of: its id (its job directory's name) and its worker, as the record names them. */
export interface GoneJob {
  id: string
  owner: { host: string; pid: number; started: string }
}

/**
 * The part of a dead job's record that is the reclaiming job's to undo: not SSL_CERT_FILE (that
 * job's environment went with it; pointing it back would change this job's), not the disk report
 * (no summary of that job is left to write), not the record's own file nor the directories made for
 * it (the reclaim removes the claimed file itself, once done, in a store the reclaiming job's own
 * record keeps); and, when `builderTaken` says a live job holds the builder name now, neither the
 * builder, buildx's selection of it nor the name's lease, which are that job's. What main names
 * after its job (job directory, context, certs.d files, daemon.json ledger entry, the buildx
 * plugin's copy) and the lease must be that job's own, so that a record cannot name a running job's.
 */
export function reclaimableUndo(undo: UndoRecord, job: GoneJob, builderTaken: boolean): UndoRecord {
  const kept: UndoRecord = { ...undo }
  const dropped: (keyof UndoRecord)[] = ['clientTrust', 'diskReport', 'jobRecord', 'jobRecordDirs']
  if (builderTaken) dropped.push('builder', 'builderSelection', 'lease')
  for (const kind of dropped) delete kept[kind]
  for (const kind of notOfJob(kept, job)) delete kept[kind]
  return kept
}

/** The kinds of change in `undo` that name another job than `job`. */
function notOfJob(undo: UndoRecord, job: GoneJob): (keyof UndoRecord)[] {
  const named = (path: string): string | undefined => /([^/]+?)(\.(crt|cert|key))?$/.exec(path)?.[1]
  const holder = undo.lease?.holder
  const trust = undo.daemonTrust
  const plugin = undo.installedBuildx
  const wrong: [keyof UndoRecord, boolean][] = [
    ['jobDir', undo.jobDir !== undefined && named(undo.jobDir) !== job.id],
    ['tempContext', undo.tempContext !== undefined && undo.tempContext !== job.id],
    [
      'lease',
      holder !== undefined &&
        (holder.host !== job.owner.host || holder.pid !== job.owner.pid || holder.started !== job.owner.started)
    ],
    [
      'installedBuildx',
      plugin !== undefined &&
        plugin.before !== undefined &&
        pluginBackupJob(plugin.path, plugin.before.backup) !== job.id
    ],
    [
      'daemonTrust',
      trust !== undefined &&
        (!trust.files.every(file => named(file) === job.id) ||
          (trust.daemonJson?.job !== undefined && trust.daemonJson.job !== job.id))
    ]
  ]
  return wrong.filter(([, isWrong]) => isWrong).map(([kind]) => kind)
}

type Describe<Kind extends keyof UndoRecord> = (change: NonNullable<UndoRecord[Kind]>) => string | undefined

/** How each kind of change reads once undone; undefined for one that undid nothing a user would see. */
const DESCRIBE: { [Kind in keyof UndoRecord]-?: Describe<Kind> } = {
  diskReport: () => undefined,
  buildxAlias: () => 'the `docker build` alias (`docker buildx uninstall`)',
  builder: builder =>
    !builder.removeInPost
      ? undefined
      : builder.keepState
        ? `builder ${builder.name} and its BuildKit container; its state volume kept (keep-state)`
        : `builder ${builder.name}, its BuildKit container and state volume`,
  builderSelection: selection => `buildx's selected builder, as before ${selection.builder} was selected`,
  tempContext: name => `Docker context ${name}`,
  lease: lease => `the lease on builder name ${lease.holder.builder}`,
  daemonTrust: trust => {
    const parts = [
      ...trust.files,
      ...(trust.daemonJson ? [`${trust.daemonJson.added.join(', ')} in ${trust.daemonJson.change.path}`] : [])
    ]
    return parts.length > 0 ? `Docker daemon trust: ${parts.join(', ')}` : undefined
  },
  addedAuths: added => `credentials in ${added.path}`,
  clientTrust: () => undefined,
  installedConfig: installed => `${installed.path}, ${installed.before ? 'restored' : 'removed'}`,
  installedBuildx: installed =>
    `the buildx plugin ${installed.path}, ${installed.before || installed.link !== undefined ? 'put back' : 'removed'}`,
  jobDir: dir => `job directory ${dir}`,
  jobRecord: () => undefined,
  jobRecordDirs: () => undefined
}

/** The line of a thing undone of `undo`'s `kind`; undefined when there is nothing to say. */
export function describeUndone(undo: UndoRecord, kind: keyof UndoRecord): string | undefined {
  const change = undo[kind]
  if (change === undefined || change === false) return undefined
  return (DESCRIBE[kind] as Describe<typeof kind>)(change as never)
}

/** The log line of a thing reclaimed. */
export function reclaimedLine(item: Reclaimed): string {
  return `Reclaimed ${item.what}, left by ${item.job || 'an earlier job'} (${item.why}).`
}
