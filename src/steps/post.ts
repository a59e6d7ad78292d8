import * as runner from '../runner.js'
import { removeBuilderRemnants } from '../host/builder-remnants.js'
import { removeBuilder, uninstallBuildxAlias } from '../host/buildx.js'
import { showBuildkitLog } from '../host/buildkit-container.js'
import { removeJobDir } from '../host/files.js'
import { savedUndoRecord } from './state.js'

/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
export async function runPost(): Promise<void> {
  const { builder, lease, buildxAlias, daemonTrust, addedAuths, installedConfig, clientTrust, jobDir } =
    savedUndoRecord()
  if (buildxAlias) await undo('Could not undo `install` (run `docker buildx uninstall`)', uninstallBuildxAlias)
  // A main step killed before it could stop its `buildx create` leaves it running: stop it before
  // it finishes a builder this step has already looked for.
  if (builder?.createPid !== undefined) {
    const { stopStrayCommand } = await import('../host/processes.js')
    if (await stopStrayCommand(builder.createPid, builder.name, 5000)) {
      runner.info(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the main step.`)
    }
  }
  // Before the builder goes, and with `cleanup: false` too: the log of the builds just run.
  if (builder?.showLogInPost) await showBuildkitLog(builder.name)
  if (builder && !builder.removeInPost) {
    runner.info(`Keeping builder ${builder.name} (cleanup: false).`)
  } else if (builder) {
    try {
      if (!(await removeBuilder(builder.name, builder.keepState)))
        runner.info(`Builder ${builder.name} is already gone.`)
    } catch (error) {
      // What buildx could not remove (a config its parser now refuses, a daemon gone) is removed without it.
      await removeBuilderRemnants(builder, error)
    }
  }

  if (lease) {
    await undo(`Could not release the builder name ${lease.holder.builder}`, async () => {
      const { releaseLease } = await import('../host/builder-lease.js')
      await releaseLease(lease.path, lease.holder)
    })
  }

  if (daemonTrust) {
    await undo('Could not undo the Docker daemon trust', async () => {
      const { untrustDaemon } = await import('../host/daemon-trust.js')
      warnAll(await untrustDaemon(daemonTrust))
      const removed = [
        ...daemonTrust.files,
        ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
      ]
      if (removed.length > 0) runner.info(`Docker daemon: removed ${removed.join(', ')}`)
    })
  }

  if (addedAuths) {
    await undo(`Could not remove the credentials from ${addedAuths.path}`, async () => {
      const { removeAuths } = await import('../host/docker-credentials.js')
      warnAll(await removeAuths(addedAuths))
      runner.info(`Removed the credentials the job added to ${addedAuths.path}`)
    })
  }

  // Before the job directory (and the CA bundle in it) goes: later post steps must not get a variable naming a removed file.
  if (clientTrust) {
    await undo('Could not point SSL_CERT_FILE back', async () => {
      const { restoreClientTrust } = await import('../host/client-trust.js')
      restoreClientTrust(clientTrust)
    })
  }

  // Before the job directory goes: the backups of the users' files are in it.
  if (installedConfig) {
    await undo(`Could not restore ${installedConfig.path}`, async () => {
      const { restoreConfig } = await import('../host/installed-config.js')
      warnAll(await restoreConfig(installedConfig))
      runner.info(
        installedConfig.before
          ? `Restored ${installedConfig.path} as it was before the job.`
          : `Removed ${installedConfig.path}, which the job installed.`
      )
    })
  }

  if (jobDir) {
    await undo(`Could not remove ${jobDir}, which holds the key material`, async () => {
      if (await removeJobDir(jobDir)) runner.info(`Removed ${jobDir} (buildkitd.toml and certificate files).`)
    })
  }
}

function warnAll(notes: string[]): void {
  for (const note of notes) runner.warning(note)
}

/**
 * Each undo runs even when an earlier one failed. A failure is a warning naming what was left:
 * cleanup never turns a job red that did its work (as docker/setup-buildx-action's post step).
 */
async function undo(failure: string, action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    runner.warning(`${failure}: ${(error as Error).message}`)
  }
}
