import * as core from '@actions/core'
import { lstat, readlink } from 'node:fs/promises'
import type { DaemonAccess } from '../host/edits/daemon-trust.js'
import { findOnPath } from '../host/process/processes.js'
import { InputError } from '../inputs/input-error.js'
import type { Inputs } from '../inputs/read-inputs.js'
import { daemonTrustInContainer, installConfigInContainer } from '../plan/container-job.js'
import type { Plan } from '../plan/plan.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'

// What must hold before anything is made, each failing the step with the fix.

/** The action runs buildx, and the job's later steps run `docker`: without the CLI nothing would work. */
export function requireDockerCli(): void {
  if (findOnPath('docker', process.env)) return
  throw new Error(
    `\`docker\` is not on PATH (${process.env.PATH ?? ''}): this action and the steps after it run the Docker CLI. ` +
      'Install Docker on the runner, or add the directory that holds `docker` to PATH'
  )
}

/**
 * `trust-docker-daemon` without root or sudo, or in a container job (the plan's topology) where
 * the daemon would not read what it writes, fails the step here, before anything is written.
 */
export async function openDaemonAccessIfPlanned(plan: Plan): Promise<DaemonAccess | undefined> {
  if (!plan.daemonTrust) return undefined
  const { jobContainer } = plan.topology
  const { openDaemonAccess } = await import('../host/edits/daemon-trust.js')
  const access = await openDaemonAccess()
  const refused = jobContainer && daemonTrustInContainer(plan.daemonTrust.mode, access.paths.certsDir, jobContainer)
  if (refused) throw refused
  return access
}

/** In a container job, `install-config` writes where no one on the daemon's host reads it (warned). */
export function warnContainerJob(inputs: Inputs, plan: Plan): void {
  const { jobContainer } = plan.topology
  if (!jobContainer || inputs.host.installConfig === '') return
  const warning = installConfigInContainer(inputs.host.installConfig, jobContainer)
  if (warning) core.warning(warning, { title: 'install-config in a container job' })
}

/**
 * `install-config` naming a symlink fails here, before anything is made: the action writes no file
 * through a link it did not make (host/file-write.ts), as someone else may have planted it to have
 * the file it names overwritten.
 */
export async function refuseLinkedInstallConfig(installConfig: string): Promise<void> {
  if (installConfig === '' || !(await lstat(installConfig).catch(() => undefined))?.isSymbolicLink()) return
  const target = neutralizeUntrustedLine(await readlink(installConfig).catch(() => '?'), 200)
  throw new InputError(
    'install-config',
    `${installConfig} is a symbolic link (to ${target})`,
    'name the file itself, or remove the link: the action writes no file through a link it did not make'
  )
}
