import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { parse as parseToml, TomlError, type TomlTable } from 'smol-toml'
import { parseCredentialLines, resolveCredentials } from './credential-lines.js'
import { basicAuth, type Credential } from './credentials.js'
import type { DaemonTrustMode } from './daemon-trust.js'
import { InputError } from './input-error.js'
import { defaultInstallPath } from './installed-config.js'
import { looksLikePem, normalizeCertificates, parseCertificates, parsePrivateKey } from './pem.js'
import type { PreflightMode } from './preflight.js'
import { parseMirrors, parseRegistries, type MirrorLine, type RegistryLine } from './registries.js'

/** A `registries` line with the CA files it names already read and checked. */
export interface Registry extends RegistryLine {
  /** PEM of the `ca=` files, empty when none. */
  ownCa: string
}

export interface ClientKeypair {
  cert: string
  key: string
}

export interface BaseConfig {
  table: TomlTable
  /** Which input it came from, for warnings. */
  input: 'buildkitd-config' | 'buildkitd-config-inline'
}

/** Everything the action was asked to do, validated. Built only by readInputs. */
export interface Inputs {
  registries: Registry[]
  mirrors: MirrorLine[]
  /** PEM trusted for every TLS registry, on top of the system roots. */
  caCert?: string
  clientKeypair?: ClientKeypair
  maxParallelism?: number
  debug: boolean
  baseConfig?: BaseConfig
  name: string
  driver: string
  driverOpts: string[]
  buildkitdFlags: string
  endpoint: string
  use: boolean
  bootstrap: boolean
  cleanup: boolean
  replace: boolean
  preflight: PreflightMode
  /** Seconds each registry's probe may take. */
  preflightTimeout: number
  /** '' (use what is installed), `latest` or a version such as v0.19.3. */
  buildxVersion: string
  /** TLS to a remote driver's buildkitd endpoint. */
  endpointTls?: EndpointTls
  /** Also write the config where a self-hosted buildkitd reads it: that path, or '' for no. */
  installConfig: string
  /** Written to the Docker client config for buildx and docker. */
  credentials: Credential[]
  daemonTrust: DaemonTrustMode
}

export interface EndpointTls {
  ca?: string
  keypair?: ClientKeypair
}

/** As docker/setup-buildx-action: lets `docker buildx build --network host` and `--allow security.insecure` work. */
export const DEFAULT_BUILDKITD_FLAGS = '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host'

/**
 * Reads and validates every input before anything is written, so bad input
 * never leaves a half-made builder behind. The only caller of core.getInput.
 */
export function readInputs(): Inputs {
  const registries = parseRegistries(core.getInput('registries')).map(readOwnCa)
  const driver = readDriver()
  return {
    registries,
    mirrors: parseMirrors(core.getInput('mirror')),
    caCert: optionalPem('ca-cert', 'certificates'),
    clientKeypair: readKeypair('client-cert', 'client-key'),
    maxParallelism: readMaxParallelism(),
    debug: booleanInput('debug', false),
    baseConfig: readBaseConfig(),
    name: readName(),
    driver,
    driverOpts: core.getMultilineInput('driver-opts').map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#')),
    buildkitdFlags: core.getInput('buildkitd-flags', { trimWhitespace: true }) || DEFAULT_BUILDKITD_FLAGS,
    endpoint: core.getInput('endpoint'),
    use: booleanInput('use', true),
    bootstrap: booleanInput('bootstrap', true),
    cleanup: booleanInput('cleanup', true),
    replace: booleanInput('replace', true),
    preflight: readPreflightMode(),
    preflightTimeout: readPreflightTimeout(),
    buildxVersion: readBuildxVersion(),
    endpointTls: readEndpointTls(driver),
    installConfig: readInstallConfig(),
    credentials: readCredentials(registries.map(registry => registry.host)),
    daemonTrust: readDaemonTrust()
  }
}

/**
 * The generated builder name: unique per job run, and random at the end
 * because matrix legs share run id, job and attempt, and self-hosted runners
 * that share one Docker daemon share its container names.
 */
export function defaultBuilderName(env: NodeJS.ProcessEnv, random = randomBytes(4).toString('hex')): string {
  const parts = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB]
    .filter((part): part is string => !!part)
    .map(part => part.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(part => part !== '')
  return ['buildkit', ...parts, random].join('-')
}

function readName(): string {
  const name = core.getInput('name')
  if (name === '') return defaultBuilderName(process.env)
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    throw new InputError('name', `'${name}' is not a valid builder name`, 'use letters, digits, `-`, `_` and `.`, starting with a letter or digit; or leave it empty for a generated name')
  }
  return name
}

