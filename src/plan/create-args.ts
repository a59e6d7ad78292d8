import { dirname } from 'node:path'
import type { BuilderInputs } from '../inputs/read-inputs.js'
import { isLoopback, type HostAddress } from '../model.js'

/**
 * The `docker buildx create` arguments, and the decisions taken on the user's
 * behalf (for the log). `hosts` are every registry and mirror, for the network.
 */
export function buildxCreateArgs(
  builder: BuilderInputs,
  configPath: string,
  endpointOpts: string[],
  hosts: HostAddress[]
): { args: string[]; notes: string[] } {
  const notes: string[] = []
  const driverOpts = [...builder.driverOpts, ...endpointOpts]
  const loopback = hosts.filter(isLoopback).map(host => host.text)
  const networkSet = driverOpts.some(opt => opt.startsWith('network='))
  if (builder.driver === 'docker-container' && loopback.length > 0 && !networkSet) {
    driverOpts.push('network=host')
    notes.push(
      `${loopback.join(', ')} ${loopback.length === 1 ? 'is' : 'are'} on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host (set \`network=\` in \`driver-opts\` to choose otherwise)`
    )
  }

  const args = ['buildx', 'create', '--name', builder.name, '--driver', builder.driver]
  // The remote driver connects to a buildkitd someone else started: buildx refuses a config
  // ("setting config file is not supported for remote driver") and has no flags to pass.
  if (builder.driver === 'remote') {
    notes.push(
      `The remote driver cannot take a config: start your buildkitd with \`--config ${configPath}\` and the directory ${dirname(configPath)} mounted at the same path (output \`config-dir\`).`
    )
  } else {
    args.push('--config', configPath)
  }
  for (const opt of driverOpts) args.push('--driver-opt', opt)
  if (builder.buildkitdFlags !== '' && builder.driver !== 'remote')
    args.push('--buildkitd-flags', builder.buildkitdFlags)
  if (builder.bootstrap) args.push('--bootstrap')
  if (builder.use) args.push('--use')
  if (builder.endpoint !== '') args.push(builder.endpoint)
  return { args, notes }
}
