import { isIP } from 'node:net'
import { InputError } from './input-error.js'

/** How BuildKit talks to a registry. */
export type Transport = 'tls' | 'http' | 'insecure'

/** One line of the `registries` input. */
export interface RegistryLine {
  /** `host`, `host:port` or `[ipv6]:port`, exactly the key BuildKit looks up. */
  host: string
  transport: Transport
  /** Paths given with `ca=`: CAs for this registry only. */
  caPaths: string[]
  /** 1-based line in the input, for error messages. */
  line: number
}

/** One line of the `mirror` input. */
export interface MirrorLine {
  /** The registry being mirrored; `docker.io` when the line names only mirrors. */
  upstream: string
  /** `host[:port]` with an optional path prefix (BuildKit allows one, e.g. Harbor's proxy projects). */
  mirrors: string[]
  line: number
}

const REGISTRY_OPTIONS = '`http` (plain HTTP), `insecure` (TLS without verification) or `ca=PATH`'
const HOST_FORM = 'HOST or HOST:PORT (an IPv6 address in brackets: [::1]:5000)'
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i
const MIRROR_PATH = /^(\/[A-Za-z0-9._-]+)+$/

/**
 * Splits a multi-line input into its meaningful lines, keeping 1-based line
 * numbers. `#` starts a comment at the beginning of a line or after white space.
 */
