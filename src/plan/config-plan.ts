import { join } from 'node:path'
import type { TomlTable } from 'smol-toml'
import { driverCapabilities, type Driver } from '../driver.js'
import type { AppendNode } from '../inputs/append.js'
import type { ConfigInputs, Inputs } from '../inputs/read-inputs.js'
import { mirrorText, type Mirror } from '../inputs/registries.js'
import {
  PUBLIC_FILE_MODE,
  type ConfiguredEndpoint,
  type DockerTrustFacts,
  type HostAddress,
  type PlannedFile,
  type PlannedRegistry,
  type RegistryMode
} from '../model.js'
import { DEFAULT_BUILDKIT_IMAGE, imageOption } from './builder-image.js'
import { dottedKey, mergeConfig, toToml } from './buildkitd-toml.js'
import { CA_SCOPE_CARRIER, planCaScope, type CaScopePlan } from './ca-scope.js'
import { importDockerTrust, type DockerTrustImport } from './docker-trust-import.js'
import { planGc, withoutBaseGc, type GcPlan } from './gc-policy.js'
import { tlsFiles } from './tls-files.js'

// The registries and buildkitd.toml: a section and the certificate files for each registry, the
// mirrors, what the inputs generate, merged into the base config. Pure.

/** buildkitd.toml, the files it names, and the registries it configures. */
export interface ConfigPlan {
  configPath: string
  certsDir: string
  toml: string
  /** buildkitd.toml first, then the certificate files, in the order they are written. */
  files: PlannedFile[]
  registries: PlannedRegistry[]
  /** Every registry and mirror host as listed, then the Docker daemon's: the topology's reasons name each. */
  hosts: HostAddress[]
  /** Base-config keys the inputs replaced (each gets a warning). */
  overridden: string[]
  caScope?: CaScopePlan
  gc?: GcPlan
  /** `import-docker-trust`: what of the daemon's trust the builder gets; undefined when off. */
  docker?: DockerTrustImport
}

/** A registry to configure, with where it came from, as the plan's registry will say. */
type Endpoint = ConfiguredEndpoint & Pick<PlannedRegistry, 'source' | 'line' | 'daemonOrigin' | 'mirrorOnly'>

/** The registries and buildkitd.toml for the inputs; `dir`: the job's directory. Pure. */
export function planConfig(
  { config, builder }: Pick<Inputs, 'config' | 'builder'>,
  dir: string,
  append: AppendNode[],
  dockerTrust: DockerTrustFacts | undefined
): ConfigPlan {
  const configPath = join(dir, 'buildkitd.toml')
  const certsDir = join(dir, 'certs')
  const docker = dockerTrust && importDockerTrust(config, dockerTrust)
  const { registries, sections, files } = planRegistries(config, docker, certsDir)
  const caScope = planCaScope(
    config.caCertScope ?? 'registries',
    config.caCert,
    builder.driver,
    builder.driverOpts,
    append,
    dir
  )
  if (caScope) {
    sections[CA_SCOPE_CARRIER] = caScope.section
    files.push(caScope.file)
  }
  const gc = config.gc && planGc(config.gc, imageOption(builder.driverOpts) ?? DEFAULT_BUILDKIT_IMAGE)
  const { toml, overridden } = configToml(config, sections, gc, builder.driver)
  files.unshift({ path: configPath, content: toml, mode: PUBLIC_FILE_MODE })
  const hosts = registryHosts(config, docker?.endpoints.map(endpoint => endpoint.host) ?? [])
  return { configPath, certsDir, toml, files, registries, hosts, overridden, caScope, gc, docker }
}

/**
 * Every registry and mirror host as listed, then `daemonHosts` (the Docker daemon's): what the runner's
 * network is read for (steps/plan-facts.ts) and what the topology's reasons name.
 */
export function registryHosts(
  config: Pick<ConfigInputs, 'registries' | 'mirrors'>,
  daemonHosts: HostAddress[]
): HostAddress[] {
  return [
    ...config.registries.map(registry => registry.host),
    ...config.mirrors.flatMap(line => line.mirrors.map(mirror => mirror.host)),
    ...daemonHosts
  ]
}

/** Each registry's section and certificate files, and the mirrors of each upstream. */
function planRegistries(
  config: ConfigInputs,
  docker: DockerTrustImport | undefined,
  certsDir: string
): { registries: PlannedRegistry[]; sections: Record<string, TomlTable>; files: PlannedFile[] } {
  const files: PlannedFile[] = []
  const sections: Record<string, TomlTable> = {}
  const registries: PlannedRegistry[] = []
  for (const endpoint of endpointsToConfigure(config, docker)) {
    const hostDir = join(certsDir, fileNameForHost(endpoint.host.text))
    // BuildKit contacts a host:port it has no `http` setting for over plain HTTP
    // in some versions, so every TLS registry says `http = false` explicitly.
    const section: TomlTable = { http: endpoint.transport === 'http' }
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
  for (const { upstream, mirrors } of config.mirrors) addMirrors(sections, upstream.text, mirrors)
  // The daemon's `registry-mirrors` mirror Docker Hub.
  if (docker && docker.hubMirrors.length > 0) addMirrors(sections, 'docker.io', docker.hubMirrors)
  return { registries, sections, files }
}

/** Adds `mirrors` to the section of `upstream`, after those it has. */
function addMirrors(sections: Record<string, TomlTable>, upstream: string, mirrors: Mirror[]): void {
  const section = (sections[upstream] ??= {})
  section.mirrors = [...((section.mirrors as string[] | undefined) ?? []), ...mirrors.map(mirrorText)]
}

/** What the inputs generate, merged into the base config: the TOML and the base keys replaced. */
function configToml(
  config: ConfigInputs,
  sections: Record<string, TomlTable>,
  gc: GcPlan | undefined,
  driver: Driver
): { toml: string; overridden: string[] } {
  const generated: TomlTable = {}
  if (config.debug) generated.debug = true
  // Only one worker runs in a builder; setting both keeps the limit and the GC policies whichever it is.
  const bothWorkers = (settings: TomlTable): TomlTable => ({ oci: settings, containerd: { ...settings } })
  const parallelism: TomlTable = config.maxParallelism === undefined ? {} : { 'max-parallelism': config.maxParallelism }
  if (config.maxParallelism !== undefined) generated.worker = bothWorkers(parallelism)
  if (Object.keys(sections).length > 0) generated.registry = sections
  if (gc) generated.worker = bothWorkers({ ...parallelism, ...gc.worker })
  const base = gc ? withoutBaseGc(config.baseConfig?.table) : { table: config.baseConfig?.table, removed: [] }
  const merged = mergeConfig(base.table, generated)
  merged.overridden.unshift(...base.removed)
  refuseMissingFiles(config, driver, merged.overridden)
  return { toml: toToml(merged.table), overridden: merged.overridden }
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
