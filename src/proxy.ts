import { isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import type { ProxyEnv } from './model.js'

// Which proxy a Go program takes for a URL: BuildKit's registry client (util/resolver: Proxy is
// http.ProxyFromEnvironment) and buildx's token fetches both use net/http, which takes the rules
// of golang.org/x/net/http/httpproxy (proxy.go at commit 0ca694d2a5adcce7f36d4d65e5f8d72390d94051,
// BSD-3-Clause). Ported rule for rule, so that preflight goes where a push will, and tested
// against the cases of its proxy_test.go. Pure: the variables come in as data.
//
// Portions Copyright 2017 The Go Authors. All rights reserved. Use of this source code is governed
// by a BSD-style license, whose text is in THIRD_PARTY_NOTICES.md. Changed by setup-buildkit-registry
// authors: translated from Go to TypeScript, the environment passed in as data.

/** The variables Go reads, upper case first: a non-empty upper-case one wins. */
export const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy'
] as const
export type ProxyVariable = (typeof PROXY_VARIABLES)[number]

/** httpproxy.Config: what FromEnvironment reads. */
export interface ProxyConfig {
  httpProxy: string
  httpsProxy: string
  noProxy: string
  /** A CGI process (REQUEST_METHOD set) refuses HTTP_PROXY, which a client could have set. */
  cgi: boolean
}

/** The proxy for one URL: a URL, none (direct), or Go's refusal. */
export interface ProxyChoice {
  proxy?: URL
  error?: string
}

/** The variables of `env` that concern proxies, as data for the plan and preflight. */
export function readProxyEnv(env: NodeJS.ProcessEnv): ProxyEnv {
  const picked: Record<string, string> = {}
  for (const name of [...PROXY_VARIABLES, 'REQUEST_METHOD']) {
    const value = env[name]
    if (value !== undefined && value !== '') picked[name] = value
  }
  return picked
}

/** httpproxy.FromEnvironment. */
export function proxyConfig(env: ProxyEnv): ProxyConfig {
  return {
    httpProxy: env.HTTP_PROXY || env.http_proxy || '',
    httpsProxy: env.HTTPS_PROXY || env.https_proxy || '',
    noProxy: env.NO_PROXY || env.no_proxy || '',
    cgi: !!env.REQUEST_METHOD
  }
}

/**
 * httpproxy.parseProxy: a full URL, or `host[:port]` taken as http://. undefined for '' or a value
 * neither form parses (Go's init then ignores it: no proxy). Node's URL parser stands in for Go's;
 * the one difference that matters here, a URL with a scheme but no host, is refused by both.
 */
export function parseProxy(value: string): URL | undefined {
  if (value === '') return undefined
  const parse = (text: string): URL | undefined => {
    try {
      return new URL(text)
    } catch {
      return undefined
    }
  }
  const parsed = parse(value)
  if (parsed && parsed.protocol !== '' && parsed.host !== '') return parsed
  return parse(`http://${value}`) ?? undefined
}

/** Config.ProxyFunc: the proxy for each URL, from one reading of the configuration. */
export function proxyFunc(config: ProxyConfig): (url: URL) => ProxyChoice {
  const httpProxy = parseProxy(config.httpProxy)
  const httpsProxy = parseProxy(config.httpsProxy)
  const matchers = noProxyMatchers(config.noProxy)
  return url => {
    let proxy: URL | undefined
    if (url.protocol === 'https:') proxy = httpsProxy
    else if (url.protocol === 'http:') {
      proxy = httpProxy
      if (proxy && config.cgi)
        return { error: 'refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy' }
    }
    if (!proxy || !useProxy(matchers, canonicalAddr(url))) return {}
    return { proxy }
  }
}

/** The proxy Go would take for `url` given `env`: proxyFunc(proxyConfig(env)) for one URL. */
export function proxyFor(env: ProxyEnv, url: URL): ProxyChoice {
  return proxyFunc(proxyConfig(env))(url)
}

