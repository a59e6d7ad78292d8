import { driverCapabilities } from '../driver.js'
import type { BuilderInputs } from '../inputs/read-inputs.js'
import {
  isLoopback,
  isLoopbackAddress,
  type HostAddress,
  type HostsFileName,
  type JobContainer,
  type NetworkFinding,
  type PlannedRegistry
} from '../model.js'

/** What the plan reads of the runner's network (PlanFacts): host/runner-network.ts reads it. */
export interface RunnerNetworkFacts {
  /** Registry and mirror names the runner resolves from its hosts file. */
  hostsFile?: HostsFileName[]
  /** The container the step runs in (a container job). */
  jobContainer?: JobContainer
}

/** The network the action gives a docker-container builder, and why (for the log). */
export interface NetworkChoice {
  network: string
  note: string
  /** `network=container:<job container>`: only nodes on the job's own daemon can join it. */
  sharesJobContainer: boolean
}

/**
 * The network a docker-container builder needs to resolve and reach what the runner does, unless
 * the user set `network=` (or it needs none). A builder container on a network of its own gets a
 * hosts file and a loopback of its own. So:
 * - in a container job, it shares the job container's network namespace (`container:<id>`): the
 *   job's network with its `services:` names, and also the job container's own /etc/hosts
 *   (`--add-host` lines), DNS and loopback, which is what the step itself resolved the registries
 *   with. This wins over the runner host's hosts file, which the job container does not read.
 *   (Joining the job's network by name would not bring the container's hosts file, and would keep
 *   the runner from removing that network at the job's end while a kept builder is attached.)
 * - else a registry on the runner's loopback, or a name from its hosts file (whatever the address:
 *   only a container on the host's network gets a copy of that file), needs the host's network.
 */
export function builderNetwork(
  builder: BuilderInputs,
  hosts: HostAddress[],
  facts: RunnerNetworkFacts,
  onJobDaemon = builder.endpoint === '',
  loopbackProxies: string[] = []
): NetworkChoice | undefined {
  if (!driverCapabilities(builder.driver).container) return undefined
  const setByUser = '(set `network=` in `driver-opts` to choose otherwise)'
  const job = facts.jobContainer
  // `onJobDaemon`: the builder runs on the daemon the step talks to (no endpoint, or the job's
  // own context made from the default one); a user's endpoint may be another daemon.
  if (job && onJobDaemon) {
    return {
      network: `container:${job.id}`,
      sharesJobContainer: true,
      note: `This step runs in the container ${job.name} (a container job, on ${job.networks.join(', ') || job.networkMode}): the builder shares its network, adding --driver-opt network=container:${job.id}, so it resolves and reaches what this step does (\`services:\` by their names, the container's /etc/hosts and loopback) ${setByUser}${builder.cleanup ? '' : '. With `cleanup: false` the builder is kept, but its network goes with the job container: a later job recreates it (`replace`)'}`
    }
  }
  const reasons: string[] = []
  const loopbackHosts = hosts.filter(isLoopback)
  // The builder's proxies (`VAR=URL`, no credentials) count as what it must reach on loopback.
  const loopback = [...loopbackHosts.map(host => host.text), ...loopbackProxies]
  if (loopback.length > 0)
    reasons.push(
      `${loopback.join(', ')} ${loopback.length === 1 ? 'is' : 'are'} on this machine's loopback, which a builder container cannot reach on its own network`
    )
  const fromFile = (facts.hostsFile ?? []).filter(
    entry => !loopbackHosts.some(host => host.hostname.toLowerCase() === entry.name)
  )
  if (fromFile.length > 0)
    reasons.push(
      `${fromFile.map(entry => `${entry.name} (${entry.addresses.join(', ')})`).join(', ')} ${fromFile.length === 1 ? 'resolves' : 'resolve'} on this runner from /etc/hosts, which a builder container on its own network does not read${fromFile.some(entry => entry.addresses.some(isLoopbackAddress)) ? ' (and a loopback address there is its own)' : ''}`
    )
  if (reasons.length === 0) return undefined
  return {
    network: 'host',
    sharesJobContainer: false,
    note: `${reasons.join('; ')}: adding --driver-opt network=host ${setByUser}`
  }
}

/**
 * The registries a docker-container builder will miss on the network the user set in
 * `driver-opts` (not the host's, and not the job container's): those on the runner's loopback and
 * those the runner resolves from its hosts file. Reported by preflight even where it cannot look
 * from the builder's side (a builder not booted). Pure.
 */
export function missedOnUserNetwork(
  builder: BuilderInputs,
  registries: PlannedRegistry[],
  facts: RunnerNetworkFacts
): NetworkFinding[] {
  const network = userNetwork(builder)
  const sharesJob = facts.jobContainer && network === `container:${facts.jobContainer.id}`
  if (!driverCapabilities(builder.driver).container || network === undefined || network === 'host' || sharesJob)
    return []
  const fix = facts.jobContainer
    ? `remove \`network=${network}\` from \`driver-opts\` (the action then puts the builder on the job container's network)`
    : `remove \`network=${network}\` from \`driver-opts\` (the action then puts the builder on the host's network)`
  return registries.flatMap(registry => {
    // localhost is in every container's own hosts file: there the loopback is what misses.
    if (isLoopback(registry.host))
      return [
        {
          host: registry.host.text,
          message: `the builder (network=${network}) cannot reach ${registry.host.text}: it is on the loopback of the machine this step runs on, and a container on another network has a loopback of its own`,
          fix
        }
      ]
    const entry = (facts.hostsFile ?? []).find(found => found.name === registry.host.hostname.toLowerCase())
    if (entry) {
      const loopback = entry.addresses.some(isLoopbackAddress)
        ? ", and that is this machine's loopback, not the container's"
        : ''
      return [
        {
          host: registry.host.text,
          message: `the builder (network=${network}) will not resolve ${registry.host.hostname}: this step resolves it from /etc/hosts (${entry.addresses.join(', ')}), which a container on another network does not read${loopback}`,
          fix: `${fix}, or give ${registry.host.hostname} a DNS record`
        }
      ]
    }
    return []
  })
}

/** The `network=` the user set for the first node, if any. */
export function userNetwork(builder: BuilderInputs): string | undefined {
  const opt = builder.driverOpts.find(option => option.startsWith('network='))
  return opt === undefined ? undefined : opt.slice('network='.length)
}
