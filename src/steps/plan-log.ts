import * as core from '@actions/core'
import type { Inputs } from '../inputs/read-inputs.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import type { Plan } from '../plan/plan.js'

/** What the plan decided, before anything is made: notes, replaced base-config keys, each registry, the TOML. */
export function logPlan(plan: Plan, inputs: Inputs): void {
  for (const note of plan.notes) core.info(note)
  for (const key of plan.overridden) {
    core.warning(`\`${inputs.config.baseConfig?.input}\` sets ${key}; the action's inputs replace it.`)
  }
  if (plan.dockerTrustImport) logDockerTrustImport(plan.dockerTrustImport)
  for (const registry of plan.registries) {
    const origin =
      registry.source === 'mirror'
        ? ' (a mirror not listed in `registries`: TLS, verified)'
        : registry.source === 'docker-daemon'
          ? ` (the Docker daemon's ${registry.daemonOrigin})`
          : ''
    core.info(`${registry.host.text}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`)
  }
  // The file holds paths and settings only, never certificate or key contents.
  core.startGroup(`buildkitd.toml (${plan.configPath})`)
  core.info(plan.toml)
  core.endGroup()
  if (plan.daemonBuilder) logDaemonBuilder(plan.daemonBuilder)
}

/** driver: docker: what reaches the daemon's builder, and what cannot (warned). */
function logDaemonBuilder({ applies, cannot }: NonNullable<Plan['daemonBuilder']>): void {
  for (const line of applies) core.info(line)
  for (const line of cannot) core.warning(line, { title: 'driver: docker' })
}

/** import-docker-trust: each registry taken from the daemon, and each thing that could not be, with why. */
function logDockerTrustImport(report: NonNullable<Plan['dockerTrustImport']>): void {
  core.info(
    report.imported.length > 0
      ? `import-docker-trust: from the Docker daemon's trust, ${report.imported.length} ` +
          `registr${report.imported.length === 1 ? 'y' : 'ies'}:`
      : "import-docker-trust: the Docker daemon's trust holds no registry to import."
  )
  // What the daemon reported (`docker info`, its certs.d), quoted as it said it.
  for (const line of report.imported) core.info(`  ${neutralizeUntrustedLine(line)}`)
  for (const { what, reason } of report.notImported)
    core.warning(neutralizeUntrustedLine(`Not imported: ${what}: ${reason}`), { title: 'import-docker-trust' })
}
