import { randomHex } from '../crypto.js'
import {
  type CaCertScope,
  type ConfiguredEndpoint,
  type Credential,
  type DaemonTrustMode,
  isBuilderName,
  type Keypair,
  type PreflightMode,
  type ProxyEnv,
  type Trust
} from '../model.js'
import { DEFAULT_DRIVER, driverCapabilities, type Driver } from '../driver.js'
import { currentDockerContext, readDockerClientConfig } from '../docker-client-config.js'
import { readBaseConfig, type BaseConfig } from './base-config.js'
import { readCredentials } from './credentials.js'
import { parseCsvList } from './csv-list.js'
import { readGcInputs, type GcInputs } from './gc-inputs.js'
import { InputError } from './input-error.js'
import { readKeypairInputs, readPemInput, readRegistryCas } from './pem-inputs.js'
import { readRunnerProxyEnv } from './proxy-env.js'
import { parseMirrors, parseRegistries, type MirrorLine, type RegistryLine } from './registries.js'
import { maskSecretInputs } from './secret-inputs.js'
import { getInput, getMultilineInput } from './input-names.js'
import {
  booleanInput,
  readBuildxVersion,
  readCaCertScope,
  readDaemonTrust,
  readInstallConfigPath,
  readMaxParallelism,
  readPreflightMode,
  readPreflightTimeout
} from './single-inputs.js'

/** A `registries` line with the CA files it names already read and checked (`ownCa`; '' for none). */
export interface Registry extends RegistryLine, Omit<ConfiguredEndpoint, 'ownKeypair'> {}

/** What goes into buildkitd.toml and its certificate files (plan/). */
export interface ConfigInputs {
  registries: Registry[]
  mirrors: MirrorLine[]
  /** PEM trusted for every TLS registry, on top of the system roots. */
  caCert?: string
  /** `all`: caCert also joins the builder's system roots (plan/ca-scope.ts). Absent: `registries`. */
  caCertScope?: CaCertScope
  clientKeypair?: Keypair
  maxParallelism?: number
  debug: boolean
  baseConfig?: BaseConfig
  /**
   * `import-docker-trust`: also configure what the Docker daemon trusts (its certs.d, insecure-registries,
   * registry-mirrors).
   */
  importDockerTrust?: boolean
  /** `gc-*`: the builder cache's disk budget (plan/gc-policy.ts); undefined when none is set. */
  gc?: GcInputs
}

/** TLS to a remote driver's buildkitd endpoint: the trust a connection has, each part only when given. */
export type EndpointTls = Partial<Trust>

/** The builder: `buildx create` and what becomes of the builder. */
export interface BuilderInputs {
  name: string
  driver: Driver
  driverOpts: string[]
  buildkitdFlags: string
  endpoint: string
  endpointTls?: EndpointTls
  use: boolean
  bootstrap: boolean
  replace: boolean
  /** Remove the builder in the post step. */
  cleanup: boolean
  /** `name` was given: a builder later jobs can find again (a warm one, with `cleanup: false`). */
  nameGiven?: boolean
  /** '' (use what is installed), `latest` or a version such as v0.19.3. */
  buildxVersion: string
  /** `cache-binary`: keep the installed buildx in the tool cache and look there first. */
  cacheBinary: boolean
  /** `--platform` of the first node, as `platforms` lists them. */
  platforms: string[]
  /** `append` as written (YAML); inputs/append.ts reads it, loading js-yaml only then. */
  appendYaml: string
  /** `keep-state`: post removes the builder with `--keep-state`. */
  keepState: boolean
  /** v3's deprecated `install`: `docker build` becomes `docker buildx build` until post. */
  installAlias: boolean
  /** The runner's proxy variables (not inputs): the builder gets them unless `driver-opts` sets them. Absent: none. */
  proxyEnv?: ProxyEnv
}

export interface PreflightInputs {
  mode: PreflightMode
  /** Seconds each registry's probe may take. */
  timeoutSeconds: number
}

/** What else on the machine the action changes, each undone by the post step (host/). */
export interface HostInputs {
  /** Also write the config where a self-hosted buildkitd reads it: that path, or '' for no. */
  installConfig: string
  /** Written to the Docker client config for buildx and docker. */
  credentials: Credential[]
  daemonTrust: DaemonTrustMode
  /**
   * `reclaim`: at main, undo what earlier jobs of this runner left when they ended without their
   * post step. readInputs always sets it; absent (inputs made by hand) is the default, true.
   */
  reclaim?: boolean
}

/** Everything the action was asked to do, validated, grouped by the stage that uses it. Built only by readInputs. */
export interface Inputs {
  config: ConfigInputs
  builder: BuilderInputs
  preflight: PreflightInputs
  host: HostInputs
}

/** As docker/setup-buildx-action: lets `docker buildx build --network host` and `--allow security.insecure` work. */
export const DEFAULT_BUILDKITD_FLAGS =
  '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host'

/**
 * Reads and validates every input before anything is written, so bad input
 * never leaves a half-made builder behind; the secret ones are masked before
 * any is parsed (secret-inputs.ts). Inputs are read only through input-names.ts, by the names
 * action.yml declares.
 */
