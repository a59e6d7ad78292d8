import { basename, join } from 'node:path'
import type { TomlTable } from 'smol-toml'
import { driverCapabilities, type Driver } from '../driver.js'
import type { AppendNode } from '../inputs/append.js'
import type { ConfigInputs, Inputs } from '../inputs/read-inputs.js'
import { mirrorText } from '../inputs/registries.js'
import {
  PUBLIC_FILE_MODE,
  type BuilderFingerprint,
  type BuildxCreate,
  type ClientTrustPlan,
  type DaemonTrustPlan,
  type DockerTrustFacts,
  type Keypair,
  type NotImported,
  type HostAddress,
  type PlannedFile,
  type PlannedRegistry,
  type RegistryMode,
  type RunnerRoots,
  type TokenTrust,
  type Transport
} from '../model.js'
import { dottedKey, mergeConfig, toToml } from './buildkitd-toml.js'
import { planClientTrust, tokenTrustFor } from './client-trust.js'
import { DEFAULT_BUILDKIT_IMAGE, imageOption, planBuilderImage, type BuilderImagePlan } from './builder-image.js'
import { CA_SCOPE_CARRIER, planCaScope } from './ca-scope.js'
import { builderFingerprint } from './builder-fingerprint.js'
import { buildxCreateArgs } from './create-args.js'
import { planDaemonTrust } from './daemon-trust.js'
import { planGc, withoutBaseGc } from './gc-policy.js'
import type { DiskSpace } from '../inputs/gc-inputs.js'
import { importDockerTrust, type DockerTrustImport } from './docker-trust-import.js'
import { tlsFiles } from './tls-files.js'
import type { TopologyFacts } from '../topology/facts.js'
import { tlsEndpointNote } from '../topology/tls-endpoint.js'
import { deriveTopology, type Topology } from '../topology/topology.js'

/** Everything main will do, computed before anything touches the machine. */
export interface Plan {
  /** The builder's name: the one created, or the daemon's own (the docker driver). */
  builderName: string
  /** The job's directory: buildkitd.toml and certs/; what a remote buildkitd mounts. */
  dir: string
  /** The job directory's name, unique per job: files the job puts in shared places (certs.d) are named for it. */
  jobId: string
  configPath: string
  certsDir: string
  toml: string
  /**
   * Whether buildkitd.toml and its certificates are written: not for the docker driver, whose
   * builder reads no buildkitd.toml (the daemon's trust is `daemonTrust`).
   */
  writesConfig: boolean
  /** buildkitd.toml and the certificate files, in the order they are written; empty when !writesConfig. */
  files: PlannedFile[]
  registries: PlannedRegistry[]
  /** The builder to create; undefined for the docker driver, whose builder the daemon already has. */
  create?: BuildxCreate
  /**
   * Where the builder runs and how it reaches the registries (topology/): the context of the job's
   * own it runs on (a TLS endpoint, which post removes), its network, the job container, the proxy.
   */
  topology: Topology
  /** Base-config keys the inputs replaced (each gets a warning). */
  overridden: string[]
  /** Decisions the action took on the user's behalf, for the log. */
  notes: string[]
  /** The CA bundle and variables later steps get (buildx's token fetches, imagetools); undefined for none. */
  clientTrust?: ClientTrustPlan
  /** By registry (`host.text`): the trust its token fetches will have, which preflight fetches tokens with. */
  tokenTrust: Map<string, TokenTrust>
  /** What `trust-docker-daemon` writes to the daemon; undefined when it is off. */
  daemonTrust?: DaemonTrustPlan
  /** The image a docker-container builder boots, and the mirrors to load it through; undefined for other drivers. */
  builderImage?: BuilderImagePlan
  /**
   * `cleanup: false` on a docker-container builder on the current context: what makes the builder
   * this job's, so a running one left by an earlier job is reused when it matches (warm).
   */
  warm?: BuilderFingerprint
  /** `gc-max-used-space`: the builder cache's budget, which the summary shows its disk against. */
  gcBudget?: DiskSpace
  /** `import-docker-trust`: what of the daemon's trust the builder gets, and what it cannot; undefined when off. */
  dockerTrustImport?: { imported: string[]; notImported: NotImported[] }
}