export function meaningfulLines(text: string): { text: string; line: number }[] {
  return text
    .split(/\r?\n/)
    .map((raw, index) => ({ text: raw.replace(/(^|\s)#.*$/, '').trim(), line: index + 1 }))
    .filter(entry => entry.text !== '')
}

/**
 * Validates a registry address strictly, so that it can become a TOML key and
 * a file name without escaping anything. Returns it unchanged when valid.
 */
export function parseHost(text: string, input: string, line: number): string {
  const fail = (problem: string, fix: string): never => {
    throw new InputError(input, problem, fix, line)
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (scheme) {
    const bare = text.slice(scheme[0].length).replace(/\/.*$/, '')
    const hint = scheme[1].toLowerCase() === 'http' ? ` and add the \`http\` option (\`${bare} http\`)` : ''
    fail(`'${text}' has a scheme`, `drop '${scheme[0]}' and write '${bare}'${hint}`)
  }
  if (text.includes('/')) {
    fail(`'${text}' has a path`, `write only ${HOST_FORM}, e.g. '${text.replace(/\/.*$/, '')}'`)
  }

  let hostname: string
  let port: string | undefined
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text)
  if (bracketed) {
    hostname = bracketed[1]
    port = bracketed[2]
    if (isIP(hostname) !== 6) fail(`'${hostname}' in brackets is not an IPv6 address`, `write ${HOST_FORM}`)
  } else {
    if (isIP(text) === 6) fail(`the IPv6 address '${text}' is not in brackets`, `write '[${text}]' (with a port: '[${text}]:5000')`)
    const colon = text.lastIndexOf(':')
    hostname = colon === -1 ? text : text.slice(0, colon)
    port = colon === -1 ? undefined : text.slice(colon + 1)
    const validName = isIP(hostname) === 4 || (hostname.length <= 253 && hostname.split('.').every(label => DNS_LABEL.test(label)))
    if (!validName) fail(`'${hostname}' is not a valid host name or address`, `write ${HOST_FORM}`)
  }
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    fail(`'${port}' is not a port number`, 'use a port from 1 to 65535, or none for the default (443, or 80 with `http`)')
  }
  return text
}

/** The host part of a mirror entry (which may carry a path prefix). */
export function mirrorHost(mirror: string): string {
  const slash = mirror.indexOf('/')
  return slash === -1 ? mirror : mirror.slice(0, slash)
}

/** True for names that reach this machine itself: a builder container must then share the host network. */
export function isLoopbackHost(host: string): boolean {
  const bracketed = /^\[(.*)\]/.exec(host)
  const hostname = bracketed ? bracketed[1] : host.replace(/:[0-9]+$/, '')
  const lower = hostname.toLowerCase()
  return lower === 'localhost' || lower.endsWith('.localhost') || /^127\./.test(lower) || lower === '::1'
}

export function parseRegistries(text: string, input = 'registries'): RegistryLine[] {
  const seen = new Map<string, number>()
  return meaningfulLines(text).map(({ text: lineText, line }) => {
    const [hostText, ...options] = lineText.split(/\s+/)
    const host = parseHost(hostText, input, line)
    const earlier = seen.get(host.toLowerCase())
    if (earlier !== undefined) {
      throw new InputError(input, `'${host}' is listed again (first on line ${earlier})`, 'keep one line per registry, with all its options on it', line)
    }
    seen.set(host.toLowerCase(), line)
    return { host, line, ...parseRegistryOptions(options, host, input, line) }
  })
}

function parseRegistryOptions(options: string[], host: string, input: string, line: number): Pick<RegistryLine, 'transport' | 'caPaths'> {
  let http = false
  let insecure = false
  const caPaths: string[] = []
  for (const option of options) {
    if (option === 'http') http = true
    else if (option === 'insecure') insecure = true
    else if (option.startsWith('ca=') && option.length > 3) caPaths.push(option.slice(3))
    else if (option === 'ca' || option === 'ca=') {
      throw new InputError(input, `'${option}' has no path`, `write ca=PATH, e.g. '${host} ca=certs/${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem'`, line)
    } else if (option === 'https' || option === 'tls') {
      throw new InputError(input, `unknown option '${option}'`, `drop it: a registry line with no option is TLS, verified against the system roots and \`ca-cert\``, line)
    } else {
      throw new InputError(input, `unknown option '${option}'`, `use ${REGISTRY_OPTIONS}`, line)
    }
  }
  if (http && insecure) {
    throw new InputError(input, '`http` and `insecure` together', '`http` is plain HTTP with no TLS at all; `insecure` is TLS without certificate checks: keep the one the registry speaks', line)
  }
  if (http && caPaths.length > 0) {
    throw new InputError(input, '`http` with `ca=`', 'a plain-HTTP registry uses no certificate: drop `ca=`, or drop `http` if the registry speaks TLS', line)
  }
  return { transport: http ? 'http' : insecure ? 'insecure' : 'tls', caPaths }
}

export function parseMirrors(text: string, input = 'mirror'): MirrorLine[] {
  const seen = new Map<string, number>()
  return meaningfulLines(text).map(({ text: lineText, line }) => {
    if (/\s/.test(lineText)) {
      throw new InputError(input, `'${lineText}' has spaces`, 'write one MIRROR, or UPSTREAM=MIRROR[,MIRROR...] with no spaces, per line', line)
    }
    const equals = lineText.indexOf('=')
    const upstream = equals === -1 ? 'docker.io' : parseHost(lineText.slice(0, equals), input, line)
    const list = equals === -1 ? lineText : lineText.slice(equals + 1)
    if (list === '' || list.split(',').some(entry => entry === '')) {
      throw new InputError(input, `'${lineText}' has an empty mirror`, 'write UPSTREAM=MIRROR[,MIRROR...], e.g. ghcr.io=mirror.example.com:5000', line)
    }
    const mirrors = list.split(',').map(entry => parseMirror(entry, input, line))
    for (const mirror of mirrors) {
      const key = `${upstream} ${mirror}`.toLowerCase()
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        throw new InputError(input, `mirror '${mirror}' for ${upstream} is listed again (first on line ${earlier})`, 'list each mirror once', line)
      }
      seen.set(key, line)
    }
    return { upstream, mirrors, line }
  })
}

function parseMirror(entry: string, input: string, line: number): string {
  // parseHost of the whole entry reports a scheme with its fix; the host part is then checked alone.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) parseHost(entry, input, line)
  const host = parseHost(mirrorHost(entry), input, line)
  const path = entry.slice(host.length)
  if (path !== '' && !MIRROR_PATH.test(path)) {
    throw new InputError(input, `'${path}' is not a valid mirror path`, 'write MIRROR as host[:port] or host[:port]/path with letters, digits, dots, dashes and underscores', line)
  }
  return entry
}
