import { InputError } from '../inputs/input-error.js'
import type { DaemonTrustMode } from '../model.js'
import type { JobContainer } from '../topology/facts.js'

// In a container job the step's files are the job container's: what the action writes for the
// Docker daemon or for a buildkitd on the machine lands in the container, where neither reads it,
// unless the directory is a bind mount of the daemon host's own.

/** Where `path` in the container is on the daemon's host: under a bind mount, else undefined. Pure. */
export function hostPathOf(path: string, job: JobContainer): string | undefined {
  const mount = job.binds
    .filter(bind => path === bind.destination || path.startsWith(`${bind.destination.replace(/\/$/, '')}/`))
    // The deepest mount holds the path.
    .sort((a, b) => b.destination.length - a.destination.length)[0]
  return mount ? mount.source.replace(/\/$/, '') + path.slice(mount.destination.replace(/\/$/, '').length) : undefined
}

/**
 * `trust-docker-daemon` in a container job fails the step before anything is written: the daemon
 * reads its certs.d on its own host, which the job container's `certsDir` is only when that
 * directory is a bind mount of the same path there; and `restart` must rewrite daemon.json and
 * signal dockerd, whose process is not in the container. Pure.
 */
export function daemonTrustInContainer(
  mode: Exclude<DaemonTrustMode, 'off'>,
  certsDir: string,
  job: JobContainer
): InputError | undefined {
  const where =
    `this step runs in the container ${job.name} (a container job): the files it writes are the ` +
    `container's, not the Docker daemon host's`
  const runOutside =
    'run this step outside the job container (a job without `container:`), or make the daemon host trust the ' +
    'registries itself (its certs.d, insecure-registries)'
  if (mode === 'restart')
    return new InputError(
      'trust-docker-daemon',
      `${where}, and the daemon's process, which \`restart\` reloads, is not in it`,
      `${runOutside}; for the builder's own pushes no daemon trust is needed: remove \`trust-docker-daemon\``
    )
  if (hostPathOf(certsDir, job) === certsDir) return undefined
  return new InputError(
    'trust-docker-daemon',
    `${where}, and the daemon does not read the container's ${certsDir}`,
    `${runOutside}, or mount the host's ${certsDir} at the same path in the job container (\`container: options: -v ` +
      `${certsDir}:${certsDir}\`); for the builder's own pushes no daemon trust is needed: remove ` +
      '`trust-docker-daemon`'
  )
}

/**
 * `install-config` in a container job writes the job container's file: right for a buildkitd
 * started in the container by a later step, wrong for one on the daemon's host. Which one the user
 * means cannot be told, so this is a warning (undefined when the path is a bind mount of the host's). Pure.
 */
export function installConfigInContainer(path: string, job: JobContainer): string | undefined {
  const onHost = hostPathOf(path, job)
  if (onHost !== undefined) return undefined
  return (
    `\`install-config\` writes ${path} in the job container ${job.name}, not on the Docker daemon's host: a ` +
    'buildkitd running in this container reads it, one on the host does not. For a buildkitd on the host, run this ' +
    `step outside the job container, or mount the host's directory into it (\`container: volumes:\`).`
  )
}
