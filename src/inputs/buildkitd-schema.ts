/**
 * The keys of buildkitd.toml and the TOML type BuildKit decodes each into, written down from
 * moby/buildkit's own structs at tag v0.20.2: cmd/buildkitd/config/config.go (Config and the
 * structs it embeds), gcpolicy.go (Duration, DiskSpace) and util/resolver/config/config.go
 * (RegistryConfig, TLSKeyPair). v0.20.2 is the BuildKit the tests boot. buildx's default image,
 * `moby/buildkit:buildx-stable-1`, is a moving tag (the newest stable BuildKit when pulled);
 * buildx 0.29.1 itself checks a config against the structs of the BuildKit it vendors (v0.25.0),
 * and between v0.20.2 and v0.29.0 no key changed its type: v0.25.0 added `provenanceEnvDir` and
 * v0.27.0 `[cache.gha]` (NEWER_KEYS, warned about as such). Data only: the checker is
 * check-buildkitd-config.ts.
 */
export const BUILDKIT_SCHEMA_VERSION = 'v0.20.2'

/**
 * How a value decodes (go-toml v1, which buildx and BuildKit v0.20.2 use): `string`, `bool`, `int`
 * (a TOML integer; a float or a quoted number is refused), `strings` (an array of strings: a lone
 * string is refused), `duration` (Duration: a Go duration string such as "48h", or whole seconds
 * as an integer or a string), `diskSpace` (DiskSpace: bytes as an integer, or a string "10GB",
 * "512MB", "20%"), `stringMap` (a table of strings, e.g. labels), `anyTable` (a table of anything
 * BuildKit passes on unread, e.g. stargzSnapshotter).
 */
export type ValueType = 'string' | 'bool' | 'int' | 'strings' | 'duration' | 'diskSpace' | 'stringMap' | 'anyTable'

/** A value and what BuildKit does with it beyond its type. */
export interface Value {
  type: ValueType
  /** The only strings BuildKit accepts (case-sensitive). */
  oneOf?: readonly string[]
  /** An integer below this is meaningless (negative counts, ids, limits). */
  min?: number
  /** grpc.address: each entry is proto://address with a proto buildkitd listens on. */
  listenAddress?: true
  /** Strings that mean something only when one of these (insecure-entitlements). */
  knownValues?: readonly string[]
}

/** A struct: `[a]` or `a = { … }`. */
export interface Table {
  table: Schema
}
/** A map of structs keyed by a name the user picks: `[registry."host:port"]`. */
export interface TableMap {
  tableOf: Schema
  /** What the key names, for messages. */
  keyIs: string
}
/** A list of structs: `[[a.b]]`. `needs`: keys without which the entry is refused. */
export interface TableArray {
  arrayOf: Schema
  needs?: readonly string[]
}

export type Field = ValueType | Value | Table | TableMap | TableArray
export type Schema = Readonly<Record<string, Field>>

const GC_POLICY: Schema = {
  all: 'bool',
  filters: 'strings',
  keepDuration: { type: 'duration' },
  keepBytes: { type: 'diskSpace' },
  reservedSpace: { type: 'diskSpace' },
  maxUsedSpace: { type: 'diskSpace' },
  minFreeSpace: { type: 'diskSpace' }
}

/** GCConfig and NetworkConfig, embedded in both workers. */
const WORKER_COMMON: Schema = {
  enabled: 'bool',
  labels: 'stringMap',
  platforms: 'strings',
  snapshotter: 'string',
  rootless: 'bool',
  gc: 'bool',
  gckeepstorage: { type: 'diskSpace' },
  reservedSpace: { type: 'diskSpace' },
  maxUsedSpace: { type: 'diskSpace' },
  minFreeSpace: { type: 'diskSpace' },
  gcpolicy: { arrayOf: GC_POLICY },
  networkMode: 'string',
  cniConfigPath: 'string',
  cniBinaryPath: 'string',
  cniPoolSize: { type: 'int', min: 0 },
  bridgeName: 'string',
  bridgeSubnet: 'string',
  'apparmor-profile': 'string',
  selinux: 'bool',
  'max-parallelism': { type: 'int', min: 0 },
  defaultCgroupParent: 'string'
}

/** RegistryConfig: what the action's own [registry."host"] sections are made of too. */
export const REGISTRY: Schema = {
  mirrors: 'strings',
  http: 'bool',
  insecure: 'bool',
  // The files of `ca` and `keypair` are read on the runner (check-buildkitd-config.ts collectFiles).
  ca: 'strings',
  keypair: {
    arrayOf: { key: 'string', cert: 'string' },
    // buildx copies both files and panics on an entry without either (`interface {} is nil, not string`).
    needs: ['key', 'cert']
  },
  tlsconfigdir: 'strings'
}

export const BUILDKITD_SCHEMA: Schema = {
  debug: 'bool',
  trace: 'bool',
  root: 'string',
  // BuildKit v0.20.2 (util/entitlements) knows these three.
  'insecure-entitlements': { type: 'strings', knownValues: ['network.host', 'security.insecure', 'device'] },
  log: { table: { format: { type: 'string', oneOf: ['json', 'text'] } } },
  grpc: {
    table: {
      address: { type: 'strings', listenAddress: true },
      debugAddress: 'string',
      uid: { type: 'int', min: 0 },
      gid: { type: 'int', min: 0 },
      securityDescriptor: 'string',
      tls: { table: { cert: 'string', key: 'string', ca: 'string' } }
    }
  },
  otel: { table: { socketPath: 'string' } },
  cdi: { table: { disabled: 'bool', specDirs: 'strings', autoAllowed: 'strings' } },
  worker: {
    table: {
      oci: {
        table: {
          ...WORKER_COMMON,
          noProcessSandbox: 'bool',
          userRemapUnsupported: 'string',
          binary: 'string',
          proxySnapshotterPath: 'string',
          stargzSnapshotter: 'anyTable'
        }
      },
      containerd: {
        table: {
          ...WORKER_COMMON,
          address: 'string',
          namespace: 'string',
          runtime: { table: { name: 'string', path: 'string', options: 'anyTable' } }
        }
      }
    }
  },
  registry: { tableOf: REGISTRY, keyIs: 'a registry host[:port]' },
  dns: { table: { nameservers: 'strings', options: 'strings', searchDomains: 'strings' } },
  history: { table: { maxAge: { type: 'duration' }, maxEntries: { type: 'int', min: 0 } } },
  frontend: {
    table: {
      'dockerfile.v0': { table: { enabled: 'bool' } },
      'gateway.v0': { table: { enabled: 'bool', allowedRepositories: 'strings' } }
    }
  },
  system: { table: { platformsCacheMaxAge: { type: 'duration' } } }
}

/**
 * The address buildx's docker-container driver reaches buildkitd at: it runs `buildctl` in the
 * container, which dials BuildKit's default (appdefaults.Address). A `grpc.address` list without a
 * unix socket replaces that default, and the builder never boots: on this machine's buildx 0.13.1
 * and BuildKit v0.20.2, `failed to list workers: … dial unix /run/buildkit/buildkitd.sock: connect:
 * no such file or directory` after 30 s. (A rootless image listens on another unix socket, so
 * any unix:// entry is taken as the one buildx dials.)
 */
export const DOCKER_CONTAINER_SOCKET = 'unix:///run/buildkit/buildkitd.sock'

/** Top-level keys of BuildKit releases after BUILDKIT_SCHEMA_VERSION, and the release that added each. */
export const NEWER_KEYS: Readonly<Record<string, string>> = {
  provenanceEnvDir: 'v0.25.0',
  cache: 'v0.27.0'
}
