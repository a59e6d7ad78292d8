import { join } from 'node:path'
import type { TomlTable } from 'smol-toml'
import type { AppendNode } from '../inputs/append.js'
import type { ConfigInputs, Inputs } from '../inputs/read-inputs.js'
import { mirrorText } from '../inputs/registries.js'
import {
  PUBLIC_FILE_MODE,
  type HostAddress,
  type PlannedFile,
  type PlannedRegistry,
  type RegistryMode,
  type Transport
} from '../model.js'
import { mergeConfig, toToml } from './buildkitd-toml.js'
import { planClientTrust, type ClientTrustPlan } from './client-trust.js'
import { buildxCreateArgs } from './create-args.js'
import { tlsFiles } from './tls-files.js'

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
  /** Empty for the docker driver, whose builder the daemon already has. */
  createArgs: string[]
  /** One `buildx create --append` per `append` node, run after createArgs. */
  appendArgs: string[][]
  /** Base-config keys the inputs replaced (each gets a warning). */
  overridden: string[]
  /** Decisions the action took on the user's behalf, for the log. */
  notes: string[]
  /** The CA bundle and variables later steps get (buildx's token fetches, imagetools); undefined for none. */
  clientTrust?: ClientTrustPlan
}

interface Endpoint {
  host: HostAddress
  transport: Transport
  ownCa: string
  source: PlannedRegistry['source']
  line: number
}

/** Builds the plan from validated inputs; `dir` is the job's private directory. Pure. */
export function buildPlan(inputs: Pick<Inputs, 'config' | 'builder'>, dir: string, append: AppendNode[] = []): Plan {
  const { config } = inputs
  const configPath = join(dir, 'buildkitd.toml')
  const certsDir = join(dir, 'certs')
  const files: PlannedFile[] = []
  const sections: Record<string, TomlTable> = {}
  const registries: PlannedRegistry[] = []

  for (const endpoint of endpointsToConfigure(config)) {
    const hostDir = join(certsDir, fileNameForHost(endpoint.host.text))
    const section: TomlTable = {}
    // BuildKit contacts a host:port it has no `http` setting for over plain HTTP
    // in some versions, so every TLS registry says `http = false` explicitly.
    section.http = endpoint.transport === 'http'
    if (endpoint.transport === 'insecure') section.insecure = true
    // A plain-HTTP registry gets no certificate of any kind.
    const ca = endpoint.transport === 'http' ? '' : (config.caCert ?? '') + endpoint.ownCa
    const keypair = endpoint.transport === 'http' ? undefined : config.clientKeypair
    const paths = { ca: join(hostDir, 'ca.pem'), cert: join(hostDir, 'client.cert'), key: join(hostDir, 'client.key') }
    files.push(...tlsFiles(paths, ca, keypair))
    if (ca !== '') section.ca = [paths.ca]
    if (keypair) section.keypair = [{ key: paths.key, cert: paths.cert }]
    const mode: RegistryMode = keypair && endpoint.transport === 'tls' ? 'mtls' : endpoint.transport
    sections[endpoint.host.text] = section
    registries.push({
      host: endpoint.host,
      transport: endpoint.transport,
      mode,
      source: endpoint.source,
      line: endpoint.line,
      written: Object.keys(section),
      ca,
      keypair
    })
  }

  for (const { upstream, mirrors } of config.mirrors) {
    const section = (sections[upstream.text] ??= {})
    section.mirrors = [...((section.mirrors as string[] | undefined) ?? []), ...mirrors.map(mirrorText)]
  }

  const generated: TomlTable = {}
  if (config.debug) generated.debug = true
  if (config.maxParallelism !== undefined) {
    // Only one worker runs in a builder; setting both keeps the limit whichever it is.
    generated.worker = {
      oci: { 'max-parallelism': config.maxParallelism },
      containerd: { 'max-parallelism': config.maxParallelism }
    }
  }
  if (Object.keys(sections).length > 0) generated.registry = sections

  const merged = mergeConfig(config.baseConfig?.table, generated)
  const toml = toToml(merged.table)
  files.unshift({ path: configPath, content: toml, mode: PUBLIC_FILE_MODE })

  // The remote driver's TLS to its endpoint (`endpoint-*` inputs), passed as driver options.
  const endpointDir = join(dir, 'endpoint')
  const endpointPaths = {
    ca: join(endpointDir, 'ca.pem'),
    cert: join(endpointDir, 'cert.pem'),
    key: join(endpointDir, 'key.pem')
  }
  const endpointTls = inputs.builder.endpointTls
  files.push(...tlsFiles(endpointPaths, endpointTls?.ca, endpointTls?.keypair))
  const endpointOpts = [
    ...(endpointTls?.ca ? [`cacert=${endpointPaths.ca}`] : []),
    ...(endpointTls?.keypair ? [`cert=${endpointPaths.cert}`, `key=${endpointPaths.key}`] : [])
  ]

  const hosts = [
    ...config.registries.map(registry => registry.host),
    ...config.mirrors.flatMap(line => line.mirrors.map(mirror => mirror.host))
  ]
  const {
    args: createArgs,
    appendArgs,
    notes
  } = buildxCreateArgs(inputs.builder, configPath, endpointOpts, hosts, append)
  // The docker driver's builder reads no buildkitd.toml: nothing to write (the daemon's trust is host/daemon-trust.ts).
  const written = inputs.builder.driver === 'docker' ? [] : files
  return {
    dir,
    configPath,
    certsDir,
    toml,
    files: written,
    registries,
    createArgs,
    appendArgs,
    overridden: merged.overridden,
    notes,
    clientTrust: planClientTrust(registries, dir)
  }
}

/**
 * Every host that needs a [registry."host"] section: the listed registries,
 * then mirrors not listed there, which are TLS registries like any other line
 * with no option (so they get `ca-cert` and the keypair too).
 */
function endpointsToConfigure(config: ConfigInputs): Endpoint[] {
  const endpoints: Endpoint[] = config.registries.map(registry => ({ ...registry, source: 'registries' }))
  const listed = new Set(config.registries.map(registry => registry.host.text.toLowerCase()))
  for (const { mirrors, line } of config.mirrors) {
    for (const { host } of mirrors) {
      if (listed.has(host.text.toLowerCase())) continue
      listed.add(host.text.toLowerCase())
      endpoints.push({ host, transport: 'tls', ownCa: '', source: 'mirror', line })
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
