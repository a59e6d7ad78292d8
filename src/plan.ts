import { dirname, join } from 'node:path'
import type { TomlTable } from 'smol-toml'
import { mergeConfig, toToml } from './config.js'
import type { ClientKeypair, Inputs } from './inputs.js'
import { isLoopbackHost, mirrorHost, type Transport } from './registries.js'

export interface PlannedFile {
  path: string
  content: string
  mode: number
}

/** How the builder will reach one registry, as the job summary shows it. */
export type RegistryMode = 'http' | 'tls' | 'mtls' | 'insecure'

export interface PlannedRegistry {
  host: string
  transport: Transport
  mode: RegistryMode
  /** Where it came from: a `registries` line, or a `mirror` line that was not also listed. */
  source: 'registries' | 'mirror'
  /** The line in `registries` or `mirror`, for messages. */
  line: number
  /** The keys written under [registry."host"], for the log and summary. */
  written: string[]
  /** PEM trusted for it on top of the system roots ('' for none), and the keypair offered: what preflight checks with. */
  ca: string
  keypair?: ClientKeypair
}

/** Everything main will do, computed before anything touches the machine. */
export interface Plan {
  /** The job's directory: buildkitd.toml and certs/; what a remote buildkitd mounts. */
  dir: string
  configPath: string
  certsDir: string
  toml: string
  /** buildkitd.toml and the certificate files, in the order they are written. */
  files: PlannedFile[]
  registries: PlannedRegistry[]
  createArgs: string[]
  /** Base-config keys the inputs replaced (each gets a warning). */
  overridden: string[]
  /** Decisions the action took on the user's behalf, for the log. */
  notes: string[]
}

const PUBLIC_FILE = 0o644
const KEY_FILE = 0o600

interface Endpoint {
  host: string
  transport: Transport
  ownCa: string
  source: PlannedRegistry['source']
  line: number
}

/** Builds the plan from validated inputs; `dir` is the job's private directory. */
export function buildPlan(inputs: Inputs, dir: string): Plan {
  const configPath = join(dir, 'buildkitd.toml')
  const certsDir = join(dir, 'certs')
  const files: PlannedFile[] = []
  const sections: Record<string, TomlTable> = {}
  const registries: PlannedRegistry[] = []

  for (const endpoint of endpointsToConfigure(inputs)) {
    const hostDir = join(certsDir, fileNameForHost(endpoint.host))
    const section: TomlTable = {}
    // BuildKit contacts a host:port it has no `http` setting for over plain HTTP
    // in some versions, so every TLS registry says `http = false` explicitly.
    section.http = endpoint.transport === 'http'
    if (endpoint.transport === 'insecure') section.insecure = true
    let mode: RegistryMode = endpoint.transport
    // A plain-HTTP registry gets no certificate of any kind.
    const ca = endpoint.transport === 'http' ? '' : (inputs.caCert ?? '') + endpoint.ownCa
    const keypair = endpoint.transport === 'http' ? undefined : inputs.clientKeypair
    if (ca !== '') {
      files.push({ path: join(hostDir, 'ca.pem'), content: ca, mode: PUBLIC_FILE })
      section.ca = [join(hostDir, 'ca.pem')]
    }
    if (keypair) {
      files.push({ path: join(hostDir, 'client.cert'), content: keypair.cert, mode: PUBLIC_FILE })
      files.push({ path: join(hostDir, 'client.key'), content: keypair.key, mode: KEY_FILE })
      section.keypair = [{ key: join(hostDir, 'client.key'), cert: join(hostDir, 'client.cert') }]
      if (mode === 'tls') mode = 'mtls'
    }
    sections[endpoint.host] = section
    registries.push({ host: endpoint.host, transport: endpoint.transport, mode, source: endpoint.source, line: endpoint.line, written: Object.keys(section), ca, keypair })
  }

  for (const { upstream, mirrors } of inputs.mirrors) {
    const section = (sections[upstream] ??= {})
    section.mirrors = [...((section.mirrors as string[] | undefined) ?? []), ...mirrors]
  }

  const generated: TomlTable = {}
  if (inputs.debug) generated.debug = true
  if (inputs.maxParallelism !== undefined) {
    // Only one worker runs in a builder; setting both keeps the limit whichever it is.
    generated.worker = {
      oci: { 'max-parallelism': inputs.maxParallelism },
      containerd: { 'max-parallelism': inputs.maxParallelism }
    }
  }
  if (Object.keys(sections).length > 0) generated.registry = sections

  const merged = mergeConfig(inputs.baseConfig?.table, generated)
  const toml = toToml(merged.table)
  files.unshift({ path: configPath, content: toml, mode: PUBLIC_FILE })

  const endpointOpts = endpointTlsFiles(inputs, dir, files)
  const { args: createArgs, notes } = buildxCreateArgs(inputs, configPath, endpointOpts)
  return { dir, configPath, certsDir, toml, files, registries, createArgs, overridden: merged.overridden, notes }
}

