import * as core from '@actions/core'
import { inspectBuilder, removeBuilder } from './buildx.js'
import { removeAuths } from './credentials.js'
import { untrustDaemon } from './daemon-trust.js'
import { removeJobDir } from './files.js'
import { restoreConfig } from './installed-config.js'
import * as state from './state.js'

/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 */
export async function runPost(): Promise<void> {
  const builder = state.savedBuilder()
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

  const trust = state.savedDaemonTrust()
  if (trust) {
    await undo('Could not undo the Docker daemon trust', async () => {
      await untrustDaemon(trust)
      const removed = [...trust.files, ...(trust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])]
      if (removed.length > 0) core.info(`Docker daemon: removed ${removed.join(', ')}`)
    })
  }

  const auths = state.savedAddedAuths()
  if (auths) {
    await undo(`Could not remove the credentials from ${auths.path}`, async () => {
      await removeAuths(auths)
      core.info(`Removed the credentials the job added to ${auths.path}`)
    })
  }

  // Before the job directory goes: the backup of the user's file is in it.
  const installed = state.savedInstalledConfig()
  if (installed) {
    await undo(`Could not restore ${installed.path}`, async () => {
      await restoreConfig(installed)
      core.info(installed.backup ? `Restored ${installed.path} as it was before the job.` : `Removed ${installed.path}, which the job installed.`)
    })
  }

  const dir = state.savedJobDir()
  if (dir !== '') {
    await undo(`Could not remove ${dir}, which holds the key material`, async () => {
      if (await removeJobDir(dir)) core.info(`Removed ${dir} (buildkitd.toml and certificate files).`)
    })
  }
}

/** Each undo runs even when an earlier one failed; a failure fails the step, naming what was left. */
async function undo(failure: string, action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    core.setFailed(`${failure}: ${(error as Error).message}`)
  }
}
