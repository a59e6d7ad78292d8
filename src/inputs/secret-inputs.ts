import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { proxySecrets } from '../proxy.js'
import { meaningfulLines } from './lines.js'
import { decodeBase64Pem } from './pem.js'
import { getInput, getMultilineInput } from './input-names.js'

// Every input that holds a secret is registered with the runner before any input is parsed, so
// that no message about a bad input (a key taken for a path, a line that does not parse) can show
// a secret the runner was not told about yet. The parsers never quote these inputs either.

/** The inputs that hold a private key: PEM text, base64 of it, or the path of a file. */
export const KEY_INPUTS = ['client-key', 'endpoint-client-key'] as const

/** The proxy variables whose URLs may carry a password (`http://user:pass@proxy:3128`). */
const PROXY_URL_VARIABLE = /^(https?_proxy|all_proxy)$/i

/**
 * A key input's value is a path only when a file of that name exists; anything else (PEM, base64,
 * a JWK, a bare base64url key) is taken for the key itself.
 */
export function isExistingPath(value: string): boolean {
  return !/[\r\n]/.test(value) && existsSync(value)
}

/** Masks `password`, the passwords of `credentials`, the key inputs and the proxy URLs of `driver-opts`. */
export function maskSecretInputs(): void {
  const password = getInput('password')
  if (password !== '') core.setSecret(password)
  for (const secret of credentialPasswords(getInput('credentials'))) core.setSecret(secret)
  for (const input of KEY_INPUTS) {
    const value = getInput(input)
    if (value === '' || isExistingPath(value)) continue
    const decoded = decodeBase64Pem(value)
    maskPem(value, ...(decoded === undefined ? [] : [decoded]))
  }
  for (const secret of driverOptProxySecrets(getMultilineInput('driver-opts'))) core.setSecret(secret)
}

/**
 * What follows `HOST=USERNAME:` on each `credentials` line, cut as parseCredentialLines cuts it,
 * whether or not the line is valid. Pure.
 */
export function credentialPasswords(text: string): string[] {
  return meaningfulLines(text).flatMap(({ text: line }) => {
    const colon = line.indexOf(':', line.indexOf('=') + 1)
    const password = colon === -1 ? '' : line.slice(colon + 1)
    return password === '' ? [] : [password]
  })
}

/** The credentials of proxy URLs set as `env.HTTPS_PROXY=…` (and the like) driver options. Pure. */
export function driverOptProxySecrets(lines: string[]): string[] {
  return lines.flatMap(line => {
    // A value with commas comes quoted as a whole CSV field (topology/builder-proxy.ts).
    const field = line.trim().replace(/^"(.*)"$/s, '$1')
    const match = /^env\.([^=]+)=(.*)$/s.exec(field)
    return match && PROXY_URL_VARIABLE.test(match[1]) ? proxySecrets(match[2]) : []
  })
}

/** Registers texts as secrets with the runner: each whole, and each line, once. */
export function maskPem(...texts: string[]): void {
  const secrets = new Set<string>()
  for (const text of texts) {
    secrets.add(text)
    // The runner masks a multi-line secret line by line only when each line is registered.
    for (const line of text.split(/\r?\n|\r/)) {
      const trimmed = line.trim()
      if (trimmed !== '' && !trimmed.startsWith('-----')) secrets.add(trimmed)
    }
  }
  for (const secret of secrets) core.setSecret(secret)
}
