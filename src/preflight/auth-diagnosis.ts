import { isMirrorOnly, whereConfigured, type PlannedRegistry, type TokenTrust } from '../model.js'
import type { AuthFacts } from './auth-probe.js'
import { failed, passed, type Diagnosis } from './verdict.js'
import { isClientCertAlert, isUnknownAuthority } from './tls-errors.js'

/** Who logs in, for messages: the input that holds the credentials for this host. */
export interface CredentialSource {
  username: string
  /** `username`/`password`, a `credentials` line, or the Docker client config (an earlier login). */
  from: string
}

/**
 * Turns what logging in saw into a verdict and the input that fixes it. Messages name the realm
 * and the username, never a password or a token. Pure.
 */
export function diagnoseAuth(
  registry: AuthRegistry,
  facts: AuthFacts,
  credential: CredentialSource | undefined,
  tokenTrust: TokenTrust,
  timeoutSeconds: number
): Diagnosis {
  const host = registry.host.text
  const seen: AuthCase = {
    registry,
    facts,
    credential,
    tokenTrust,
    timeoutSeconds,
    // A realm reached through a proxy is named with it (without its credentials).
    realm: `${facts.realm ?? '(no realm)'}${facts.realmProxy ? ` (through the proxy ${facts.realmProxy})` : ''}`,
    // `username`/`password` are never sent to a mirror that `registries` does not list
    // (inputs/read-inputs.ts credentialHosts): a mirror needs credentials of its own.
    passCredentials: isMirrorOnly(registry)
      ? `give the mirror ${host} credentials of its own: a \`credentials\` line ${host}=USERNAME:PASSWORD, ` +
        'or list it in `registries` so that `username`/`password` apply to it (they are not sent to unlisted ' +
        'mirrors); or log in to it (docker/login-action) before this step'
      : `pass \`username\` and \`password\` (or a \`credentials\` line ${host}=USERNAME:PASSWORD), ` +
        'or log in (docker/login-action) before this step',
    who: credential ? `${credential.username} (from ${credential.from})` : '',
    code: facts.error ? `${facts.error.code} ${facts.error.message}` : ''
  }
  if (facts.scheme === 'basic') return diagnoseBasicAuth(seen)
  return diagnoseTokenError(seen) ?? diagnoseTokenAnswer(seen)
}

type AuthRegistry = Pick<PlannedRegistry, 'host' | 'source' | 'line' | 'daemonOrigin' | 'mirrorOnly'>

/** What one login saw, with the words every verdict's message is made of. */
interface AuthCase {
  registry: AuthRegistry
  facts: AuthFacts
  credential: CredentialSource | undefined
  tokenTrust: TokenTrust
  timeoutSeconds: number
  realm: string
  /** The fix when credentials are missing. */
  passCredentials: string
  /** Whose credentials, for messages: `USER (from INPUT)`. */
  who: string
  /** The error's code and message, when one ended the login. */
  code: string
}

/** A registry that asks for basic auth: GET /v2/ with the credentials answers for itself. */
function diagnoseBasicAuth({ registry, facts, credential, passCredentials, who, code }: AuthCase): Diagnosis {
  if (!credential) {
    // ok, since a build may still pull from the upstream; the fix makes it a warning (preflight.ts).
    return isMirrorOnly(registry)
      ? passed(
          'credentials-missing',
          'no credentials for this mirror: it asks for basic auth (GET /v2/: 401); pulls through it will fail',
          passCredentials
        )
      : failed('credentials-missing', 'no credentials for it: it asks for basic auth (GET /v2/: 401)', passCredentials)
  }
  if (facts.error) return failed('token-failed', `GET /v2/ with the credentials of ${who} failed: ${code}`, '')
  if (facts.registryStatus === 200)
    return passed('credentials-accepted', `credentials of ${who} accepted (GET /v2/: 200)`)
  return failed(
    'credentials-rejected',
    `the registry rejected the credentials of ${who} (GET /v2/: ${facts.registryStatus})`,
    `check the username and password in ${credential.from}`
  )
}

const REACH_REALM =
  "the runner and the builder must reach the realm the registry announces: check its token service's external URL"

