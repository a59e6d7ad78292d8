import * as core from '@actions/core'
import { basename } from 'node:path'
import { inspectBuilder } from './buildx.js'
import { createReplacingLeftover } from './builder.js'
import { ensureBuildx } from './buildx-install.js'
import { addAuths, dockerConfigFile, type Credential } from './credentials.js'
import { openDaemonAccess, trustDaemon, type DaemonAccess } from './daemon-trust.js'
import { createJobDir, jobDirParent, removeJobDir, writePlannedFiles } from './files.js'
import { readInputs } from './inputs.js'
import { backUpConfig, installConfigFile } from './installed-config.js'
import { buildPlan, type Plan } from './plan.js'
import { enforcePreflight, runPreflight, type PreflightResult } from './preflight.js'
import * as state from './state.js'
import { writeSummary } from './summary.js'

/**
 * inputs → plan → preflight → checks (daemon access, buildx) → files → builder
 * → daemon trust, credentials → outputs. Every failure ends in one setFailed.
 */
export async function runMain(): Promise<void> {
  state.markMainStarted()
  try {
    const inputs = readInputs()
    const dir = await createJobDir(jobDirParent(process.env))
    state.saveJobDir(dir)
    let plan: Plan
    let preflight: PreflightResult[] | undefined
    let daemon: DaemonAccess | undefined
    try {
      plan = buildPlan(inputs, dir)
      report(plan, inputs.baseConfig?.input)
      if (inputs.preflight !== 'off' && plan.registries.length > 0) {
        preflight = await runPreflight(plan.registries, inputs.preflightTimeout)
        core.setOutput('preflight', JSON.stringify(preflight))
        // Stopping here still shows the table on the run page.
        if (inputs.preflight === 'error' && preflight.some(result => !result.ok)) await writeSummary(plan, inputs.name, preflight, [])
        enforcePreflight(preflight, inputs.preflight)
      }
      daemon = inputs.daemonTrust === 'off' ? undefined : await openDaemonAccess()
      await ensureBuildx(inputs.buildxVersion)
      await writePlannedFiles(plan.files)
      await createReplacingLeftover(plan.createArgs, inputs.name, inputs.replace)
    } catch (error) {
      // Nothing half-made stays behind: the post step would find nothing to undo.
      await removeJobDir(dir)
      state.saveJobDir('')
      throw error
    }
    state.saveBuilder(inputs.name, inputs.cleanup)
    if (inputs.installConfig !== '') await installForSelfHostedBuildkitd(plan, inputs.installConfig)
    const daemonNotes = daemon && inputs.daemonTrust !== 'off' ? await trustDaemon(daemon, inputs.daemonTrust, plan.registries, basename(plan.dir), state.saveDaemonTrust) : []
    for (const note of daemonNotes) core.warning(note, { title: 'Docker daemon trust' })
    if (inputs.credentials.length > 0) await writeCredentials(inputs.credentials)
    const info = inputs.bootstrap ? await inspectBuilder(inputs.name) : undefined

    core.setOutput('name', inputs.name)
    core.setOutput('driver', inputs.driver)
    core.setOutput('config', plan.configPath)
    core.setOutput('certs-dir', plan.certsDir)
    core.setOutput('config-dir', plan.dir)
    core.setOutput('platforms', info?.platforms.join(',') ?? '')
    await writeSummary(plan, inputs.name, preflight, daemonNotes)
    core.info(`Builder ${inputs.name} is ready${inputs.use ? ' and is now the default for docker buildx' : ''}.`)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

function report(plan: Plan, baseConfigInput: string | undefined): void {
  for (const note of plan.notes) core.info(note)
  for (const key of plan.overridden) {
    core.warning(`\`${baseConfigInput}\` sets ${key}; the action's inputs replace it.`)
  }
  for (const registry of plan.registries) {
    const origin = registry.source === 'mirror' ? ' (a mirror not listed in `registries`: TLS, verified)' : ''
    core.info(`${registry.host}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`)
  }
  // The file holds paths and settings only, never certificate or key contents.
  core.startGroup(`buildkitd.toml (${plan.configPath})`)
  core.info(plan.toml)
  core.endGroup()
}

/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials: Credential[]): Promise<void> {
  const { added, servedByHelpers } = await addAuths(credentials, dockerConfigFile(process.env))
  for (const entry of added.entries) if (entry.prior !== '') core.setSecret(entry.prior)
  state.saveAddedAuths(added)
  core.info(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`)
  if (servedByHelpers.length > 0) {
    core.warning(`${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will not read the credentials written there: log in with docker/login-action instead.`)
  }
}

/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan: Plan, path: string): Promise<void> {
  const installed = await backUpConfig(path, plan.dir)
  state.saveInstalledConfig(installed)
  await installConfigFile(plan.toml, path)
  const replaced = installed.backup ? ' (the file that was there is restored by the post step)' : ''
  core.info(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`)
}