/** A proxy URL fit to show: its credentials replaced by `***`, the rest as Go would dial it. */
export function redactedProxy(url: URL): string {
  const credentials = url.username !== '' || url.password !== '' ? '***@' : ''
  return `${url.protocol}//${credentials}${url.host}`
}

/**
 * What to mask of a proxy variable's value: the password, as written and decoded, the userinfo
 * and the whole value. Empty when it carries no password.
 */
export function proxySecrets(value: string): string[] {
  const url = parseProxy(value)
  if (!url || url.password === '') return []
  const decoded = safeDecode(url.password)
  return [...new Set([value, `${url.username}:${url.password}`, url.password, decoded])]
}

/**
 * Every URL's userinfo in `text` replaced by `***`, also in the scheme-less `user:pass@host:port`
 * form Go takes for a proxy: for lines that may show proxy variables (a command line, an error).
 */
export function redactUrlCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, '$1***@')
    .replace(/(^|[\s="',])[^\s/@="',:]+:[^\s/@"',]*@/g, '$1***@')
}

/** Go's Proxy-Authorization for a proxy URL with userinfo (transport.go: basic auth of the decoded parts). */
export function proxyAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined
  const pair = `${safeDecode(url.username)}:${safeDecode(url.password)}`
  return `Basic ${Buffer.from(pair).toString('base64')}`
}

/** net/http's ports by scheme, for a URL that names none (canonicalAddr's portMap). */
export function defaultPort(protocol: string): string {
  return { 'http:': '80', 'https:': '443', 'socks5:': '1080' }[protocol] ?? ''
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

interface Matcher {
  match(host: string, port: string, ip: Ip | undefined): boolean
}

/** An address as 16 bytes, IPv4 as ::ffff:a.b.c.d, as Go's net.IP does for comparisons. */
type Ip = Uint8Array

/** init(): NO_PROXY, comma-separated; `*` matches all; CIDRs, IPs (with ports) and domains. */
function noProxyMatchers(noProxy: string): { ip: Matcher[]; domain: Matcher[] } {
  const ip: Matcher[] = []
  const domain: Matcher[] = []
  for (const entry of noProxy.split(',')) {
    const p = entry.trim().toLowerCase()
    if (p === '') continue
    if (p === '*') {
      const all = { match: () => true }
      return { ip: [all], domain: [all] }
    }
    const cidr = parseCidr(p)
    if (cidr) {
      ip.push({ match: (_host, _port, address) => !!address && cidrContains(cidr, address) })
      continue
    }
    let phost: string
    let pport = ''
    const split = splitHostPort(p)
    if (split) {
      if (split.host === '') continue
      phost = split.host
      pport = split.port
      if (phost.startsWith('[') && phost.endsWith(']')) phost = phost.slice(1, -1)
    } else {
      phost = p
    }
    // net.ParseIP takes no zone: `fe80::1%eth0` in NO_PROXY is a (useless) domain, as in Go.
    const pip = phost.includes('%') ? undefined : parseIp(phost)
    if (pip) {
      ip.push({
        match: (_host, port, address) => !!address && sameIp(pip, address) && (pport === '' || pport === port)
      })
      continue
    }
    if (phost === '') continue
    if (phost.startsWith('*.')) phost = phost.slice(1)
    let matchHost = false
    if (!phost.startsWith('.')) {
      matchHost = true
      phost = `.${phost}`
    }
    const suffix = idnaAscii(phost)
    domain.push({
      match: (host, port, address) =>
        !address &&
        (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) &&
        (pport === '' || pport === port)
    })
  }
  return { ip, domain }
}

/** useProxy: false for localhost, loopback addresses and what NO_PROXY matches. */
function useProxy(matchers: { ip: Matcher[]; domain: Matcher[] }, addr: string): boolean {
  if (addr === '') return true
  const split = splitHostPort(addr)
  if (!split) return false
  const { host, port } = split
  if (host === 'localhost') return false
  const ip = parseIp(host)
  if (ip && isLoopbackIp(ip)) return false
  const name = host.trim().toLowerCase()
  if (ip && matchers.ip.some(matcher => matcher.match(name, port, ip))) return false
  return !matchers.domain.some(matcher => matcher.match(name, port, ip))
}

/** canonicalAddr: the URL's host (IDNA to ASCII) with its port, or the scheme's. */
function canonicalAddr(url: URL): string {
  const hostname = idnaAscii(url.hostname.replace(/^\[(.*)\]$/, '$1'))
  return joinHostPort(hostname, url.port || defaultPort(url.protocol))
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

function idnaAscii(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name
  const leadingDot = name.startsWith('.')
  const ascii = domainToASCII(leadingDot ? name.slice(1) : name)
  return ascii === '' ? name : `${leadingDot ? '.' : ''}${ascii}`
}

/** net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':')
  if (i < 0) return undefined
  let host: string
  let j = 0
  let k = 0
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']')
    if (end < 0) return undefined
    if (end + 1 === hostport.length) return undefined
    if (end + 1 !== i) return undefined
    host = hostport.slice(1, end)
    j = 1
    k = end + 1
  } else {
    host = hostport.slice(0, i)
    if (host.includes(':')) return undefined
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined
  return { host, port: hostport.slice(i + 1) }
}

/** net.ParseIP (netip.ParseAddr for hosts: a zone, as in fe80::1%eth0, is dropped for comparison). */
function parseIp(text: string): Ip | undefined {
  const address = text.replace(/%.*$/, '')
  const family = isIP(address)
  if (family === 4) return mapV4(address.split('.').map(Number))
  if (family !== 6) return undefined
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined]
  const groups = (part: string): number[] => {
    if (part === '') return []
    const pieces = part.split(':')
    const last = pieces[pieces.length - 1]
    const words = pieces.slice(0, last.includes('.') ? -1 : undefined).map(piece => parseInt(piece, 16))
    if (last.includes('.')) {
      const [a, b, c, d] = last.split('.').map(Number)
      words.push((a << 8) | b, (c << 8) | d)
    }
    return words
  }
  const front = groups(head)
  const back = tail === undefined ? [] : groups(tail)
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
  const bytes = new Uint8Array(16)
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8
    bytes[index * 2 + 1] = word & 0xff
  })
  return bytes
}

