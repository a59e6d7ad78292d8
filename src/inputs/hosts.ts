import { isIPv4, isIPv6 } from 'node:net'
import type { HostAddress } from '../model.js'
import { InputError } from './input-error.js'

const HOST_FORM = 'HOST or HOST:PORT (an IPv6 address in brackets: [::1]:5000)'
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i

/** Why a text is not a host address, and what to write instead. */
export interface HostProblem {
  problem: string
  fix: string
}

/**
 * Parses a registry address strictly, so that its text can become a TOML key
 * and a file name without escaping anything. The one place a host is split
 * into name and port; the rest of the action reads the parts.
 */
export function parseHost(text: string, input: string, line: number): HostAddress {
  const host = readHostAddress(text)
  if ('problem' in host) throw new InputError(input, host.problem, host.fix, line)
  return host
}

/**
 * The same rules for a host that did not come from an input (a token realm a registry names): no
 * scheme, path, `..` or separator, so its text is safe as a directory name. Pure.
 */
export function readHostAddress(text: string): HostAddress | HostProblem {
  const fail = (problem: string, fix: string): HostProblem => ({ problem, fix })
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (scheme) {
    const bare = text.slice(scheme[0].length).replace(/\/.*$/, '')
    const hint = scheme[1].toLowerCase() === 'http' ? ` and add the \`http\` option (\`${bare} http\`)` : ''
    return fail(`'${text}' has a scheme`, `drop '${scheme[0]}' and write '${bare}'${hint}`)
  }
  if (text.includes('/')) {
    return fail(`'${text}' has a path`, `write only ${HOST_FORM}, e.g. '${text.replace(/\/.*$/, '')}'`)
  }

  let hostname: string
  let port: string | undefined
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text)
  if (bracketed) {
    hostname = bracketed[1]
    port = bracketed[2]
    if (!isIPv6(hostname)) return fail(`'${hostname}' in brackets is not an IPv6 address`, `write ${HOST_FORM}`)
  } else {
    // isIPv6 builds a large pattern on its first call (3 ms, every run): asked only of text with two
    // colons or more, as every IPv6 address has.
    if (text.indexOf(':') !== text.lastIndexOf(':') && isIPv6(text))
      return fail(`the IPv6 address '${text}' is not in brackets`, `write '[${text}]' (with a port: '[${text}]:5000')`)
    const colon = text.lastIndexOf(':')
    hostname = colon === -1 ? text : text.slice(0, colon)
    port = colon === -1 ? undefined : text.slice(colon + 1)
    const validName =
      isIPv4(hostname) || (hostname.length <= 253 && hostname.split('.').every(label => DNS_LABEL.test(label)))
    if (!validName) return fail(`'${hostname}' is not a valid host name or address`, `write ${HOST_FORM}`)
  }
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return fail(
      `'${port}' is not a port number`,
      'use a port from 1 to 65535, or none for the default (443, or 80 with `http`)'
    )
  }
  return { text, hostname, port: port === undefined ? undefined : Number(port) }
}
