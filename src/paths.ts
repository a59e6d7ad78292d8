import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

// Where things live on this machine, from the environment, with the fallbacks
// the tools themselves use. Computed here only, so that every stage agrees.

/** The Docker client's directory: config.json and cli-plugins/ (`DOCKER_CONFIG`, else ~/.docker). */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker')
}

/** The Docker client config that docker and buildx read credentials from. */
export function dockerConfigFile(env: NodeJS.ProcessEnv): string {
  return join(dockerConfigDir(env), 'config.json')
}

/**
 * buildx's own store (its builders, `current`, `defaults`, `activity`, `refs`): BUILDX_CONFIG,
 * else `buildx` beside the Docker client config (buildx util/confutil, v0.13 to v0.29 alike).
 */
export function buildxStoreDir(env: NodeJS.ProcessEnv): string {
  return env.BUILDX_CONFIG || join(dockerConfigDir(env), 'buildx')
}

/**
 * The user's configuration directory (`XDG_CONFIG_HOME`, else ~/.config): rootless Docker and BuildKit read theirs
 * there.
 */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME || join(homedir(), '.config')
}

/**
 * Where the job's own files go: RUNNER_TEMP, which the runner empties after
 * each job, or the system temp directory when run outside a runner.
 */
export function runnerTempDir(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir()
}

/** Where a self-hosted buildkitd reads its config: rootful /etc/buildkit, rootless ~/.config/buildkit. */
export function buildkitdConfigPath(uid: number, env: NodeJS.ProcessEnv): string {
  if (uid === 0) return '/etc/buildkit/buildkitd.toml'
  return join(userConfigDir(env), 'buildkit', 'buildkitd.toml')
}

/** Where the Docker daemon keeps what it trusts. */
export interface DaemonPaths {
  rootless: boolean
  certsDir: string
  daemonJson: string
  pidFile: string
}

/** Rootful dockerd reads /etc/docker; rootless dockerd the user's config directory, with its pid in XDG_RUNTIME_DIR. */
export function daemonPaths(rootless: boolean, env: NodeJS.ProcessEnv): DaemonPaths {
  const config = rootless ? join(userConfigDir(env), 'docker') : '/etc/docker'
  const run = rootless ? env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.()}` : '/var/run'
  return {
    rootless,
    certsDir: join(config, 'certs.d'),
    daemonJson: join(config, 'daemon.json'),
    pidFile: join(run, 'docker.pid')
  }
}

/**
 * The variable the main step exports with its buildkitd.toml's path, for a later `merge` step of
 * the job to reach the registry with the builder's trust. Several setup steps in one job each put
 * theirs in front, `:`-separated as PATH is (merge takes the newest that configures the registry).
 */
export const BUILDER_CONFIG_VARIABLE = 'SETUP_BUILDKIT_REGISTRY_CONFIG'

/** The paths the variable holds, newest first. */
export function builderConfigPaths(env: NodeJS.ProcessEnv): string[] {
  return (env[BUILDER_CONFIG_VARIABLE] ?? '').split(':').filter(path => path !== '')
}
