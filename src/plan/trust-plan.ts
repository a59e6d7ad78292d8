import type { Inputs } from '../inputs/read-inputs.js'
import type { ClientTrustPlan, DaemonTrustPlan, PlannedRegistry, RunnerRoots, TokenTrust } from '../model.js'
import { planClientTrust, tokenTrustFor } from './client-trust.js'
import { planDaemonTrust } from './daemon-trust.js'

// The trust outside buildkitd.toml: the client's (the CA bundle later steps get, the trust of each
// registry's token fetches) and the Docker daemon's (`trust-docker-daemon`). Pure.

export interface TrustPlan {
  /** The CA bundle and variables later steps get (buildx's token fetches, imagetools); undefined for none. */
  clientTrust?: ClientTrustPlan
  /** By registry (`host.text`): the trust its token fetches will have, which preflight fetches tokens with. */
  tokenTrust: Map<string, TokenTrust>
  /** What `trust-docker-daemon` writes to the daemon; undefined when it is off. */
  daemonTrust?: DaemonTrustPlan
}

/**
 * The client's and the daemon's trust of `registries`. `everywhereCa`: `ca-cert-scope: all`'s CAs,
 * which cover what buildx fetches on the runner too (the tokens of unlisted registries). Pure.
 */
export function planTrust(
  inputs: Pick<Inputs, 'host'>,
  registries: PlannedRegistry[],
  dir: string,
  jobId: string,
  runnerRoots: RunnerRoots | undefined,
  everywhereCa: string
): TrustPlan {
  const clientTrust = planClientTrust(registries, dir, runnerRoots, everywhereCa)
  const { daemonTrust } = inputs.host
  return {
    clientTrust,
    tokenTrust: new Map(
      registries.map(registry => [registry.host.text, tokenTrustFor(registry, clientTrust, runnerRoots)])
    ),
    daemonTrust:
      daemonTrust === 'off'
        ? undefined
        : planDaemonTrust(
            daemonTrust,
            // What the daemon already trusts is not written back to it.
            registries.filter(registry => registry.source !== 'docker-daemon'),
            jobId
          )
  }
}
