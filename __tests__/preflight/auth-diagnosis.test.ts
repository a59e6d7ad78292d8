import { parseHost } from '../../src/inputs/hosts.js'
import type { TokenTrust } from '../../src/model.js'
import { diagnoseAuth } from '../../src/preflight/auth-diagnosis.js'
import type { AuthFacts } from '../../src/preflight/auth-probe.js'

const REALM = 'https://gitlab.internal/jwt/auth'
const registry = { host: parseHost('registry.internal', 'registries', 3), source: 'registries' as const, line: 3 }
const mirror = { ...registry, source: 'mirror' as const }
const credential = { username: 'ci', from: '`username`/`password`' }
const buildx: TokenTrust = { fetchedBy: 'buildx', ca: '' }
const buildkitd: TokenTrust = { fetchedBy: 'buildkitd', ca: '' }

function bearer(overrides: Partial<AuthFacts>): AuthFacts {
  return {
    scheme: 'bearer',
    realm: REALM,
    stage: 'done',
    timedOut: false,
    tokenStatus: 200,
    registryStatus: 200,
    sentClientCert: false,
    ...overrides
  }
}

describe('diagnoseAuth: Bearer', () => {
  it.each([
    ['token granted and accepted', bearer({}), credential, { ok: true, kind: 'token-granted' }],
    [
      'credentials rejected by the realm',
      bearer({ stage: 'token', tokenStatus: 401, registryStatus: undefined }),
      credential,
      { ok: false, kind: 'credentials-rejected' }
    ],
    ['no credentials: only an anonymous token', bearer({}), undefined, { ok: false, kind: 'credentials-missing' }],
    [
      'no credentials, and no anonymous token',
      bearer({ stage: 'token', tokenStatus: 401 }),
      undefined,
      { ok: false, kind: 'credentials-missing' }
    ],
    [
      'realm refused',
      bearer({ stage: 'token-connect', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } }),
      credential,
      { ok: false, kind: 'token-unreachable', message: `token endpoint ${REALM} unreachable (connection refused)` }
    ],
    [
      'realm timed out',
      bearer({ stage: 'token-connect', timedOut: true, error: { code: 'ETIMEDOUT', message: 'no answer' } }),
      credential,
      { ok: false, kind: 'token-unreachable', message: `token endpoint ${REALM} got no answer within 5 s` }
    ],
    ['token refused by the registry', bearer({ registryStatus: 401 }), credential, { ok: false, kind: 'token-refused' }]
  ])('%s', (_name, facts, who, expected) => {
    expect(diagnoseAuth(registry, facts, who, buildx, 5)).toMatchObject(expected)
  })

  it("a realm certificate from an unknown CA names the realm and `ca-cert` (buildx's trust)", () => {
    const facts = bearer({
      stage: 'token-tls',
      error: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }
    })
    const verdict = diagnoseAuth(registry, facts, credential, buildx, 5)
    expect(verdict).toMatchObject({ ok: false, kind: 'token-untrusted' })
    expect(verdict.message).toContain(`token endpoint ${REALM}: x509: certificate signed by unknown authority`)
    expect(verdict.message).toContain('buildx fetches tokens on the runner')
    expect(verdict.fix).toBe("pass the CA that signed gitlab.internal's certificate in `ca-cert`")
    // BuildKit's own fetch trusts the registry's CA: `ca=` on its line works too.
    expect(diagnoseAuth(registry, facts, credential, buildkitd, 5).fix).toBe(
      "pass the CA that signed gitlab.internal's certificate in `ca-cert` (or `ca=` on line 3 of `registries`)"
    )
  })

  it('a token endpoint that wants a client certificate: pass the keypair; sent and refused: another keypair', () => {
    const alert = { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'alert certificate required' }
    expect(diagnoseAuth(registry, bearer({ stage: 'token-tls', error: alert }), credential, buildx, 5)).toMatchObject({
      ok: false,
      kind: 'token-client-cert',
      fix: 'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them (BUILDKIT_NO_CLIENT_TOKEN)'
    })
    const sent = bearer({ stage: 'token-tls', error: alert, sentClientCert: true })
    expect(diagnoseAuth(registry, sent, credential, buildkitd, 5).message).toContain('rejected the client certificate')
  })

  it('a mirror without credentials pulls with an anonymous token', () => {
    expect(diagnoseAuth(mirror, bearer({}), undefined, buildx, 5)).toMatchObject({
      ok: true,
      kind: 'credentials-missing'
    })
  })
})

