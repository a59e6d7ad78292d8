import * as core from '@actions/core'
import { driverCapabilities } from '../driver.js'
import { currentDockerContext, readDockerClientConfig } from '../docker-client-config.js'
import { readRunnerRoots } from '../host/runner-env.js'
import type { BuilderInputs, Inputs } from '../inputs/read-inputs.js'
import { parseHost } from '../inputs/hosts.js'
import type { DockerTrustFacts, HostAddress, ProxyEnv } from '../model.js'
import type { JobContainer } from '../topology/facts.js'
import { planBuilderProxy } from '../topology/builder-proxy.js'
import { mayNeedTlsContext } from '../topology/tls-endpoint.js'
import { registryHosts } from '../plan/config-plan.js'
import type { PlanFacts } from '../plan/plan.js'

/**
 * What the plan reads of the machine, read once before planning so that planning stays pure: the
 * roots the runner trusts, whether the default Docker context talks TLS, the registry and mirror
 * names this step resolves from its hosts file, and the container it runs in (a container job).
 */
export async function readPlanFacts(
  inputs: Inputs,
  jobContainer?: Promise<JobContainer | undefined>
): Promise<PlanFacts> {
  const { findJobContainer, readRunnerNetwork } = await import('../host/runner-network.js')
  jobContainer ??= findJobContainer()
  const { driver, driverOpts, proxyEnv } = inputs.builder
  const builderProxy = planBuilderProxy(driver, driverOpts, proxyEnv ?? {})
  const dockerTrust = importsDockerTrust(inputs)
    ? await readDaemonTrust(inputs, builderProxy.builderEnv, await jobContainer)
    : undefined
  // The daemon's registries are resolved like listed ones (a builder network may miss them).
  const hosts = registryHosts(inputs.config, dockerTrust ? daemonHosts(dockerTrust) : [])
  const network = await readRunnerNetwork(hosts, jobContainer)
  if (network.jobContainer)
    core.info(
      `This step runs in the container ${network.jobContainer.name} (${network.jobContainer.id.slice(0, 12)}) of ` +
        'the Docker daemon it uses: a container job.'
    )
  return {
    ...network,
    runnerRoots: readRunnerRoots(process.env),
    defaultContextTls: await defaultContextHasTlsFor(inputs.builder),
    builderProxy,
    dockerTrust
  }
}

/** The docker driver's builder is the daemon's own, which has the daemon's trust already. */
function importsDockerTrust(inputs: Inputs): boolean {
  return inputs.config.importDockerTrust === true && !driverCapabilities(inputs.builder.driver).daemonBuilder
}

/**
 * `import-docker-trust`: the daemon's settings and certs.d (host/), then what each insecure
 * registry speaks, asked of it as the daemon would (HTTPS, then HTTP), all at once, each within
 * preflight's timeout, through the proxy the builder will use.
 */
async function readDaemonTrust(
  inputs: Inputs,
  builderProxyEnv: ProxyEnv,
  jobContainer: JobContainer | undefined
): Promise<DockerTrustFacts> {
  const { readDockerTrust } = await import('../host/daemon-registry-config.js')
  const { probeInsecureTransport } = await import(
    /* webpackChunkName: "registry-client" */ '../registry-client/transport-probe.js'
  )
  const facts = await readDockerTrust(jobContainer, process.env)
  const insecure = await Promise.all(
    facts.insecure.map(registry => {
      const host = hostOrUndefined(registry.host)
      return host ? probeInsecureTransport(host, builderProxyEnv, inputs.preflight.timeoutSeconds * 1000) : registry
    })
  )
  return { ...facts, insecure }
}

/** A daemon's host name as a registry address; undefined for one the plan will report as not importable. */
function hostOrUndefined(text: string): HostAddress | undefined {
  try {
    return parseHost(text, 'import-docker-trust', 0)
  } catch {
    return undefined
  }
}

function daemonHosts(facts: DockerTrustFacts): HostAddress[] {
  const texts = [
    ...facts.certsD.map(entry => entry.host),
    ...facts.insecure.map(registry => registry.host),
    ...facts.mirrors.map(url => (URL.canParse(url) ? new URL(url).host : ''))
  ]
  return texts.flatMap(text => hostOrUndefined(text) ?? [])
}

/**
 * Whether a docker-container builder would run on the default context with TLS data: only then is
 * the default context asked (a `docker` process). TLS data in the default context comes only from
 * DOCKER_HOST and its TLS variables (docker/cli builds the default context from them).
 */
async function defaultContextHasTlsFor(builder: BuilderInputs): Promise<boolean> {
  if (!mayNeedTlsContext(builder) || !process.env.DOCKER_HOST) return false
  if (currentDockerContext(readDockerClientConfig(process.env), process.env) !== 'default') return false
  const { defaultContextHasTls } = await import('../host/builder/docker-context.js')
  return defaultContextHasTls()
}
