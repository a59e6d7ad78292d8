import * as core from '@actions/core'
import { neutralizeUntrustedLine } from '../../untrusted-text.js'
import { tryCommand } from '../process/command.js'

/**
 * The container buildx's `docker-container` driver runs a builder's first node in (the node is the builder's name +
 * 0).
 */
export function buildkitContainerName(builder: string): string {
  return `buildx_buildkit_${builder}0`
}

/**
 * `docker` flags for the daemon of a node's `endpoint`: a URL is a daemon's address, anything else a
 * context's name; none for the current context ('' or undefined).
 */
export function dockerEndpointArgs(endpoint: string | undefined): string[] {
  if (!endpoint) return []
  return endpoint.includes('://') ? ['--host', endpoint] : ['--context', endpoint]
}

/**
 * Shows the BuildKit container's log (buildkitd's own: what it said of registries, mirrors and TLS
 * during the job's builds), folded, as docker/setup-buildx-action's post step does when the job is
 * debugged. It cannot fail the step: a log that cannot be read is a warning.
 */
export async function showBuildkitLog(builder: string): Promise<void> {
  const container = buildkitContainerName(builder)
  await core.group(`BuildKit container logs (${container})`, async () => {
    const result = await tryCommand('docker', ['logs', container], { show: true })
    if (result.exitCode !== 0) {
      const reason =
        neutralizeUntrustedLine(result.stderr.trim().split('\n').pop() ?? '') || `exit code ${result.exitCode}`
      core.warning(`Could not show the BuildKit container's log: ${reason}`)
    }
  })
}
