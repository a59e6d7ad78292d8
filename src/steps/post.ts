import * as runner from '../runner.js'
import { inspectBuilder, removeBuilder } from '../host/buildx.js'
import { removeJobDir } from '../host/files.js'
import { savedUndoRecord } from './state.js'

/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
export async function runPost(): Promise<void> {
  const { builder, daemonTrust, addedAuths, installedConfig, clientTrust, jobDir } = savedUndoRecord()
  if (builder && !builder.removeInPost) {
    runner.info(`Keeping builder ${builder.name} (cleanup: false).`)
  } else if (builder) {
    try {
      if (!(await removeBuilder(builder.name))) runner.info(`Builder ${builder.name} is already gone.`)
    } catch (error) {
      // buildx forgets the builder even when it cannot reach the daemon to stop (e.g. a gone cluster).
      const stillKnown = await inspectBuilder(builder.name).catch(() => undefined)
      const reason = (error as Error).message
      runner.warning(
        stillKnown
          ? `Could not remove builder ${builder.name}: ${reason}. Remove it with \`docker buildx rm ${builder.name}\`.`
          : `buildx no longer knows builder ${builder.name}, but could not stop its BuildKit daemon: ${reason}`
      )
    }
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

/** Each undo runs even when an earlier one failed; a failure fails the step, naming what was left. */
async function undo(failure: string, action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    runner.setFailed(`${failure}: ${(error as Error).message}`)
  }
}