/** What the plan reads of the machine, read before planning so that planning stays pure. */
export interface PlanFacts extends TopologyFacts {
  /** The roots the runner trusts now (SSL_CERT_FILE's file or the system bundle). */
  runnerRoots?: RunnerRoots
  /** What the Docker daemon trusts (`import-docker-trust`); undefined when not asked. */
  dockerTrust?: DockerTrustFacts
}

interface Endpoint {
  host: HostAddress
  transport: Transport
  ownCa: string
  /** A keypair of its own (the daemon's certs.d), instead of `client-cert`/`client-key`. */
  ownKeypair?: Keypair
  source: PlannedRegistry['source']
  line: number
  daemonOrigin?: string
  mirrorOnly?: boolean
}

/** Builds the plan from validated inputs; `dir` is the job's private directory. Pure. */
export function buildPlan(
  inputs: Pick<Inputs, 'config' | 'builder' | 'host'>,
  dir: string,
  append: AppendNode[] = [],
  facts: PlanFacts = {}
): Plan {
  const { config } = inputs
  const configPath = join(dir, 'buildkitd.toml')
  const certsDir = join(dir, 'certs')
  const files: PlannedFile[] = []
  const sections: Record<string, TomlTable> = {}
  const registries: PlannedRegistry[] = []
  const docker = facts.dockerTrust && importDockerTrust(config, facts.dockerTrust)

  for (const endpoint of endpointsToConfigure(config, docker)) {
    const hostDir = join(certsDir, fileNameForHost(endpoint.host.text))
    const section: TomlTable = {}
    // BuildKit contacts a host:port it has no `http` setting for over plain HTTP
    // in some versions, so every TLS registry says `http = false` explicitly.
    section.http = endpoint.transport === 'http'
    if (endpoint.transport === 'insecure') section.insecure = true
    // A plain-HTTP registry gets no certificate of any kind.
    const ca = endpoint.transport === 'http' ? '' : (config.caCert ?? '') + endpoint.ownCa
    const keypair = endpoint.transport === 'http' ? undefined : (endpoint.ownKeypair ?? config.clientKeypair)
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
      keypair,
      ...(endpoint.source === 'docker-daemon'
        ? { daemonOrigin: endpoint.daemonOrigin, mirrorOnly: endpoint.mirrorOnly }
        : {})
    })
  }

  for (const { upstream, mirrors } of config.mirrors) {
    const section = (sections[upstream.text] ??= {})
    section.mirrors = [...((section.mirrors as string[] | undefined) ?? []), ...mirrors.map(mirrorText)]
  }
  if (docker && docker.hubMirrors.length > 0) {
    const section = (sections['docker.io'] ??= {})
    section.mirrors = [...((section.mirrors as string[] | undefined) ?? []), ...docker.hubMirrors.map(mirrorText)]
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
  const caScope = planCaScope(
    config.caCertScope ?? 'registries',
    config.caCert,
    inputs.builder.driver,
    inputs.builder.driverOpts,
    append,
    dir
  )
  if (caScope) {
    sections[CA_SCOPE_CARRIER] = caScope.section
    files.push(caScope.file)
  }
  if (Object.keys(sections).length > 0) generated.registry = sections
  // Only one worker runs in a builder; both get the policies, as max-parallelism.
  const gc = config.gc && planGc(config.gc, imageOption(inputs.builder.driverOpts) ?? DEFAULT_BUILDKIT_IMAGE)
  if (gc) {
    const worker = (generated.worker ?? {}) as Record<string, TomlTable>
    generated.worker = { oci: { ...worker.oci, ...gc.worker }, containerd: { ...worker.containerd, ...gc.worker } }
  }
  const base = gc ? withoutBaseGc(config.baseConfig?.table) : { table: config.baseConfig?.table, removed: [] }

  const merged = mergeConfig(base.table, generated)
  merged.overridden.unshift(...base.removed)
  refuseMissingFiles(config, inputs.builder.driver, merged.overridden)
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
    ...config.mirrors.flatMap(line => line.mirrors.map(mirror => mirror.host)),
    ...(docker?.endpoints.map(endpoint => endpoint.host) ?? [])
  ]
  const topology = deriveTopology({ builder: inputs.builder, hosts, registries, facts, jobId: basename(dir) })
  const { context: tempContext, proxy } = topology
  const can = driverCapabilities(inputs.builder.driver)
  const builder = tempContext ? { ...inputs.builder, endpoint: tempContext } : inputs.builder
  const { create, notes } = buildxCreateArgs(
    builder,
    configPath,
    endpointOpts,
    append,
    topology.choice,
    proxy,
    caScope?.driverOpt
  )
  if (docker) notes.unshift(...docker.notes)
  if (gc) notes.push(gc.note)
  if (config.importDockerTrust && can.daemonBuilder)
    notes.push(
      "import-docker-trust has nothing to do with `driver: docker`: the daemon's own builder already uses the daemon's certs.d, insecure-registries and registry-mirrors"
    )
  notes.push(...(caScope?.notes ?? []))
  if (tempContext) notes.push(tlsEndpointNote(tempContext))
  // Preflight goes through the proxies a push and a token fetch will take.
  const runnerProxy = inputs.builder.proxyEnv ?? {}
  if (Object.keys(proxy.builderEnv).length + Object.keys(runnerProxy).length > 0)
    for (const registry of registries) registry.proxyEnv = { builder: proxy.builderEnv, runner: runnerProxy }
  const writesConfig = !can.daemonBuilder
  // `ca-cert-scope: all` covers what buildx fetches on the runner too: the tokens of unlisted registries.
  const clientTrust = planClientTrust(registries, dir, facts.runnerRoots, caScope ? (config.caCert ?? '') : '')
  const { daemonTrust } = inputs.host
  return {
    builderName: inputs.builder.name,
    dir,
    jobId: basename(dir),
    configPath,
    certsDir,
    toml,
    writesConfig,
    files: writesConfig ? files : [],
    registries,
    create,
    topology,
    overridden: merged.overridden,
    notes,
    clientTrust,
    tokenTrust: new Map(
      registries.map(registry => [registry.host.text, tokenTrustFor(registry, clientTrust, facts.runnerRoots)])
    ),
    daemonTrust:
      daemonTrust === 'off'
        ? undefined
        : planDaemonTrust(
            daemonTrust,
            // What the daemon already trusts is not written back to it.
            registries.filter(registry => registry.source !== 'docker-daemon'),
            basename(dir)
          ),
    gcBudget: gc?.budget,
    warm:
      create && inputs.builder.nameGiven && !inputs.builder.cleanup && can.container && !tempContext
        ? builderFingerprint(dir, toml, files, configPath, create)
        : undefined,
    builderImage: planBuilderImage(inputs.builder, config, registries, inputs.host.credentials),
    dockerTrustImport: docker && { imported: docker.imported, notImported: docker.notImported }
  }
}

