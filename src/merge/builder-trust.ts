import * as core from '@actions/core'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { parse as parseToml, type TomlTable } from 'smol-toml'
import { credentialHelperFor, readDockerClientConfig, storedCredential } from '../docker-client-config.js'
import { InputError } from '../inputs/input-error.js'
import { readRunnerProxyEnv } from '../inputs/proxy-env.js'
import type { Keypair, Transport } from '../model.js'
import { BUILDER_CONFIG_VARIABLE } from '../paths.js'
import type { RegistryEndpoint } from '../registry-client/registry-client.js'

// The trust the job's builder has for a registry, read from the files the main step left, never a
// copy of them: its buildkitd.toml (`http`, `insecure`, CA and keypair files), the Docker client
// config's login or credential helper, the SSL_CERT_FILE bundle buildx fetches tokens with, and
// the runner's proxy variables.

/** Where the builder's config is: the `config` input (a setup step's `config` output), else the last setup's. */
export function builderConfigPath(input: string, env: NodeJS.ProcessEnv): string | undefined {
  const path = input || env[BUILDER_CONFIG_VARIABLE] || undefined
  if (path && !existsSync(path))
    throw new InputError(
      input ? 'config' : BUILDER_CONFIG_VARIABLE,
      `the builder's config ${path} is not there (its job's post step removed it, or it is another job's)`,
      'run the merge in the same job, after the setup-buildkit-registry step and before the job ends'
    )
  return path
}

interface RegistrySection {
  http?: boolean
  insecure?: boolean
  ca?: string[]
  keypair?: { key?: string; cert?: string }[]
}

function sectionOf(config: TomlTable | undefined, host: string): RegistrySection {
  const registries = (config?.registry ?? {}) as Record<string, RegistrySection>
  return registries[host] ?? {}
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
function helperCredential(helper: string, host: string): { username: string; password: string } | undefined {
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
  const section = sectionOf(config, host)
  const keypair = keypairOf(section)
  if (keypair) core.setSecret(keypair.key)
  const dockerConfig = readDockerClientConfig(env)
  const helper = credentialHelperFor(dockerConfig, host)
  const credential = helper ? helperCredential(helper, host) : storedCredential(dockerConfig, host)
  // buildx fetches tokens trusting SSL_CERT_FILE (main's bundle: the runner's roots and the CAs).
  const bundle = env.SSL_CERT_FILE && existsSync(env.SSL_CERT_FILE) ? readFileSync(env.SSL_CERT_FILE, 'utf8') : ''
  const ca = caOf(section)
  return {
    host,
    transport: transportOf(section),
    ca,
    keypair,
    proxyEnv: readRunnerProxyEnv(env),
    credential,
    realmTrust: realm => {
      // A keypair goes only to the host it was given for: the realm's own section, if it has one.
      const own = realm.host === host ? section : sectionOf(config, realm.host)
      return { ca: [bundle, ca, caOf(own)].filter(Boolean).join('\n'), keypair: keypairOf(own) }
    }
  }
}
