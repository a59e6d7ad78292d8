import { request, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { ProxyEnv, Trust } from '../model.js'
import { defaultPort, proxyAuthorization, proxyFor, redactedProxy } from '../proxy.js'
import { beforeDeadline, openTcp, openTls } from './connect.js'

/** The proxy a request goes through, as Go's net/http would take it (proxy.ts). */
export interface ProxyRoute {
  url: URL
  /** The proxy URL without credentials, and the variable it comes from: `http://***@proxy:3128 (HTTPS_PROXY)`. */
  shown: string
  /** `Proxy-Authorization`, from the URL's credentials. */
  authorization?: string
}

/** The route to `target` for a process with `env`: a proxy, none (direct), or Go's refusal as an error. */
export function proxyRoute(env: ProxyEnv | undefined, target: URL): { route?: ProxyRoute; error?: string } {
  if (!env) return {}
  const { proxy, error } = proxyFor(env, target)
  if (error) return { error }
  if (!proxy) return {}
  // Named as Go reads it: the upper-case variable when it is set, else the lower-case one.
  const upper = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
  const variable = env[upper] ? upper : upper.toLowerCase()
  return {
    route: { url: proxy, shown: `${redactedProxy(proxy)} (${variable})`, authorization: proxyAuthorization(proxy) }
  }
}

/** Answers to a plain-HTTP request that come from the proxy, not the registry: credentials, or no way through. */
export const PROXY_ANSWERS: ReadonlySet<number> = new Set([407, 502, 503, 504])

/** The proxy answered CONNECT, or a request, with a status that is not the registry's: 407, 403, 502… */
export class ProxyAnswerError extends Error {
  readonly code = 'EPROXY'
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** A connection to the proxy itself: TCP, or TLS for an `https://` proxy (Go verifies it with the same trust). */
export async function openProxy(route: ProxyRoute, trust: Trust, deadline: number, sockets: Socket[]): Promise<Socket> {
  const { url } = route
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw Object.assign(new Error(`preflight cannot go through a ${url.protocol.slice(0, -1)} proxy`), {
      code: 'EPROXYSCHEME'
    })
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = Number(url.port || defaultPort(url.protocol))
  if (url.protocol === 'http:') return openTcp(hostname, port, deadline, sockets)
  const secure = await openTls(hostname, port, trust, deadline, sockets)
  if (secure.authorizationError)
    throw Object.assign(new Error(`the proxy's certificate does not verify: ${String(secure.authorizationError)}`), {
      code: String(secure.authorizationError)
    })
  return secure
}

/**
 * `CONNECT host:port` through an open connection to the proxy (as Go's transport: the target's
 * canonical address, Proxy-Authorization from the proxy URL). Resolves with the tunnel once the
 * proxy answers 2xx; a proxy's other answer is a ProxyAnswerError.
 */
export function connectTunnel(
  proxySocket: Socket,
  authority: string,
  route: ProxyRoute,
  deadline: number
): Promise<Socket> {
  const silence = `the proxy ${route.shown} did not answer CONNECT ${authority} before the deadline`
  return beforeDeadline<Socket>(deadline, silence, (resolve, reject) => {
    const headers: Record<string, string> = { Host: authority, 'User-Agent': 'setup-buildkit-registry-preflight' }
    if (route.authorization) headers['Proxy-Authorization'] = route.authorization
    const req = request({ method: 'CONNECT', path: authority, headers, createConnection: () => proxySocket })
    const refused = (response: IncomingMessage): void => {
      response.resume()
      reject(
        new ProxyAnswerError(
          response.statusCode ?? 0,
          `the proxy ${route.shown} answered CONNECT ${authority} with ` +
            `${response.statusCode} ${response.statusMessage ?? ''}`.trim()
        )
      )
    }
    req.once('connect', (response: IncomingMessage, tunnel: Socket) => {
      const status = response.statusCode ?? 0
      if (status < 200 || status > 299) return refused(response)
      resolve(tunnel)
    })
    req.once('response', refused)
    req.once('error', reject)
    req.end()
    return req
  })
}

/** A tunnel to `hostname:port` through the proxy; `onProxy` once the proxy itself is connected. */
export async function openTunnel(
  route: ProxyRoute,
  trust: Trust,
  hostname: string,
  port: number,
  deadline: number,
  sockets: Socket[],
  onProxy = (): void => {}
): Promise<Socket> {
  const proxySocket = await openProxy(route, trust, deadline, sockets)
  onProxy()
  return connectTunnel(proxySocket, authorityOf(hostname, port), route, deadline)
}

/** `host:port` as a CONNECT line and Go's canonicalAddr write it: IPv6 in brackets, the port always. */
export function authorityOf(hostname: string, port: number): string {
  return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`
}
