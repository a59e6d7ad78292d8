import type { NetworkChoice, TopologyBuilder } from './facts.js'

// A builder node with an `endpoint` of the user's (another Docker daemon, an ssh:// host, a
// remote buildkitd): it may be another machine, so nothing of this step's own namespaces
// (the job container, its loopback) can be shared with it.

/**
 * Whether the first node runs on the daemon this step talks to: no `endpoint`, or the job's own
 * context made from the default one (tls-endpoint.ts), which is the same daemon. Pure.
 */
export function onStepDaemon(builder: Pick<TopologyBuilder, 'endpoint'>): boolean {
  return builder.endpoint === ''
}

/**
 * The network an appended node gets: the topology's, except the job container's for a node on an
 * endpoint of its own (the job container is not there; the runner's hosts file may be). Pure.
 */
export function appendNodeNetwork(
  nodeEndpoint: string | undefined,
  choice: NetworkChoice | undefined
): string | undefined {
  return nodeEndpoint && choice?.sharesJobContainer ? undefined : choice?.network
}
