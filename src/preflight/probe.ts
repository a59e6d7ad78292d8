import { request } from 'node:http'
import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { connect as connectTls, rootCertificates, type TLSSocket } from 'node:tls'
import { portOf, type HostAddress, type Keypair, type Transport } from '../model.js'

/** What to probe, and with which trust: the same as BuildKit will use. */
export interface ProbeTarget {
  host: HostAddress
  transport: Transport
  /** PEM trusted on top of the system roots; '' for none. */
  ca: string
  keypair?: Keypair
}

export type ProbeStage = 'resolve' | 'connect' | 'tls' | 'http' | 'done'

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
  ms: number
}

const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA'])

class DeadlineError extends Error {
  readonly code = 'ETIMEDOUT'
}

/**
 * Connects to one registry the way BuildKit will (TCP, then TLS with SNI and
 * the same CA and keypair, or plain HTTP) and asks `GET /v2/`, all within
 * `timeoutMs`. Never throws: every failure is recorded in the facts.
 */
export async function probeRegistry(target: ProbeTarget, timeoutMs: number): Promise<ProbeFacts> {
  const started = performance.now()
  const deadline = started + timeoutMs
  const { hostname } = target.host
  const port = portOf(target.host, target.transport)
  const facts: ProbeFacts = {
    stage: 'connect',
    timedOut: false,
    sentClientCert: !!target.keypair && target.transport !== 'http',
    ms: 0
  }
  const sockets: Socket[] = []
  try {
    let socket: Socket
    if (target.transport === 'http') {
      socket = await openTcp(hostname, port, deadline, sockets)
    } else {
      const secure = await openTls(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'))
      facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined
      facts.certificate = certificateFacts(secure)
      socket = secure
    }
    facts.stage = 'http'
    facts.answer = await getV2(socket, target.host.text, deadline)
    facts.stage = 'done'
  } catch (error) {
    facts.timedOut = error instanceof DeadlineError
    const { code, message } = error as NodeJS.ErrnoException
    facts.error = { code: code ?? 'ERROR', message }
    if (code && DNS_FAILURES.has(code)) facts.stage = 'resolve'
  } finally {
    for (const socket of sockets) socket.destroy()
  }

  // The two transport mix-ups get a second look, so the fix can say which one the registry speaks.
  if (target.transport !== 'http' && facts.stage === 'tls' && facts.error && !facts.timedOut) {
    facts.answersPlainHttp = await answersPlainHttp(hostname, target.host.text, port, deadline)
  }
  if (
    target.transport === 'http' &&
    ((facts.stage === 'http' && facts.error && !facts.timedOut) || facts.answer?.status === 400)
  ) {
    facts.answersTls = await completesTlsHandshake(hostname, port, deadline)
  }
  facts.ms = Math.round(performance.now() - started)
  return facts
}

function remaining(deadline: number): number {
  return Math.max(0, deadline - performance.now())
}

/** Resolves with `value` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
function settle<T>(socket: Socket, event: string, deadline: number, value: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new DeadlineError('no answer before the deadline'))
    }, remaining(deadline))
    socket.once(event, () => {
      clearTimeout(timer)
      resolve(value())
    })
    socket.once('error', error => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** Node resolves the name and tries each address in turn (autoSelectFamily is on by default), as Go's dialer does for BuildKit. */
function openTcp(hostname: string, port: number, deadline: number, sockets: Socket[]): Promise<Socket> {
  const socket = connectTcp({ host: hostname, port })
  sockets.push(socket)
  return settle(socket, 'connect', deadline, () => socket)
}

/**
 * TCP and TLS in one: tls.connect opens the TCP connection itself (wrapping a
 * socket we opened first crashes Node 20 when the server's alert arrives after
 * teardown). `onConnected` marks the end of the TCP stage.
 */
function openTls(
  hostname: string,
  port: number,
  trust: Pick<ProbeTarget, 'ca' | 'keypair'>,
  deadline: number,
  sockets: Socket[],
  onConnected = (): void => {}
): Promise<TLSSocket> {
  const secure = connectTls({
    host: hostname,
    port,
    // SNI carries names only; for an address, Node checks the certificate's IP entries against `host`.
    servername: isIP(hostname) ? undefined : hostname,
    // Node's `ca` replaces its roots: keep them, as BuildKit adds `ca` to the system pool.
    ca: trust.ca ? [...rootCertificates, trust.ca] : undefined,
    cert: trust.keypair?.cert,
    key: trust.keypair?.key,
    // Verification is judged afterwards, from authorizationError, so that it can be explained.
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1']
  })
  sockets.push(secure)
  secure.once('connect', onConnected)
  return settle(secure, 'secureConnect', deadline, () => secure)
}

function certificateFacts(socket: TLSSocket): CertificateFacts | undefined {
  const peer = socket.getPeerCertificate()
  if (!peer || Object.keys(peer).length === 0) return undefined
  const names = peer.subjectaltname ? peer.subjectaltname.split(', ') : []
  return { names, validFrom: peer.valid_from, validTo: peer.valid_to }
}

/** `GET /v2/` over an open connection: the registry API root answers 200, or 401 asking for credentials. */
function getV2(socket: Socket, host: string, deadline: number): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new DeadlineError('no HTTP answer before the deadline'))
    }, remaining(deadline))
    const req = request({
      createConnection: () => socket,
      path: '/v2/',
      method: 'GET',
      headers: { Host: host, 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close' }
    })
    req.once('response', response => {
      clearTimeout(timer)
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
    req.once('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    req.end()
  })
}

async function answersPlainHttp(hostname: string, host: string, port: number, deadline: number): Promise<boolean> {
  const sockets: Socket[] = []
  try {
    await getV2(await openTcp(hostname, port, deadline, sockets), host, deadline)
    return true
  } catch {
    return false
  } finally {
    for (const socket of sockets) socket.destroy()
  }
}

async function completesTlsHandshake(hostname: string, port: number, deadline: number): Promise<boolean> {
  const sockets: Socket[] = []
  try {
    await openTls(hostname, port, { ca: '' }, deadline, sockets)
    return true
  } catch {
    return false
  } finally {
    for (const socket of sockets) socket.destroy()
  }
}
