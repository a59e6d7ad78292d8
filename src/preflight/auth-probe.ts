import { basicAuth, originOf, type Login, type ProxyEnv, type RegistryTarget, type TokenTrust } from '../model.js'
import type { Challenge } from '../registry-client/challenge.js'
import { proxyRoute } from '../registry-client/proxy-route.js'
import { registryTrust, send, type Answer } from '../registry-client/send.js'
import { DeadlineError } from '../registry-client/tls.js'
import { getToken, tokenIn, tokenUrl } from '../registry-client/token.js'
import { isTlsFailure } from './tls-errors.js'

/**
 * A registry that answered 401, and what a build will log in with; its own trust (buildkitd.toml)
 * is for GET /v2/ with the token or the credentials.
 */
export interface AuthTarget extends RegistryTarget {
  challenge: Challenge
  credential?: Login
  tokenTrust: TokenTrust
  scope: string
  /**
   * The proxy variables of BuildKit (registry requests, and tokens it fetches) and of buildx on the
   * runner (tokens it fetches).
   */
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
  const registryUrl = new URL(`${originOf(target)}/v2/`)
  try {
    let authorization: string
    if (scheme === 'basic') {
      if (!target.credential) return facts
      authorization = `Basic ${basicAuth(target.credential)}`
    } else {
      const realm = new URL(target.challenge.realm ?? '')
      facts.sentClientCert = !!target.tokenTrust.keypair && realm.protocol === 'https:'
      facts.stage = 'token-connect'
      const token = await fetchToken(realm, target, facts, deadline)
      if (token === undefined) return facts
      facts.tokenFetched = true
      facts.stage = 'registry'
      authorization = `Bearer ${token}`
    }
    const registryTls = registryTrust(target, target.proxyEnv?.builder)
    facts.registryStatus = (
      await send(registryUrl, 'GET', { Authorization: authorization }, '', registryTls, deadline)
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
  const get = (): Promise<Answer> => getToken(tokenUrl(realm, challenge.service, [scope]), credential, trust, deadline)
  const post = (): Promise<Answer> => {
    const form = new URLSearchParams({ scope, client_id: 'buildkit-client', grant_type: 'password' })
    if (challenge.service) form.set('service', challenge.service)
    form.set('username', credential?.username ?? '')
    form.set('password', credential?.password ?? '')
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' }
    return send(realm, 'POST', headers, form.toString(), trust, deadline)
  }
  const order = !credential ? [get] : tokenTrust.fetchedBy === 'buildx' ? [post, get] : [get, post]
  let answer = await order[0]()
  facts.stage = 'token'
  if (order.length > 1 && [401, 404, 405].includes(answer.status)) answer = await order[1]()
  facts.tokenStatus = answer.status
  return answer.status === 200 ? tokenIn(answer) : undefined
}

/**
 * The scope preflight asks a token for: push to a repository that need not exist (the token
 * service judges the credentials; a registry accepts any repository name), pull for a mirror.
 */
export function preflightScope(mirrorOnly: boolean): string {
  return mirrorOnly
    ? 'repository:library/setup-buildkit-registry-preflight:pull'
    : 'repository:setup-buildkit-registry/preflight:pull,push'
}
