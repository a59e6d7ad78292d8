import * as core from '@actions/core'
import { inspectBuilder, removeBuilder } from '../host/buildx.js'
import { untrustDaemon } from '../host/daemon-trust.js'
import { removeAuths } from '../host/docker-credentials.js'
import { removeJobDir } from '../host/files.js'
import { restoreConfig } from '../host/installed-config.js'
import { savedUndoRecord } from './state.js'

/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 */
export async function runPost(): Promise<void> {
  const { builder, daemonTrust, addedAuths, installedConfig, jobDir } = savedUndoRecord()
  if (builder && !builder.removeInPost) {
    core.info(`Keeping builder ${builder.name} (cleanup: false).`)
  } else if (builder) {
    try {
      if (await inspectBuilder(builder.name)) await removeBuilder(builder.name)
      else core.info(`Builder ${builder.name} is already gone.`)
    } catch (error) {
      // buildx forgets the builder even when it cannot reach the daemon to stop (e.g. a gone cluster).
      const stillKnown = await inspectBuilder(builder.name).catch(() => undefined)
      const reason = (error as Error).message
      core.warning(
        stillKnown
          ? `Could not remove builder ${builder.name}: ${reason}. Remove it with \`docker buildx rm ${builder.name}\`.`
          : `buildx no longer knows builder ${builder.name}, but could not stop its BuildKit daemon: ${reason}`
      )
    }
  }

  if (daemonTrust) {
    await undo('Could not undo the Docker daemon trust', async () => {
      warnAll(await untrustDaemon(daemonTrust))
      const removed = [...daemonTrust.files, ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])]
      if (removed.length > 0) core.info(`Docker daemon: removed ${removed.join(', ')}`)
    })
  }

  if (addedAuths) {
    await undo(`Could not remove the credentials from ${addedAuths.path}`, async () => {
      warnAll(await removeAuths(addedAuths))
      core.info(`Removed the credentials the job added to ${addedAuths.path}`)
    })
  }

  // Before the job directory goes: the backups of the users' files are in it.
  if (installedConfig) {
    await undo(`Could not restore ${installedConfig.path}`, async () => {
      warnAll(await restoreConfig(installedConfig))
      core.info(installedConfig.before ? `Restored ${installedConfig.path} as it was before the job.` : `Removed ${installedConfig.path}, which the job installed.`)
    })
  }

  if (jobDir) {
    await undo(`Could not remove ${jobDir}, which holds the key material`, async () => {
      if (await removeJobDir(jobDir)) core.info(`Removed ${jobDir} (buildkitd.toml and certificate files).`)
    })
  }
}

function warnAll(notes: string[]): void {
  for (const note of notes) core.warning(note)
}

/** Each undo runs even when an earlier one failed; a failure fails the step, naming what was left. */
async function undo(failure: string, action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    core.setFailed(`${failure}: ${(error as Error).message}`)
  }
}
