import * as core from '@actions/core'
import type { RunnerNetwork } from '../host/runner-network.js'
import type { Inputs } from '../inputs/read-inputs.js'
import { installConfigInContainer } from '../plan/container-job.js'

/**
 * The runner's network, for the plan: the registry and mirror names this step resolves from its
 * hosts file, and the container it runs in (a container job).
 */
export async function readRunnerTopology(inputs: Inputs): Promise<RunnerNetwork> {
  const hosts = [
    ...inputs.config.registries.map(registry => registry.host),
    ...inputs.config.mirrors.flatMap(line => line.mirrors.map(mirror => mirror.host))
  ]
  const { readRunnerNetwork } = await import('../host/runner-network.js')
  const network = await readRunnerNetwork(hosts)
  if (network.jobContainer)
    core.info(
      `This step runs in the container ${network.jobContainer.name} (${network.jobContainer.id.slice(0, 12)}) of the Docker daemon it uses: a container job.`
    )
  return network
}

/** In a container job, what the host inputs would write where no one on the daemon's host reads it (warned). */
export function warnContainerJob(inputs: Inputs, network: RunnerNetwork): void {
  if (!network.jobContainer || inputs.host.installConfig === '') return
  const warning = installConfigInContainer(inputs.host.installConfig, network.jobContainer)
  if (warning) core.warning(warning, { title: 'install-config in a container job' })
}
