import { basicAuth, type Login } from '../model.js'
import { parseChallenge } from './challenge.js'
import { send, type Answer, type RequestTrust } from './send.js'

// Logging in to a registry as buildkitd does when a request is refused with 401: the credentials
// for a Basic challenge, a token from the realm for a Bearer one. Shared by the image pull and the
// merge; preflight's login probe (preflight/auth-probe.ts) also tries buildx's POST and records
// each step for its diagnosis.

/** The realm's URL with the challenge's service and every scope a token is asked for. */
export function tokenUrl(realm: string | URL, service: string | undefined, scopes: string[]): URL {
  const url = new URL(realm)
  if (service) url.searchParams.set('service', service)
  for (const scope of scopes) url.searchParams.append('scope', scope)
  return url
}

/** The token in a token service's answer (`token`, or OAuth2's `access_token`); undefined when there is none. */
export function tokenIn(answer: Answer): string | undefined {
  try {
    const body = JSON.parse(answer.body) as { token?: string; access_token?: string }
    return body.token || body.access_token || undefined
  } catch {
    return undefined
  }
}

/** GET the realm's token (with the credentials when there are any), as buildkitd fetches one. */
export function getToken(
  url: URL,
  credential: Login | undefined,
  trust: RequestTrust,
  deadline: number,
  signal?: AbortSignal
): Promise<Answer> {
  const headers: Record<string, string> = credential ? { Authorization: `Basic ${basicAuth(credential)}` } : {}
  return send(url, 'GET', headers, '', trust, deadline, { signal })
}

/**
 * The Authorization a 401 answer asks for: the credentials for Basic, a token (from `bearer`, given
 * the realm and service) for Bearer; undefined when neither applies, and the 401 is the answer.
 */
export async function authorizationFor(
  answer: Answer,
  credential: Login | undefined,
  bearer: (realm: string, service: string | undefined) => Promise<string>
): Promise<string | undefined> {
  const challenge = parseChallenge(String(answer.headers['www-authenticate'] ?? ''))
  if (challenge.scheme === 'basic' && credential) return `Basic ${basicAuth(credential)}`
  if (challenge.scheme === 'bearer' && challenge.realm)
    return `Bearer ${await bearer(challenge.realm, challenge.service)}`
  return undefined
}
