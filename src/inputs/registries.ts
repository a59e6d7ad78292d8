import type { HostAddress, Transport } from '../model.js'
import { parseHost } from './hosts.js'
import { InputError, inEntry } from './input-error.js'
import { firstLineTracker, meaningfulLines } from './lines.js'

/** One entry of the `registries` input: a line, or one of the comma-separated entries on a line. */
export interface RegistryLine {
  host: HostAddress
  transport: Transport
  /** Paths given with `ca=`: CAs for this registry only. */
  caPaths: string[]
  /** 1-based line in the input, for error messages. */
  line: number
  /** Which entry of its line, for error messages; only on a line that holds several. */
  entry?: string
}

/** One mirror: a registry host, with the path prefix BuildKit allows (e.g. Harbor's proxy projects). */
export interface Mirror {
  host: HostAddress
  /** '' or `/project[/...]`. */
  path: string
}

/** One line of the `mirror` input. */
export interface MirrorLine {
  /** The registry being mirrored; `docker.io` when the line names only mirrors. */
  upstream: HostAddress
  mirrors: Mirror[]
  line: number
}

/** The entry as BuildKit's `mirrors` list takes it. */
export function mirrorText(mirror: Mirror): string {
  return mirror.host.text + mirror.path
}

/**
 * Words that, after a comma, are an option written in the wrong place rather than a registry: the
 * options and their near misses. The same word first on a line is a host name.
 */
export const OPTION_WORD = /^(http|https|insecure|tls|ca(=.*)?)$/i
const REGISTRY_OPTIONS = '`http` (plain HTTP), `insecure` (TLS without verification) or `ca=PATH`'
/** A mirror's path prefix as BuildKit's mirrors take it: `/name[/name…]`, letters, digits, `.`, `_`, `-`. */
export const MIRROR_PATH = /^(\/[A-Za-z0-9._-]+)+$/
const DOCKER_HUB: HostAddress = { text: 'docker.io', hostname: 'docker.io' }

/**
 * The `registries` entries: one per line, or several on a line separated by commas, as docker/*
 * actions read list inputs (`a:5000 http, b:5443`). So a `ca=` path cannot hold a comma.
 */
export function parseRegistries(text: string, input = 'registries'): RegistryLine[] {
  const firstLineOf = firstLineTracker()
  return meaningfulLines(text).flatMap(({ text: lineText, line }) => {
    // Empty entries (`a,,b`, a trailing comma) are skipped, as docker/* actions skip them.
    const entries = lineText
      .split(',')
      .map(entry => entry.trim())
      .filter(entry => entry !== '')
    return entries.map((entryText, index) => {
      const entry = entries.length > 1 ? `entry ${index + 1} ('${entryText}')` : undefined
      return inEntry(entry, () => {
        const [hostText, ...options] = entryText.split(/\s+/)
        if (index > 0) checkEntryStart(hostText, entries[index - 1], input, line)
        const host = parseHost(hostText, input, line)
        const earlier = firstLineOf(host.text, line)
        if (earlier !== undefined) {
          throw new InputError(
            input,
            `'${host.text}' is listed again (first on line ${earlier})`,
            'keep one entry per registry, with all its options on it',
            line
          )
        }
        const parsed = { host, line, ...parseRegistryOptions(options, host.text, input, line) }
        return entry === undefined ? parsed : { ...parsed, entry }
      })
    })
  })
}

/**
 * What follows a comma starts a new registry, so `a:5000, http` names a registry `http`, and
 * `a ca=/certs/x,y/ca.pem` one called `y/ca.pem`: say what was meant.
 */
function checkEntryStart(hostText: string, previous: string, input: string, line: number): void {
  if (OPTION_WORD.test(hostText)) {
    const option = hostText.toLowerCase()
    const fix =
      option === 'tls' || option === 'https'
        ? 'drop it: a registry with no option is TLS'
        : option === 'ca' || option === 'ca='
          ? `write \`ca=PATH\` after its registry with a space: '${previous} ca=PATH'`
          : `write the options after their registry with spaces, not commas: '${previous} ${hostText}'`
    throw new InputError(
      input,
      `'${hostText}' follows a comma, so it reads as a registry of its own`,
      `${fix}; a registry really named '${hostText}' goes on a line of its own`,
      line
    )
  }
  if (hostText.includes('/') && /(^|\s)ca=\S+$/.test(previous)) {
    throw new InputError(
      input,
      `'${hostText}' follows a comma after a \`ca=\` path: the comma ended the path`,
      'a comma separates registries, so a `ca=` path cannot hold one: move or rename the file, or pass the CA in ' +
        '`ca-cert`',
      line
    )
  }
}

