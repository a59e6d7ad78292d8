import { request as requestHttp, type IncomingMessage } from 'node:http'
import { request as requestHttps } from 'node:https'
import { isIP } from 'node:net'
import { rootCertificates } from 'node:tls'
import type { HostAddress, Keypair, TokenTrust, Transport } from '../model.js'
import type { Challenge } from './challenge.js'

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
  /** GET /v2/ with the token (Bearer) or the credentials (Basic). */
  registryStatus?: number
  sentClientCert: boolean
}

interface Answer {
  status: number
  body: string
}

class DeadlineError extends Error {
  readonly code = 'ETIMEDOUT'
}

const TLS_FAILURE = /CERT|SELF_SIGNED|VERIFY|ALTNAME|ERR_SSL|ERR_TLS|alert|handshake/i

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
  const registryTls = { ca: target.ca, keypair: target.keypair, verify: target.transport !== 'insecure' }
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
    facts.stage = 'registry'
    facts.registryStatus = (
      await send(registryUrl, 'GET', { Authorization: `Bearer ${token}` }, '', registryTls, deadline)
    ).status
    facts.stage = 'done'
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    facts.timedOut = error instanceof DeadlineError
    facts.error = { code: code ?? 'ERROR', message }
    if (facts.stage === 'token-connect' && code && TLS_FAILURE.test(`${code} ${message}`)) facts.stage = 'token-tls'
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
  const trust = { ca: tokenTrust.ca, keypair: tokenTrust.keypair, verify: true }
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

/** One request with its own trust, within the deadline; the body is read (tokens are small). */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
  trust: { ca: string; keypair?: Keypair; verify: boolean },
  deadline: number
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const secure = url.protocol === 'https:'
    const hostname = url.hostname.replace(/^\[|\]$/g, '')
    const options = {
      method,
      headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...headers },
      // Node's `ca` replaces its roots: keep them, as Go adds to the system pool.
      ...(secure
        ? {
            ca: trust.ca ? [...rootCertificates, trust.ca] : undefined,
            cert: trust.keypair?.cert,
            key: trust.keypair?.key,
            servername: isIP(hostname) ? undefined : hostname,
            rejectUnauthorized: trust.verify
          }
        : {}),
      agent: false as const
    }
    const request = (secure ? requestHttps : requestHttp)(url, options, (response: IncomingMessage) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (text += chunk))
      response.on('end', () => {
        clearTimeout(timer)
        resolve({ status: response.statusCode ?? 0, body: text })
      })
      response.on('error', reject)
    })
    const timer = setTimeout(
      () => request.destroy(new DeadlineError('no answer before the deadline')),
      Math.max(0, deadline - performance.now())
    )
    request.once('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    request.end(body)
  })
}
