import * as core from '@actions/core'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { parse as parseToml, type TomlTable } from 'smol-toml'
import { credentialHelperFor, readDockerClientConfig, storedCredential } from '../docker-client-config.js'
import { parseHost } from '../inputs/hosts.js'
import { InputError } from '../inputs/input-error.js'
import { readRunnerProxyEnv } from '../inputs/proxy-env.js'
import type { Keypair, Login, Transport } from '../model.js'
import { builderConfigPaths } from '../paths.js'
import type { RegistryEndpoint } from '../registry-client/registry-client.js'

// The trust the job's builder has for a registry, read from the files the main step left, never a
// copy of them: its buildkitd.toml (`http`, `insecure`, CA and keypair files), the Docker client
// config's login or credential helper, the SSL_CERT_FILE bundle buildx fetches tokens with, and
// the runner's proxy variables.

/**
 * Where the builder's config is: the `config` input (a setup step's `config` output), else the
 * newest setup step's of this job that configures `host` (a job may set up several builders),
 * else the newest's. A config whose job has ended (post removed it) is not there.
 */
export function builderConfigPath(input: string, host: string, env: NodeJS.ProcessEnv): string | undefined {
  if (input) {
    if (!existsSync(input))
      throw new InputError(
        'config',
        `the builder's config ${input} is not there (its job's post step removed it, or it is another job's)`,
        "pass a setup-buildkit-registry step's `config` output from this job, or leave `config` out"
      )
    return input
  }
  const present = builderConfigPaths(env).filter(path => existsSync(path))
  return present.find(path => sectionOf(parseToml(readFileSync(path, 'utf8')), host) !== undefined) ?? present[0]
}

interface RegistrySection {
  http?: boolean
  insecure?: boolean
  ca?: string[]
  keypair?: { key?: string; cert?: string }[]
}

function sectionOf(config: TomlTable | undefined, host: string): RegistrySection | undefined {
  const registries = (config?.registry ?? {}) as Record<string, RegistrySection | undefined>
  return registries[host]
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`cannot read the builder's ${what} ${path}: ${(error as Error).message}`)
  }
}

function caOf(section: RegistrySection): string {
  return (section.ca ?? []).map(path => readPem(path, 'CA')).join('\n')
}

function keypairOf(section: RegistrySection): Keypair | undefined {
  const pair = section.keypair?.[0]
  if (!pair?.cert || !pair.key) return undefined
  return { cert: readPem(pair.cert, 'client certificate'), key: readPem(pair.key, 'client key') }
}

function transportOf(section: RegistrySection): Transport {
  if (section.http) return 'http'
  return section.insecure ? 'insecure' : 'tls'
}

/** A credential helper's login for `host` (`docker-credential-NAME get`), as buildx asks it. */
function helperCredential(helper: string, host: string): Login | undefined {
  const run = spawnSync(`docker-credential-${helper}`, ['get'], { input: host, encoding: 'utf8', timeout: 30_000 })
  if (run.status !== 0) return undefined
  try {
    const { Username, Secret } = JSON.parse(run.stdout) as { Username?: string; Secret?: string }
    if (!Username || !Secret) return undefined
    core.setSecret(Secret)
    return { username: Username, password: Secret }
  } catch {
    return undefined
  }
}

/** `host` as the builder reaches it; the config is parsed once here. */
export function registryEndpoint(
  host: string,
  configPath: string | undefined,
  env: NodeJS.ProcessEnv
): RegistryEndpoint {
  const config = configPath ? parseToml(readFileSync(configPath, 'utf8')) : undefined
  const section = sectionOf(config, host) ?? {}
  const keypair = keypairOf(section)
  if (keypair) core.setSecret(keypair.key)
  const dockerConfig = readDockerClientConfig(env)
  const helper = credentialHelperFor(dockerConfig, host)
  const credential = helper ? helperCredential(helper, host) : storedCredential(dockerConfig, host)
  // buildx fetches tokens trusting SSL_CERT_FILE (main's bundle: the runner's roots and the CAs).
  const bundle = env.SSL_CERT_FILE && existsSync(env.SSL_CERT_FILE) ? readFileSync(env.SSL_CERT_FILE, 'utf8') : ''
  const ca = caOf(section)
  return {
    // A reference's registry (merge-inputs.ts), parsed as an input's host would be.
    host: parseHost(host, 'sources', 0),
    transport: transportOf(section),
    ca,
    keypair,
    proxyEnv: readRunnerProxyEnv(env),
    credential,
    realmTrust: realm => {
      // A keypair goes only to the host it was given for: the realm's own section, if it has one.
      const own = realm.host === host ? section : (sectionOf(config, realm.host) ?? {})
      return { ca: [bundle, ca, caOf(own)].filter(Boolean).join('\n'), keypair: keypairOf(own) }
    }
  }
}
