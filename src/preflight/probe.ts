import { request } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { originOf, portOf, type ProxyEnv, type RegistryTarget } from '../model.js'
import { beforeDeadline, openTcp, openTls } from '../registry-client/connect.js'
import {
  openProxy,
  openTunnel,
  PROXY_ANSWERS,
  ProxyAnswerError,
  proxyRoute,
  type ProxyRoute
} from '../registry-client/proxy-route.js'
import { DeadlineError } from '../registry-client/tls.js'

/** What to probe, and with which trust: the same as BuildKit will use. */
export interface ProbeTarget extends RegistryTarget {
  /** BuildKit's proxy variables (the builder's environment): the probe goes where a push will. */
  proxyEnv?: { builder: ProxyEnv }
}

/** `proxy`: connected to the proxy, waiting for its tunnel (CONNECT) or its answer. */
export type ProbeStage = 'resolve' | 'connect' | 'proxy' | 'tls' | 'http' | 'done'

export interface CertificateFacts {
  /** subjectAltName entries, e.g. `DNS:registry.internal`, `IP Address:10.0.0.5`. */
  names: string[]
  validFrom: string
  validTo: string
}

export interface HttpAnswer {
  status: number
  wwwAuthenticate?: string
  contentType?: string
}

/** What one probe saw, without judging it: diagnosis.ts turns this into a verdict and a fix. */
export interface ProbeFacts {
  /** The stage reached; with `error`, the stage that failed. */
  stage: ProbeStage
  timedOut: boolean
  error?: { code: string; message: string }
  /** Set when the TLS handshake completed but verification failed (Node's code, e.g. CERT_HAS_EXPIRED). */
  verifyError?: string
  certificate?: CertificateFacts
  sentClientCert: boolean
  answer?: HttpAnswer
  /** A TLS registry whose handshake failed: did the port answer plain HTTP instead? */
  answersPlainHttp?: boolean
  /** A registry listed as `http` that answered oddly: does the port complete a TLS handshake? */
  answersTls?: boolean
  /** The proxy the probe went through, without credentials, and its variable; undefined: direct. */
  proxy?: string
  /** The proxy's own answer, not the registry's: to CONNECT, or 407/502/503/504 to a plain-HTTP request. */
  proxyStatus?: number
  ms: number
}

const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA'])

/**
 * Connects to one registry the way BuildKit will (TCP, then TLS with SNI and the same CA and
 * keypair, or plain HTTP; through the proxy Go's rules pick for it, as BuildKit's Go client
 * would: CONNECT for TLS, an absolute-form request for plain HTTP) and asks `GET /v2/`, all
 * within `timeoutMs`. Never throws: every failure is recorded in the facts.
 */
export async function probeRegistry(target: ProbeTarget, timeoutMs: number): Promise<ProbeFacts> {
  const started = performance.now()
  const deadline = started + timeoutMs
  const facts: ProbeFacts = {
    stage: 'connect',
    timedOut: false,
    sentClientCert: !!target.keypair && target.transport !== 'http',
    ms: 0
  }
  const url = new URL(`${originOf(target)}/v2/`)
  const { route, error: refusal } = proxyRoute(target.proxyEnv?.builder, url)
  facts.proxy = route?.shown
  if (refusal) {
    facts.error = { code: 'EPROXYCGI', message: refusal }
    facts.ms = Math.round(performance.now() - started)
    return facts
  }
  const sockets: Socket[] = []
  try {
    const probing = { target, route, facts, deadline, sockets }
    if (target.transport === 'http') await askPlainHttp(probing, url)
    else await askTls(probing)
    facts.stage = 'done'
  } catch (error) {
    facts.timedOut = error instanceof DeadlineError
    if (error instanceof ProxyAnswerError) facts.proxyStatus = error.status
    const { code, message } = error as NodeJS.ErrnoException
    facts.error = { code: code ?? 'ERROR', message }
    if (code && DNS_FAILURES.has(code) && facts.stage === 'connect') facts.stage = 'resolve'
  } finally {
    for (const socket of sockets) socket.destroy()
  }
  await secondLook(target, facts, deadline, route)
  facts.ms = Math.round(performance.now() - started)
  return facts
}

/** One probe under way: what it probes, its route, what it saw so far, its deadline and its sockets. */
interface Probing {
  target: ProbeTarget
  route?: ProxyRoute
  facts: ProbeFacts
  deadline: number
  sockets: Socket[]
}

