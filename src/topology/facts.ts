import type { Driver } from '../driver.js'
import type { HostsFileName, JobContainer, ProxyEnv } from '../model.js'

// What a runner topology is derived from (the builder's inputs and the runner's facts, read by
// steps/plan-facts.ts and host/runner-network.ts before planning), and the network it may choose.

/** What the topology reads of the builder's inputs (inputs/read-inputs.ts BuilderInputs). */
export interface TopologyBuilder {
  driver: Driver
  driverOpts: string[]
  endpoint: string
  cleanup: boolean
  bootstrap: boolean
  /** The runner's proxy variables: the builder gets them unless `driver-opts` sets them. */
  proxyEnv?: ProxyEnv
}

/** What the plan reads of the runner (PlanFacts). */
export interface TopologyFacts {
  /** Registry and mirror names the runner resolves from its hosts file. */
  hostsFile?: HostsFileName[]
  /** The container the step runs in (a container job). */
  jobContainer?: JobContainer
  /** Whether the current Docker context is the default one and talks to its daemon with TLS data. */
  defaultContextTls?: boolean
}

/** The network the action gives a docker-container builder, and why (for the log). */
export interface NetworkChoice {
  network: string
  note: string
  /** `network=container:<job container>`: only nodes on the job's own daemon can join it. */
  sharesJobContainer: boolean
}

/** How a network the action chose can be changed, for its note. */
export const SET_BY_USER = '(set `network=` in `driver-opts` to choose otherwise)'