function readDriver(): string {
  const driver = core.getInput('driver') || 'docker-container'
  if (driver === 'docker') {
    throw new InputError(
      'driver',
      "the `docker` driver uses the Docker daemon's built-in BuildKit, which cannot take a buildkitd.toml (`--config`)",
      'use `docker-container` (the default); to make the Docker daemon itself trust a registry, configure `insecure-registries` or certs.d on the daemon'
    )
  }
  return driver
}

/** The YAML 1.2 booleans that core.getBooleanInput takes; undefined for anything else. */
function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return undefined
}

function booleanInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name)
  if (value === '') return fallback
  const parsed = parseBoolean(value)
  if (parsed === undefined) throw new InputError(name, `'${value}' is not a boolean`, 'write true or false')
  return parsed
}

function readMaxParallelism(): number | undefined {
  const value = core.getInput('max-parallelism')
  if (value === '') return undefined
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InputError('max-parallelism', `'${value}' is not a positive whole number`, 'write how many build steps BuildKit may run at once, e.g. 4, or leave it empty for no limit')
  }
  return Number(value)
}

function readPreflightMode(): PreflightMode {
  const value = core.getInput('preflight') || 'warn'
  if (value === 'error' || value === 'warn' || value === 'off') return value
  throw new InputError('preflight', `'${value}' is not a preflight mode`, 'write `error` (fail the step), `warn` (annotate and go on) or `off`')
}

function readPreflightTimeout(): number {
  const value = core.getInput('preflight-timeout') || '5'
  const seconds = Number(value)
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || seconds <= 0 || seconds > 300) {
    throw new InputError('preflight-timeout', `'${value}' is not a number of seconds from 0 to 300`, 'write how long each registry may take to answer, e.g. 5')
  }
  return seconds
}

function readEndpointTls(driver: string): EndpointTls | undefined {
  const ca = optionalPem('endpoint-ca-cert', 'certificates')
  const keypair = readKeypair('endpoint-client-cert', 'endpoint-client-key')
  if (ca === undefined && keypair === undefined) return undefined
  if (driver !== 'remote') {
    const input = ca !== undefined ? 'endpoint-ca-cert' : 'endpoint-client-cert'
    throw new InputError(input, 'is for the `remote` driver\'s TLS connection to its buildkitd', 'set `driver: remote` with `endpoint: tcp://HOST:PORT`, or drop it (registry TLS goes in `ca-cert`, `client-cert` and `client-key`)')
  }
  return { ca, keypair }
}

function readCredentials(registryHosts: string[]): Credential[] {
  const username = core.getInput('username')
  const password = core.getInput('password')
  if (password !== '') core.setSecret(password)
  if ((username === '') !== (password === '')) {
    const [missing, given] = username === '' ? ['username', 'password'] : ['password', 'username']
    throw new InputError(missing, `is empty while \`${given}\` is set`, 'set both, or use `credentials` (HOST=USERNAME:PASSWORD per line)')
  }
  if (username !== '' && registryHosts.length === 0) {
    throw new InputError('username', 'applies to the registries in `registries`, and none is listed', 'list the registry in `registries`, or use `credentials` (HOST=USERNAME:PASSWORD per line)')
  }
  const lines = parseCredentialLines(core.getInput('credentials'))
  const credentials = resolveCredentials(registryHosts, username === '' ? undefined : { username, password }, lines)
  // The runner masks only what it is told: the passwords, and the base64 form docker stores.
  for (const credential of credentials) {
    core.setSecret(credential.password)
    core.setSecret(basicAuth(credential))
  }
  return credentials
}

function readDaemonTrust(): DaemonTrustMode {
  const value = core.getInput('trust-docker-daemon') || 'false'
  if (value === 'restart') return 'restart'
  const parsed = parseBoolean(value)
  if (parsed !== undefined) return parsed ? 'certs' : 'off'
  throw new InputError('trust-docker-daemon', `'${value}' is not true, false or restart`, 'write true (certs.d for TLS registries), restart (also insecure-registries for HTTP ones, reloading the daemon) or false')
}

function readInstallConfig(): string {
  const value = core.getInput('install-config')
  const parsed = value === '' ? false : parseBoolean(value)
  if (parsed === false) return ''
  if (parsed === true) return defaultInstallPath(process.getuid?.() ?? -1, process.env)
  if (!isAbsolute(value)) throw new InputError('install-config', `'${value}' is neither true/false nor an absolute path`, 'write true (the default buildkitd config location), false, or an absolute path such as /etc/buildkit/buildkitd.toml')
  return value
}

function readBuildxVersion(): string {
  const value = core.getInput('buildx-version')
  if (value === '' || value === 'latest' || /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value)) return value
  throw new InputError('buildx-version', `'${value}' is not a buildx release`, 'write a release tag such as v0.19.3, or `latest`, or leave it empty to use the installed buildx')
}

