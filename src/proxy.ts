import { domainToASCII } from 'node:url'
import {
  cidrContains,
  isLoopbackIp,
  joinHostPort,
  parseCidr,
  parseIp,
  sameIp,
  splitHostPort,
  type Ip
} from './go-net.js'
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

/** The variables naming a proxy, upper case first: a non-empty upper-case one wins. */
export const PROXY_URL_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'] as const
/** The variables Go reads: the proxies, then the hosts that go direct. */
export const PROXY_VARIABLES = [...PROXY_URL_VARIABLES, 'NO_PROXY', 'no_proxy'] as const

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
  const parse = (text: string): URL | undefined => (URL.canParse(text) ? new URL(text) : undefined)
  const parsed = parse(value)
  if (parsed && parsed.protocol !== '' && parsed.host !== '') return parsed
  return parse(`http://${value}`)
}

/** Config.ProxyFunc: the proxy for each URL, from one reading of the configuration. */
export function proxyFunc(config: ProxyConfig): (url: URL) => ProxyChoice {
  const httpProxy = parseProxy(config.httpProxy)
  const httpsProxy = parseProxy(config.httpsProxy)
  const matchers = noProxyMatchers(config.noProxy)
  const byScheme: Record<string, URL | undefined> = { 'https:': httpsProxy, 'http:': httpProxy }
  return url => {
    const proxy = byScheme[url.protocol]
    if (proxy && config.cgi && url.protocol === 'http:')
      return { error: 'refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy' }
    return proxy && useProxy(matchers, canonicalAddr(url)) ? { proxy } : {}
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

/** Go's matcher: whether a NO_PROXY entry covers a host (lower case), its port and address (none for a name). */
type Matcher = (host: string, port: string, ip: Ip | undefined) => boolean

/** init(): NO_PROXY, comma-separated; `*` matches all; CIDRs, IPs (with ports) and domains. */
function noProxyMatchers(noProxy: string): { ip: Matcher[]; domain: Matcher[] } {
  const ip: Matcher[] = []
  const domain: Matcher[] = []
  for (const entry of noProxy.split(',')) {
    const p = entry.trim().toLowerCase()
    if (p === '') continue
    if (p === '*') {
      const all = (): boolean => true
      return { ip: [all], domain: [all] }
    }
    const cidr = parseCidr(p)
    if (cidr) {
      ip.push((_host, _port, address) => !!address && cidrContains(cidr, address))
      continue
    }
    const split = splitHostPort(p)
    if (split?.host === '') continue
    const pport = split?.port ?? ''
    let phost = split ? withoutBrackets(split.host) : p
    // net.ParseIP takes no zone: `fe80::1%eth0` in NO_PROXY is a (useless) domain, as in Go.
    const pip = phost.includes('%') ? undefined : parseIp(phost)
    if (pip) {
      ip.push((_host, port, address) => !!address && sameIp(pip, address) && (pport === '' || pport === port))
      continue
    }
    if (phost === '') continue
    if (phost.startsWith('*.')) phost = phost.slice(1)
    // `example.com` matches the host itself too, `.example.com` only its subdomains.
    const matchHost = !phost.startsWith('.')
    const suffix = idnaAscii(matchHost ? `.${phost}` : phost)
    domain.push(
      (host, port, address) =>
        !address &&
        (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) &&
        (pport === '' || pport === port)
    )
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
  if (ip && matchers.ip.some(match => match(name, port, ip))) return false
  return !matchers.domain.some(match => match(name, port, ip))
}

/** canonicalAddr: the URL's host (IDNA to ASCII) with its port, or the scheme's. */
function canonicalAddr(url: URL): string {
  const hostname = idnaAscii(withoutBrackets(url.hostname))
  return joinHostPort(hostname, url.port || defaultPort(url.protocol))
}

/** An IPv6 literal's host without its brackets. */
function withoutBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

function idnaAscii(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name
  const leadingDot = name.startsWith('.')
  const ascii = domainToASCII(leadingDot ? name.slice(1) : name)
  return ascii === '' ? name : `${leadingDot ? '.' : ''}${ascii}`
}