describe('diagnoseAuth: Basic', () => {
  const basic = (registryStatus?: number): AuthFacts => ({
    scheme: 'basic',
    stage: 'done',
    timedOut: false,
    registryStatus,
    sentClientCert: false
  })
  it('checks the credentials against /v2/ itself', () => {
    expect(diagnoseAuth(registry, basic(200), credential, buildx, 5)).toMatchObject({
      ok: true,
      kind: 'credentials-accepted',
      message: 'credentials of ci (from `username`/`password`) accepted (GET /v2/: 200)'
    })
    expect(diagnoseAuth(registry, basic(401), credential, buildx, 5)).toMatchObject({
      ok: false,
      kind: 'credentials-rejected'
    })
    expect(diagnoseAuth(registry, basic(), undefined, buildx, 5)).toMatchObject({
      ok: false,
      kind: 'credentials-missing'
    })
  })
})

describe('diagnoseAuth: a mirror that asks for credentials it was not given', () => {
  const fix =
    'give the mirror registry.internal credentials of its own: a `credentials` line registry.internal=USERNAME:PASSWORD, or list it in `registries` so that `username`/`password` apply to it (they are not sent to unlisted mirrors); or log in to it (docker/login-action) before this step'

  it('basic auth: ok (the upstream may still serve), with the fix that makes preflight warn', () => {
    const facts: AuthFacts = { scheme: 'basic', stage: 'registry', timedOut: false, sentClientCert: false }
    expect(diagnoseAuth(mirror, facts, undefined, buildx, 5)).toEqual({
      ok: true,
      kind: 'credentials-missing',
      message: 'no credentials for this mirror: it asks for basic auth (GET /v2/: 401); pulls through it will fail',
      fix
    })
  })

  it('a realm that gives no anonymous token: the same fix', () => {
    const verdict = diagnoseAuth(mirror, bearer({ stage: 'token', tokenStatus: 401 }), undefined, buildx, 5)
    expect(verdict).toMatchObject({ ok: false, kind: 'credentials-missing', fix })
  })

  it('a listed registry is told to pass username/password', () => {
    expect(diagnoseAuth(registry, bearer({ stage: 'token', tokenStatus: 401 }), undefined, buildx, 5).fix).toMatch(
      /^pass `username` and `password`/
    )
  })
})

describe('diagnoseAuth: the token endpoint through a proxy', () => {
  const PROXY = 'http://***@proxy.corp:3128 (HTTPS_PROXY)'

  it('names the proxy when the realm is unreachable through it', () => {
    const facts = bearer({
      stage: 'token-connect',
      realmProxy: PROXY,
      error: { code: 'EPROXY', message: `the proxy ${PROXY} answered CONNECT gitlab.internal:443 with 502 Bad Gateway` }
    })
    const result = diagnoseAuth(registry, facts, credential, buildx, 5)
    expect(result).toMatchObject({ ok: false, kind: 'token-unreachable' })
    expect(result.message).toContain(`token endpoint ${REALM} (through the proxy ${PROXY}) unreachable`)
    expect(result.message).toContain('502 Bad Gateway')
  })

  it('a granted token says which way it came', () => {
    expect(diagnoseAuth(registry, bearer({ realmProxy: PROXY }), credential, buildx, 5).message).toBe(
      `token granted by ${REALM} (through the proxy ${PROXY}) for ci (from \`username\`/\`password\`), accepted by the registry`
    )
  })

  it('an untrusted realm behind a proxy still names the realm host in the fix', () => {
    const facts = bearer({
      stage: 'token-tls',
      realmProxy: PROXY,
      error: { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }
    })
    expect(diagnoseAuth(registry, facts, credential, buildx, 5).fix).toBe(
      "pass the CA that signed gitlab.internal's certificate in `ca-cert`"
    )
  })

  it('a token endpoint answering `certificate unknown` to the client certificate is a client-certificate problem (as for the registry)', () => {
    const facts = bearer({
      stage: 'token-tls',
      sentClientCert: true,
      error: { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', message: 'sslv3 alert certificate unknown' }
    })
    expect(diagnoseAuth(registry, facts, credential, buildkitd, 5)).toMatchObject({
      ok: false,
      kind: 'token-client-cert'
    })
  })
})
