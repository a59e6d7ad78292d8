import type { AppendNode } from '../inputs/append.js'
import { DEFAULT_BUILDKITD_FLAGS, type Inputs } from '../inputs/read-inputs.js'
import { isLoopback, type PlannedRegistry } from '../model.js'

/**
 * `driver: docker`: the builder is the daemon's own BuildKit, which takes no buildkitd.toml and
 * no flags. What the inputs ask for that reaches it, and what cannot (each a warning), for the
 * log. Pure. readInputs has already refused mirrors, and registries without `trust-docker-daemon`.
 */
export function daemonBuilderReport(
  inputs: Pick<Inputs, 'config' | 'builder' | 'host'>,
  registries: PlannedRegistry[],
  append: AppendNode[]
): { applies: string[]; cannot: string[] } {
  const { config, builder, host } = inputs
  const applies = [
    `driver: docker: the builder is the Docker daemon's own (${builder.name}, the current Docker context); nothing ` +
      'is created and post removes nothing.'
  ]
  for (const registry of registries) {
    const how =
      registry.transport === 'tls'
        ? `TLS through the daemon's certs.d/${registry.host.text}/ (CA${registry.keypair ? ' and client keypair' : ''})`
        : isLoopback(registry.host)
          ? `${registry.mode}: the daemon already treats loopback registries as insecure`
          : host.daemonTrust === 'restart'
            ? `${registry.mode}: through insecure-registries in daemon.json (reloaded)`
            : `${registry.mode}: needs insecure-registries, which only \`trust-docker-daemon: restart\` adds`
    applies.push(`${registry.host.text}: ${how}.`)
  }
  if (host.credentials.length > 0)
    applies.push('Credentials go to the Docker client config, which buildx hands to the daemon’s builder.')

  const ignored: string[] = []
  if (config.maxParallelism !== undefined) ignored.push('`max-parallelism`')
  if (config.debug) ignored.push('`debug`')
  if (config.baseConfig) ignored.push(`\`${config.baseConfig.input}\``)
  if (builder.driverOpts.length > 0) ignored.push('`driver-opts`')
  if (builder.buildkitdFlags !== DEFAULT_BUILDKITD_FLAGS) ignored.push('`buildkitd-flags`')
  if (builder.platforms.length > 0) ignored.push('`platforms`')
  if (builder.endpoint !== '') ignored.push('`endpoint`')
  if (append.length > 0) ignored.push('`append`')
  const cannot =
    ignored.length === 0
      ? []
      : [
          `driver: docker: ${ignored.join(', ')} cannot apply: the daemon's builder takes no buildkitd.toml, flags, ` +
            'driver options, platforms or extra nodes (use driver: docker-container for them).'
        ]
  return { applies, cannot }
}
