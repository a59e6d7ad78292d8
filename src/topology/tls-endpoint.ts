import { driverCapabilities } from '../driver.js'
import type { TopologyBuilder, TopologyFacts } from './facts.js'

// A Docker endpoint over TCP with TLS (a dind sidecar, actions-runner-controller's dind mode): the
// default context talks to its daemon with DOCKER_HOST and DOCKER_TLS_VERIFY / DOCKER_CERT_PATH,
// which buildx does not carry into a docker-container builder (host/builder/docker-context.ts).

/**
 * Whether the builder would run on the current context's daemon in a container of its own: only
 * then can the default context's TLS data matter (and is it worth asking for, steps/plan-facts.ts).
 */
export function mayNeedTlsContext(builder: Pick<TopologyBuilder, 'driver' | 'endpoint'>): boolean {
  return driverCapabilities(builder.driver).container && builder.endpoint === ''
}

/**
 * The context a docker-container builder runs on when the default context has TLS data and no
 * `endpoint` names another, as docker/setup-buildx-action decides it (src/main.ts): one of the job's
 * own, made from the default one and named for the job (`jobId`); undefined when none is needed. Pure.
 */
export function tlsEndpointContext(
  builder: TopologyBuilder,
  facts: Pick<TopologyFacts, 'defaultContextTls'>,
  jobId: string
): string | undefined {
  return facts.defaultContextTls && mayNeedTlsContext(builder) ? jobId : undefined
}

/** For the log: why the builder runs on a context of the job's own. */
export function tlsEndpointNote(context: string): string {
  return (
    'The default Docker context reaches its daemon over TLS (DOCKER_HOST with DOCKER_TLS_VERIFY / ' +
    'DOCKER_CERT_PATH), which buildx does not carry into a docker-container builder: the builder runs on a context ' +
    `of the job's own, ${context}, made from the default one (the post step removes it)`
  )
}
