import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { authKey, type Credential } from './model.js'
import { dockerConfigDir, dockerConfigFile } from './paths.js'

// The Docker client config (config.json in DOCKER_CONFIG, else ~/.docker), read in one place with
// docker/cli's own rules, for everything the action asks of it: which buildx plugin `docker buildx`
// runs, which Docker context is current, which hosts a credential helper serves, and the logins an
// earlier step stored. Read-only: the one module that writes the file is host/edits/docker-credentials.ts.

/** The keys of config.json the action reads (docker/cli's configfile.ConfigFile). */
export interface DockerClientConfigFile {
  auths?: Record<string, { auth?: string } | undefined>
  credsStore?: string
  credHelpers?: Record<string, string>
  currentContext?: string
  cliPluginsExtraDirs?: string[]
}

export interface DockerClientConfig {
  /** config.json's path, whether or not it exists. */
  path: string
  /** Its keys; {} when there is no file or it does not parse (docker then fails on its own, with its own words). */
  file: DockerClientConfigFile
}

/** Reads the client config that `docker` and buildx started with `env` would read. */
export function readDockerClientConfig(env: NodeJS.ProcessEnv): DockerClientConfig {
  const path = dockerConfigFile(env)
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return { path, file: typeof parsed === 'object' && parsed !== null ? (parsed as DockerClientConfigFile) : {} }
  } catch {
    // No file, or one that does not parse.
    return { path, file: {} }
  }
}

/** The platform's plugin directories, after the user's (docker/cli's defaultSystemPluginDirs on Linux). */
const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins'
]

/**
 * The directories the Docker CLI searches for a plugin, first match wins, as docker/cli's
 * getPluginDirs (cli-plugins/manager/manager.go) appends them: `cliPluginsExtraDirs` of the
 * config, then DOCKER_CONFIG/cli-plugins, then the system directories.
 */
export function cliPluginDirs(config: DockerClientConfig, env: NodeJS.ProcessEnv): string[] {
  return [...(config.file.cliPluginsExtraDirs ?? []), userCliPluginDir(env), ...SYSTEM_PLUGIN_DIRS]
}

/** The user's own plugin directory, where `buildx-version` installs buildx (as docker/setup-buildx-action). */
export function userCliPluginDir(env: NodeJS.ProcessEnv): string {
  return join(dockerConfigDir(env), 'cli-plugins')
}

/**
 * The Docker context the CLI uses, in docker/cli's order (resolveContextName): DOCKER_HOST set
 * means `default` (the host it names, with the TLS variables), whatever DOCKER_CONTEXT says; then
 * DOCKER_CONTEXT; then the config's currentContext; then `default`. The docker driver's builder
 * has this name.
 */
export function currentDockerContext(config: DockerClientConfig, env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_HOST) return 'default'
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT
  return config.file.currentContext || 'default'
}

/**
 * The credential store or helper that serves `host` (docker/cli's getConfiguredCredentialStore:
 * a `credHelpers` entry, else `credsStore`); undefined when the `auths` entry itself is used.
 */
export function credentialHelperFor(config: DockerClientConfig, host: string): string | undefined {
  return config.file.credHelpers?.[authKey(host)] || config.file.credsStore || undefined
}

/**
 * The login an earlier step stored for `host` (docker/login-action writes `auths` entries); buildx
 * sends it with a build, so preflight logs in with it too. Hosts a credential helper serves are not
 * read: that would run the helper.
 */
export function storedCredential(config: DockerClientConfig, host: string): Credential | undefined {
  if (credentialHelperFor(config, host)) return undefined
  const auth = config.file.auths?.[authKey(host)]?.auth
  if (!auth) return undefined
  const decoded = Buffer.from(auth, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon > 0 ? { host, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined
}
