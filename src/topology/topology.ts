import { driverCapabilities } from '../driver.js'
import type { HostAddress } from '../model.js'
import { PROXY_URL_VARIABLES } from '../proxy.js'
import type { BuilderProxy } from './builder-proxy.js'
import type {
  JobContainer,
  NetworkChoice,
  NetworkFacts,
  NetworkFinding,
  TopologyBuilder,
  TopologyFacts
} from './facts.js'
import { hostNetwork } from './host-network.js'
import { isJobContainerNetwork, jobContainerNetwork } from './job-container.js'
import { onStepDaemon } from './remote-endpoint.js'
import { tlsEndpointContext } from './tls-endpoint.js'
import { missedOnUserNetwork, userNetwork } from './user-network.js'

// The runner's topology, derived once from the facts by the plan: everything that differs by where
// the builder runs and how it reaches the registries. Each topology is a module of this folder
// (tls-endpoint, job-container, host-network, user-network, remote-endpoint, builder-proxy);
// this one puts their answers into the one value the plan, preflight and the checks read.

/** Where the builder runs and how it reaches the registries, as this job's runner has it. */
export interface Topology {
  /** A Docker endpoint over TLS: the context of the job's own the builder runs on (tls-endpoint.ts). */
  context?: string
  /** The container job this step runs in (job-container.ts). */
  jobContainer?: JobContainer
  /** The network the action gives a docker-container builder's nodes that set none, and why. */
  choice?: NetworkChoice
  /**
   * The first node's network: `network=` of its driver options, the user's or the action's;
   * undefined for the daemon's default bridge, or a builder that is no container. For preflight's messages.
   */
  network?: string
  /**
   * The builder is in the network namespace this step is in (the host's, or the job container's):
   * it resolves and reaches what the step does, so preflight's look from the step speaks for it.
   */
  sharesStepNetwork: boolean
  /** What the builder gets of the runner's proxy settings (builder-proxy.ts). */
  proxy: BuilderProxy
  /** The builder dials the registries through an HTTP(S) proxy, which resolves them instead. */
  throughProxy: boolean
  /** Registries the builder will miss on the network the user chose, with the fix (user-network.ts). */
  findings: NetworkFinding[]
  /**
   * Preflight can look from the builder's side: a booted docker-container builder on the daemon
   * this step talks to, on a network of its own, not through a proxy.
   */
  lookFromBuilder: boolean
}

/** What the topology is derived from. */
export interface TopologySource {
  builder: TopologyBuilder
  /** Every registry and mirror host, as listed (the network's reasons name each). */
  hosts: HostAddress[]
  /** The plan's registries, one per host (the findings name each once). */
  registries: { host: HostAddress }[]
  facts: TopologyFacts
  /** The job's id, which a context of the job's own is named for. */
  jobId: string
}

/** The runner's topology. Pure. */
export function deriveTopology({ builder, hosts, registries, facts, jobId }: TopologySource): Topology {
  const { container } = driverCapabilities(builder.driver)
  const proxy = facts.builderProxy
  // A proxy on loopback needs the host's network as a registry there does.
  const choice = builderNetwork(builder, hosts, facts, undefined, proxy.loopback)
  const network = container ? (userNetwork(builder) ?? choice?.network) : undefined
  const sharesStepNetwork =
    network === 'host' ? !facts.jobContainer : isJobContainerNetwork(network, facts.jobContainer)
  const throughProxy = PROXY_URL_VARIABLES.some(name => (proxy.builderEnv[name] ?? '') !== '')
  return {
    context: tlsEndpointContext(builder, facts, jobId),
    jobContainer: facts.jobContainer,
    choice,
    network,
    sharesStepNetwork,
    proxy,
    throughProxy,
    findings: missedOnUserNetwork(builder, registries, facts),
    // In the step's own network namespace it sees what the step saw: a `docker exec` a registry
    // (half a second on a loaded runner) would only say it again. Through a proxy, the proxy resolves.
    lookFromBuilder: container && builder.bootstrap && onStepDaemon(builder) && !sharesStepNetwork && !throughProxy
  }
}

/**
 * The network a docker-container builder needs to resolve and reach what the runner does, unless
 * the user set `network=` (or it needs none): in a container job on the job's daemon, the job
 * container's (job-container.ts); else the host's, for names only the runner has (host-network.ts).
 * `onJobDaemon`: the builder runs on the daemon the step talks to (no endpoint, or the job's own
 * context made from the default one); a user's endpoint may be another daemon. Pure.
 */
export function builderNetwork(
  builder: TopologyBuilder,
  hosts: HostAddress[],
  facts: NetworkFacts,
  onJobDaemon = onStepDaemon(builder),
  loopbackProxies: string[] = []
): NetworkChoice | undefined {
  if (!driverCapabilities(builder.driver).container) return undefined
  if (facts.jobContainer && onJobDaemon) return jobContainerNetwork(facts.jobContainer, builder.cleanup)
  return hostNetwork(hosts, facts.hostsFile ?? [], loopbackProxies)
}
