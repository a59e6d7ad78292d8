import * as core from '@actions/core'
import { join } from 'node:path'
import type { DaemonAccess } from '../host/edits/daemon-trust.js'
import type { HostInputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import { dockerConfigFile } from '../paths.js'
import { withTokenRealms } from '../plan/daemon-trust.js'
import type { Plan } from '../plan/plan.js'
import type { PreflightResult } from '../preflight/preflight.js'
import type { UndoLog } from './state.js'

/**
 * The machine beyond the builder, as the inputs ask, each change recorded for post before it is
 * made; the module of a change is loaded only when it is asked for. Returns what the user still
 * has to do, for the summary.
 */
export async function changeHost(
  plan: Plan,
  host: HostInputs,
  daemon: DaemonAccess | undefined,
  undo: UndoLog,
  results: PreflightResult[] | undefined
): Promise<string[]> {
  if (host.installConfig !== '') await installForSelfHostedBuildkitd(plan, host.installConfig, undo)
  const notes = daemon ? await trustDaemonAsPlanned(plan, daemon, undo, results) : []
  if (host.credentials.length > 0) await writeCredentials(host.credentials, plan.dir, undo)
  if (plan.clientTrust) {
    const { installClientTrust } = await import('../host/runner-env.js')
    await installClientTrust(plan.clientTrust, process.env, record => undo.add({ clientTrust: record }))
  }
  return notes
}

/** `trust-docker-daemon`: the plan's certs.d files and insecure-registries, and the token realms preflight found. */
async function trustDaemonAsPlanned(
  plan: Plan,
  daemon: DaemonAccess,
  undo: UndoLog,
  results: PreflightResult[] | undefined
): Promise<string[]> {
  if (!plan.daemonTrust) return []
  const { trustDaemon } = await import('../host/edits/daemon-trust.js')
  if (!results && plan.registries.some(registry => registry.transport === 'tls'))
    core.info('Docker daemon: with `preflight: off` no token realms were looked up; only the registries are trusted.')
  // The daemon fetches tokens too: the realms preflight got a token from get certs.d entries as well.
  const { trust, refused } = withTokenRealms(plan.daemonTrust, plan.registries, results ?? [], plan.jobId)
  const notes = [
    ...refused,
    ...(await trustDaemon(daemon, trust, plan.dir, record => undo.add({ daemonTrust: record })))
  ]
  for (const note of notes) core.warning(note, { title: 'Docker daemon trust' })
  return notes
}

/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials: Credential[], jobDir: string, undo: UndoLog): Promise<void> {
  const { addAuths } = await import('../host/edits/docker-credentials.js')
  const path = dockerConfigFile(process.env)
  const { added, servedByHelpers } = await addAuths(
    credentials,
    path,
    join(jobDir, 'docker-config.json.backup'),
    added => {
      for (const entry of added.entries) if (entry.prior !== '') core.setSecret(entry.prior)
      undo.add({ addedAuths: added })
    }
  )
  core.info(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`)
  if (servedByHelpers.length > 0) {
    core.warning(
      `${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will ` +
        'not read the credentials written there: log in with docker/login-action instead.'
    )
  }
}

/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan: Plan, path: string, undo: UndoLog): Promise<void> {
  const { installConfigFile } = await import('../host/edits/installed-config.js')
  const installed = await installConfigFile(plan.toml, path, plan.dir, record => undo.add({ installedConfig: record }))
  const replaced = installed.before ? ' (the file that was there is restored by the post step)' : ''
  core.info(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`)
}
