// The project's nouns, defined once. Every other module reads this one; it
// imports nothing of ours, so type dependencies run one way: model ← inputs ←
// plan ← preflight / host ← steps.

/** How BuildKit talks to a registry. */
export type Transport = 'tls' | 'http' | 'insecure'

/** How the builder will reach one registry, as the log and the job summary show it. */
export type RegistryMode = 'http' | 'tls' | 'mtls' | 'insecure'

/** `preflight`: fail the step, annotate and go on, or skip the check. */
export type PreflightMode = 'error' | 'warn' | 'off'

/**
 * `trust-docker-daemon`: false, true (certs.d only) or restart (also
 * insecure-registries, applied by reloading dockerd).
 */
export type DaemonTrustMode = 'off' | 'certs' | 'restart'

/**
 * `ca-cert-scope`: `ca-cert` trusted for the listed registries only, or also joining the builder's
 * system roots (every TLS connection BuildKit makes: plan/ca-scope.ts).
 */
export type CaCertScope = 'registries' | 'all'

/** A registry address, parsed once from an input (inputs/hosts.ts) and read everywhere else. */
export interface HostAddress {
  /** As written: `host`, `host:port` or `[v6]:port`, exactly the key BuildKit and Docker look up. */
  text: string
  /** The name or address alone, without brackets: what to dial and what a certificate must hold. */
  hostname: string
  /** undefined when none is written: 443, or 80 for plain HTTP. */
  port?: number
}

/** The port a connection goes to: the written one, else the transport's default. */
export function portOf(host: HostAddress, transport: Transport): number {
  return host.port ?? (transport === 'http' ? 80 : 443)
}

/** `http://host[:port]` or `https://…`: where a client sends a registry's requests (`insecure` is TLS too). */
export function originOf(target: { host: HostAddress; transport: Transport }): string {
  return `${target.transport === 'http' ? 'http' : 'https'}://${target.host.text}`
}

/** True for names that reach this machine itself: a builder container must then share the host network. */
export function isLoopback(host: HostAddress): boolean {
  const name = host.hostname.toLowerCase()
  return name === 'localhost' || name.endsWith('.localhost') || /^127\./.test(name) || name === '::1'
}

/** A certificate and its private key, PEM. */
export interface Keypair {
  cert: string
  key: string
}

/**
 * The trust a TLS connection is made with: PEM trusted on top of the system roots ('' for none), and the keypair
 * offered.
 */
export interface Trust {
  ca: string
  keypair?: Keypair
}

/** A registry as a client reaches it, with the same trust BuildKit will have for it. */
export interface RegistryTarget extends Trust {
  host: HostAddress
  transport: Transport
}

/**
 * A registry the builder's config will name, with the trust it has of its own, before the plan adds
 * the job-wide `ca-cert` and client keypair to make its `Trust`.
 */
export interface ConfiguredEndpoint extends Pick<RegistryTarget, 'host' | 'transport'> {
  /** PEM CAs of its own ('' for none): its `ca=` files, or the daemon's certs.d CAs. */
  ownCa: string
  /** A keypair of its own (the daemon's certs.d), instead of `client-cert`/`client-key`. */
  ownKeypair?: Keypair
}

/** What a client logs in to a registry with. */
export interface Login {
  username: string
  password: string
}

/** A login for one registry. */
export interface Credential extends Login {
  /** A registry address as written (`host[:port]`), the key of the Docker client config. */
  host: string
}

/** What Docker stores for a credential, and what the runner must mask besides the password. */
export function basicAuth(credential: Login | Credential): string {
  return Buffer.from(`${credential.username}:${credential.password}`).toString('base64')
}

/** The key of a registry's entry in the Docker client config: Docker Hub's is its old index URL. */
export function authKey(host: string): string {
  return host === 'docker.io' || host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host
}

/**
 * A builder name the action takes (`name`) and makes: letters, digits, `-`, `_` and `.`, starting
 * with a letter or digit. buildx files a builder under its name, so the rule also keeps post's
 * removals inside buildx's store.
 */
export function isBuilderName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)
}

/** Certificates and CAs: readable by anyone, as on any system. */
export const PUBLIC_FILE_MODE = 0o644
/** Private keys, credentials and backups of files that may hold them. */
export const PRIVATE_FILE_MODE = 0o600

/** A file the plan will write, with its permission bits. */
export interface PlannedFile {
  path: string
  content: string
  mode: number
}

export type RegistrySource = 'registries' | 'mirror' | 'docker-daemon'

/**
 * Where a registry is configured, as messages cite it: its input line, or the daemon's settings it was imported from.
 */
export function whereConfigured(registry: Pick<PlannedRegistry, 'source' | 'line' | 'daemonOrigin'>): string {
  if (registry.source === 'docker-daemon')
    return `the Docker daemon's ${registry.daemonOrigin ?? 'settings'} (imported by \`import-docker-trust\`)`
  return `line ${registry.line} of \`${registry.source}\``
}

/** A mirror, not a registry pushed to: a `mirror` line, or the daemon's registry-mirrors. */
export function isMirrorOnly(registry: Pick<PlannedRegistry, 'source' | 'mirrorOnly'>): boolean {
  return registry.source === 'mirror' || registry.mirrorOnly === true
}

