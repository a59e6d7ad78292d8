import * as core from '@actions/core'
import { basicAuth, type Credential, type Login } from '../model.js'
import { parseHost } from './hosts.js'
import { InputError } from './input-error.js'
import { getInput } from './input-names.js'
import { firstLineTracker, meaningfulLines } from './lines.js'

const FORM = 'HOST=USERNAME:PASSWORD, e.g. registry.internal:5443=ci:${{ secrets.REGISTRY_PASSWORD }}'

/**
 * Parses the `credentials` input. Errors name the line but never quote it:
 * it holds a password.
 */
export function parseCredentialLines(text: string, input = 'credentials'): Credential[] {
  const firstLineOf = firstLineTracker()
  return meaningfulLines(text).map(({ text: lineText, line }) => {
    const equals = lineText.indexOf('=')
    const colon = lineText.indexOf(':', equals + 1)
    if (equals <= 0 || colon === -1)
      throw new InputError(
        input,
        'is not HOST=USERNAME:PASSWORD (the line is not shown: it holds a password)',
        `write ${FORM}`,
        line
      )
    const host = parseHost(lineText.slice(0, equals), input, line).text
    const username = lineText.slice(equals + 1, colon)
    const password = lineText.slice(colon + 1)
    if (username === '' || password === '')
      throw new InputError(
        input,
        `the ${username === '' ? 'username' : 'password'} for ${host} is empty`,
        `write ${FORM}`,
        line
      )
    const earlier = firstLineOf(host, line)
    if (earlier !== undefined)
      throw new InputError(
        input,
        `${host} has credentials on line ${earlier} already`,
        'keep one line per registry',
        line
      )
    return { host, username, password }
  })
}

/**
 * `username`/`password` apply to every listed registry; a `credentials` line
 * for a host wins over them.
 */
export function resolveCredentials(
  registryHosts: string[],
  pair: Login | undefined,
  lines: Credential[]
): Credential[] {
  const byHost = new Map(lines.map(credential => [credential.host.toLowerCase(), credential]))
  const fromPair = pair
    ? registryHosts.filter(host => !byHost.has(host.toLowerCase())).map(host => ({ host, ...pair }))
    : []
  return [...fromPair, ...lines]
}

/**
 * `username`/`password` and `credentials`, for `registryHosts`: the hosts `username`/`password`
 * apply to, the listed registries only. A mirror is often someone
 * else's (mirror.gcr.io), and BuildKit sends a host's credentials as soon as it answers 401, so a
 * mirror gets them only when it is listed in `registries` too, or from a `credentials` line of its
 * own. The token realms a registry names get the registry's credentials in the token protocol
 * (buildx's auth provider and BuildKit look them up by the registry's host), nothing more.
 */
export function readCredentials(registryHosts: string[]): Credential[] {
  const username = getInput('username')
  const password = getInput('password')
  if (password !== '') core.setSecret(password)
  if ((username === '') !== (password === '')) {
    const [missing, given] = username === '' ? ['username', 'password'] : ['password', 'username']
    throw new InputError(
      missing,
      `is empty while \`${given}\` is set`,
      'set both, or use `credentials` (HOST=USERNAME:PASSWORD per line)'
    )
  }
  if (username !== '' && registryHosts.length === 0) {
    throw new InputError(
      'username',
      'applies to the registries in `registries` (not to mirrors), and none is listed',
      'list the registry in `registries`, or use `credentials` (HOST=USERNAME:PASSWORD per line; a mirror needs a ' +
        'line of its own)'
    )
  }
  const lines = parseCredentialLines(getInput('credentials'))
  const credentials = resolveCredentials(registryHosts, username === '' ? undefined : { username, password }, lines)
  // The runner masks only what it is told: the passwords, and the base64 form docker stores.
  for (const credential of credentials) {
    core.setSecret(credential.password)
    core.setSecret(basicAuth(credential))
  }
  return credentials
}
