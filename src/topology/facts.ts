import type { Driver } from '../driver.js'
import type { BuilderProxy } from './builder-proxy.js'

// What a runner topology is derived from (the builder's inputs and the runner's facts, read by
// steps/plan-facts.ts and host/runner-network.ts before planning), and the network it may choose.

/** What the topology reads of the builder's inputs (inputs/read-inputs.ts BuilderInputs). */
export interface TopologyBuilder {
  driver: Driver
  driverOpts: string[]
  endpoint: string
  cleanup: boolean
  bootstrap: boolean
}

/** What the plan reads of the runner (PlanFacts). */
export interface TopologyFacts {
  /** Registry and mirror names the runner resolves from its hosts file. */
  hostsFile?: HostsFileName[]
  /** The container the step runs in (a container job). */
  jobContainer?: JobContainer
  /** Whether the current Docker context is the default one and talks to its daemon with TLS data. */
  defaultContextTls?: boolean
  /**
   * What the builder gets of the runner's proxy settings, planned once from the inputs before the
   * other facts are read (the daemon-trust probe goes through it).
   */
  builderProxy: BuilderProxy
}

/** What the builder's network is chosen by: the names in the hosts file and the job container. */
export type NetworkFacts = Pick<TopologyFacts, 'hostsFile' | 'jobContainer'>

/** The network the action gives a docker-container builder, and why (for the log). */
export interface NetworkChoice {
  network: string
  note: string
  /** `network=container:<job container>`: only nodes on the job's own daemon can join it. */
  sharesJobContainer: boolean
}

/** How a network the action chose can be changed, for its note. */
export const SET_BY_USER = '(set `network=` in `driver-opts` to choose otherwise)'

// What the runner's network looks like: read on the machine before planning (host/runner-network.ts),
// the facts a topology is derived from.

/** A registry or mirror name the runner resolves from its hosts file, with the addresses written there. */
export interface HostsFileName {
  /** Lower case, as the resolvers compare it. */
  name: string
  addresses: string[]
}

/** True for an address of this machine's loopback (127.0.0.0/8, ::1). */
export function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address)
}

/** A bind mount of a container: `source` on the Docker daemon's host appears at `destination` in it. */
export interface BindMount {
  source: string
  destination: string
}

/**
 * The container the step runs in, as the Docker daemon the job talks to knows it: a container job
 * (`container:` in the workflow), or any step the daemon itself runs in a container.
 */
export interface JobContainer {
  id: string
  /** Without docker's leading `/`. */
  name: string
  /** HostConfig.NetworkMode: `host`, `bridge`, a network's name or `container:<id>`. */
  networkMode: string
  /** The networks it is attached to (a container job's `github_network_…`). */
  networks: string[]
  binds: BindMount[]
}

/** A registry the builder will not resolve or reach on the network the user chose, and the fix. */
export interface NetworkFinding {
  /** The registry as written (`host.text`): what preflight reports it under. */
  host: string
  message: string
  fix: string
}