/**
 * Every host that needs a [registry."host"] section: the listed registries,
 * then mirrors not listed there, which are TLS registries like any other line
 * with no option (so they get `ca-cert` and the keypair too).
 */
function endpointsToConfigure(inputs: Inputs): Endpoint[] {
  const endpoints: Endpoint[] = inputs.registries.map(registry => ({ ...registry, source: 'registries' }))
  const listed = new Set(inputs.registries.map(registry => registry.host.toLowerCase()))
  for (const { mirrors, line } of inputs.mirrors) {
    for (const mirror of mirrors.map(mirrorHost)) {
      if (listed.has(mirror.toLowerCase())) continue
      listed.add(mirror.toLowerCase())
      endpoints.push({ host: mirror, transport: 'tls', ownCa: '', source: 'mirror', line })
    }
  }
  return endpoints
}

/**
 * A directory name for a host that cannot escape certsDir: hosts are already
 * validated, and `:`, `[` and `]` (which no host name contains) become `_`.
 */
export function fileNameForHost(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_')
}

/** The remote driver's TLS files (`endpoint-*` inputs), added to `files`; returns their driver options. */
function endpointTlsFiles(inputs: Inputs, dir: string, files: PlannedFile[]): string[] {
  const tls = inputs.endpointTls
  if (!tls) return []
  const endpointDir = join(dir, 'endpoint')
  const opts: string[] = []
  if (tls.ca) {
    files.push({ path: join(endpointDir, 'ca.pem'), content: tls.ca, mode: PUBLIC_FILE })
    opts.push(`cacert=${join(endpointDir, 'ca.pem')}`)
  }
  if (tls.keypair) {
    files.push({ path: join(endpointDir, 'cert.pem'), content: tls.keypair.cert, mode: PUBLIC_FILE })
    files.push({ path: join(endpointDir, 'key.pem'), content: tls.keypair.key, mode: KEY_FILE })
    opts.push(`cert=${join(endpointDir, 'cert.pem')}`, `key=${join(endpointDir, 'key.pem')}`)
  }
  return opts
}

function buildxCreateArgs(inputs: Inputs, configPath: string, endpointOpts: string[]): { args: string[]; notes: string[] } {
  const notes: string[] = []
  const driverOpts = [...inputs.driverOpts, ...endpointOpts]
  const loopback = [...inputs.registries.map(registry => registry.host), ...inputs.mirrors.flatMap(line => line.mirrors.map(mirrorHost))].filter(isLoopbackHost)
  const networkSet = driverOpts.some(opt => opt.startsWith('network='))
  if (inputs.driver === 'docker-container' && loopback.length > 0 && !networkSet) {
    driverOpts.push('network=host')
    notes.push(`${loopback.join(', ')} ${loopback.length === 1 ? 'is' : 'are'} on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host (set \`network=\` in \`driver-opts\` to choose otherwise)`)
  }

  const args = ['buildx', 'create', '--name', inputs.name, '--driver', inputs.driver]
  // The remote driver connects to a buildkitd someone else started: buildx refuses a config
  // ("setting config file is not supported for remote driver") and has no flags to pass.
  if (inputs.driver === 'remote') {
    notes.push(`The remote driver cannot take a config: start your buildkitd with \`--config ${configPath}\` and the directory ${dirname(configPath)} mounted at the same path (output \`config-dir\`).`)
  } else {
    args.push('--config', configPath)
  }
  for (const opt of driverOpts) args.push('--driver-opt', opt)
  if (inputs.buildkitdFlags !== '' && inputs.driver !== 'remote') args.push('--buildkitd-flags', inputs.buildkitdFlags)
  if (inputs.bootstrap) args.push('--bootstrap')
  if (inputs.use) args.push('--use')
  if (inputs.endpoint !== '') args.push(inputs.endpoint)
  return { args, notes }
}
