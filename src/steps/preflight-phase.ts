import * as core from '@actions/core'
import { readDockerClientConfig, storedCredential } from '../docker-client-config.js'
import type { Inputs } from '../inputs/read-inputs.js'
import type { Credential } from '../model.js'
import type { Plan } from '../plan/plan.js'
import type { BuilderSide } from '../host/builder/dial-from-builder.js'
import { portOf } from '../model.js'
import type { BuilderSideFacts } from '../preflight/builder-diagnosis.js'
import type { LoginCredential, PreflightResult } from '../preflight/preflight.js'
import { buildkitContainerName } from '../host/builder/buildkit-container.js'
import { setOutput } from './output-names.js'

/** The preflight code, loaded only when something is checked (in the registry client's chunk, docs/development.md). */
const preflightCode = () => import(/* webpackChunkName: "registry-client" */ '../preflight/preflight.js')

/**
 * The check of every planned registry, with a life of its own inside the main step: started once
 * (in `warn` mode while the builder boots), settled once. Settling logs the findings and annotates
 * (`warn`) or fails the step (`error`); the `preflight` output is set once, as the step ends
 * (publish). Nothing runs, and the preflight code is not loaded, with `preflight: off` or no registries.
 */
export class Preflight {
  /** What the probes found, once they have: for the summary, also when settling failed the step. */
  results?: PreflightResult[]
  private launched?: Promise<{ probes: Promise<PreflightResult[]> } | undefined>
  private settled?: Promise<PreflightResult[] | undefined>
  private settledFromBuilder?: Promise<PreflightResult[] | undefined>
  private builderUp = false
  private lookedFromBuilder = false

  constructor(
    private readonly plan: Plan,
    private readonly inputs: Inputs
  ) {}

  /** Starts the probes (once); resolves when they are under way, not when they end. */
  async start(): Promise<void> {
    await (this.launched ??= this.launch())
  }

  /** The builder is up: from now on settling also looks from its side (its container's network). */
  builderIsUp(): void {
    this.builderUp = true
  }

  /**
   * The findings, reported once; undefined when nothing was checked. Throws in `error` mode when a
   * registry fails. Settled before the builder is up (`error` mode), the builder's side is looked
   * at and reported by the first call after builderIsUp.
   */
  async settle(): Promise<PreflightResult[] | undefined> {
    const results = await (this.settled ??= this.report())
    if (!results || !this.builderUp || this.lookedFromBuilder) return results
    return (this.settledFromBuilder ??= this.reportFromBuilder(results))
  }

  private async launch(): Promise<{ probes: Promise<PreflightResult[]> } | undefined> {
    const { mode, timeoutSeconds } = this.inputs.preflight
    if (mode === 'off' || this.plan.registries.length === 0) return undefined
    const { runPreflight } = await preflightCode()
    const probes = runPreflight(this.plan.registries, timeoutSeconds, {
      credentials: loginCredentials(this.plan, this.inputs.host.credentials),
      tokenTrust: this.plan.tokenTrust
    })
    // Awaited by settle(); a failure meanwhile must not count as unhandled (which ends node at once).
    probes.catch(() => undefined)
    return { probes }
  }

  private async report(): Promise<PreflightResult[] | undefined> {
    const launched = await (this.launched ??= this.launch())
    if (!launched) return undefined
    const fromRunner = await launched.probes
    const side = this.builderUp ? builderSide(this.plan) : undefined
    this.lookedFromBuilder = this.builderUp
    const results = (this.results = await withBuilderSide(fromRunner, this.plan, this.inputs, side))
    const { enforcePreflight, reportPreflight } = await preflightCode()
    reportPreflight(
      results,
      side
        ? `from this step and from the builder (${side.container})`
        : builderSide(this.plan)
          ? "from this step; from the builder's side once it is up"
          : this.plan.topology.sharesStepNetwork
            ? 'from this step, whose network the builder shares'
            : undefined
    )
    enforcePreflight(results, this.inputs.preflight.mode)
    return results
  }

  /** `error` mode: the registries this step reached, looked at again from the booted builder's side. */
  private async reportFromBuilder(fromRunner: PreflightResult[]): Promise<PreflightResult[]> {
    this.lookedFromBuilder = true
    const side = builderSide(this.plan)
    if (!side) return fromRunner
    const results = (this.results = await withBuilderSide(fromRunner, this.plan, this.inputs, side))
    const { enforcePreflight, reportPreflight } = await preflightCode()
    reportPreflight(results, `from the builder (${side.container})`)
    enforcePreflight(results, this.inputs.preflight.mode)
    return results
  }

  /**
   * The `preflight` output, set once as the step ends: the last findings (in `error` mode the builder's
   * side may still revise the first), also when the step failed. Nothing when nothing was checked.
   */
  async publish(): Promise<void> {
    if (!this.results) return
    const { preflightOutput } = await preflightCode()
    setOutput('preflight', preflightOutput(this.results))
  }
}

/**
 * Where preflight can look from the builder's side, as the topology says (topology/topology.ts
 * lookFromBuilder): the BuildKit container, on the job's own context of the daemon when there is one.
 */
function builderSide(plan: Plan): BuilderSide | undefined {
  const { lookFromBuilder, context, network } = plan.topology
  if (!plan.create || !lookFromBuilder) return undefined
  return { container: buildkitContainerName(plan.builderName), context, network }
}

/**
 * The runner's results with the builder's side merged in: looked at when `side` is given, else the
 * plan's findings alone (a builder that cannot be looked into, or is not up yet).
 */
async function withBuilderSide(
  fromRunner: PreflightResult[],
  plan: Plan,
  inputs: Inputs,
  side: BuilderSide | undefined
): Promise<PreflightResult[]> {
  if (!side && plan.topology.findings.length === 0) return fromRunner
  const { mergeBuilderSide, readBuilderSide } = await import('../preflight/builder-diagnosis.js')
  const looks = new Map<string, BuilderSideFacts>()
  if (side) {
    // Only what this step reached: a registry it could not is explained from here already.
    const targets = plan.registries
      .filter(registry => fromRunner.some(result => result.ok && result.host === registry.host.text))
      .map(({ host, transport }) => ({ key: host.text, hostname: host.hostname, port: portOf(host, transport) }))
    const { dialFromBuilder } = await import('../host/builder/dial-from-builder.js')
    const answers = await dialFromBuilder(side, targets, inputs.preflight.timeoutSeconds)
    for (const [key, answer] of answers)
      looks.set(key, readBuilderSide(answer.exitCode, answer.stderr, inputs.preflight.timeoutSeconds))
    const unchecked = [...looks.values()].find(look => look.stage === 'unchecked')
    if (unchecked)
      core.info(`Preflight could not look from the builder's side (in ${side.container}): ${unchecked.detail}`)
  }
  return mergeBuilderSide(fromRunner, plan.registries, looks, plan.topology)
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
