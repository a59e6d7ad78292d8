import { isLoopback, type HostAddress } from '../model.js'
import { isLoopbackAddress, SET_BY_USER, type HostsFileName, type NetworkChoice } from './facts.js'

// Names only the runner's own network has: a registry (or proxy) on its loopback, or a name from its
// /etc/hosts (whatever the address: only a container on the host's network gets a copy of that file).
// A builder container on a network of its own has a hosts file and a loopback of its own.

/**
 * `network=host` with the reasons, when a registry, a mirror or a proxy (`loopbackProxies`, shown
 * as `VAR=URL` without credentials) needs the host's network; undefined when none does. Pure.
 */
export function hostNetwork(
  hosts: HostAddress[],
  hostsFile: HostsFileName[],
  loopbackProxies: string[]
): NetworkChoice | undefined {
  const reasons: string[] = []
  const loopbackHosts = hosts.filter(isLoopback)
  const loopback = [...loopbackHosts.map(host => host.text), ...loopbackProxies]
  if (loopback.length > 0)
    reasons.push(
      `${loopback.join(', ')} ${loopback.length === 1 ? 'is' : 'are'} on this machine's loopback, which a builder ` +
        'container cannot reach on its own network'
    )
  const fromFile = hostsFile.filter(entry => !loopbackHosts.some(host => host.hostname.toLowerCase() === entry.name))
  if (fromFile.length > 0) {
    const names = fromFile.map(entry => `${entry.name} (${entry.addresses.join(', ')})`).join(', ')
    const loopbackThere = fromFile.some(entry => entry.addresses.some(isLoopbackAddress))
    reasons.push(
      `${names} ${fromFile.length === 1 ? 'resolves' : 'resolve'} on this runner from /etc/hosts, ` +
        'which a builder container on its own network does not read' +
        (loopbackThere ? ' (and a loopback address there is its own)' : '')
    )
  }
  if (reasons.length === 0) return undefined
  return {
    network: 'host',
    sharesJobContainer: false,
    note: `${reasons.join('; ')}: adding --driver-opt network=host ${SET_BY_USER}`
  }
}
