import { request as requestHttp, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as requestHttps, type RequestOptions } from 'node:https'
import type { Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import type { ProxyEnv, RegistryTarget, Trust } from '../model.js'
import { defaultPort } from '../proxy.js'
import { remaining } from './connect.js'
import { openProxy, openTunnel, proxyRoute } from './proxy-route.js'
import { DeadlineError, trustOptions } from './tls.js'

// One HTTP request to a registry or a token service, with its own trust and through the proxy
// Go's rules pick: what preflight's login, the image pull and the merge all send through.

/** A registry's answer: its status, headers, and body (unless a sink took it). */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * What a request may do besides reading a small body: `sink` takes the body of a 200 answer as
 * it streams (an image's blobs), and `signal` stops the request (a cancelled job).
 */
export interface SendOptions {
  sink?: (response: IncomingMessage) => Promise<void>
  signal?: AbortSignal
}

/**
 * One request's trust: PEM on top of the system roots, the keypair, whether to verify, and the proxy
 * variables of who sends it.
 */
export interface RequestTrust extends Trust {
  verify: boolean
  proxyEnv?: ProxyEnv
}

/** The trust of requests to the registry itself: its CA and keypair, verified unless it is `insecure`. */
export function registryTrust(target: RegistryTarget, proxyEnv?: ProxyEnv): RequestTrust {
  return { ca: target.ca, keypair: target.keypair, verify: target.transport !== 'insecure', proxyEnv }
}

/**
 * One request with its own trust, within the deadline; the body is read (tokens are small).
 * Through the proxy Go's rules pick: CONNECT for https (TLS through the tunnel, verified the
 * same), the whole URL in the request line for http.
 */
export async function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer,
  trust: RequestTrust,
  deadline: number,
  { sink, signal }: SendOptions = {}
): Promise<Answer> {
  const secure = url.protocol === 'https:'
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  const { route, error } = proxyRoute(trust.proxyEnv, url)
  if (error) throw Object.assign(new Error(error), { code: 'EPROXYCGI' })
  const tls = { ...trustOptions(hostname, trust), rejectUnauthorized: trust.verify }
  const sockets: Socket[] = []
  try {
    let connection: Socket | undefined
    const sent = { ...headers }
    // The absolute URL a proxy is sent in the request line.
    let path: string | undefined
    if (route && secure) {
      const port = Number(url.port || defaultPort(url.protocol))
      const tunnel = await openTunnel(route, trust, hostname, port, deadline, sockets)
      // Node 20 crashes on an alert arriving at a wrapped socket without a listener.
      tunnel.on('error', () => undefined)
      connection = connectTls({ socket: tunnel, ...tls })
      sockets.push(connection)
    } else if (route) {
      connection = await openProxy(route, trust, deadline, sockets)
      path = url.href
      if (route.authorization) sent['Proxy-Authorization'] = route.authorization
    }
    const options: RequestOptions = {
      method,
      headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...sent },
      ...(secure ? tls : {}),
      ...(path ? { path } : {}),
      // Without an agent, a connection of our own (through a proxy) is taken as it is.
      ...(connection ? { createConnection: () => connection } : { agent: false as const }),
      ...(signal ? { signal } : {})
    }
    return await requestOnce(url, options, body, deadline, sink)
  } finally {
    for (const socket of sockets) socket.destroy()
  }
}

/** The request, within the deadline: a sink takes a 200's body, any other body is read. */
function requestOnce(
  url: URL,
  options: RequestOptions,
  body: string | Buffer,
  deadline: number,
  sink: SendOptions['sink']
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const settled = (then: () => void): void => {
      clearTimeout(timer)
      then()
    }
    const request = (url.protocol === 'https:' ? requestHttps : requestHttp)(url, options, response => {
      const answer = { status: response.statusCode ?? 0, headers: response.headers, body: '' }
      if (sink && answer.status === 200) {
        sink(response).then(
          () => settled(() => resolve(answer)),
          (error: unknown) =>
            settled(() => {
              request.destroy()
              reject(error as Error)
            })
        )
        return
      }
      let text = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (text += chunk))
      response.on('end', () => settled(() => resolve({ ...answer, body: text })))
      response.on('error', reject)
    })
    const timer = setTimeout(
      () => request.destroy(new DeadlineError('no answer before the deadline')),
      remaining(deadline)
    )
    request.once('error', error => settled(() => reject(error)))
    request.end(body)
  })
}

/**
 * The registry's own words in a refusal: the first of an errors body (`{"errors":[{"code","message"}]}`),
 * else the body's first words; short, and raw for the caller to neutralize where it shows them.
 */
export function registryWords(body: string): string {
  try {
    const first = (JSON.parse(body) as { errors?: { code?: string; message?: string }[] }).errors?.[0]
    if (first) return [first.code, first.message].filter(Boolean).join(': ').slice(0, 300)
  } catch {
    // Not the registry's JSON: the first words of it.
  }
  return body.trim().slice(0, 300)
}