function readOwnCa(registry: RegistryLine): Registry {
  const ownCa = registry.caPaths
    .map(path => {
      const text = readInputFile('registries', path, 'pass the CA in `ca-cert` as PEM text (e.g. from a secret)', registry.line)
      try {
        return normalizeCertificates(text)
      } catch (error) {
        throw new InputError('registries', `ca=${path} is not a PEM certificate: ${(error as Error).message}`, 'point ca= at the PEM file of the CA that signed this registry\'s certificate', registry.line)
      }
    })
    .join('')
  return { ...registry, ownCa }
}

/** A certificate and its key from two inputs: both or neither, and the key must match. */
function readKeypair(certInput: string, keyInput: string): ClientKeypair | undefined {
  const cert = optionalPem(certInput, 'certificates')
  const key = optionalPem(keyInput, 'key')
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined) throw new InputError(certInput, `is empty while \`${keyInput}\` is set`, `pass the certificate (PEM text or a path) with its key, or drop \`${keyInput}\``)
  if (key === undefined) throw new InputError(keyInput, `is empty while \`${certInput}\` is set`, `pass the private key of the certificate (PEM text or a path), or drop \`${certInput}\``)
  const [leaf] = parseCertificates(cert)
  if (!leaf.checkPrivateKey(parsePrivateKey(key))) {
    throw new InputError(keyInput, `does not belong to the certificate in \`${certInput}\``, 'pass the key that was issued with that certificate')
  }
  return { cert, key }
}

/**
 * Reads an input that holds PEM text (usually a secret) or a path to a PEM
 * file, masks it when it is text (and a key always), and checks it.
 */
function optionalPem(input: string, holds: 'certificates' | 'key'): string | undefined {
  const value = core.getInput(input)
  if (value === '') return undefined
  const isText = looksLikePem(value)
  if (isText) maskPem(value)
  const pem = isText ? value : readPemPath(input, value)
  // A key read from a file is masked too, in case a later step prints it.
  if (!isText && holds === 'key') maskPem(pem)
  try {
    if (holds === 'certificates') return normalizeCertificates(pem)
    parsePrivateKey(pem)
    return pem.trim() + '\n'
  } catch (error) {
    const expected = holds === 'key' ? 'an unencrypted PEM private key' : 'PEM certificate text (e.g. ${{ secrets.REGISTRY_CA }})'
    throw new InputError(input, `${isText ? 'the PEM text' : `the file '${value}'`} is not usable: ${(error as Error).message}`, `pass ${expected} or a path to such a file`)
  }
}

function readPemPath(input: string, value: string): string {
  if (value.includes('\n')) {
    throw new InputError(input, 'is neither PEM text (no "-----BEGIN" line) nor a path to a file', 'pass the PEM text itself, starting with "-----BEGIN", or the path of a PEM file')
  }
  if (/^[A-Za-z0-9+/=]{40,}$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN ')) {
    throw new InputError(input, 'looks like base64-encoded PEM', 'store the PEM text itself in the secret, or decode it in an earlier step and pass the file path')
  }
  return readInputFile(input, value, OR_PEM_TEXT)
}

/** `orInstead` is the other way to give the same thing, for the fix. */
function readInputFile(input: string, path: string, orInstead: string, line?: number): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`
    throw new InputError(input, `the file '${path}' ${why} (relative paths start at ${process.cwd()})`, `check the path, or ${orInstead}`, line)
  }
}

const OR_PEM_TEXT = 'pass the PEM text itself (e.g. from a secret)'

function maskPem(pem: string): void {
  core.setSecret(pem)
  // The runner masks a multi-line secret line by line only when each line is registered.
  for (const line of pem.split(/\r?\n/)) {
    if (line.trim() !== '' && !line.startsWith('-----')) core.setSecret(line.trim())
  }
}

function readBaseConfig(): BaseConfig | undefined {
  const path = core.getInput('buildkitd-config')
  const inline = core.getInput('buildkitd-config-inline', { trimWhitespace: false })
  if (path !== '' && inline.trim() !== '') {
    throw new InputError('buildkitd-config-inline', 'is set together with `buildkitd-config`', 'keep one of them: a path to a TOML file, or the TOML text inline')
  }
  if (path !== '') {
    const text = readInputFile('buildkitd-config', path, 'give the TOML text in `buildkitd-config-inline`')
    return { table: parseBaseConfig('buildkitd-config', text), input: 'buildkitd-config' }
  }
  if (inline.trim() !== '') return { table: parseBaseConfig('buildkitd-config-inline', inline), input: 'buildkitd-config-inline' }
  return undefined
}

function parseBaseConfig(input: 'buildkitd-config' | 'buildkitd-config-inline', text: string): TomlTable {
  try {
    return parseToml(text)
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '')
      throw new InputError(input, `invalid TOML: ${reason}`, `correct the TOML at line ${error.line}, column ${error.column}`, error.line)
    }
    throw error
  }
}
