import * as core from '@actions/core'
import { readDockerClientConfig, storedCredential } from '../docker-client-config.js'
import type { Inputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import type { Plan } from '../plan/plan.js'
import type { LoginCredential, PreflightResult } from '../preflight/preflight.js'

/**
 * The check of every planned registry, with a life of its own inside the main step: started once
 * (in `warn` mode while the builder boots), settled once. Settling logs the findings, sets the
 * `preflight` output and annotates (`warn`) or fails the step (`error`). Nothing runs, and the
 * preflight code is not loaded, with `preflight: off` or no registries.
 */
export class Preflight {
  /** What the probes found, once they have: for the summary, also when settling failed the step. */
  results?: PreflightResult[]
  private launched?: Promise<{ probes: Promise<PreflightResult[]> } | undefined>
  private settled?: Promise<PreflightResult[] | undefined>

  constructor(
    private readonly plan: Plan,
    private readonly inputs: Inputs
  ) {}

  /** Starts the probes (once); resolves when they are under way, not when they end. */
  async start(): Promise<void> {
    await (this.launched ??= this.launch())
  }

  /** The findings, reported once; undefined when nothing was checked. Throws in `error` mode when a registry fails. */
  settle(): Promise<PreflightResult[] | undefined> {
    return (this.settled ??= this.report())
  }

  private async launch(): Promise<{ probes: Promise<PreflightResult[]> } | undefined> {
    const { mode, timeoutSeconds } = this.inputs.preflight
    if (mode === 'off' || this.plan.registries.length === 0) return undefined
    const { runPreflight } = await import('../preflight/preflight.js')
    const credentials = loginCredentials(this.plan, this.inputs.host.credentials)
    const probes = runPreflight(this.plan.registries, timeoutSeconds, {
      credentials,
      tokenTrust: this.plan.tokenTrust
    })
    // Awaited by settle(); a failure meanwhile must not count as unhandled (which ends node at once).
    probes.catch(() => undefined)
    return { probes }
  }

  private async report(): Promise<PreflightResult[] | undefined> {
    const launched = await (this.launched ??= this.launch())
    if (!launched) return undefined
    const results = (this.results = await launched.probes)
    const { enforcePreflight, reportPreflight } = await import('../preflight/preflight.js')
    reportPreflight(results)
    core.setOutput('preflight', JSON.stringify(results))
    enforcePreflight(results, this.inputs.preflight.mode)
    return results
  }
}

/**
 * What a build will log in with: the inputs' credentials, else what an earlier login stored in the
 * Docker client config (masked here too: preflight sends them, it never prints them).
 */
function loginCredentials(plan: Plan, credentials: Credential[]): LoginCredential[] {
  const given = new Set(credentials.map(credential => credential.host.toLowerCase()))
  const config = readDockerClientConfig(process.env)
  const stored = plan.registries
    .map(registry => registry.host.text)
    .filter(host => !given.has(host.toLowerCase()))
    .flatMap(host => storedCredential(config, host) ?? [])
  for (const credential of stored) core.setSecret(credential.password)
  return [
    ...credentials.map(credential => ({
      ...credential,
      from: `\`username\`/\`password\` or the \`credentials\` line for ${credential.host}`
    })),
    ...stored.map(credential => ({ ...credential, from: config.path }))
  ]
}