/** One registry (or mirror) as the plan configures it: what preflight checks and the summary shows. */
export interface PlannedRegistry extends RegistryTarget {
  mode: RegistryMode
  /**
   * Where it came from: a `registries` line, a `mirror` line that was not also listed, or the
   * Docker daemon's own settings (`import-docker-trust`).
   */
  source: RegistrySource
  /** The line in `registries` or `mirror`, for messages (0 for `docker-daemon`). */
  line: number
  /**
   * For `docker-daemon`: the daemon's settings it came from, e.g. `/etc/docker/certs.d/HOST`, `insecure-registries`.
   */
  daemonOrigin?: string
  /** Only pulled from (a mirror): preflight asks a pull token of it, and no credentials is fine. */
  mirrorOnly?: boolean
  /** The keys written under [registry."host"], for the log and summary. */
  written: string[]
  /**
   * The proxy variables of who contacts it: BuildKit in the builder (the registry, and tokens it
   * fetches itself), and buildx on the runner (tokens it fetches). Absent: none.
   */
  proxyEnv?: { builder: ProxyEnv; runner: ProxyEnv }
}

/**
 * Proxy variables as a process has them, only the set ones: HTTP_PROXY, HTTPS_PROXY, NO_PROXY in
 * either case, and REQUEST_METHOD (Go's CGI rule). proxy.ts reads them as Go does.
 */
export type ProxyEnv = Readonly<Record<string, string>>

/** How a registry's tokens will be fetched: by buildx on the runner, or by buildkitd with the registry's TLS config. */
export interface TokenTrust extends Trust {
  fetchedBy: 'buildx' | 'buildkitd'
}

// What the plan hands the host: shared here, so that host/ reads the plan's nouns without importing plan/.

/** The builder to create: what follows `docker buildx` for its first node and for each `append` node. */
export interface BuildxCreate {
  args: string[]
  /** One `create --append` per `append` node, run after `args`. */
  appendArgs: string[][]
}

/** The runner's roots before the job: what SSL_CERT_FILE named, or the system bundle Go reads. */
export interface RunnerRoots {
  path: string
  pem: string
}

/** What the job's later steps get, and why. */
export interface ClientTrustPlan {
  /** The CA bundle in the job directory that SSL_CERT_FILE names. */
  bundlePath: string
  /** The CAs of every verified TLS registry, each once ('' for none): added to the runner's roots. */
  extraCas: string
  /** What SSL_CERT_FILE will name: the runner's roots, then extraCas. */
  bundle: string
  /** The runner's roots the bundle starts from, for the log and for post; undefined when none was found. */
  rootsPath?: string
  /** Registries whose CA goes into the bundle, for the log. */
  caHosts: string[]
  /** `ca-cert-scope: all`: `ca-cert` is in the bundle for every host, listed or not (for the log). */
  everywhere?: boolean
  /** mTLS registries: BUILDKIT_NO_CLIENT_TOKEN=1 lets buildkitd fetch their tokens with the keypair. */
  mtlsHosts: string[]
}

/** What `trust-docker-daemon` makes the Docker daemon trust (host/edits/daemon-trust.ts writes it). */
export interface DaemonTrustPlan {
  mode: Exclude<DaemonTrustMode, 'off'>
  /**
   * Files for the daemon's certs.d, their paths relative to it (`HOST:PORT/<id>.crt`): where that
   * directory is (rootful or rootless) only the daemon can tell, on the machine.
   */
  certsD: PlannedFile[]
  /** Registries the daemon talks to only when listed in insecure-registries. */
  insecureHosts: string[]
}

// What the Docker daemon trusts, read by `import-docker-trust` (host/daemon-registry-config.ts,
// registry-client/transport-probe.ts) for the plan to merge (plan/docker-trust-import.ts).

/** A certs.d directory of the daemon: `HOST[:PORT]`, its CAs (`*.crt`) and its client keypair (`*.cert` + `*.key`). */
export interface CertsDirEntry {
  /** The directory's name, the registry as the daemon looks it up. */
  host: string
  /** The directory, for the log. */
  dir: string
  /** The `*.crt` files' PEM, concatenated ('' for none). */
  ca: string
  keypair?: Keypair
}

/** A host of the daemon's insecure-registries, with what it speaks, as the daemon would find out. */
export interface InsecureDaemonRegistry {
  host: string
  /** `insecure`: TLS (without verification); `http`: plain HTTP; undefined: it did not answer (`unreachable`). */
  transport?: 'insecure' | 'http'
  /** Why neither HTTPS nor HTTP answered. */
  unreachable?: string
}

/** Something of the daemon's trust that cannot be carried into the builder, and why. */
export interface NotImported {
  what: string
  reason: string
}

export interface DockerTrustFacts {
  /** Where certs.d was read, or undefined when it was not (then `notImported` says why). */
  certsDir?: string
  certsD: CertsDirEntry[]
  insecure: InsecureDaemonRegistry[]
  /** registry-mirrors, as the daemon shows them: URLs with a scheme and a trailing `/`. */
  mirrors: string[]
  notImported: NotImported[]
  /** What is worth saying that is not a failure (the daemon's implicit loopback CIDRs). */
  notes: string[]
}

/**
 * What makes a warm builder (`cleanup: false`, a fixed `name`) the one a job would create, each
 * part a SHA-256 digest (plan/builder-fingerprint.ts): the plan computes it, the record beside
 * the builder's lease keeps it (host/builder/warm-builder.ts).
 */
export interface BuilderFingerprint {
  /** buildkitd.toml. */
  config: string
  /** The certificate and key files, by their place in the job directory. */
  files: string
  /** `buildx create` and its `--append`s, but `--use` and `--bootstrap`, which change nothing in the builder. */
  args: string
}
