import type { Credential, Login } from '../model.js'
import { parseHost } from './hosts.js'
import { InputError } from './input-error.js'
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
