import * as core from '@actions/core'
import { join } from 'node:path'
import { inspectBuilder } from '../host/buildx.js'
import { createReplacingLeftover } from '../host/builder.js'
import { ensureBuildx } from '../host/buildx-install.js'
import { openDaemonAccess, trustDaemon, type DaemonAccess } from '../host/daemon-trust.js'
import { addAuths, dockerConfigFile } from '../host/docker-credentials.js'
import { createJobDir, removeJobDir, writePlannedFiles } from '../host/files.js'
import { installConfigFile } from '../host/installed-config.js'
import { readInputs, type Inputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import { runnerTempDir } from '../paths.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { enforcePreflight, runPreflight, type PreflightResult } from '../preflight/preflight.js'
import { markMainStarted, UndoLog } from './state.js'
import { writeSummary } from './summary.js'


/**
 * inputs → plan → preflight → checks (daemon access, buildx) → files → builder
 * → daemon trust, credentials → outputs. Every failure ends in one setFailed.
 */
export async function runMain(): Promise<void> {
  markMainStarted()
  const undo = new UndoLog()
  try {
    const inputs = readInputs()
    const { builder, host } = inputs
    const dir = await createJobDir(runnerTempDir(process.env))
    undo.add({ jobDir: dir })
    let plan: Plan
    let preflight: PreflightResult[] | undefined
    let daemon: DaemonAccess | undefined
    try {
      plan = buildPlan(inputs, dir)
      report(plan, inputs.config.baseConfig?.input)
      preflight = await checkRegistries(plan, inputs)
      daemon = host.daemonTrust === 'off' ? undefined : await openDaemonAccess()
      await ensureBuildx(builder.buildxVersion)
      await writePlannedFiles(plan.files)
      await createReplacingLeftover(plan.createArgs, builder.name, builder.replace)
    } catch (error) {
      // Nothing half-made stays behind: the post step would find nothing to undo.
      await removeJobDir(dir)
      undo.add({ jobDir: undefined })
      throw error
    }
    undo.add({ builder: { name: builder.name, removeInPost: builder.cleanup } })
    if (host.installConfig !== '') await installForSelfHostedBuildkitd(plan, host.installConfig, undo)
    const daemonNotes = daemon && host.daemonTrust !== 'off' ? await trustDaemon(daemon, host.daemonTrust, plan.registries, plan.dir, record => undo.add({ daemonTrust: record })) : []
    for (const note of daemonNotes) core.warning(note, { title: 'Docker daemon trust' })
    if (host.credentials.length > 0) await writeCredentials(host.credentials, plan.dir, undo)
    const info = builder.bootstrap ? await inspectBuilder(builder.name) : undefined

    core.setOutput('name', builder.name)
    core.setOutput('driver', builder.driver)
    core.setOutput('config', plan.configPath)
    core.setOutput('certs-dir', plan.certsDir)
    core.setOutput('config-dir', plan.dir)
    core.setOutput('platforms', info?.platforms.join(',') ?? '')
    await writeSummary(plan, builder.name, preflight, daemonNotes)
    core.info(`Builder ${builder.name} is ready${builder.use ? ' and is now the default for docker buildx' : ''}.`)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Preflight as the inputs ask; in `error` mode a failure stops the step here, before anything is written. */
async function checkRegistries(plan: Plan, inputs: Inputs): Promise<PreflightResult[] | undefined> {
  const { mode, timeoutSeconds } = inputs.preflight
  if (mode === 'off' || plan.registries.length === 0) return undefined
  const results = await runPreflight(plan.registries, timeoutSeconds)
  core.setOutput('preflight', JSON.stringify(results))
  // Stopping here still shows the table on the run page.
  if (mode === 'error' && results.some(result => !result.ok)) await writeSummary(plan, inputs.builder.name, results, [])
  enforcePreflight(results, mode)
  return results
}

function report(plan: Plan, baseConfigInput: string | undefined): void {
  for (const note of plan.notes) core.info(note)
  for (const key of plan.overridden) {
    core.warning(`\`${baseConfigInput}\` sets ${key}; the action's inputs replace it.`)
  }
  for (const registry of plan.registries) {
    const origin = registry.source === 'mirror' ? ' (a mirror not listed in `registries`: TLS, verified)' : ''
    core.info(`${registry.host.text}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`)
  }
  // The file holds paths and settings only, never certificate or key contents.
  core.startGroup(`buildkitd.toml (${plan.configPath})`)
  core.info(plan.toml)
  core.endGroup()
}

/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials: Credential[], jobDir: string, undo: UndoLog): Promise<void> {
  const path = dockerConfigFile(process.env)
  const { added, servedByHelpers } = await addAuths(credentials, path, join(jobDir, 'docker-config.json.backup'), added => {
    for (const entry of added.entries) if (entry.prior !== '') core.setSecret(entry.prior)
    undo.add({ addedAuths: added })
  })
  core.info(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`)
  if (servedByHelpers.length > 0) {
    core.warning(`${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will not read the credentials written there: log in with docker/login-action instead.`)
  }
}

/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan: Plan, path: string, undo: UndoLog): Promise<void> {
  const installed = await installConfigFile(plan.toml, path, plan.dir, record => undo.add({ installedConfig: record }))
  const replaced = installed.before ? ' (the file that was there is restored by the post step)' : ''
  core.info(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`)
}
