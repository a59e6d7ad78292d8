import { driverCapabilities } from '../driver.js'
import { isLoopback, type HostAddress } from '../model.js'
import { isLoopbackAddress, type NetworkFacts, type NetworkFinding, type TopologyBuilder } from './facts.js'
import { isJobContainerNetwork } from './job-container.js'

// A network the user chose for the builder (`network=` in `driver-opts`): the action adds none, and
// says what the builder will miss there.

/** The `network=` the user set for the first node, if any. */
export function userNetwork(builder: Pick<TopologyBuilder, 'driverOpts'>): string | undefined {
  const opt = builder.driverOpts.find(option => option.startsWith('network='))
  return opt === undefined ? undefined : opt.slice('network='.length)
}

/**
 * The registries a docker-container builder will miss on the network the user set in
 * `driver-opts` (not the host's, and not the job container's): those on the runner's loopback and
 * those the runner resolves from its hosts file. Reported by preflight even where it cannot look
 * from the builder's side (a builder not booted). Pure.
 */
export function missedOnUserNetwork(
  builder: Pick<TopologyBuilder, 'driver' | 'driverOpts'>,
  registries: { host: HostAddress }[],
  facts: NetworkFacts
): NetworkFinding[] {
  const network = userNetwork(builder)
  const sharesJob = isJobContainerNetwork(network, facts.jobContainer)
  if (!driverCapabilities(builder.driver).container || network === undefined || network === 'host' || sharesJob)
    return []
  const fix =
    `remove \`network=${network}\` from \`driver-opts\` (the action then puts the builder on the ` +
    `${facts.jobContainer ? "job container's" : "host's"} network)`
  return registries.flatMap(registry => {
    // localhost is in every container's own hosts file: there the loopback is what misses.
    if (isLoopback(registry.host))
      return [
        {
          host: registry.host.text,
          message:
            `the builder (network=${network}) cannot reach ${registry.host.text}: it is on the loopback of ` +
            'the machine this step runs on, and a container on another network has a loopback of its own',
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
          message:
            `the builder (network=${network}) will not resolve ${registry.host.hostname}: this step resolves ` +
            `it from /etc/hosts (${entry.addresses.join(', ')}), which a container on another network does not ` +
            `read${loopback}`,
          fix: `${fix}, or give ${registry.host.hostname} a DNS record`
        }
      ]
    }
    return []
  })
}