/** GET /v2/ over plain HTTP, directly or through the proxy (whose own answers, 407, 502…, are its refusal). */
async function askPlainHttp({ target, route, facts, deadline, sockets }: Probing, url: URL): Promise<void> {
  const { hostname } = target.host
  const socket = route
    ? await openProxy(route, target, deadline, sockets)
    : await openTcp(hostname, portOf(target.host, target.transport), deadline, sockets)
  facts.stage = route ? 'proxy' : 'http'
  const answer = await getV2(socket, target.host.text, deadline, route && { url: url.href, route })
  if (route && PROXY_ANSWERS.has(answer.status)) {
    facts.proxyStatus = answer.status
    throw new ProxyAnswerError(answer.status, `the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`)
  }
  facts.stage = 'http'
  facts.answer = answer
}

/** TLS (through the proxy's tunnel when there is one), verification judged afterwards, then GET /v2/. */
async function askTls({ target, route, facts, deadline, sockets }: Probing): Promise<void> {
  const { hostname } = target.host
  const port = portOf(target.host, target.transport)
  const toProxy = (): ProbeStage => (facts.stage = 'proxy')
  const tunnel = route ? await openTunnel(route, target, hostname, port, deadline, sockets, toProxy) : undefined
  const secure = await openTls(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'), tunnel)
  facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined
  facts.certificate = certificateFacts(secure)
  facts.stage = 'http'
  facts.answer = await getV2(secure, target.host.text, deadline)
}

/** The two transport mix-ups get a second look, so the fix can say which one the registry speaks. */
async function secondLook(target: ProbeTarget, facts: ProbeFacts, deadline: number, route?: ProxyRoute): Promise<void> {
  const { hostname } = target.host
  const port = portOf(target.host, target.transport)
  // A raw connection to the registry's port: direct, or a tunnel through the proxy.
  const openRaw = (sockets: Socket[]): Promise<Socket> =>
    route ? openTunnel(route, target, hostname, port, deadline, sockets) : openTcp(hostname, port, deadline, sockets)
  // A TLS registry whose handshake failed: does the port answer GET /v2/ in plain HTTP?
  if (target.transport !== 'http' && facts.stage === 'tls' && facts.error && !facts.timedOut) {
    facts.answersPlainHttp = await succeeds(async sockets => getV2(await openRaw(sockets), target.host.text, deadline))
  }
  // A registry listed as `http` that answered oddly: does the port complete a TLS handshake (unverified)?
  if (
    target.transport === 'http' &&
    ((facts.stage === 'http' && facts.error && !facts.timedOut) || facts.answer?.status === 400)
  ) {
    facts.answersTls = await succeeds(async sockets => {
      // Through the proxy's tunnel; directly, openTls opens its own TCP connection.
      const tunnel = route ? await openRaw(sockets) : undefined
      await openTls(hostname, port, { ca: '' }, deadline, sockets, undefined, tunnel)
    })
  }
}

function certificateFacts(socket: TLSSocket): CertificateFacts | undefined {
  const peer = socket.getPeerCertificate()
  if (!peer || Object.keys(peer).length === 0) return undefined
  const names = peer.subjectaltname ? peer.subjectaltname.split(', ') : []
  return { names, validFrom: peer.valid_from, validTo: peer.valid_to }
}

/**
 * `GET /v2/` over an open connection: the registry API root answers 200, or 401 asking for
 * credentials. Through a proxy (plain HTTP), the request line carries the whole URL.
 */
function getV2(
  socket: Socket,
  host: string,
  deadline: number,
  viaProxy?: { url: string; route: ProxyRoute }
): Promise<HttpAnswer> {
  return beforeDeadline<HttpAnswer>(deadline, 'no HTTP answer before the deadline', (resolve, reject) => {
    const headers: Record<string, string> = {
      Host: host,
      'User-Agent': 'setup-buildkit-registry-preflight',
      Connection: 'close'
    }
    if (viaProxy?.route.authorization) headers['Proxy-Authorization'] = viaProxy.route.authorization
    const req = request({ createConnection: () => socket, path: viaProxy?.url ?? '/v2/', method: 'GET', headers })
    req.once('response', response => {
      const header = (name: string): string | undefined => {
        const value = response.headers[name]
        return Array.isArray(value) ? value.join(', ') : value
      }
      resolve({
        status: response.statusCode ?? 0,
        wwwAuthenticate: header('www-authenticate'),
        contentType: header('content-type')
      })
      response.destroy()
    })
    req.once('error', reject)
    req.end()
    return socket
  })
}

/** Whether `attempt` succeeds; the sockets it opened are closed either way. */
async function succeeds(attempt: (sockets: Socket[]) => Promise<unknown>): Promise<boolean> {
  const sockets: Socket[] = []
  try {
    await attempt(sockets)
    return true
  } catch {
    return false
  } finally {
    for (const socket of sockets) socket.destroy()
  }
}
