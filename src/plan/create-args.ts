import { dirname } from 'node:path'
import type { AppendNode } from '../inputs/append.js'
import { DEFAULT_BUILDKITD_FLAGS, type BuilderInputs } from '../inputs/read-inputs.js'
import { driverCapabilities, type Driver } from '../driver.js'
import type { BuildxCreate } from '../model.js'
import { proxyDriverOpts, type BuilderProxy } from '../topology/builder-proxy.js'
import type { NetworkChoice } from '../topology/facts.js'
import { appendNodeNetwork } from '../topology/remote-endpoint.js'

/** Where buildx puts the config in the BuildKit container or pod (buildx util/confutil DefaultBuildKitConfigDir). */
const CONTAINER_CONFIG_PATH = '/etc/buildkit/buildkitd.toml'

/**
 * The `docker buildx create` arguments of the first node and of each `append` node, and the
 * decisions taken on the user's behalf (for the log). `choice`: the network the runner's topology
 * needs (topology/topology.ts builderNetwork), given to every node whose options set none.
 * The docker driver creates nothing (`create` undefined): the daemon's builder exists already.
 */
export function buildxCreateArgs(
  builder: BuilderInputs,
  configPath: string,
  endpointOpts: string[],
  append: AppendNode[] = [],
  choice?: NetworkChoice,
  proxy?: BuilderProxy,
  /** A driver option every node gets (`ca-cert-scope: all`'s env.SSL_CERT_DIR, ca-scope.ts). */
  everyNodeOpt?: string
): { create?: BuildxCreate; notes: string[] } {
  const notes: string[] = [...(proxy?.notes ?? [])]
  const can = driverCapabilities(builder.driver)
  if (can.daemonBuilder) return { notes }
  const everyNode = everyNodeOpt ? [everyNodeOpt] : []
  const given = [...builder.driverOpts, ...endpointOpts, ...(proxy?.driverOpts ?? []), ...everyNode]
  const driverOpts = withNetwork(builder.driver, given, choice?.network)
  if (choice && driverOpts.length > given.length) notes.push(choice.note)

  const args = ['create', '--name', builder.name, '--driver', builder.driver]
  // The remote driver connects to a buildkitd someone else started: buildx refuses a config
  // ("setting config file is not supported for remote driver") and has no flags to pass.
  if (can.takesConfig) {
    args.push('--config', configPath)
  } else {
    notes.push(
      `The remote driver cannot take a config: start your buildkitd with \`--config ${configPath}\` and the ` +
        `directory ${dirname(configPath)} mounted at the same path (output \`config-dir\`).`
    )
  }
  for (const opt of driverOpts) args.push('--driver-opt', opt)
  const flags = nodeFlags(builder.driver, driverOpts, builder.buildkitdFlags, notes)
  if (flags !== '') args.push('--buildkitd-flags', flags)
  if (builder.platforms.length > 0) args.push('--platform', builder.platforms.join(','))
  if (builder.bootstrap && append.length === 0) args.push('--bootstrap')
  if (builder.use) args.push('--use')
  if (builder.endpoint !== '') args.push(builder.endpoint)

  // As docker/setup-buildx-action (context.ts getAppendArgs), plus the generated config for each
  // node, and the default flags even for a node without `driver-opts` (theirs then passes none).
  const appendArgs = append.map((node, index) => {
    const nodeArgs = ['create', '--name', builder.name, '--append']
    if (node.name) nodeArgs.push('--node', node.name)
    if (can.takesConfig) nodeArgs.push('--config', configPath)
    const nodeOpts = [
      ...node.driverOpts,
      ...proxyDriverOpts(builder.driver, node.driverOpts, builder.proxyEnv ?? {}),
      ...everyNode
    ]
    for (const opt of withNetwork(builder.driver, nodeOpts, appendNodeNetwork(node.endpoint, choice)))
      nodeArgs.push('--driver-opt', opt)
    const flags = nodeFlags(builder.driver, node.driverOpts, node.buildkitdFlags ?? builder.buildkitdFlags, notes)
    if (flags !== '') nodeArgs.push('--buildkitd-flags', flags)
    if (node.platforms) nodeArgs.push('--platform', node.platforms)
    // The last node boots them all: `--bootstrap` boots every node of the builder.
    if (builder.bootstrap && index === append.length - 1) nodeArgs.push('--bootstrap')
    if (node.endpoint) nodeArgs.push(node.endpoint)
    return nodeArgs
  })
  return { create: { args, appendArgs }, notes }
}

/** A docker-container node gets the network the runner's topology needs, unless its options set one. */
function withNetwork(driver: Driver, driverOpts: string[], network: string | undefined): string[] {
  const networkSet = driverOpts.some(opt => opt.startsWith('network='))
  return driverCapabilities(driver).container && network && !networkSet
    ? [...driverOpts, `network=${network}`]
    : driverOpts
}

/**
 * A node's buildkitd flags. buildx's kubernetes driver mounts the config at
 * /etc/buildkit/buildkitd.toml (a ConfigMap, driver/kubernetes/manifest/manifest.go) and, unlike
 * docker-container (driver.go getBuildkitFlags, since buildx v0.12), adds no `--config`: a
 * rootless buildkitd would read ~/.config/buildkit/buildkitd.toml instead and ignore every
 * registry setting. So a rootless kubernetes node gets `--config` pointing at the mount.
 */
function nodeFlags(driver: Driver, driverOpts: string[], flags: string, notes: string[]): string {
  const can = driverCapabilities(driver)
  if (can.flags === 'never' || (can.flags === 'when-set' && flags === DEFAULT_BUILDKITD_FLAGS)) return ''
  const rootless = driverOpts.some(opt => /^rootless=(1|t|T|TRUE|true|True)$/.test(opt))
  if (!can.rootlessNeedsConfigFlag || !rootless || /(^|\s)--config(=|\s|$)/.test(flags)) return flags
  const note =
    'rootless=true: a rootless buildkitd reads ~/.config/buildkit/buildkitd.toml, not the ' +
    `${CONTAINER_CONFIG_PATH} buildx mounts: adding --config ${CONTAINER_CONFIG_PATH} to its buildkitd flags`
  if (!notes.includes(note)) notes.push(note)
  return `${flags} --config ${CONTAINER_CONFIG_PATH}`.trim()
}