function parseRegistryOptions(
  options: string[],
  host: string,
  input: string,
  line: number
): Pick<RegistryLine, 'transport' | 'caPaths'> {
  let http = false
  let insecure = false
  const caPaths: string[] = []
  for (const option of options) {
    if (option === 'http') http = true
    else if (option === 'insecure') insecure = true
    else if (option.startsWith('ca=') && option.length > 3) caPaths.push(option.slice(3))
    else if (option === 'ca' || option === 'ca=') {
      throw new InputError(
        input,
        `'${option}' has no path`,
        `write ca=PATH, e.g. '${host} ca=certs/${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem'`,
        line
      )
    } else {
      const fix =
        option === 'https' || option === 'tls'
          ? 'drop it: a registry line with no option is TLS, verified against the system roots and `ca-cert`'
          : `use ${REGISTRY_OPTIONS}`
      throw new InputError(input, `unknown option '${option}'`, fix, line)
    }
  }
  if (http && insecure) {
    throw new InputError(
      input,
      '`http` and `insecure` together',
      '`http` is plain HTTP with no TLS at all; `insecure` is TLS without certificate checks: ' +
        'keep the one the registry speaks',
      line
    )
  }
  if (http && caPaths.length > 0) {
    throw new InputError(
      input,
      '`http` with `ca=`',
      'a plain-HTTP registry uses no certificate: drop `ca=`, or drop `http` if the registry speaks TLS',
      line
    )
  }
  return { transport: http ? 'http' : insecure ? 'insecure' : 'tls', caPaths }
}

export function parseMirrors(text: string, input = 'mirror'): MirrorLine[] {
  const firstLineOf = firstLineTracker()
  return meaningfulLines(text).map(({ text: lineText, line }) => {
    if (/\s/.test(lineText)) {
      throw new InputError(
        input,
        `'${lineText}' has spaces`,
        'write one MIRROR, or UPSTREAM=MIRROR[,MIRROR...] with no spaces, per line',
        line
      )
    }
    const equals = lineText.indexOf('=')
    const upstream = equals === -1 ? DOCKER_HUB : parseHost(lineText.slice(0, equals), input, line)
    const entries = (equals === -1 ? lineText : lineText.slice(equals + 1)).split(',')
    // ''.split(',') is [''], so an empty list is an empty mirror too.
    if (entries.includes('')) {
      throw new InputError(
        input,
        `'${lineText}' has an empty mirror`,
        'write UPSTREAM=MIRROR[,MIRROR...], e.g. ghcr.io=mirror.example.com:5000',
        line
      )
    }
    const mirrors = entries.map(entry => parseMirror(entry, input, line))
    for (const mirror of mirrors) {
      const earlier = firstLineOf(`${upstream.text} ${mirrorText(mirror)}`, line)
      if (earlier !== undefined) {
        throw new InputError(
          input,
          `mirror '${mirrorText(mirror)}' for ${upstream.text} is listed again (first on line ${earlier})`,
          'list each mirror once',
          line
        )
      }
    }
    return { upstream, mirrors, line }
  })
}

function parseMirror(entry: string, input: string, line: number): Mirror {
  // parseHost of the whole entry reports a scheme with its fix; the host part is then checked alone.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) parseHost(entry, input, line)
  const slash = entry.indexOf('/')
  const host = parseHost(slash === -1 ? entry : entry.slice(0, slash), input, line)
  const path = slash === -1 ? '' : entry.slice(slash)
  if (path !== '' && !MIRROR_PATH.test(path)) {
    throw new InputError(
      input,
      `'${path}' is not a valid mirror path`,
      'write MIRROR as host[:port] or host[:port]/path with letters, digits, dots, dashes and underscores',
      line
    )
  }
  return { host, path }
}
