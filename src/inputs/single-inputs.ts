import * as core from '@actions/core'
import { isAbsolute } from 'node:path'
import type { CaCertScope, DaemonTrustMode, PreflightMode } from '../model.js'
import { buildkitdConfigPath } from '../paths.js'
import { InputError } from './input-error.js'
import { getInput, type InputName } from './input-names.js'

// The inputs that are one value each (a boolean, a number, a mode, a path, a version), read and
// checked as read-inputs.ts assembles the Inputs: each an InputError naming the input and the fix.

/** `ca-cert-scope`: `all` widens `ca-cert`, so it needs one. */
export function readCaCertScope(caCert: string | undefined): CaCertScope {
  const value = getInput('ca-cert-scope') || 'registries'
  if (value !== 'registries' && value !== 'all')
    throw new InputError(
      'ca-cert-scope',
      `'${value}' is not a scope`,
      'write `registries` (ca-cert for the listed registries) or `all` (also every other TLS connection of the builder)'
    )
  if (value === 'all' && !caCert)
    throw new InputError(
      'ca-cert-scope',
      'is `all`, but `ca-cert` is empty: there is no CA to add to the builder',
      'set `ca-cert` to the CA(s) every TLS connection of the build must trust, or drop `ca-cert-scope`'
    )
  return value
}

/** The YAML 1.2 booleans that core.getBooleanInput takes; undefined for anything else. */
export function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return undefined
}

export function booleanInput(name: InputName, fallback: boolean): boolean {
  const value = getInput(name)
  if (value === '') return fallback
  const parsed = parseBoolean(value)
  if (parsed === undefined) throw new InputError(name, `'${value}' is not a boolean`, 'write true or false')
  return parsed
}

export function readMaxParallelism(): number | undefined {
  const value = getInput('max-parallelism')
  if (value === '') return undefined
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InputError(
      'max-parallelism',
      `'${value}' is not a positive whole number`,
      'write how many build steps BuildKit may run at once, e.g. 4, or leave it empty for no limit'
    )
  }
  return Number(value)
}

export function readPreflightMode(): PreflightMode {
  const value = getInput('preflight') || 'warn'
  if (value === 'error' || value === 'warn' || value === 'off') return value
  throw new InputError(
    'preflight',
    `'${value}' is not a preflight mode`,
    'write `error` (fail the step), `warn` (annotate and go on) or `off`'
  )
}

export function readPreflightTimeout(): number {
  const value = getInput('preflight-timeout') || '5'
  const seconds = Number(value)
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || seconds <= 0 || seconds > 300) {
    throw new InputError(
      'preflight-timeout',
      `'${value}' is not a number of seconds from 0 to 300`,
      'write how long each registry may take to answer, e.g. 5'
    )
  }
  return seconds
}

export function readDaemonTrust(): DaemonTrustMode {
  const value = getInput('trust-docker-daemon') || 'false'
  if (value === 'restart') return 'restart'
  const parsed = parseBoolean(value)
  if (parsed !== undefined) return parsed ? 'certs' : 'off'
  throw new InputError(
    'trust-docker-daemon',
    `'${value}' is not true, false or restart`,
    'write true (certs.d for TLS registries), restart (also insecure-registries for HTTP ones, reloading the ' +
      'daemon) or false'
  )
}

/** `install-config` as the path it names ('' for none); post reads it too, to prove a saved path the job's. */
export function readInstallConfigPath(): string {
  const value = getInput('install-config')
  const parsed = value === '' ? false : parseBoolean(value)
  if (parsed === false) return ''
  if (parsed === true) return buildkitdConfigPath(process.getuid?.() ?? -1, process.env)
  if (!isAbsolute(value))
    throw new InputError(
      'install-config',
      `'${value}' is neither true/false nor an absolute path`,
      'write true (the default buildkitd config location), false, or an absolute path such as ' +
        '/etc/buildkit/buildkitd.toml'
    )
  return value
}

/**
 * `buildx-version`, or docker/setup-buildx-action's `version` (same meaning); `buildx-version`
 * wins when both are set. A git reference (theirs builds buildx from source) is refused.
 */
export function readBuildxVersion(): string {
  const ours = getInput('buildx-version')
  const theirs = getInput('version')
  if (ours !== '' && theirs !== '' && ours !== theirs)
    core.warning(`Both \`buildx-version\` (${ours}) and \`version\` (${theirs}) are set: installing ${ours}.`)
  const input: InputName = ours !== '' ? 'buildx-version' : 'version'
  const value = ours || theirs
  if (value === '' || value === 'latest' || /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value)) return value
  throw new InputError(
    input,
    `'${value}' is not a buildx ` +
      `release${/[#/]/.test(value) ? ' (building buildx from a git reference is not supported)' : ''}`,
    'write a release tag such as v0.19.3, or `latest`, or leave it empty to use the installed buildx'
  )
}
