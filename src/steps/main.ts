import { join } from 'node:path'
import { createReplacingLeftover } from '../host/builder.js'
import { bootedPlatforms } from '../host/buildx.js'
import { ensureBuildx } from '../host/buildx-install.js'
import type { DaemonAccess } from '../host/daemon-trust.js'
import { createJobDir, removeJobDir, writePlannedFiles } from '../host/files.js'
import { readInputs, type HostInputs, type Inputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import { dockerConfigFile, runnerTempDir } from '../paths.js'
import { tokenTrustFor, type RunnerRoots } from '../plan/client-trust.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import type { LoginCredential, PreflightResult } from '../preflight/preflight.js'
import * as runner from '../runner.js'
import { markMainStarted, UndoLog } from './state.js'
import { writeSummary } from './summary.js'

/**
 * inputs → plan → preflight → checks (daemon access, buildx) → files → builder
 * → daemon trust, credentials → outputs. Every failure ends in one setFailed.
 * Modules a run does not need (preflight, buildx install, daemon trust,
 * credentials, install-config) are not loaded.
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
    let preflight: Preflight | undefined
    let daemon: DaemonAccess | undefined
    let roots: RunnerRoots | undefined
    try {
      plan = buildPlan(inputs, dir)
      report(plan, inputs.config.baseConfig?.input)
      // Read before anything is written: preflight fetches tokens with the trust later steps will have.
      roots = plan.clientTrust ? (await import('../host/client-trust.js')).readRunnerRoots(process.env) : undefined
      preflight = await startPreflight(plan, inputs, roots)
      // `error` mode stops here, before anything is written; `warn` lets the probes run while the builder boots.
      if (inputs.preflight.mode === 'error') await preflight?.settle()
      daemon = await openDaemonAccessIfAsked(host)
      await ensureBuildx(builder.buildxVersion)
      await writePlannedFiles(plan.files)
      await createReplacingLeftover(plan.createArgs, builder.name, builder.replace)
    } catch (error) {
      // A failed create is often what preflight explains: show its findings too.
      await preflight?.settle().catch(() => undefined)
      // Nothing half-made stays behind: the post step would find nothing to undo.
      await removeJobDir(dir)
      undo.add({ jobDir: undefined })
      throw error
    }
    undo.add({ builder: { name: builder.name, removeInPost: builder.cleanup } })
    const platforms = builder.bootstrap
      ? bootedPlatforms(builder.name, builder.driver, builder.endpoint)
      : Promise.resolve([])
    // Awaited below; a failure meanwhile must not count as unhandled (which ends node at once).
    platforms.catch(() => undefined)
    const results = await preflight?.settle()
    const notes = await changeHost(plan, host, daemon, undo, roots, results)

    runner.setOutput('name', builder.name)
    runner.setOutput('driver', builder.driver)
    runner.setOutput('config', plan.configPath)
    runner.setOutput('certs-dir', plan.certsDir)
    runner.setOutput('config-dir', plan.dir)
    runner.setOutput('platforms', (await platforms).join(','))
    writeSummary(plan, builder.name, results, notes)
    runner.info(`Builder ${builder.name} is ready${builder.use ? ' and is now the default for docker buildx' : ''}.`)
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Preflight under way; settle() logs, sets the output, annotates (warn) or throws (error), once. */
interface Preflight {
  settle(): Promise<PreflightResult[]>
}

/** Starts the probes the inputs ask for; the preflight code is loaded only then. */
async function startPreflight(
  plan: Plan,
  inputs: Inputs,
  roots: RunnerRoots | undefined
): Promise<Preflight | undefined> {
  const { mode, timeoutSeconds } = inputs.preflight
  if (mode === 'off' || plan.registries.length === 0) return undefined
  const { enforcePreflight, reportPreflight, runPreflight } = await import('../preflight/preflight.js')
  const probes = runPreflight(plan.registries, timeoutSeconds, {
    credentials: await loginCredentials(plan, inputs.host.credentials),
    tokenTrust: new Map(
      plan.registries.map(registry => [registry.host.text, tokenTrustFor(registry, plan.clientTrust, roots)])
    )
  })
  let settled: Promise<PreflightResult[]> | undefined
  const settle = async (): Promise<PreflightResult[]> => {
    const results = await probes
    reportPreflight(results)
    runner.setOutput('preflight', JSON.stringify(results))
    // Stopping here still shows the table on the run page.
    if (mode === 'error' && results.some(result => !result.ok)) writeSummary(plan, inputs.builder.name, results, [])
    enforcePreflight(results, mode)
    return results
  }
  return { settle: () => (settled ??= settle()) }
}

/**
 * What a build will log in with: the inputs' credentials, else what an earlier login stored in the
 * Docker client config (masked here too: preflight sends them, it never prints them).
 */
async function loginCredentials(plan: Plan, credentials: Credential[]): Promise<LoginCredential[]> {
  const given = new Set(credentials.map(credential => credential.host.toLowerCase()))
  const others = plan.registries.map(registry => registry.host.text).filter(host => !given.has(host.toLowerCase()))
  const { storedCredentials } = await import('../host/stored-credentials.js')
  const stored = others.length > 0 ? storedCredentials(dockerConfigFile(process.env), others) : []
  for (const credential of stored) runner.setSecret(credential.password)
  return [
    ...credentials.map(credential => ({
      ...credential,
      from: `\`username\`/\`password\` or the \`credentials\` line for ${credential.host}`
    })),
    ...stored.map(credential => ({ ...credential, from: dockerConfigFile(process.env) }))
  ]
}

/** Before anything is written: `trust-docker-daemon` without root or sudo fails the step here. */
async function openDaemonAccessIfAsked(host: HostInputs): Promise<DaemonAccess | undefined> {
  if (host.daemonTrust === 'off') return undefined
  const { openDaemonAccess } = await import('../host/daemon-trust.js')
  return openDaemonAccess()
}

/** The machine beyond the builder, as the inputs ask, each recorded for post before it changes. Returns notes for the summary. */
async function changeHost(
  plan: Plan,
  host: HostInputs,
  daemon: DaemonAccess | undefined,
  undo: UndoLog,
  roots: RunnerRoots | undefined,
  results: PreflightResult[] | undefined
): Promise<string[]> {
  if (host.installConfig !== '') await installForSelfHostedBuildkitd(plan, host.installConfig, undo)
  const notes: string[] = []
  if (daemon && host.daemonTrust !== 'off') {
    const { trustDaemon } = await import('../host/daemon-trust.js')
    const { realmRegistries } = await import('../plan/daemon-trust.js')
    // The daemon fetches tokens too: the realms preflight found get certs.d entries as well.
    const realms = realmRegistries(plan.registries, results ?? [])
    if (!results && plan.registries.some(registry => registry.transport === 'tls'))
      runner.info(
        'Docker daemon: with `preflight: off` no token realms were looked up; only the registries are trusted.'
      )
    notes.push(
      ...(await trustDaemon(daemon, host.daemonTrust, [...plan.registries, ...realms], plan.dir, record =>
        undo.add({ daemonTrust: record })
      ))
    )
  }
  for (const note of notes) runner.warning(note, { title: 'Docker daemon trust' })
  if (host.credentials.length > 0) await writeCredentials(host.credentials, plan.dir, undo)
  if (plan.clientTrust) {
    const { installClientTrust } = await import('../host/client-trust.js')
    await installClientTrust(plan.clientTrust, roots, process.env, record => undo.add({ clientTrust: record }))
  }
  return notes
}

function report(plan: Plan, baseConfigInput: string | undefined): void {
  for (const note of plan.notes) runner.info(note)
  for (const key of plan.overridden) {
    runner.warning(`\`${baseConfigInput}\` sets ${key}; the action's inputs replace it.`)
  }
  for (const registry of plan.registries) {
    const origin = registry.source === 'mirror' ? ' (a mirror not listed in `registries`: TLS, verified)' : ''
    runner.info(`${registry.host.text}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`)
  }
  // The file holds paths and settings only, never certificate or key contents.
  runner.startGroup(`buildkitd.toml (${plan.configPath})`)
  runner.info(plan.toml)
  runner.endGroup()
}

/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials: Credential[], jobDir: string, undo: UndoLog): Promise<void> {
  const { addAuths } = await import('../host/docker-credentials.js')
  const path = dockerConfigFile(process.env)
  const { added, servedByHelpers } = await addAuths(
    credentials,
    path,
    join(jobDir, 'docker-config.json.backup'),
    added => {
      for (const entry of added.entries) if (entry.prior !== '') runner.setSecret(entry.prior)
      undo.add({ addedAuths: added })
    }
  )
  runner.info(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`)
  if (servedByHelpers.length > 0) {
    runner.warning(
      `${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will not read the credentials written there: log in with docker/login-action instead.`
    )
  }
}

/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan: Plan, path: string, undo: UndoLog): Promise<void> {
  const { installConfigFile } = await import('../host/installed-config.js')
  const installed = await installConfigFile(plan.toml, path, plan.dir, record => undo.add({ installedConfig: record }))
  const replaced = installed.before ? ' (the file that was there is restored by the post step)' : ''
  runner.info(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`)
}
