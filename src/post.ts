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
      core.warning(`Could not remove builder ${builder.name}: ${(error as Error).message}. Remove it with \`docker buildx rm ${builder.name}\`.`)
    }
  }

  const trust = state.savedDaemonTrust()
  if (trust) {
    try {
      await untrustDaemon(trust)
      core.info(`Docker daemon: removed ${[...trust.files, ...(trust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])].join(', ') || 'nothing (nothing was added)'}`)
    } catch (error) {
      core.setFailed(`Could not undo the Docker daemon trust: ${(error as Error).message}`)
    }
  }

  const auths = state.savedAddedAuths()
  if (auths) {
    try {
      await removeAuths(auths)
      core.info(`Removed the credentials the job added to ${auths.path}`)
    } catch (error) {
      core.setFailed(`Could not remove the credentials from ${auths.path}: ${(error as Error).message}`)
    }
  }

  // Before the job directory goes: the backup of the user's file is in it.
  const installed = state.savedInstalledConfig()
  if (installed) {
    try {
      await restoreConfig(installed)
      core.info(installed.backup ? `Restored ${installed.path} as it was before the job.` : `Removed ${installed.path}, which the job installed.`)
    } catch (error) {
      core.setFailed(`Could not restore ${installed.path}: ${(error as Error).message}`)
    }
  }

  const dir = state.savedJobDir()
  if (dir !== '') {
    try {
      if (await removeJobDir(dir)) core.info(`Removed ${dir} (buildkitd.toml and certificate files).`)
    } catch (error) {
      core.setFailed(`Could not remove ${dir}, which holds the client key: ${(error as Error).message}`)
    }
  }
}
