import * as core from '@actions/core'
import { currentDockerContext, readDockerClientConfig } from '../docker-client-config.js'
import { readRunnerRoots } from '../host/runner-env.js'
import type { BuilderInputs, Inputs } from '../inputs/read-inputs.js'
import type { PlanFacts } from '../plan/plan.js'

/**
 * What the plan reads of the machine, read once before planning so that planning stays pure: the
 * roots the runner trusts, whether the default Docker context talks TLS, the registry and mirror
 * names this step resolves from its hosts file, and the container it runs in (a container job).
 */
export async function readPlanFacts(inputs: Inputs): Promise<PlanFacts> {
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
  return {
    ...network,
    runnerRoots: readRunnerRoots(process.env),
    defaultContextTls: await defaultContextHasTlsFor(inputs.builder)
  }
}

/**
 * Whether a docker-container builder would run on the default context with TLS data: only then is
 * the default context asked (a `docker` process). TLS data in the default context comes only from
 * DOCKER_HOST and its TLS variables (docker/cli builds the default context from them).
 */
async function defaultContextHasTlsFor(builder: BuilderInputs): Promise<boolean> {
  if (builder.driver !== 'docker-container' || builder.endpoint !== '' || !process.env.DOCKER_HOST) return false
  if (currentDockerContext(readDockerClientConfig(process.env), process.env) !== 'default') return false
  const { defaultContextHasTls } = await import('../host/builder/docker-context.js')
  return defaultContextHasTls()
}