/** A token login that ended in an error (no answer, TLS, connection): its verdict, or undefined when none did. */
function diagnoseTokenError(seen: AuthCase): Diagnosis | undefined {
  const { facts, realm, code } = seen
  if (facts.timedOut)
    return failed(
      'token-unreachable',
      `token endpoint ${realm} got no answer within ${seen.timeoutSeconds} s`,
      REACH_REALM
    )
  if (facts.error?.code === 'ERR_INVALID_URL')
    return failed(
      'token-failed',
      `the registry announces no usable token realm (${realm})`,
      "check the registry's token auth settings (realm)"
    )
  if (!facts.error) return undefined
  if (facts.stage === 'token-tls') return diagnoseTokenTls(seen, facts.error.code)
  if (facts.stage === 'token-connect') {
    const reason = facts.error.code === 'ECONNREFUSED' ? 'connection refused' : code
    return failed('token-unreachable', `token endpoint ${realm} unreachable (${reason})`, REACH_REALM)
  }
  return failed('token-failed', `logging in through ${realm} failed at ${facts.stage}: ${code}`, '')
}

/** The token endpoint's TLS handshake failed: a client certificate it wants, a CA nobody gave, or another failure. */
function diagnoseTokenTls({ registry, facts, tokenTrust, realm, code }: AuthCase, errorCode: string): Diagnosis {
  if (isClientCertAlert(code)) {
    return facts.sentClientCert
      ? failed(
          'token-client-cert',
          `token endpoint ${realm} rejected the client certificate (${errorCode})`,
          'pass in `client-cert` and `client-key` a keypair the token endpoint trusts'
        )
      : failed(
          'token-client-cert',
          `token endpoint ${realm} requires a client certificate (${errorCode}), ` +
            "which buildx's token requests cannot present",
          'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them ' +
            '(BUILDKIT_NO_CLIENT_TOKEN)'
        )
  }
  if (!isUnknownAuthority(code))
    return failed(
      'token-untrusted',
      `token endpoint ${realm}: the certificate does not verify (${errorCode}: ${facts.error?.message})`,
      'check the certificate the token endpoint serves, or pass its CA in `ca-cert`'
    )
  const byBuildx = tokenTrust.fetchedBy === 'buildx'
  const fetcher = byBuildx
    ? 'buildx fetches tokens on the runner, trusting the system roots plus `ca-cert` and every `ca=`'
    : "BuildKit fetches tokens itself (BUILDKIT_NO_CLIENT_TOKEN, for mTLS registries), trusting the registry's own CA"
  const passCa = `pass the CA that signed ${new URL(facts.realm ?? '').host}'s certificate in \`ca-cert\``
  return failed(
    'token-untrusted',
    `token endpoint ${realm}: x509: certificate signed by unknown authority (${errorCode}); ${fetcher}`,
    byBuildx ? passCa : `${passCa} (or \`ca=\` on ${whereConfigured(registry)})`
  )
}

/** The token endpoint answered: granted or not, and whether the registry took the token. */
function diagnoseTokenAnswer({ registry, facts, credential, realm, who, passCredentials }: AuthCase): Diagnosis {
  if (facts.tokenStatus !== 200) {
    if (credential && (facts.tokenStatus === 401 || facts.tokenStatus === 403))
      return failed(
        'credentials-rejected',
        `token endpoint ${realm} rejected the credentials of ${who} (${facts.tokenStatus})`,
        `check the username and password in ${credential.from}`
      )
    if (!credential)
      return failed(
        'credentials-missing',
        `no credentials for it, and token endpoint ${realm} gives no anonymous token (${facts.tokenStatus})`,
        passCredentials
      )
    return failed('token-failed', `token endpoint ${realm} answered ${facts.tokenStatus} without a token`, '')
  }
  if (facts.registryStatus !== 200)
    return failed(
      'token-refused',
      `token endpoint ${realm} granted a token, but the registry refused it (GET /v2/: ${facts.registryStatus})`,
      "the registry's token settings (issuer, service, signing certificate) do not match its token service"
    )
  if (!credential) {
    const message = `no credentials for it: token endpoint ${realm} grants only an anonymous token`
    return isMirrorOnly(registry)
      ? passed('credentials-missing', `${message} (enough for public pulls)`)
      : failed('credentials-missing', `${message}, which cannot push`, passCredentials)
  }
  return passed('token-granted', `token granted by ${realm} for ${who}, accepted by the registry`)
}
