import * as core from '@actions/core'
import { removeBuilder, uninstallBuildxAlias } from '../host/builder/buildx.js'
import { showBuildkitLog } from '../host/builder/buildkit-container.js'
import { removeJobDir } from '../host/job-dir.js'
import { savedUndoRecord, type UndoRecord } from './state.js'
import { provenUndo, type ProofOrigin } from './undo-proof.js'

/** How post undoes one kind of change: what to say if it fails, and the undo itself. */
interface Undo<Change> {
  /** The warning's opening when the undo fails ("Could not …"). */
  failure: (change: Change) => string
  /** The undo itself; false when there was nothing left to undo (already gone, or not the job's any longer). */
  run: (change: Change) => Promise<boolean | void>
}

type UndoTable = { [Kind in keyof UndoRecord]-?: Undo<NonNullable<UndoRecord[Kind]>> }

/**
 * Every kind of change main records, with its undo, in the order post runs them (the keys' order):
 * - the builder's disk measured for the summary first, while the builder is still there;
 * - the `docker build` alias first; the builder, then the builder buildx selected before it, the
 *   context it ran on, its name's lease;
 * - the daemon's trust and the client credentials, which name no file of the job directory;
 * - SSL_CERT_FILE pointed back before the bundle it names goes with the job directory;
 * - an installed config restored from its backup, which is in the job directory;
 * - the buildx plugin put back once nothing left needs the job's buildx;
 * - the job directory: it holds the backups and the key material;
 * - the job's record for a later job's reclaim last: a post step cut short leaves it, to be finished;
 *   then the directories made for it, when nothing else came into them.
 * The type makes a kind of change added to UndoRecord without an undo here a compile error.
 */
const UNDO: UndoTable = {
  diskReport: {
    failure: report => `Could not measure the disk of builder ${report.builder}`,
    run: async report => {
      const { reportBuilderDisk } = await import('./disk-report.js')
      await reportBuilderDisk(report)
    }
  },
  buildxAlias: {
    failure: () => 'Could not undo `install` (run `docker buildx uninstall`)',
    run: () => uninstallBuildxAlias()
  },
  builder: {
    // undoBuilder warns itself: it knows what is left and how to remove it.
    failure: builder => `Could not remove builder ${builder.name}`,
    run: builder => undoBuilder(builder)
  },
  builderSelection: {
    failure: () => 'Could not select the builder that was current before the job again',
    run: async ({ builder, before }) => {
      const { restoreBuilderSelection } = await import('../host/builder/builder-selection.js')
      if (!(await restoreBuilderSelection(before, builder, process.env))) return false
      core.info('buildx selects the builder it selected before the job again (`use`).')
    }
  },
  tempContext: {
    failure: name => `Could not remove the Docker context ${name} (run \`docker context rm --force ${name}\`)`,
    run: async name => {
      const { removeContext } = await import('../host/builder/docker-context.js')
      if (!(await removeContext(name))) return false
      core.info(`Removed the Docker context ${name}, which the builder ran on.`)
    }
  },
  lease: {
    failure: lease => `Could not release the builder name ${lease.holder.builder}`,
    run: async lease => {
      const { releaseLease } = await import('../host/builder/builder-lease.js')
      return releaseLease(lease.path, lease.holder)
    }
  },
  daemonTrust: {
    failure: () => 'Could not undo the Docker daemon trust',
    run: async daemonTrust => {
      const { untrustDaemon } = await import('../host/edits/daemon-trust.js')
      warnAll(await untrustDaemon(daemonTrust))
      const removed = [
        ...daemonTrust.files,
        ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
      ]
      if (removed.length > 0) core.info(`Docker daemon: removed ${removed.join(', ')}`)
    }
  },
  addedAuths: {
    failure: addedAuths => `Could not remove the credentials from ${addedAuths.path}`,
    run: async addedAuths => {
      const { removeAuths } = await import('../host/edits/docker-credentials.js')
      warnAll(await removeAuths(addedAuths))
      core.info(`Removed the credentials the job added to ${addedAuths.path}`)
    }
  },
  clientTrust: {
    failure: () => 'Could not point SSL_CERT_FILE back',
    run: async clientTrust => {
      const { restoreClientTrust } = await import('../host/runner-env.js')
      restoreClientTrust(clientTrust)
    }
  },
  installedConfig: {
    failure: installedConfig => `Could not restore ${installedConfig.path}`,
    run: async installedConfig => {
      const { restoreConfig } = await import('../host/edits/installed-config.js')
      warnAll(await restoreConfig(installedConfig))
      core.info(
        installedConfig.before
          ? `Restored ${installedConfig.path} as it was before the job.`
          : `Removed ${installedConfig.path}, which the job installed.`
      )
    }
  },
  installedBuildx: {
    failure: installed => `Could not put back the buildx plugin ${installed.path}`,
    run: async installed => {
      const { restorePlugin } = await import('../host/edits/installed-plugin.js')
      warnAll(await restorePlugin(installed))
      core.info(
        installed.before || installed.link !== undefined
          ? `Put back the buildx plugin ${installed.path} that was there before the job.`
          : `Removed the buildx plugin ${installed.path}, which the job installed.`
      )
    }
  },
  jobDir: {
    failure: jobDir => `Could not remove ${jobDir}, which holds the key material`,
    run: async jobDir => {
      if (!(await removeJobDir(jobDir))) return false
      core.info(`Removed ${jobDir} (buildkitd.toml and certificate files).`)
    }
  },
  jobRecord: {
    failure: path => `Could not remove ${path}, the job's undo record kept for a later job`,
    run: async path => {
      const { removeJobRecord } = await import('../host/job-record.js')
      await removeJobRecord(path)
    }
  },
  jobRecordDirs: {
    failure: dirs => `Could not remove ${dirs.join(', ')}, made for the job's undo record`,
    run: async dirs => {
      const { directAccess, removeMadeDirs } = await import('../host/edits/file-access.js')
      await removeMadeDirs(directAccess, dirs)
    }
  }
}

