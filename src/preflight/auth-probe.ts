import { request as requestHttp, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as requestHttps } from 'node:https'
import type { Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import type { HostAddress, Keypair, ProxyEnv, TokenTrust, Transport } from '../model.js'
import { defaultPort } from '../proxy.js'
import type { Challenge } from './challenge.js'
import { remaining } from './connect.js'
import { authorityOf, connectTunnel, openProxy, proxyRoute } from './proxy-route.js'
import { DeadlineError, trustOptions } from './tls.js'
import { isTlsFailure } from './tls-errors.js'

/** A registry that answered 401, and what a build will log in with. */
export interface AuthTarget {
  host: HostAddress
  transport: Transport
  /** The registry's own trust (buildkitd.toml): for GET /v2/ with the token or the credentials. */
  ca: string
  keypair?: Keypair
  challenge: Challenge
  credential?: { username: string; password: string }
  tokenTrust: TokenTrust
  scope: string
  /** The proxy variables of BuildKit (registry requests, and tokens it fetches) and of buildx on the runner (tokens it fetches). */
  proxyEnv?: { builder: ProxyEnv; runner: ProxyEnv }
}

export type AuthStage = 'token-connect' | 'token-tls' | 'token' | 'registry' | 'done'

/** What logging in saw, without judging it (auth-diagnosis.ts does), and without any secret. */
export interface AuthFacts {
  scheme: 'bearer' | 'basic'
  realm?: string
  /** The stage reached; with `error`, the stage that failed. */
  stage: AuthStage
  timedOut: boolean
  error?: { code: string; message: string }
  /** The token endpoint's answer (the last request made). */
  tokenStatus?: number
  /** The realm gave a token: only then is its host trusted by the daemon (plan/daemon-trust.ts). */
  tokenFetched?: boolean
  /** GET /v2/ with the token (Bearer) or the credentials (Basic). */
  registryStatus?: number
  sentClientCert: boolean
  /** The proxy the token request went through (without credentials); undefined: direct. */
  realmProxy?: string
}

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
 * Logs in as a build will: Bearer, a token from the realm (the same trust, the given
 * credentials, the push scope) and GET /v2/ with it; Basic, GET /v2/ with the credentials.
 * Never throws: every failure is in the facts.
 */
export async function probeAuth(target: AuthTarget, deadline: number): Promise<AuthFacts> {
  const scheme = target.challenge.scheme === 'bearer' ? 'bearer' : 'basic'
  const facts: AuthFacts = {
    scheme,
    realm: target.challenge.realm,
    stage: 'registry',
    timedOut: false,
    sentClientCert: false
  }
  const registryUrl = new URL(`${target.transport === 'http' ? 'http' : 'https'}://${target.host.text}/v2/`)
  const registryTls = {
    ca: target.ca,
    keypair: target.keypair,
    verify: target.transport !== 'insecure',
    proxyEnv: target.proxyEnv?.builder
  }
  try {
    if (scheme === 'basic') {
      if (!target.credential) return facts
      const { username, password } = target.credential
      const basic = Buffer.from(`${username}:${password}`).toString('base64')
      facts.registryStatus = (
        await send(registryUrl, 'GET', { Authorization: `Basic ${basic}` }, '', registryTls, deadline)
      ).status
      facts.stage = 'done'
      return facts
    }
    const realm = new URL(target.challenge.realm ?? '')
    const { tokenTrust } = target
    facts.sentClientCert = !!tokenTrust.keypair && realm.protocol === 'https:'
    facts.stage = 'token-connect'
    const token = await fetchToken(realm, target, facts, deadline)
    if (token === undefined) return facts
    facts.tokenFetched = true
    facts.stage = 'registry'
    facts.registryStatus = (
      await send(registryUrl, 'GET', { Authorization: `Bearer ${token}` }, '', registryTls, deadline)
    ).status
    facts.stage = 'done'
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    facts.timedOut = error instanceof DeadlineError
    facts.error = { code: code ?? 'ERROR', message }
    if (facts.stage === 'token-connect' && code && isTlsFailure(`${code} ${message}`)) facts.stage = 'token-tls'
  }
  return facts
}

/**
 * buildx (buildkit authprovider.go FetchToken) posts an OAuth2 password grant first and falls back
 * to GET with basic auth on 401/404/405; buildkitd (util/resolver/authorizer.go fetchToken) tries GET
 * first. Without credentials, both GET anonymously. Returns the token, or undefined with the status.
 */
async function fetchToken(
  realm: URL,
  target: AuthTarget,
  facts: AuthFacts,
  deadline: number
): Promise<string | undefined> {
  const { credential, tokenTrust, challenge, scope } = target
  // Tokens come from whoever fetches them: buildx through the runner's proxy, BuildKit through its own.
  const proxyEnv = tokenTrust.fetchedBy === 'buildx' ? target.proxyEnv?.runner : target.proxyEnv?.builder
  facts.realmProxy = proxyRoute(proxyEnv, realm).route?.shown
  const trust = { ca: tokenTrust.ca, keypair: tokenTrust.keypair, verify: true, proxyEnv }
  const get = (): Promise<Answer> => {
    const url = new URL(realm)
    if (challenge.service) url.searchParams.set('service', challenge.service)
    url.searchParams.set('scope', scope)
    const headers: Record<string, string> = credential
      ? { Authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` }
      : {}
    return send(url, 'GET', headers, '', trust, deadline)
  }
  const post = (): Promise<Answer> => {
    const form = new URLSearchParams({ scope, client_id: 'buildkit-client', grant_type: 'password' })
    if (challenge.service) form.set('service', challenge.service)
    form.set('username', credential?.username ?? '')
    form.set('password', credential?.password ?? '')
    return send(
      realm,
      'POST',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      form.toString(),
      trust,
      deadline
    )
  }
  const order = !credential ? [get] : tokenTrust.fetchedBy === 'buildx' ? [post, get] : [get, post]
  let answer = await order[0]()
  facts.stage = 'token'
  if (order.length > 1 && [401, 404, 405].includes(answer.status)) answer = await order[1]()
  facts.tokenStatus = answer.status
  if (answer.status !== 200) return undefined
  try {
    const body = JSON.parse(answer.body) as { token?: string; access_token?: string }
    return body.token || body.access_token || undefined
  } catch {
    return undefined
  }
}

/** One request's trust: PEM on top of the system roots, the keypair, whether to verify, and the proxy variables of who sends it. */
export interface RequestTrust {
  ca: string
  keypair?: Keypair
  verify: boolean
  proxyEnv?: ProxyEnv
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
  options: SendOptions = {}
): Promise<Answer> {
  const secure = url.protocol === 'https:'
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  const { route, error } = proxyRoute(trust.proxyEnv, url)
  if (error) throw Object.assign(new Error(error), { code: 'EPROXYCGI' })
  const sockets: Socket[] = []
  try {
    let connection: Socket | undefined
    const sent = { ...headers }
    let path: string | undefined
    if (route) {
      const proxySocket = await openProxy(route, trust, deadline, sockets)
      if (secure) {
        const tunnel = await connectTunnel(
          proxySocket,
          authorityOf(hostname, Number(url.port || defaultPort(url.protocol))),
          route,
          deadline
        )
        // Node 20 crashes on an alert arriving at a wrapped socket without a listener.
        tunnel.on('error', () => undefined)
        connection = connectTls({
          socket: tunnel,
          ...trustOptions(hostname, trust),
          rejectUnauthorized: trust.verify
        })
        sockets.push(connection)
      } else {
        connection = proxySocket
        path = url.href
        if (route.authorization) sent['Proxy-Authorization'] = route.authorization
      }
    }
    return await requestOnce(url, method, sent, body, trust, deadline, connection, path, options)
  } finally {
    for (const socket of sockets) socket.destroy()
  }
}

function requestOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer,
  trust: RequestTrust,
  deadline: number,
  connection: Socket | undefined,
  path: string | undefined,
  { sink, signal }: SendOptions = {}
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const secure = url.protocol === 'https:'
    const hostname = url.hostname.replace(/^\[|\]$/g, '')
    const options = {
      method,
      headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...headers },
      ...(secure ? { ...trustOptions(hostname, trust), rejectUnauthorized: trust.verify } : {}),
      ...(path ? { path } : {}),
      // Without an agent, a connection of our own (through a proxy) is taken as it is.
      ...(connection ? { createConnection: () => connection } : { agent: false as const }),
      ...(signal ? { signal } : {})
    }
    const request = (secure ? requestHttps : requestHttp)(url, options, (response: IncomingMessage) => {
      const answer = { status: response.statusCode ?? 0, headers: response.headers, body: '' }
      if (sink && answer.status === 200) {
        sink(response).then(
          () => {
            clearTimeout(timer)
            resolve(answer)
          },
          (error: unknown) => {
            clearTimeout(timer)
            request.destroy()
            reject(error as Error)
          }
        )
        return
      }
      let text = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (text += chunk))
      response.on('end', () => {
        clearTimeout(timer)
        resolve({ ...answer, body: text })
      })
      response.on('error', reject)
    })
    const timer = setTimeout(
      () => request.destroy(new DeadlineError('no answer before the deadline')),
      remaining(deadline)
    )
    request.once('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    request.end(body)
  })
}