function mapV4(octets: number[]): Ip {
  return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...octets])
}

/** net.IP.To4 succeeds: an IPv4 address, or one mapped into IPv6. */
function isV4(ip: Ip): boolean {
  return ip.slice(0, 10).every(byte => byte === 0) && ip[10] === 0xff && ip[11] === 0xff
}

function isLoopbackIp(ip: Ip): boolean {
  if (isV4(ip)) return ip[12] === 127
  return ip.slice(0, 15).every(byte => byte === 0) && ip[15] === 1
}

function sameIp(a: Ip, b: Ip): boolean {
  return a.every((byte, index) => byte === b[index])
}

interface Cidr {
  network: Ip
  /** Prefix length over the 16-byte form (an IPv4 /n is 96 + n). */
  bits: number
}

/** net.ParseCIDR: `address/bits`, the network masked. */
function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const address = text.slice(0, slash)
  if (address.includes('%')) return undefined
  const ip = parseIp(address)
  const digits = text.slice(slash + 1)
  if (!ip || !/^[0-9]+$/.test(digits)) return undefined
  const v4Syntax = isIP(address) === 4
  const prefix = Number(digits)
  if (prefix > (v4Syntax ? 32 : 128)) return undefined
  const bits = v4Syntax ? 96 + prefix : prefix
  return { network: masked(ip, bits), bits }
}

function masked(ip: Ip, bits: number): Ip {
  return ip.map((byte, index) => {
    const keep = Math.max(0, Math.min(8, bits - index * 8))
    return byte & ((0xff << (8 - keep)) & 0xff)
  })
}

/** IPNet.Contains: an IPv4 network holds only IPv4 addresses, an IPv6 one only IPv6 ones. */
function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (isV4(cidr.network) !== isV4(ip)) return false
  return sameIp(masked(ip, cidr.bits), cidr.network)
}
