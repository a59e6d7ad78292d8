import { join } from 'node:path'
import { createReplacingLeftover } from '../host/builder.js'
import { builderOutputs } from '../host/builder-info.js'
import { inspectBuilder, installBuildxAlias } from '../host/buildx.js'
import { ensureBuildx } from '../host/buildx-install.js'
import type { DaemonAccess } from '../host/daemon-trust.js'
import { leasePath, ownLease, takeLease } from '../host/builder-lease.js'
import { createJobDir, newJobDirPath, removeJobDir, writePlannedFiles } from '../host/files.js'
import { findOnPath } from '../host/processes.js'
import { InputError } from '../inputs/input-error.js'
import { readAppendNodes, type AppendNode } from '../inputs/append.js'
import { readInputs, type HostInputs, type Inputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import { dockerConfigFile, runnerTempDir } from '../paths.js'
import { tokenTrustFor, type RunnerRoots } from '../plan/client-trust.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import type { LoginCredential, PreflightResult } from '../preflight/preflight.js'
import * as runner from '../runner.js'
import { isCancelled, stopOnCancel } from './cancellation.js'
import { UndoLog } from './state.js'
import { writeSummary } from './summary.js'

/**
 * inputs → plan → preflight → checks (daemon access, buildx) → files → builder
 * → daemon trust, credentials → outputs. Every failure ends in one setFailed.
 * Modules a run does not need (preflight, buildx install, daemon trust,
 * credentials, install-config) are not loaded.
 */
export async function runMain(): Promise<void> {
  stopOnCancel()
  const undo = new UndoLog()
  try {
    const inputs = readInputs()
    const { builder, host } = inputs
    const append = await readAppendNodes(builder.appendYaml)
    requireDockerCli()
    // Recorded before it exists: whenever the job is cancelled, post knows every thing main made.
    const dir = newJobDirPath(runnerTempDir(process.env))
    undo.add({ jobDir: dir })
    await createJobDir(dir)
    let plan: Plan
    let preflight: Preflight | undefined
    let daemon: DaemonAccess | undefined
    let roots: RunnerRoots | undefined
    try {
      plan = buildPlan(inputs, dir, append)
      report(plan, inputs.config.baseConfig?.input)
      if (builder.driver === 'docker') await reportDaemonBuilder(inputs, plan, append)
      // Read before anything is written: preflight fetches tokens with the trust later steps will have.
      roots = plan.clientTrust ? (await import('../host/client-trust.js')).readRunnerRoots(process.env) : undefined
      // `error` mode stops here, before anything is written.
      if (inputs.preflight.mode === 'error') {
        preflight = await startPreflight(plan, inputs, roots)
        await preflight?.settle()
      }
      // `warn` mode: the probes start once `buildx create` is under way (loading their code and
      // opening sockets is 10 ms the boot need not wait for) and run while the builder boots.
      const startWarnPreflight = async (): Promise<void> => {
        if (inputs.preflight.mode === 'warn') preflight = await startPreflight(plan, inputs, roots)
      }
      daemon = await openDaemonAccessIfAsked(host)
      await ensureBuildx(builder.buildxVersion, builder.cacheBinary)
      await writePlannedFiles(plan.files, dir)
      // The docker driver's builder is the daemon's: nothing to create (plan.createArgs is empty).
      if (plan.createArgs.length > 0) {
        await leaseBuilderName(builder.name, undo)
        const record = {
          name: builder.name,
          driver: builder.driver,
          endpoint: builder.endpoint || undefined,
          removeInPost: builder.cleanup,
          keepState: builder.keepState
        }
        undo.add({ builder: record })
        // The create's process starts within this call; both settle before going on (the job
        // directory must outlive a create that still reads it), the create's failure first.
        const creating = createReplacingLeftover(plan.createArgs, plan.appendArgs, record, builder.replace, {
          onStart: createPid => undo.add({ builder: { ...record, createPid } }),
          notOurs: () => undo.add({ builder: undefined })
        })
        for (const result of await Promise.allSettled([creating, startWarnPreflight()]))
          if (result.status === 'rejected') throw result.reason
        // As setup-buildx-action, once the builder is up (the create has ended: no process to stop):
        // a debugged job's post step shows its BuildKit log.
        if (builder.driver === 'docker-container' && debuggingBuildkit(inputs))
          undo.add({ builder: { ...record, showLogInPost: true } })
      } else {
        await startWarnPreflight()
      }
    } catch (error) {
      // A failed create is often what preflight explains: show its findings too.
      await preflight?.settle().catch(() => undefined)
      // Nothing half-made stays behind: the post step would find nothing to undo.
      await removeJobDir(dir)
      undo.add({ jobDir: undefined })
      throw error
    }
    if (builder.installAlias) {
      undo.add({ buildxAlias: true })
      await installBuildxAlias()
    }
    // The outputs docker/setup-buildx-action sets (nodes, platforms, …) are what buildx inspect
    // says; it runs while preflight settles and the host is changed. It costs a round trip into
    // the BuildKit container (100 ms), worth it only when a later step can read them.
    const inspected = runner.stepOutputsReadable() ? inspectBuilder(builder.name) : undefined
    // Awaited below; a failure meanwhile must not count as unhandled (which ends node at once).
    inspected?.catch(() => undefined)
    const results = await preflight?.settle()
    const notes = await changeHost(plan, host, daemon, undo, roots, results)

    runner.setOutput('name', builder.name)
    if (plan.files.length > 0) {
      runner.setOutput('config', plan.configPath)
      runner.setOutput('certs-dir', plan.certsDir)
      runner.setOutput('config-dir', plan.dir)
    }
    if (inspected) {
      const info = await inspected
      if (!info) throw new Error(`buildx does not know builder ${builder.name} after creating it`)
      const outputs = builderOutputs(info)
      runner.setOutput('driver', outputs.driver || builder.driver)
      runner.setOutput('platforms', outputs.platforms)
      runner.setOutput('nodes', outputs.nodes)
      runner.setOutput('endpoint', outputs.endpoint)
      runner.setOutput('status', outputs.status)
      runner.setOutput('flags', outputs.flags)
    } else {
      runner.setOutput('driver', builder.driver)
      runner.debug(
        'No `id:` on this step, so no later step can read its outputs: platforms, nodes, endpoint, status and flags are not looked up (buildx inspect).'
      )
    }
    writeSummary(plan, builder.name, results, notes)
    runner.info(`Builder ${builder.name} is ready${builder.use ? ' and is now the default for docker buildx' : ''}.`)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    runner.setFailed(
      isCancelled()
        ? `The job was cancelled during this step; the post step removes what it made (${message})`
        : message
    )
  }
}

/**
 * Claims the builder name for this job (see host/builder-lease.ts): a name a
 * running job holds is refused here, before `buildx create` could replace its builder.
 */
async function leaseBuilderName(name: string, undo: UndoLog): Promise<void> {
  const holder = ownLease(name, process.env)
  const path = leasePath(name, process.env)
  undo.add({ lease: { path, holder } })
  const other = await takeLease(path, holder)
  if (!other) return
  undo.add({ lease: undefined })
  throw new InputError(
    'name',
    `the builder '${name}' is in use by a job that is still running (${other.job}, runner process ${other.pid} on ${other.host})`,
    "leave `name` empty for a builder of this job's own, or give each job its own name: a builder cannot be shared, the first job's post step removes it" +
      (other.host === holder.host ? '' : `. If that job is gone (nothing on this machine can tell), remove ${path}`)
  )
}

/**
 * Whether the job is debugged, as docker/setup-buildx-action tells (then its post step shows the
 * BuildKit container's log): a re-run with debug logging (RUNNER_DEBUG=1), or buildkitd logging at
 * debug level, through `debug` (`debug = true`) or `--debug` in `buildkitd-flags`.
 */
function debuggingBuildkit(inputs: Inputs): boolean {
  return process.env.RUNNER_DEBUG === '1' || inputs.config.debug || inputs.builder.buildkitdFlags.includes('--debug')
}

/** The action runs buildx, and the job's later steps run `docker`: without the CLI nothing would work. */
function requireDockerCli(): void {
  if (findOnPath('docker', process.env)) return
  throw new Error(
    `\`docker\` is not on PATH (${process.env.PATH ?? ''}): this action and the steps after it run the Docker CLI. Install Docker on the runner, or add the directory that holds \`docker\` to PATH`
  )
}

/** driver: docker: what reaches the daemon's builder, and what cannot (warned). */
async function reportDaemonBuilder(inputs: Inputs, plan: Plan, append: AppendNode[]): Promise<void> {
  const { daemonBuilderReport } = await import('../plan/daemon-builder.js')
  const { applies, cannot } = daemonBuilderReport(inputs, plan.registries, append)
  for (const line of applies) runner.info(line)
  for (const line of cannot) runner.warning(line, { title: 'driver: docker' })
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