/**
 * The base config's CA and keypair files that are not on the runner, where buildx reads them:
 * an InputError, unless the inputs replace the key that names them (then the file is never read).
 * The docker driver takes no config, and a remote driver's buildkitd reads its own disk.
 */
function refuseMissingFiles(config: ConfigInputs, driver: Driver, overridden: string[]): void {
  if (!driverCapabilities(driver).takesConfig) return
  for (const missing of config.baseConfig?.missingFiles ?? []) {
    if (!overridden.includes(dottedKey(missing.key))) throw missing.error
  }
}

/**
 * Every host that needs a [registry."host"] section: the listed registries,
 * then mirrors not listed there, which are TLS registries like any other line
 * with no option (so they get `ca-cert` and the keypair too), then what the
 * Docker daemon trusts (`import-docker-trust`).
 */
function endpointsToConfigure(config: ConfigInputs, docker: DockerTrustImport | undefined): Endpoint[] {
  const endpoints: Endpoint[] = config.registries.map(registry => ({ ...registry, source: 'registries' }))
  const listed = new Set(config.registries.map(registry => registry.host.text.toLowerCase()))
  for (const { mirrors, line } of config.mirrors) {
    for (const { host } of mirrors) {
      if (listed.has(host.text.toLowerCase())) continue
      listed.add(host.text.toLowerCase())
      endpoints.push({ host, transport: 'tls', ownCa: '', source: 'mirror', line })
    }
  }
  // importDockerTrust already left out the hosts the inputs name.
  for (const endpoint of docker?.endpoints ?? []) endpoints.push({ ...endpoint, source: 'docker-daemon', line: 0 })
  return endpoints
}

/**
 * A directory name for a host that cannot escape certsDir: hosts are already
 * validated, and `:`, `[` and `]` (which no host name contains) become `_`.
 */
export function fileNameForHost(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_')
}