/** One kind of change of a record: undone, nothing left to undo, or failed (with a warning already given). */
export interface UndoOutcome {
  kind: keyof UndoRecord
  result: 'undone' | 'nothing' | 'failed'
}

/**
 * Undoes what main did, from saved state alone, walking UNDO in its order. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped. Each undo runs even
 * when an earlier one failed; a failure is a warning naming what was left: cleanup never turns a
 * job red that did its work (as docker/setup-buildx-action's post step).
 */
export async function runPost(): Promise<void> {
  await undoRecord(savedUndoRecord(), process.env)
}

/**
 * Undoes `record` as post does, walking UNDO in its order, after dropping (with a warning) every
 * change that cannot be proven this action's own (undo-proof.ts). Callable with any record, such as
 * an earlier job's found on the runner (`origin` then names it in the warnings). Returns what it
 * undid and what failed.
 */
export async function undoRecord(
  saved: UndoRecord,
  env: NodeJS.ProcessEnv,
  origin?: ProofOrigin
): Promise<UndoOutcome[]> {
  const { record, refused } = await provenUndo(saved, env, origin)
  warnAll(refused)
  const outcomes: UndoOutcome[] = []
  for (const kind of Object.keys(UNDO) as (keyof UndoRecord)[]) {
    const change = record[kind]
    if (change === undefined || change === false) continue
    const undo = UNDO[kind] as Undo<typeof change>
    try {
      outcomes.push({ kind, result: (await undo.run(change)) === false ? 'nothing' : 'undone' })
    } catch (error) {
      core.warning(`${undo.failure(change)}: ${(error as Error).message}`)
      outcomes.push({ kind, result: 'failed' })
    }
  }
  return outcomes
}

/**
 * The builder main created, as far as it got: a `buildx create` that outlived a killed main is
 * stopped first; a debugged job's BuildKit log is shown before the builder goes (with
 * `cleanup: false` too); then the builder is removed, unless `cleanup: false`.
 */
async function undoBuilder(builder: NonNullable<UndoRecord['builder']>): Promise<boolean> {
  if (builder.createPid !== undefined && builder.createStarted !== undefined) {
    const { stopStrayCommand } = await import('../host/process/processes.js')
    if (await stopStrayCommand({ pid: builder.createPid, started: builder.createStarted }, builder.name, 5000)) {
      core.info(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the main step.`)
    }
  }
  if (builder.showLogInPost) await showBuildkitLog(builder.name)
  if (!builder.removeInPost) {
    core.info(`Keeping builder ${builder.name} (cleanup: false).`)
    return false
  }
  try {
    if (await removeBuilder(builder.name, builder.keepState)) return true
    core.info(`Builder ${builder.name} is already gone.`)
    return false
  } catch (error) {
    // What buildx could not remove (a config its parser now refuses, a daemon gone) is removed without it.
    const { removeBuilderRemnants } = await import('../host/builder/builder-remnants.js')
    await removeBuilderRemnants(builder, error)
    return true
  }
}

function warnAll(notes: string[]): void {
  for (const note of notes) core.warning(note)
}
