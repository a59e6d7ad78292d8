// What differs by buildx driver, in one table: every other module asks it (driverCapabilities)
// instead of comparing driver names. A pure leaf, read by inputs/, plan/, host/ and steps/ alike.

/** The drivers this action knows the behaviour of. */
export type KnownDriver = 'docker-container' | 'docker' | 'remote' | 'kubernetes'

/**
 * A `driver` input: a known driver, or another name buildx may have (`cloud`), passed to
 * `buildx create` as written and planned with OTHER_DRIVER's capabilities.
 */
export type Driver = KnownDriver | (string & Record<never, never>)

/** docker/setup-buildx-action's default `driver`. */
export const DEFAULT_DRIVER: KnownDriver = 'docker-container'

/** Why a driver's builder cannot have something of the action, and what the user can do instead. */
export interface Refusal {
  problem: string
  fix: string
}

/** What a driver's builder takes from the action, and what post removes of it. */
export interface DriverCapabilities {
  /**
   * The builder is the Docker daemon's own BuildKit: nothing is created (its name is the Docker
   * context's), no buildkitd.toml is written, and its trust is the daemon's.
   */
  daemonBuilder: boolean
  /**
   * `buildx create --config`: buildx copies buildkitd.toml (and the files it names, from the
   * runner) into the builder. Not the daemon's builder, nor a remote buildkitd (buildx: "setting
   * config file is not supported for remote driver"), which reads its own disk.
   */
  takesConfig: boolean
  /**
   * `--buildkitd-flags`: `default` also gets docker/setup-buildx-action's default flags (context.ts
   * driverSupportsBuildkitdFlags), `when-set` only the user's, `never` none (buildx: not supported).
   */
  flags: 'default' | 'when-set' | 'never'
  /**
   * buildx mounts the config at /etc/buildkit/buildkitd.toml without adding `--config`, which a
   * rootless buildkitd then needs in its flags (driver/kubernetes/manifest/manifest.go).
   */
  rootlessNeedsConfigFlag: boolean
  /**
   * The action gives the builder environment variables as `env.NAME=VALUE` driver options: the
   * runner's proxy variables and `ca-cert-scope: all`'s SSL_CERT_DIR.
   */
  envOpts: boolean
  /**
   * Its BuildKit runs in a container of the Docker daemon of the context it is created on
   * (buildx_buildkit_NODE): buildx reaches it over the unix socket in there, it boots an image of
   * that daemon's (which the action fetches), joins a `network=`, keeps a state volume, its log is
   * `docker logs`, preflight can look from inside it, and a kept one can be found again (warm).
   */
  container: boolean
  /** `docker buildx rm --keep-state` keeps its state volume (setup-buildx-action main.ts). */
  stateVolume: boolean
  /** `endpoint-ca`/`endpoint-cert`/`endpoint-key`: TLS to a buildkitd the user started. */
  endpointTls: boolean
  /** `docker buildx du` measures a cache this job made or keeps (a remote buildkitd's is its owner's). */
  diskReport: boolean
  /**
   * What is left after a failed `buildx rm`, beside buildx's record: `containers` (and their state
   * volumes), which post removes; `deployment`, which post names with the command that removes it.
   */
  remnants: 'containers' | 'deployment' | 'none'
  /** Why `ca-cert-scope: all` cannot apply: every driver without envOpts has one. */
  caScopeRefusal?: Refusal
  /** The fix for GC inputs, where the builder reads no buildkitd.toml of ours (!takesConfig). */
  gcFix?: string
  /** Where the runner's proxy variables do not reach the builder: how the user can give them. */
  proxyHint?: string
}

const NO_ENV_NO_CONTAINER = {
  envOpts: false,
  container: false,
  stateVolume: false,
  rootlessNeedsConfigFlag: false,
  endpointTls: false
} as const

/** The table: the only place drivers differ. */
const DRIVERS: Record<KnownDriver, DriverCapabilities> = {
  'docker-container': {
    daemonBuilder: false,
    takesConfig: true,
    flags: 'default',
    rootlessNeedsConfigFlag: false,
    envOpts: true,
    container: true,
    stateVolume: true,
    endpointTls: false,
    diskReport: true,
    remnants: 'containers'
  },
  docker: {
    ...NO_ENV_NO_CONTAINER,
    daemonBuilder: true,
    takesConfig: false,
    // Listed by setup-buildx-action too; the daemon's builder is never created, so never passed.
    flags: 'default',
    diskReport: true,
    remnants: 'none',
    caScopeRefusal: {
      problem:
        "cannot apply with `driver: docker`: the daemon's own BuildKit trusts the system roots of the " +
        "daemon's machine, which this action does not change",
      fix:
        'add the CA to the system roots of the Docker host (e.g. update-ca-certificates, then restart ' +
        'dockerd), or use `driver: docker-container`'
    },
    gcFix:
      'set the daemon\'s builder GC in its daemon.json (`"builder": {"gc": {…}}`), or use `driver: docker-container`'
  },
  remote: {
    ...NO_ENV_NO_CONTAINER,
    daemonBuilder: false,
    takesConfig: false,
    flags: 'never',
    endpointTls: true,
    diskReport: false,
    remnants: 'none',
    caScopeRefusal: {
      problem:
        'cannot apply with `driver: remote`: the buildkitd is started by you, and only its own ' +
        'environment or image can change its system roots',
      fix:
        'start that buildkitd with the CA in its roots (its image, or an SSL_CERT_DIR of yours that holds ' +
        'it), and set `ca-cert-scope: registries`'
    },
    gcFix: 'set `[worker.oci]` GC settings in the config your buildkitd starts with, or drop the input'
  },
  // `env.` driver options only since buildx v0.27 (older ones refuse the create), and its pods live
  // in a cluster whose way out need not be the runner's: the action passes it no variables.
  kubernetes: {
    ...NO_ENV_NO_CONTAINER,
    daemonBuilder: false,
    takesConfig: true,
    flags: 'default',
    rootlessNeedsConfigFlag: true,
    diskReport: true,
    remnants: 'deployment',
    caScopeRefusal: {
      problem:
        'cannot apply with `driver: kubernetes`: its `env.` driver options need buildx v0.27 or later, ' +
        "and its pods' image is the cluster's",
      fix:
        'use a BuildKit image with the CA in its roots (`image=` driver option) and `ca-cert-scope: ' +
        'registries`, or use `driver: docker-container`'
    },
    proxyHint: 'set `env.HTTPS_PROXY=…` etc. in `driver-opts` if its pods need them: buildx v0.27 or later'
  }
}

/** A driver this action does not know (`cloud`): created as written, given a config and the user's flags only. */
function otherDriver(driver: string): DriverCapabilities {
  return {
    ...NO_ENV_NO_CONTAINER,
    daemonBuilder: false,
    takesConfig: true,
    flags: 'when-set',
    diskReport: true,
    remnants: 'none',
    caScopeRefusal: {
      problem:
        `cannot apply with the ${driver} driver: this action gives only a docker-container builder ` +
        `environment variables`,
      fix:
        'use `driver: docker-container`, or a BuildKit image with the CA in its roots and `ca-cert-scope: ' +
        'registries`'
    }
  }
}

function isKnownDriver(driver: string): driver is KnownDriver {
  return Object.hasOwn(DRIVERS, driver)
}

/** What `driver`'s builder takes from the action. */
export function driverCapabilities(driver: Driver): DriverCapabilities {
  return isKnownDriver(driver) ? DRIVERS[driver] : otherDriver(driver)
}