export function readInputs(): Inputs {
  maskSecretInputs()
  const registries = parseRegistries(getInput('registries')).map(registry => ({
    ...registry,
    ownCa: readRegistryCas(registry)
  }))
  const driver: Driver = getInput('driver') || DEFAULT_DRIVER
  const mirrors = parseMirrors(getInput('mirror'))
  const caCert = readPemInput('ca-cert', 'certificates')
  const config: ConfigInputs = {
    registries,
    mirrors,
    caCert,
    caCertScope: readCaCertScope(caCert),
    clientKeypair: readKeypairInputs('client-cert', 'client-key'),
    maxParallelism: readMaxParallelism(),
    debug: booleanInput('debug', false),
    baseConfig: readBaseConfig(driver),
    importDockerTrust: booleanInput('import-docker-trust', false),
    gc: readGcInputs(getInput, driver)
  }
  const builder: BuilderInputs = {
    name: readName(driver),
    nameGiven: !driverCapabilities(driver).daemonBuilder && getInput('name') !== '',
    driver,
    driverOpts: getMultilineInput('driver-opts')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('#')),
    buildkitdFlags: getInput('buildkitd-flags', { trimWhitespace: true }) || DEFAULT_BUILDKITD_FLAGS,
    endpoint: getInput('endpoint'),
    use: booleanInput('use', true),
    bootstrap: booleanInput('bootstrap', true),
    cleanup: booleanInput('cleanup', true),
    replace: booleanInput('replace', true),
    buildxVersion: readBuildxVersion(),
    cacheBinary: booleanInput('cache-binary', true),
    endpointTls: readEndpointTls(driver),
    platforms: parseCsvList(getInput('platforms')),
    appendYaml: getInput('append'),
    keepState: readKeepState(driver),
    installAlias: booleanInput('install', false),
    proxyEnv: readRunnerProxyEnv(process.env)
  }
  const preflight: PreflightInputs = { mode: readPreflightMode(), timeoutSeconds: readPreflightTimeout() }
  const host: HostInputs = {
    installConfig: readInstallConfigPath(),
    credentials: readCredentials(registries.map(registry => registry.host.text)),
    daemonTrust: readDaemonTrust(),
    reclaim: booleanInput('reclaim', true)
  }
  if (driverCapabilities(driver).daemonBuilder) checkDaemonBuilder(config, host)
  return { config, builder, preflight, host }
}

/**
 * The generated builder name: unique per job run, and random at the end
 * because matrix legs share run id, job and attempt, and self-hosted runners
 * that share one Docker daemon share its container names.
 */
export function defaultBuilderName(env: NodeJS.ProcessEnv, random = randomHex(4)): string {
  const parts = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB]
    .map(part =>
      (part ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
    )
    .filter(part => part !== '')
  return ['buildkit', ...parts, random].join('-')
}

function readName(driver: Driver): string {
  // As docker/setup-buildx-action (context.ts getBuilderName): the docker driver's builder is
  // the daemon's own, named after the Docker context; `name` does not apply.
  if (driverCapabilities(driver).daemonBuilder)
    return currentDockerContext(readDockerClientConfig(process.env), process.env)
  const name = getInput('name')
  if (name === '') return defaultBuilderName(process.env)
  if (!isBuilderName(name)) {
    throw new InputError(
      'name',
      `'${name}' is not a valid builder name`,
      'use letters, digits, `-`, `_` and `.`, starting with a letter or digit; or leave it empty for a generated name'
    )
  }
  return name
}

/** As docker/setup-buildx-action (main.ts): `buildx rm --keep-state` exists for docker-container only. */
function readKeepState(driver: Driver): boolean {
  const keepState = booleanInput('keep-state', false)
  if (keepState && !driverCapabilities(driver).stateVolume)
    throw new InputError(
      'keep-state',
      `cannot be used with the ${driver} driver (\`docker buildx rm --keep-state\` keeps a docker-container ` +
        `builder's state volume)`,
      'drop `keep-state`, or use `driver: docker-container`'
    )
  return keepState
}

/**
 * The docker driver has no buildkitd.toml: the daemon's own BuildKit reads the daemon's registry
 * settings, so the registries apply only through `trust-docker-daemon`, and mirrors not at all.
 */
function checkDaemonBuilder(config: ConfigInputs, host: HostInputs): void {
  if (host.daemonTrust === 'off' && config.registries.length > 0)
    throw new InputError(
      'trust-docker-daemon',
      "is false, and with `driver: docker` the registries reach the daemon's builder only through the daemon's own " +
        'trust',
      'set `trust-docker-daemon: true` (certs.d for TLS registries) or `restart` ' +
        '(also insecure-registries for `http` and `insecure` ones), or use `driver: docker-container`'
    )
  if (config.mirrors.length > 0)
    throw new InputError(
      'mirror',
      "cannot apply with `driver: docker`: the daemon's builder takes no buildkitd.toml, and the daemon mirrors " +
        'only Docker Hub (`registry-mirrors` in daemon.json)',
      'use `driver: docker-container`, or set `registry-mirrors` in the daemon.json of the runner'
    )
}

function readEndpointTls(driver: Driver): EndpointTls | undefined {
  const ca = readPemInput('endpoint-ca-cert', 'certificates')
  const keypair = readKeypairInputs('endpoint-client-cert', 'endpoint-client-key')
  if (ca === undefined && keypair === undefined) return undefined
  if (!driverCapabilities(driver).endpointTls) {
    const input = ca !== undefined ? 'endpoint-ca-cert' : 'endpoint-client-cert'
    throw new InputError(
      input,
      "is for the `remote` driver's TLS connection to its buildkitd",
      'set `driver: remote` with `endpoint: tcp://HOST:PORT`, or drop it (registry TLS goes in `ca-cert`, ' +
        '`client-cert` and `client-key`)'
    )
  }
  return { ca, keypair }
}
